#include "app/app.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/crypto.h"
#include "db/migrations.h"
#include "jobs/job_handlers.h"
#include "modules/auth/auth_handlers.h"
#include "modules/console/console_handlers.h"
#include "modules/datalake/datalake_handlers.h"
#include "modules/datasets/datasets_handlers.h"
#include "modules/docs/docs_handlers.h"
#include "modules/files/files_handlers.h"
#include "modules/inference/inference_handlers.h"
#include "modules/metrics/metrics_handlers.h"
#include "modules/ray/ray_handlers.h"
#include "modules/rbac/rbac_handlers.h"
#include "modules/templates/templates_handlers.h"
#include "modules/tenants/tenants_handlers.h"
#include "modules/tenants/tenant_scope.h"
#include "modules/train/train_handlers.h"
#include "modules/users/users_handlers.h"
#include "modules/utils/utils_handlers.h"

namespace dataml::app {
namespace {

constexpr size_t kMinSecretLength = 32;

}  // namespace

Result<std::string> LoadJwtSecret(const std::string& data_dir) {
  if (const char* env = std::getenv("DATAML_JWT_SECRET"); env != nullptr && *env != '\0') {
    std::string secret(env);
    if (secret.size() < kMinSecretLength) {
      return Status::InvalidArgument("DATAML_JWT_SECRET must be at least 32 characters");
    }
    return secret;
  }
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  const std::string path = (std::filesystem::path(data_dir) / "jwt_secret").string();
  // O_EXCL: when two servers start on one data dir, one writes and both read the same secret.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd >= 0) {
    std::string secret = RandomToken(48);
    bool written = ::write(fd, secret.data(), secret.size()) == static_cast<ssize_t>(secret.size());
    ::close(fd);
    if (!written) return Status::Internal("cannot write " + path);
    spdlog::info("generated a JWT signing secret in {}", path);
    return secret;
  }
  std::ifstream in(path);
  std::string secret;
  std::getline(in, secret);
  if (secret.size() < kMinSecretLength) return Status::Internal("cannot read a valid secret from " + path);
  return secret;
}

Result<std::unique_ptr<App>> BuildServices(const ServerConfig& config, const std::string& jwt_secret) {
  auto app = std::make_unique<App>();
  DATAML_ASSIGN_OR_RETURN(app->db, db::Database::Open(config.EffectiveDbUrl(),
                                                      static_cast<size_t>(config.EffectiveDbPoolSize())));
  DATAML_RETURN_NOT_OK(db::Migrate(*app->db));
  app->rbac = std::make_unique<rbac::RbacService>(*app->db);
  app->tenants = std::make_unique<tenants::TenantsService>(*app->db, *app->rbac);
  app->users = std::make_unique<users::UsersService>(*app->db, *app->tenants);
  app->auth = std::make_unique<auth::AuthService>(
      *app->db, *app->users, *app->rbac,
      auth::AccessTokenCodec(jwt_secret, config.access_token_ttl_seconds),
      auth::LoginPolicy::FromConfig(config));
  app->templates = std::make_unique<templates::TemplatesService>(*app->db);
  DATAML_ASSIGN_OR_RETURN(app->store, storage::BlobStore::OpenLocal(config.data_dir));
  if (size_t swept = app->store->RemoveStaleStaging(24 * 3600); swept > 0) {
    spdlog::info("removed {} upload staging directories older than a day", swept);
  }
  // Job tokens are keyed by the JWT secret, which every server of a deployment shares.
  app->jobs = std::make_unique<jobs::JobsService>(*app->db, jwt_secret, config.job_backend);
  app->datalake = std::make_unique<datalake::DatalakeService>(*app->db, *app->store);
  // Every tenant's lake has the medallion namespaces (migration 9 gave them to the tenants before it).
  app->tenants->OnCreated(datalake::DatalakeRepository::CreateNamespaces);
  app->datasets =
      std::make_unique<datasets::DatasetsService>(*app->db, *app->store, *app->templates, *app->jobs, *app->datalake);
  app->train = std::make_unique<train::TrainService>(*app->db, *app->store, *app->datasets, *app->jobs,
                                                     config.train_num_workers);
  app->batch_predictions =
      std::make_unique<inference::BatchPredictionService>(*app->db, *app->jobs, *app->datasets, *app->train,
                                                          *app->datalake);
  app->inference = std::make_unique<inference::InferenceService>(*app->db, *app->store, *app->datasets, *app->train,
                                                                  *app->batch_predictions, config.prediction_log_max_rows);
  // Datasets cannot depend on the module built on them; it asks through this hook instead.
  app->datasets->SetUsedByModels([train = app->train.get()](const std::string& tenant_id, int64_t dataset_id) {
    return train->CountUsingDataset(tenant_id, dataset_id);
  });
  return app;
}

