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
  std::string data_dir;        // the blob store's root, as the server sees it
  // ray: the dashboard's URL ("host:port" gets http://), its token (or a file holding it), and
  // the worker's binary and data dir as the cluster's nodes see them (empty: the server's own).
  std::string ray_address;
  std::string ray_token;
  std::string ray_token_path;
  std::string worker_binary;
  std::string worker_data_dir;
  double worker_cpus = 1;
};

// Every name MakeBackend knows, in the order the help lists them.
std::vector<std::string> BackendNames();

// InvalidArgument ("unknown job backend ...") for a name that is not one of BackendNames().
Status CheckBackendName(const std::string& name);
// InvalidArgument also for settings the backend cannot use (no Ray address, an unreadable
// token file, ...).
Result<std::unique_ptr<Backend>> MakeBackend(const BackendSettings& settings);

}  // namespace dataml::jobs
