// The composition root: opens the database, runs migrations, wires the services and registers
// every route. `dataml serve` and the tests build the server through here.
#pragma once

#include <functional>
#include <memory>

#include "core/config.h"
#include "db/database.h"
#include "http/metrics.h"
#include "http/router.h"
#include "jobs/dispatcher.h"
#include "jobs/jobs_service.h"
#include "modules/datalake/datalake_service.h"
#include "modules/datasets/datasets_service.h"
#include "modules/inference/batch_prediction_service.h"
#include "modules/inference/inference_service.h"
#include "modules/train/train_service.h"
#include "modules/auth/auth_service.h"
#include "modules/rbac/rbac_service.h"
#include "modules/templates/templates_service.h"
#include "modules/tenants/tenants_service.h"
#include "modules/users/users_service.h"
#include "storage/blob_store.h"

namespace dataml::app {

struct App {
  std::unique_ptr<db::Database> db;
  std::unique_ptr<rbac::RbacService> rbac;
  std::unique_ptr<tenants::TenantsService> tenants;
  std::unique_ptr<users::UsersService> users;
  std::unique_ptr<auth::AuthService> auth;
  std::unique_ptr<templates::TemplatesService> templates;
  std::unique_ptr<storage::BlobStore> store;
  std::unique_ptr<jobs::JobsService> jobs;
  std::unique_ptr<jobs::Dispatcher> dispatcher;  // started by `serve` once its port is bound
  std::unique_ptr<datalake::DatalakeService> datalake;
  std::unique_ptr<datasets::DatasetsService> datasets;
  std::unique_ptr<train::TrainService> train;
  std::unique_ptr<inference::BatchPredictionService> batch_predictions;
  std::unique_ptr<inference::InferenceService> inference;
  http::Router router;
  std::unique_ptr<http::Metrics> metrics;  // built with the routes
  std::function<size_t()> pool_queue_depth;  // set by the server that serves the routes
};

// Opens and migrates the database and builds the services (no routes). `jwt_secret` signs
// access tokens.
Result<std::unique_ptr<App>> BuildServices(const ServerConfig& config, const std::string& jwt_secret);
void RegisterRoutes(App& app, const ServerConfig& config);

// DATAML_JWT_SECRET, or a secret generated once and kept in <data_dir>/jwt_secret (mode 0600).
Result<std::string> LoadJwtSecret(const std::string& data_dir);

}  // namespace dataml::app