namespace {

// The server's own counters plus what is measured at scrape time: the pool's queue and jobs.
Result<std::string> RenderMetrics(const App& app) {
  http::MetricFamily queue{"dataml_http_pool_queue_depth", "Requests waiting for a thread of the handler pool",
                           http::MetricType::kGauge, {{{}, app.pool_queue_depth ? double(app.pool_queue_depth()) : 0.0}}};
  http::MetricFamily jobs{"dataml_jobs", "Jobs in the queue by state, all tenants", http::MetricType::kGauge, {}};
  DATAML_ASSIGN_OR_RETURN(auto counts, app.jobs->CountByState());
  for (const auto& [state, count] : counts) jobs.samples.push_back({{{"state", state}}, static_cast<double>(count)});
  return app.metrics->Render({queue, jobs});
}

// The built web console, or null (logged) when there is none to serve: the API runs without it.
std::shared_ptr<const console::ConsoleAssets> LoadConsole(const std::string& dir) {
  auto assets = console::ConsoleAssets::Load(dir);
  if (!assets.ok()) {
    spdlog::warn("the web console is not served: {} (build it with make build, or set --console-dir)",
                 assets.status().message());
    return nullptr;
  }
  spdlog::info("serving the web console at / ({} files from {})", (*assets)->file_count(), dir);
  return std::move(assets).ValueOrDie();
}

}  // namespace

void RegisterRoutes(App& app, const ServerConfig& config) {
  http::Router& r = app.router;
  utils::RegisterUtilsRoutes(r, *app.db, *app.jobs);
  auth::RegisterAuthRoutes(r, *app.auth, *app.users);
  users::RegisterUsersRoutes(r, *app.users, *app.tenants, *app.auth);
  tenants::RegisterTenantsRoutes(r, *app.tenants);
  rbac::RegisterRbacRoutes(r, *app.rbac, *app.tenants, *app.users);
  templates::RegisterTemplatesRoutes(r, *app.templates, *app.tenants);
  datasets::RegisterDatasetsRoutes(r, *app.datasets, *app.tenants);
  files::RegisterFilesRoutes(r, *app.datasets, *app.store, *app.tenants);
  datalake::RegisterDatalakeRoutes(r, *app.datalake, *app.tenants);
  train::RegisterTrainRoutes(r, *app.train, *app.jobs, *app.tenants);
  ray::RegisterRayRoutes(r, *app.jobs, *app.tenants);
  inference::RegisterInferenceRoutes(r, *app.inference, *app.batch_predictions, *app.jobs, *app.tenants);
  jobs::RegisterJobsRoutes(r, *app.jobs, [&app](const http::Request& req) {
    return tenants::TenantOfRequest(*app.tenants, req);
  });
  docs::RegisterDocsRoutes(r, config.swagger_dir.empty() ? DATAML_DEFAULT_SWAGGER_DIR : config.swagger_dir);
  metrics::RegisterMetricsRoutes(r, *app.auth, config.metrics_token, [&app] { return RenderMetrics(app); });
  console::RegisterConsoleRoutes(r, LoadConsole(config.console_dir.empty() ? DATAML_DEFAULT_CONSOLE_DIR
                                                                           : config.console_dir));

  std::vector<http::MetricRoute> routes;
  for (const http::Route& route : r.routes()) routes.push_back({route.method, route.path_template});
  // The fallback's requests are counted after the routes (Dispatcher::Admit).
  if (const http::Route* fallback = r.fallback()) routes.push_back({fallback->method, fallback->path_template});
  app.metrics = std::make_unique<http::Metrics>(std::move(routes));
}

}  // namespace dataml::app
