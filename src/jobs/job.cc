#include "jobs/job.h"

#include "jobs/backend.h"

namespace dataml::jobs {
namespace {

nlohmann::json OrNull(const std::optional<std::string>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace

// A local backend_ref (a process id on the server host) stays internal: it means nothing to a
// user. A cluster's (a Ray submission id) is how an operator finds the job in the cluster's own
// tools, so it is shown with the cluster's status.
nlohmann::json ToJson(const Job& job) {
  nlohmann::json out = {{"id", job.id},
          {"tenant_id", job.tenant_id},
          {"kind", job.kind},
          {"subject", job.subject},
          {"status", job.status},
          {"backend", job.backend},
          {"result", job.result ? *job.result : nlohmann::json(nullptr)},
          {"error", OrNull(job.error)},
          {"attempts", job.attempts},
          {"created_by", job.created_by},
          {"created_at", job.created_at},
          {"started_at", OrNull(job.started_at)},
          {"finished_at", OrNull(job.finished_at)}};
  if (job.backend != kLocalBackendName) {
    out["backend_ref"] = OrNull(job.backend_ref);
    out["backend_status"] = OrNull(job.backend_status);
  }
  return out;
}

}  // namespace dataml::jobs
