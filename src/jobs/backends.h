// The job backends this build has, chosen by name (`dataml serve --job-backend`).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "jobs/backend.h"

namespace dataml::jobs {

// What any backend may need to start workers; each takes the part it uses.
struct BackendSettings {
  std::string name = "local";  // one of BackendNames()
  std::string server_url;      // where workers call back
  std::string data_dir;        // the blob store's root, as workers see it
};

// Every name MakeBackend knows, in the order the help lists them.
std::vector<std::string> BackendNames();

// InvalidArgument ("unknown job backend ...") for a name that is not one of BackendNames().
Status CheckBackendName(const std::string& name);
Result<std::unique_ptr<Backend>> MakeBackend(const BackendSettings& settings);

}  // namespace dataml::jobs
