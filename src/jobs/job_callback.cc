#include "jobs/job_callback.h"

namespace dataml::jobs {

Result<bool> FinishOnce(JobsService& jobs, const Job& job, const nlohmann::json& result) {
  const nlohmann::json error = result.value("error", nlohmann::json());
  const bool failed = !error.is_null();
  if (failed && (!error.is_string() || error.get_ref<const std::string&>().empty())) {
    return Status::Invalid({{{"result", "error"}, "Input should be a non-empty string or null", "string_type"}});
  }
  if (job.status == status::kRunning) {
    DATAML_RETURN_NOT_OK(failed ? jobs.Fail(job.id, error.get<std::string>()) : jobs.Complete(job.id, result));
    return true;
  }
  if (job.status == (failed ? status::kFailed : status::kCompleted)) return false;
  return Status::FailedPrecondition("Job " + std::to_string(job.id) + " is not running (status: " + job.status + ")");
}

}  // namespace dataml::jobs
