// The composition root: opens the database, runs migrations, wires the services and registers
// every route. `dataml serve` and the tests build the server through here.
#pragma once

#include <memory>

#include "core/config.h"
#include "db/database.h"
#include "http/router.h"
#include "modules/auth/auth_service.h"
#include "modules/rbac/rbac_service.h"
#include "modules/templates/templates_service.h"
#include "modules/tenants/tenants_service.h"
#include "modules/users/users_service.h"

namespace dataml::app {

struct App {
  std::unique_ptr<db::Database> db;
  std::unique_ptr<rbac::RbacService> rbac;
  std::unique_ptr<tenants::TenantsService> tenants;
  std::unique_ptr<users::UsersService> users;
  std::unique_ptr<auth::AuthService> auth;
  std::unique_ptr<templates::TemplatesService> templates;
  http::Router router;
};

// Opens and migrates the database and builds the services (no routes). `jwt_secret` signs
// access tokens.
Result<std::unique_ptr<App>> BuildServices(const ServerConfig& config, const std::string& jwt_secret);
void RegisterRoutes(App& app, const ServerConfig& config);

// DATAML_JWT_SECRET, or a secret generated once and kept in <data_dir>/jwt_secret (mode 0600).
Result<std::string> LoadJwtSecret(const std::string& data_dir);

}  // namespace dataml::app
