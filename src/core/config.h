// Server configuration: command-line flags over environment variables over defaults.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"

namespace dataml {

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8000;
  std::string data_dir = "./var";
  std::string db_url;  // empty: sqlite:///<data_dir>/dataml.db
  // HTTP I/O threads, which own every connection (0: one per core), and the pool that runs
  // the handlers that may block. Connections are not tied to threads: this bounds the requests
  // worked on at once, not the clients.
  int io_threads = 0;
  int threads = 16;
  int EffectiveIoThreads() const;
  // Metadata DB sessions; 0: one per thread that may query (pool and I/O threads). Fewer
  // sessions than threads queue requests on the pool, whose lease is not fair (p99 of an
  // authenticated GET went from 9 ms to 166 ms with 16 sessions for 64 workers).
  int db_pool_size = 0;
  int EffectiveDbPoolSize() const { return db_pool_size > 0 ? db_pool_size : threads + EffectiveIoThreads(); }
  int max_connections = 10000;        // open at once; more are answered 503 and closed
  int max_uploads = 0;                // uploads at once (0: half of `threads`); more get 503
  int header_timeout_seconds = 10;    // from a request's first byte to the end of its header
  int idle_timeout_seconds = 60;      // an idle keep-alive connection is closed after it
  int body_timeout_seconds = 30;      // the longest wait for body bytes, or for a write
  int shutdown_grace_seconds = 30;    // SIGTERM: in-flight requests' time to finish
  bool access_log = true;             // a line per request on standard output
  std::string metrics_token;          // besides superusers, this bearer token may read /metrics
  std::string job_backend = "local";  // where jobs run (jobs/backends.h)
  std::string callback_url;           // where workers reach this server; empty: its loopback URL
  // The ray job backend (jobs/ray_backend.h).
  std::string ray_address;          // the dashboard's URL; else RAY_API_SERVER_ADDRESS, RAY_ADDRESS
  std::string ray_token;            // RAY_AUTH_TOKEN
  std::string ray_token_path;       // RAY_AUTH_TOKEN_PATH: a file that holds the token
  std::string ray_worker_binary;    // DATAML_RAY_WORKER_BINARY; empty: this server's executable
  std::string ray_worker_data_dir;  // DATAML_RAY_WORKER_DATA_DIR; empty: --data-dir, made absolute
  double ray_worker_cpus = 1;       // CPUs Ray reserves for each worker
  int64_t train_num_workers = 1;    // workers of a training that does not say, where several may
  size_t max_body_bytes = 1 << 20;  // JSON and form bodies
  size_t max_upload_bytes = size_t{10} << 30;  // one multipart upload (all its files)
  int64_t access_token_ttl_seconds = 30 * 60;
  int64_t refresh_token_ttl_seconds = 14 * 24 * 3600;
  int login_max_failures = 5;           // failed logins for one user name in the window ...
  int64_t login_failure_window_seconds = 15 * 60;
  int64_t login_lockout_seconds = 5 * 60;  // ... lock it for this long
  // Real-time predictions kept in the log per model (older ones are pruned); 0 keeps all.
  int64_t prediction_log_max_rows = 1000000;
  std::string swagger_dir;  // swagger-ui-dist assets served under /docs
  std::string console_dir;  // the web console's build, served at / (empty: the build tree's console/)
  std::string log_level = "info";

  static ServerConfig Defaults() { return {}; }
  // Applies DATAML_* environment variables that have no flag.
  void ApplyEnvironment();
  Status Validate() const;
  std::string EffectiveDbUrl() const;
};

}  // namespace dataml
