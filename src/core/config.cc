#include "core/config.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

namespace dataml {
namespace {

template <typename T>
void ReadIntEnv(const char* name, T& target) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return;
  char* end = nullptr;
  long long parsed = std::strtoll(value, &end, 10);
  if (end != nullptr && *end == '\0') target = static_cast<T>(parsed);
}

}  // namespace

void ServerConfig::ApplyEnvironment() {
  ReadIntEnv("DATAML_ACCESS_TOKEN_TTL_SECONDS", access_token_ttl_seconds);
  ReadIntEnv("DATAML_REFRESH_TOKEN_TTL_SECONDS", refresh_token_ttl_seconds);
  ReadIntEnv("DATAML_LOGIN_MAX_FAILURES", login_max_failures);
  ReadIntEnv("DATAML_LOGIN_LOCKOUT_SECONDS", login_lockout_seconds);
  ReadIntEnv("DATAML_MAX_BODY_BYTES", max_body_bytes);
  ReadIntEnv("DATAML_MAX_UPLOAD_BYTES", max_upload_bytes);
  ReadIntEnv("DATAML_PREDICTION_LOG_MAX_ROWS", prediction_log_max_rows);
  ReadIntEnv("DATAML_HEADER_TIMEOUT_SECONDS", header_timeout_seconds);
  ReadIntEnv("DATAML_IDLE_TIMEOUT_SECONDS", idle_timeout_seconds);
  ReadIntEnv("DATAML_BODY_TIMEOUT_SECONDS", body_timeout_seconds);
  ReadIntEnv("DATAML_SHUTDOWN_GRACE_SECONDS", shutdown_grace_seconds);
  if (const char* log = std::getenv("DATAML_ACCESS_LOG"); log != nullptr && *log != '\0') {
    access_log = std::string(log) != "0" && std::string(log) != "off";
  }
  if (const char* token = std::getenv("DATAML_METRICS_TOKEN"); token != nullptr) metrics_token = token;
  if (const char* dir = std::getenv("DATAML_SWAGGER_DIR"); dir != nullptr && *dir != '\0') {
    swagger_dir = dir;
  }
  // As Ray's own job CLI finds its cluster; --ray-address, parsed later, wins.
  for (const char* name : {"RAY_ADDRESS", "RAY_API_SERVER_ADDRESS"}) {
    if (const char* v = std::getenv(name); v != nullptr && *v != '\0') ray_address = v;
  }
  auto read = [](const char* name, std::string& target) {
    if (const char* v = std::getenv(name); v != nullptr && *v != '\0') target = v;
  };
  read("RAY_AUTH_TOKEN", ray_token);
  read("RAY_AUTH_TOKEN_PATH", ray_token_path);
  read("DATAML_RAY_WORKER_BINARY", ray_worker_binary);
  read("DATAML_RAY_WORKER_DATA_DIR", ray_worker_data_dir);
}

Status ServerConfig::Validate() const {
  if (port < 0 || port > 65535) return Status::InvalidArgument("--port must be 0..65535");
  if (threads < 1 || threads > 1024) return Status::InvalidArgument("--threads must be 1..1024");
  if (io_threads < 0 || io_threads > 256) return Status::InvalidArgument("--io-threads must be 0..256");
  if (max_connections < 1) return Status::InvalidArgument("--max-connections must be at least 1");
  if (max_uploads < 0) return Status::InvalidArgument("--max-uploads cannot be negative");
  if (header_timeout_seconds < 1 || idle_timeout_seconds < 1 || body_timeout_seconds < 1 ||
      shutdown_grace_seconds < 0) {
    return Status::InvalidArgument("DATAML_*_TIMEOUT_SECONDS must be at least 1 (the shutdown grace at least 0)");
  }
  if (!metrics_token.empty() && metrics_token.size() < 16) {
    return Status::InvalidArgument("DATAML_METRICS_TOKEN must be at least 16 characters");
  }
  if (db_pool_size < 0 || db_pool_size > 1024) return Status::InvalidArgument("--db-pool must be 0..1024");
  if (data_dir.empty()) return Status::InvalidArgument("--data-dir must not be empty");
  if (max_body_bytes < 1024) return Status::InvalidArgument("DATAML_MAX_BODY_BYTES is too small");
  if (access_token_ttl_seconds < 1 || refresh_token_ttl_seconds < 1) {
    return Status::InvalidArgument("token lifetimes must be positive");
  }
  if (login_max_failures < 1 || login_lockout_seconds < 1) {
    return Status::InvalidArgument("login throttling settings must be positive");
  }
  if (ray_worker_cpus < 0 || ray_worker_cpus > 1024) return Status::InvalidArgument("--ray-worker-cpus must be 0..1024");
  if (prediction_log_max_rows < 0) return Status::InvalidArgument("DATAML_PREDICTION_LOG_MAX_ROWS must be >= 0");
  std::string url = EffectiveDbUrl();
  if (url.rfind("sqlite://", 0) != 0 && url.rfind("postgresql://", 0) != 0 &&
      url.rfind("postgres://", 0) != 0) {
    return Status::InvalidArgument("--db must be sqlite:///path or postgresql://...");
  }
  return Status::OK();
}

int ServerConfig::EffectiveIoThreads() const {
  return io_threads > 0 ? io_threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

std::string ServerConfig::EffectiveDbUrl() const {
  if (!db_url.empty()) return db_url;
  // sqlite://<path>: an absolute path keeps the URL meaningful whatever the working directory.
  return "sqlite://" + (std::filesystem::absolute(data_dir) / "dataml.db").lexically_normal().string();
}

}  // namespace dataml
