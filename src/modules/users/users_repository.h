// SQL for the users table. Tenant scoping is the caller's (UsersService) job: every method
// that can see several tenants takes the tenant explicitly.
#pragma once

#include <optional>
#include <vector>

#include "db/database.h"
#include "modules/users/user.h"
#include "core/sort_key.h"

namespace dataml::users {

struct NewUser {
  std::string tenant_id;
  std::string username;
  std::string email;
  std::optional<std::string> first_name;
  std::optional<std::string> last_name;
  std::string password_hash;
  bool is_superuser = false;
};

struct UserChanges {
  std::optional<std::optional<std::string>> first_name;  // outer: given; inner: null clears
  std::optional<std::optional<std::string>> last_name;
  std::optional<std::string> email;
  std::optional<bool> is_active;
};

class UsersRepository {
 public:
  explicit UsersRepository(db::Database& db) : db_(db) {}

  Result<User> Insert(const NewUser& user);
  Result<std::optional<UserWithPassword>> FindById(int64_t id);
  Result<std::optional<UserWithPassword>> FindByUsername(const std::string& username);
  Result<bool> UsernameTaken(const std::string& username);
  Result<bool> EmailTaken(const std::string& email, int64_t except_user_id);
  // tenant_id empty: every tenant.
  Result<std::vector<User>> List(const std::string& tenant_id, int64_t skip, int64_t limit, const SortKey& sort = {});
  Result<int64_t> Count(const std::string& tenant_id);
  Status Update(int64_t id, const UserChanges& changes);
  Status SetPassword(int64_t id, const std::string& password_hash, int64_t changed_at);
  Result<bool> AnySuperuser();

 private:
  db::Database& db_;
};

}  // namespace dataml::users
