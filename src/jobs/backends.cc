#include "jobs/backends.h"

#include "jobs/local_backend.h"

namespace dataml::jobs {

std::vector<std::string> BackendNames() { return {LocalBackend::kName}; }

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
  return Status::Internal("job backend '" + settings.name + "' is known but cannot be made");
}

}  // namespace dataml::jobs
