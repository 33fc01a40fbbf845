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
  // HTTP worker threads. cpp-httplib holds a worker for the whole life of a keep-alive
  // connection, so this bounds the concurrent clients served without queueing.
  int threads = 64;
  // Metadata DB sessions shared by the workers; 0: one per worker. Fewer sessions than workers
  // queue requests on the pool, whose lease is not fair (p99 of an authenticated GET went from
  // 9 ms to 166 ms with 16 sessions for 64 workers under 50 connections).
  int db_pool_size = 0;
  int EffectiveDbPoolSize() const { return db_pool_size > 0 ? db_pool_size : threads; }
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
  std::string log_level = "info";

  static ServerConfig Defaults() { return {}; }
  // Applies DATAML_* environment variables that have no flag.
  void ApplyEnvironment();
  Status Validate() const;
  std::string EffectiveDbUrl() const;
};

}  // namespace dataml
