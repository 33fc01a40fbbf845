// dataml: `serve` runs the HTTP API; `admin` runs operator tasks against the same database.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <thread>

#include "app/app.h"
#include "app/bootstrap.h"
#include "core/crypto.h"
#include "db/migrations.h"
#include "http/server.h"
#include "jobs/backends.h"
#include "jobs/local_backend.h"
#include "worker/worker.h"

namespace {

using dataml::ServerConfig;
using dataml::Status;

int Fail(const Status& status) {
  std::fprintf(stderr, "dataml: %s\n", status.message().c_str());
  return 1;
}

int Serve(ServerConfig config, const dataml::jobs::DispatcherOptions& job_options) {
  // Block the stop signals in every thread; one thread waits for them and stops the server.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  Status backend_name = dataml::jobs::CheckBackendName(config.job_backend);
  if (!backend_name.ok()) return Fail(backend_name);
  auto secret = dataml::app::LoadJwtSecret(config.data_dir);
  if (!secret.ok()) return Fail(secret.status());
  auto app = dataml::app::BuildServices(config, *secret);
  if (!app.ok()) return Fail(app.status());
  Status boot = dataml::app::Bootstrap(**app);
  if (!boot.ok()) return Fail(boot);
  dataml::app::RegisterRoutes(**app, config);

  dataml::http::ServerOptions options = dataml::http::ServerOptions::Defaults();
  options.host = config.host;
  options.port = config.port;
  options.io_threads = config.EffectiveIoThreads();
  options.threads = config.threads;
  options.max_body_bytes = config.max_body_bytes;
  options.max_upload_bytes = config.max_upload_bytes;
  options.max_connections = static_cast<size_t>(config.max_connections);
  options.max_uploads = config.max_uploads;
  options.header_timeout = std::chrono::seconds(config.header_timeout_seconds);
  options.idle_timeout = std::chrono::seconds(config.idle_timeout_seconds);
  options.body_timeout = std::chrono::seconds(config.body_timeout_seconds);
  options.shutdown_grace = std::chrono::seconds(config.shutdown_grace_seconds);
  options.access_log = config.access_log;
  auto server = dataml::http::Server::Make(options, (*app)->router, *(*app)->auth, (*app)->metrics.get());
  if (!server.ok()) return Fail(server.status());
  auto port = (*server)->Bind();
  if (!port.ok()) return Fail(port.status());
  // Workers call back over HTTP, so jobs start only once the port is known.
  dataml::jobs::BackendSettings backend_settings;
  backend_settings.name = config.job_backend;
  backend_settings.server_url =
      config.callback_url.empty() ? dataml::jobs::LoopbackUrl(config.host, *port) : config.callback_url;
  backend_settings.data_dir = config.data_dir;
  backend_settings.ray_address = config.ray_address;
  backend_settings.ray_token = config.ray_token;
  backend_settings.ray_token_path = config.ray_token_path;
  backend_settings.worker_binary = config.ray_worker_binary;
  backend_settings.worker_data_dir = config.ray_worker_data_dir;
  backend_settings.worker_cpus = config.ray_worker_cpus;
  auto backend = dataml::jobs::MakeBackend(backend_settings);
  if (!backend.ok()) return Fail(backend.status());
  (*app)->dispatcher = std::make_unique<dataml::jobs::Dispatcher>(*(*app)->jobs, std::move(*backend), job_options);
  Status dispatching = (*app)->dispatcher->Start();
  if (!dispatching.ok()) return Fail(dispatching);
  (*app)->pool_queue_depth = [raw = server->get()] { return raw->PoolQueueDepth(); };
  std::printf("dataml listening on http://%s:%d (database: %s)\n", config.host.c_str(), *port,
              (*app)->db->dialect_name());
  std::fflush(stdout);

  std::thread stopper([&server, signals] {
    int received = 0;
    sigwait(&signals, &received);
    spdlog::info("signal {} received, shutting down", received);
    (*server)->Stop();
  });
  Status served = (*server)->Listen();
  // If the server stopped on its own, wake the signal thread so it can be joined.
  if (stopper.joinable()) {
    pthread_kill(stopper.native_handle(), SIGTERM);
    stopper.join();
  }
  (*app)->dispatcher->Stop();  // terminates running workers: nobody would take their results
  spdlog::shutdown();  // flushes the access log's queue
  return served.ok() ? 0 : Fail(served);
}

int AdminResetPassword(const ServerConfig& config, const std::string& username,
                       const std::string& password) {
  auto secret = dataml::app::LoadJwtSecret(config.data_dir);
  if (!secret.ok()) return Fail(secret.status());
  auto app = dataml::app::BuildServices(config, *secret);
  if (!app.ok()) return Fail(app.status());
  auto user = (*app)->users->FindByUsername(username);
  if (!user.ok()) return Fail(user.status());
  if (!*user) return Fail(Status::NotFound("no user named " + username));
  Status set = (*app)->users->SetPassword((**user).user.id, password, (**user).user.username);
  if (!set.ok()) return Fail(set);
  std::printf("password of '%s' changed\n", username.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (!dataml::InitCrypto()) return Fail(Status::Internal("libsodium failed to initialise"));
  ServerConfig config = ServerConfig::Defaults();
  config.ApplyEnvironment();

  CLI::App cli{"dataml: multi-tenant machine learning for tabular data"};
  cli.require_subcommand(1);
  auto add_common = [&config](CLI::App* cmd) {
    cmd->add_option("--data-dir", config.data_dir, "Data directory (SQLite file, blobs, secrets)")
        ->envname("DATAML_DATA_DIR");
    cmd->add_option("--db", config.db_url, "sqlite:///path or postgresql://user:pass@host:port/db")
        ->envname("DATAML_DB");
    cmd->add_option("--log-level", config.log_level, "trace, debug, info, warn, error");
  };

  CLI::App* serve = cli.add_subcommand("serve", "Run the HTTP API server");
  add_common(serve);
  serve->add_option("--host", config.host, "Address to listen on")->envname("DATAML_HOST");
  serve->add_option("--port", config.port, "Port to listen on (0: any free port)")->envname("DATAML_PORT");
  serve->add_option("--io-threads", config.io_threads, "HTTP I/O threads, which own the connections (0: one per core)")
      ->envname("DATAML_IO_THREADS");
  serve->add_option("--threads", config.threads, "Threads for the handlers that may block (database, uploads)")
      ->envname("DATAML_THREADS");
  serve->add_option("--max-connections", config.max_connections, "Open connections at once; more are refused")
      ->envname("DATAML_MAX_CONNECTIONS");
  serve->add_option("--max-uploads", config.max_uploads, "Uploads at once (0: half of --threads); more get 503")
      ->envname("DATAML_MAX_UPLOADS");
  serve->add_option("--db-pool", config.db_pool_size, "Metadata database sessions (0: one per thread)")
      ->envname("DATAML_DB_POOL");
  serve->add_option("--console-dir", config.console_dir,
                    "The web console's build, served at / (default: the console/ folder of the build tree)")
      ->envname("DATAML_CONSOLE_DIR");

  dataml::jobs::DispatcherOptions job_options = dataml::jobs::DispatcherOptions::Defaults();
  serve->add_option("--max-jobs", job_options.max_concurrent_jobs, "Jobs this server runs at once")
      ->envname("DATAML_MAX_JOBS");
  serve->add_option("--job-lease-seconds", job_options.lease_seconds,
                    "How long a running job stays this server's without renewal (renewed every sixth of it); "
                    "then another server fails or adopts it")
      ->envname("DATAML_JOB_LEASE_SECONDS")
      ->check(CLI::Range(int64_t{2}, int64_t{86400}));
  serve->add_option("--job-backend", config.job_backend,
                    "Where jobs run: local (child processes of this server) or ray (Ray jobs)")
      ->envname("DATAML_JOB_BACKEND");
  serve->add_option("--callback-url", config.callback_url, "Where workers reach this server (default: its loopback URL)")
      ->envname("DATAML_CALLBACK_URL");
  serve->add_option("--ray-address", config.ray_address,
                    "The Ray dashboard's URL (else RAY_API_SERVER_ADDRESS, RAY_ADDRESS)");
  serve->add_option("--ray-worker-cpus", config.ray_worker_cpus, "CPUs Ray reserves for each worker")
      ->envname("DATAML_RAY_WORKER_CPUS");
  serve->add_option("--train-num-workers", config.train_num_workers,
                    "Workers of a training whose request does not say, where several may (ray backend, XGBoost or RandomForest)")
      ->envname("DATAML_TRAIN_NUM_WORKERS")
      ->check(CLI::Range(int64_t{1}, int64_t{64}));

  CLI::App* worker = cli.add_subcommand("worker", "Run one job (started by the server's job dispatcher)");
  int64_t job_id = 0;
  std::string server_url;
  worker->add_option("--job", job_id, "Job id")->required();
  worker->add_option("--server", server_url, "URL of the server that owns the job")->required();
  worker->add_option("--data-dir", config.data_dir, "Data directory (blobs)");
  int worker_rank = 0;
  worker->add_option("--rank", worker_rank, "This worker's rank in a job that runs on several (0 reports)")
      ->check(CLI::NonNegativeNumber);
  worker->add_option("--log-level", config.log_level, "trace, debug, info, warn, error");

  CLI::App* admin = cli.add_subcommand("admin", "Operator tasks");
  admin->require_subcommand(1);
  CLI::App* migrate = admin->add_subcommand("migrate", "Apply database migrations and exit");
  add_common(migrate);
  CLI::App* reset = admin->add_subcommand("reset-password", "Set a user's password");
  add_common(reset);
  std::string username, password;
  reset->add_option("--username", username)->required();
  reset->add_option("--password", password, "New password (or DATAML_NEW_PASSWORD)")
      ->envname("DATAML_NEW_PASSWORD")->required();

  CLI11_PARSE(cli, argc, argv);
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  Status valid = config.Validate();
  if (!valid.ok()) return Fail(valid);

  if (serve->parsed()) {
    job_options.lease_renew_seconds = std::max<int64_t>(1, job_options.lease_seconds / 6);
    return Serve(config, job_options);
  }
  if (worker->parsed()) return dataml::worker::WorkerMain(job_id, server_url, config.data_dir, worker_rank);
  if (migrate->parsed()) {
    auto db = dataml::db::Database::Open(config.EffectiveDbUrl(), 1);
    if (!db.ok()) return Fail(db.status());
    Status migrated = dataml::db::Migrate(**db);
    if (!migrated.ok()) return Fail(migrated);
    std::printf("database is at schema version %lld\n",
                static_cast<long long>(*dataml::db::SchemaVersion(**db)));
    return 0;
  }
  if (reset->parsed()) return AdminResetPassword(config, username, password);
  return 0;
}
