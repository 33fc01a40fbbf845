#include "modules/tenants/tenants_service.h"

#include "core/text.h"

namespace dataml::tenants {

Result<Tenant> TenantsService::Create(const std::string& raw_name) {
  std::string name = Trim(raw_name);
  if (name.empty() || name.size() > 100 || HasControlCharacters(name)) {
    return Status::Invalid({{{"name"},
                             "Tenant name must be 1 to 100 characters without control characters",
                             "value_error"}});
  }
  DATAML_ASSIGN_OR_RETURN(auto existing, repo_.FindByName(name));
  if (existing) return Status::AlreadyExists("A tenant named '" + name + "' already exists");
  return db_.Transact<Tenant>([&](soci::session& sql) -> Result<Tenant> {
    Tenant tenant = repo_.Insert(sql, name);
    rbac_.SeedTenant(sql, tenant.id);
    for (const CreatedListener& listener : created_listeners_) listener(sql, tenant.id);
    return tenant;
  });
}

Result<Tenant> TenantsService::Get(const std::string& id) {
  DATAML_ASSIGN_OR_RETURN(auto tenant, repo_.FindById(id));
  if (!tenant) return Status::NotFound("Tenant not found");
  return *tenant;
}

Result<std::string> TenantsService::ResolveTenant(const Principal& caller,
                                                 const std::optional<std::string>& requested) {
  if (!requested || requested->empty() || *requested == caller.tenant_id) return caller.tenant_id;
  if (!caller.is_superuser) return Status::NotFound("Tenant not found");
  DATAML_ASSIGN_OR_RETURN(Tenant tenant, Get(*requested));
  return tenant.id;
}

Result<std::optional<Tenant>> TenantsService::FindByName(const std::string& name) {
  return repo_.FindByName(name);
}

Result<std::vector<Tenant>> TenantsService::List(int64_t skip, int64_t limit, const SortKey& sort) {
  return repo_.List(skip, limit, sort);
}

}  // namespace dataml::tenants
