#include "app/bootstrap.h"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>

#include "core/crypto.h"

namespace dataml::app {
namespace {

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::string(value) : fallback;
}

std::string RandomPassword() {
  // 20 URL-safe characters; retry until it meets the password policy (letter and digit).
  for (;;) {
    std::string candidate = RandomToken(15);
    if (users::UsersService::CheckPasswordPolicy(candidate, "admin", {}).ok()) return candidate;
  }
}

}  // namespace

Status Bootstrap(App& app) {
  DATAML_ASSIGN_OR_RETURN(auto tenant, app.tenants->FindByName(kDefaultTenantName));
  if (!tenant) {
    auto created = app.tenants->Create(kDefaultTenantName);
    // Another server may have created it at the same moment.
    if (!created.ok() && created.status().code() != StatusCode::kAlreadyExists) return created.status();
    DATAML_ASSIGN_OR_RETURN(tenant, app.tenants->FindByName(kDefaultTenantName));
    if (!tenant) return Status::Internal("default tenant could not be created");
  }
  DATAML_ASSIGN_OR_RETURN(bool has_superuser, app.users->AnySuperuser());
  if (has_superuser) return Status::OK();

  users::CreateUserInput admin;
  admin.tenant_id = tenant->id;
  admin.username = EnvOr("DATAML_ADMIN_USERNAME", "admin");
  admin.email = EnvOr("DATAML_ADMIN_EMAIL", admin.username + "@dataml.local");
  admin.is_superuser = true;
  const char* env_password = std::getenv("DATAML_ADMIN_PASSWORD");
  bool generated = env_password == nullptr || *env_password == '\0';
  admin.password = generated ? RandomPassword() : std::string(env_password);
  auto created = admin.password.empty() ? Result<users::User>(Status::Internal("no password"))
                                        : app.users->CreateUnchecked(admin);
  if (!created.ok()) {
    if (created.status().code() == StatusCode::kAlreadyExists) return Status::OK();  // a peer won
    return Status(created.status().code(),
                  "cannot create the superuser: " + created.status().message());
  }
  spdlog::info("created platform superuser '{}' in tenant '{}'", admin.username, kDefaultTenantName);
  if (generated) {
    std::printf("Created superuser '%s' with password: %s\n(shown once: set DATAML_ADMIN_PASSWORD to choose it)\n",
                admin.username.c_str(), admin.password.c_str());
    std::fflush(stdout);
  }
  return Status::OK();
}

}  // namespace dataml::app
