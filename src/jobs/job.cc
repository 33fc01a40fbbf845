#include "jobs/job.h"

namespace dataml::jobs {
namespace {

nlohmann::json OrNull(const std::optional<std::string>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace

// backend_ref (a process id on the server host) stays internal: it means nothing to a user.
nlohmann::json ToJson(const Job& job) {
  return {{"id", job.id},
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
}

}  // namespace dataml::jobs
