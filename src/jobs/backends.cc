#include "jobs/backends.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/text.h"
#include "jobs/local_backend.h"
#include "jobs/ray_backend.h"

namespace dataml::jobs {

namespace {

Result<std::unique_ptr<Backend>> MakeRayBackend(const BackendSettings& settings) {
  RayBackendOptions options;
  options.address = settings.ray_address;
  if (options.address.empty()) {
    return Status::InvalidArgument("the ray job backend needs the Ray dashboard's address: --ray-address, "
                                   "RAY_API_SERVER_ADDRESS or RAY_ADDRESS (e.g. http://127.0.0.1:8265)");
  }
  if (options.address.find("://") == std::string::npos) options.address = "http://" + options.address;
  if (!settings.ray_token.empty()) {
    options.token = settings.ray_token;
  } else if (!settings.ray_token_path.empty()) {
    std::ifstream in(settings.ray_token_path);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) return Status::InvalidArgument("cannot read the Ray token file " + settings.ray_token_path);
    options.token = Trim(text.str());
  }
  std::error_code ec;
  options.worker_binary = settings.worker_binary;
  if (options.worker_binary.empty()) {
    // Resolved now: Ray runs the entrypoint elsewhere, where /proc/self/exe is not this binary.
    options.worker_binary = std::filesystem::read_symlink("/proc/self/exe", ec).string();
    if (ec) return Status::Internal("cannot resolve this server's executable: " + ec.message());
  }
  options.worker_data_dir = settings.worker_data_dir.empty()
                                ? std::filesystem::absolute(settings.data_dir, ec).lexically_normal().string()
                                : settings.worker_data_dir;
  options.callback_url = settings.server_url;
  options.worker_cpus = settings.worker_cpus;
  DATAML_ASSIGN_OR_RETURN(auto ray, RayBackend::Make(std::move(options)));
  return std::unique_ptr<Backend>(std::move(ray));
}

}  // namespace

std::vector<std::string> BackendNames() { return {LocalBackend::kName, RayBackend::kName}; }

Status CheckBackendName(const std::string& name) {
  std::string known;
  for (const std::string& n : BackendNames()) {
    if (n == name) return Status::OK();
    known += (known.empty() ? "" : ", ") + n;
  }
  return Status::InvalidArgument("unknown job backend '" + name + "' (known: " + known + ")");
}

Result<std::unique_ptr<Backend>> MakeBackend(const BackendSettings& settings) {
  DATAML_RETURN_NOT_OK(CheckBackendName(settings.name));
  if (settings.name == LocalBackend::kName) {
    LocalBackendOptions options;
    options.server_url = settings.server_url;
    options.data_dir = settings.data_dir;
    DATAML_ASSIGN_OR_RETURN(auto local, LocalBackend::Make(std::move(options)));
    return std::unique_ptr<Backend>(std::move(local));
  }
  if (settings.name == RayBackend::kName) return MakeRayBackend(settings);
  return Status::Internal("job backend '" + settings.name + "' is known but cannot be made");
}

}  // namespace dataml::jobs
