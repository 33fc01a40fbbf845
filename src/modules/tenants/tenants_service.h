// Tenants: created and listed by the platform superuser only. A new tenant gets the built-in
// permissions and roles in the same transaction.
#pragma once

#include <functional>
#include <vector>

#include "core/principal.h"
#include "modules/rbac/rbac_service.h"
#include "modules/tenants/tenants_repository.h"

namespace dataml::tenants {

class TenantsService {
 public:
  TenantsService(db::Database& db, rbac::RbacService& rbac) : db_(db), repo_(db), rbac_(rbac) {}

  Result<Tenant> Create(const std::string& name);
  // What other modules set up for every new tenant, in its creating transaction (the app
  // registers them: those modules are built on this one).
  using CreatedListener = std::function<void(soci::session& sql, const std::string& tenant_id)>;
  void OnCreated(CreatedListener listener) { created_listeners_.push_back(std::move(listener)); }
  Result<Tenant> Get(const std::string& id);
  Result<std::optional<Tenant>> FindByName(const std::string& name);
  Result<std::vector<Tenant>> List(int64_t skip, int64_t limit, const SortKey& sort = {});
  Result<int64_t> Count() { return repo_.Count(); }
  // The tenant a caller acts in: their own, or for a superuser the one they name (which must
  // exist). Another tenant named by a non-superuser answers NotFound, never revealing it.
  Result<std::string> ResolveTenant(const Principal& caller, const std::optional<std::string>& requested);

 private:
  db::Database& db_;
  TenantsRepository repo_;
  rbac::RbacService& rbac_;
  std::vector<CreatedListener> created_listeners_;
};

}  // namespace dataml::tenants
