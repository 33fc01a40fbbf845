#include "jobs/job_callback.h"

#include "http/input.h"

namespace dataml::jobs {

Result<WorkerCallback> ReadWorkerCallback(const JobsService& jobs, const http::Request& req) {
  auto token = req.Header("x-job-token");
  if (!token || token->empty()) return Status::Unauthenticated("Missing job token (X-Job-Token header)");
  DATAML_ASSIGN_OR_RETURN(nlohmann::json body, http::ParseJsonObject(req));
  FieldErrors errors;
  http::JsonFields f(body, {"body"}, errors);
  auto job_id = f.Int("job_id", true);
  DATAML_RETURN_NOT_OK(errors.ToStatus());
  if (!jobs.tokens().Verify(*job_id, *token)) return Status::Unauthenticated("Invalid job token");
  if (!body.contains("result") || !body["result"].is_object()) {
    return Status::Invalid({{{"body", "result"}, "Input should be a valid dictionary", "dict_type"}});
  }
  return WorkerCallback{*job_id, std::move(body)};
}

Result<bool> FinishOnce(JobsService& jobs, const Job& job, const nlohmann::json& result) {
  const nlohmann::json error = result.value("error", nlohmann::json());
  const bool failed = !error.is_null();
  if (failed && (!error.is_string() || error.get_ref<const std::string&>().empty())) {
    return Status::Invalid({{{"body", "result", "error"}, "Input should be a non-empty string or null", "string_type"}});
  }
  if (job.status == status::kRunning) {
    DATAML_RETURN_NOT_OK(failed ? jobs.Fail(job.id, error.get<std::string>()) : jobs.Complete(job.id, result));
    return true;
  }
  if (job.status == (failed ? status::kFailed : status::kCompleted)) return false;
  return Status::FailedPrecondition("Job " + std::to_string(job.id) + " is not running (status: " + job.status + ")");
}

}  // namespace dataml::jobs
