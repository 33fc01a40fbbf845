// Users of a tenant: creation with password policy, tenant-scoped reads, profile updates,
// deactivation and password changes.
#pragma once

#include <chrono>
#include <memory>

#include "core/principal.h"
#include "core/ttl_cache.h"
#include "modules/tenants/tenants_service.h"
#include "modules/users/users_repository.h"

namespace dataml::users {

// How long the user row read by the token check of every request may be reused. Changes made
// through this process (deactivation, profile changes, password resets) take effect at once;
// one made by another server sharing the database, or by `dataml admin reset-password`, is seen
// here up to this long later. One second keeps that window short while sparing the database a
// query per request.
inline constexpr std::chrono::seconds kActiveUserCacheTtl{1};
// Bound on the rows kept: well above the users one server sees within one TTL.
inline constexpr size_t kActiveUserCacheCapacity = 4096;

struct CreateUserInput {
  std::string tenant_id;
  std::string username;
  std::string email;
  std::optional<std::string> first_name;
  std::optional<std::string> last_name;
  std::string password;
  bool is_superuser = false;  // only bootstrap and operators create superusers
};

struct UserList {
  std::vector<User> users;
  int64_t count = 0;
};

class UsersService {
 public:
  UsersService(db::Database& db, tenants::TenantsService& tenants)
      : repo_(db),
        tenants_(tenants),
        active_users_(kActiveUserCacheCapacity, kActiveUserCacheTtl) {}

  // The caller must already be allowed to create users (can_manage_users); the tenant is
  // resolved from the caller (a superuser may name any existing tenant).
  Result<User> Create(const Principal& caller, const CreateUserInput& input);
  // For bootstrap and `dataml admin`: no caller.
  Result<User> CreateUnchecked(const CreateUserInput& input);

  // Another tenant's user answers NotFound (superusers see every tenant).
  Result<User> Get(const Principal& caller, int64_t user_id);
  Result<UserList> List(const std::string& tenant_id, int64_t skip, int64_t limit, const SortKey& sort = {});

  // Profile changes: a user may change their own names and email; `caller_manages_users`
  // callers may change those of others and (de)activate them. A superuser account can only be
  // changed by a superuser.
  Result<User> Update(const Principal& caller, bool caller_manages_users, int64_t user_id,
                      const UserChanges& changes);

  // For authentication: the active user with this id, or NotFound.
  Result<User> FindActive(int64_t user_id);
  // The same, possibly as read up to kActiveUserCacheTtl ago (see there). For the token check
  // of every request; anything that acts on a user reads it with FindActive.
  Result<std::shared_ptr<const User>> FindActiveCached(int64_t user_id);
  Result<std::optional<UserWithPassword>> FindForLogin(const std::string& username);
  Result<std::optional<UserWithPassword>> FindWithPassword(int64_t user_id);
  Result<std::optional<UserWithPassword>> FindByUsername(const std::string& username);
  Status SetPassword(int64_t user_id, const std::string& new_password, const std::string& username);
  Result<bool> AnySuperuser() { return repo_.AnySuperuser(); }

  // The password policy: 8 to 128 characters with a letter and a digit, not the user name.
  // A violation is reported at `loc`, the password's field in the caller's input.
  static Status CheckPasswordPolicy(const std::string& password, const std::string& username,
                                    std::vector<std::string> loc);

 private:
  Status ValidateNewUser(const CreateUserInput& input);

  UsersRepository repo_;
  tenants::TenantsService& tenants_;
  // Active users by id, for FindActiveCached. Every method here that changes a user forgets it.
  TtlCache<int64_t, User> active_users_;
};

}  // namespace dataml::users
