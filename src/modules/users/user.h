// The user record as the rest of the system sees it (never with its password hash).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace dataml::users {

struct User {
  int64_t id = 0;
  std::string tenant_id;
  std::string username;
  std::string email;
  std::optional<std::string> first_name;
  std::optional<std::string> last_name;
  bool is_active = true;
  bool is_superuser = false;
  int64_t password_changed_at = 0;  // Unix seconds; access tokens issued before it are refused
  std::string created_at;
  std::string modified_at;
};

// Used only by login and password changes.
struct UserWithPassword {
  User user;
  std::string password_hash;
};

nlohmann::json ToJson(const User& user);

}  // namespace dataml::users
