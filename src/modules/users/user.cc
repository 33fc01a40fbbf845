#include "modules/users/user.h"

namespace dataml::users {

nlohmann::json ToJson(const User& user) {
  auto optional = [](const std::optional<std::string>& v) -> nlohmann::json {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  return {{"id", user.id},
          {"tenant_id", user.tenant_id},
          {"first_name", optional(user.first_name)},
          {"last_name", optional(user.last_name)},
          {"email", user.email},
          {"username", user.username},
          {"is_active", user.is_active},
          {"is_superuser", user.is_superuser},
          {"created_at", user.created_at},
          {"modified_at", user.modified_at}};
}

}  // namespace dataml::users
