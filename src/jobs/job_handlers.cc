#include "jobs/job_handlers.h"

#include "http/input.h"

namespace dataml::jobs {
namespace {

using http::RouteAccess;

constexpr const char* kTokenHeader = "x-job-token";

// 401 unless the request carries the token issued for this job.
Status CheckJobToken(const JobsService& jobs, const http::Request& req, int64_t job_id) {
  auto token = req.Header(kTokenHeader);
  if (!token || token->empty())
    return Status::Unauthenticated("Missing job token (X-Job-Token header)");
  if (!jobs.tokens().Verify(job_id, *token)) return Status::Unauthenticated("Invalid job token");
  return Status::OK();
}

// The job a verified worker asks about; 409 once it is no longer running.
Result<Job> RunningJob(JobsService& jobs, const http::Request& req) {
  DATAML_ASSIGN_OR_RETURN(int64_t id, http::PathId(req, "job_id"));
  DATAML_RETURN_NOT_OK(CheckJobToken(jobs, req, id));
  DATAML_ASSIGN_OR_RETURN(Job job, jobs.GetForWorker(id));
  if (job.status != status::kRunning) {
    return Status::FailedPrecondition("Job " + std::to_string(id) +
                                      " is not running (status: " + job.status + ")");
  }
  return job;
}

// Exactly one of {"result": {...}} and {"error": "..."}.
Status RecordOutcome(JobsService& jobs, int64_t job_id, const http::Request& req) {
  DATAML_ASSIGN_OR_RETURN(nlohmann::json body, http::ParseJsonObject(req));
  bool has_result = body.contains("result") && !body["result"].is_null();
  bool has_error = body.contains("error") && !body["error"].is_null();
  if (has_result == has_error) {
    return Status::Invalid({{{"body"}, "Give exactly one of 'result' and 'error'", "value_error"}});
  }
  if (has_result) {
    if (!body["result"].is_object()) {
      return Status::Invalid(
          {{{"body", "result"}, "Input should be a valid dictionary", "dict_type"}});
    }
    return jobs.Complete(job_id, body["result"]);
  }
  if (!body["error"].is_string() || body["error"].get_ref<const std::string&>().empty()) {
    return Status::Invalid(
        {{{"body", "error"}, "Input should be a non-empty string", "string_type"}});
  }
  return jobs.Fail(job_id, body["error"].get<std::string>());
}

}  // namespace

Result<WorkerCallback> ReadWorkerCallback(const JobsService& jobs, const http::Request& req) {
  auto token = req.Header(kTokenHeader);
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

void RegisterJobsRoutes(http::Router& router, JobsService& jobs, TenantOfRequest tenant_of) {
  router.Add("GET", "/api/v1/jobs/{job_id}/spec", RouteAccess::Public(),
             [&jobs](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(Job job, RunningJob(jobs, req));
               return http::Response::Json(
                   200, {{"id", job.id}, {"kind", job.kind}, {"payload", job.payload}});
             });

  // The body is bounded by the server's limit on JSON bodies, like every other.
  router.Add("POST", "/api/v1/jobs/{job_id}/result", RouteAccess::Public(),
             [&jobs](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(Job job, RunningJob(jobs, req));
               // A job whose module takes its outcome (a training's model, say) must report
               // there, or the module would never learn of it.
               auto callback = job_specs::CallbackOf(job.payload);
               if (!callback.ok() || callback->has_value()) {
                 return Status::FailedPrecondition(
                     "Job " + std::to_string(job.id) + " reports to " +
                     (callback.ok() ? (*callback)->path : std::string("its module")));
               }
               DATAML_RETURN_NOT_OK(RecordOutcome(jobs, job.id, req));
               DATAML_ASSIGN_OR_RETURN(Job finished, jobs.GetForWorker(job.id));
               return http::Response::Json(200, {{"id", finished.id}, {"status", finished.status}});
             });

  // The workers of a job that runs on several (a distributed training) meet through it: rank 0
  // posts where its tracker listens, the others read it.
  router.Add("PUT", "/api/v1/jobs/{job_id}/rendezvous", RouteAccess::Public(),
             [&jobs](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(Job job, RunningJob(jobs, req));
               DATAML_ASSIGN_OR_RETURN(nlohmann::json body, http::ParseJsonObject(req));
               FieldErrors errors;
               http::JsonFields f(body, {"body"}, errors);
               auto host = f.String("host", true);
               auto port = f.Int("port", true);
               DATAML_RETURN_NOT_OK(errors.ToStatus());
               if (host->empty()) return Status::Invalid({{{"body", "host"}, "Input should be a non-empty string", "string_type"}});
               if (*port < 1 || *port > 65535) {
                 return Status::Invalid({{{"body", "port"}, "Input should be a port (1-65535)", "less_than_equal"}});
               }
               nlohmann::json rendezvous = {{"host", *host}, {"port", *port}};
               DATAML_ASSIGN_OR_RETURN(bool recorded, jobs.repository().SetRendezvous(job.id, rendezvous));
               if (!recorded && job.rendezvous != rendezvous) {
                 return Status::FailedPrecondition("Job " + std::to_string(job.id) + " has its rendezvous already");
               }
               return http::Response::Json(200, rendezvous);
             });

  router.Add("GET", "/api/v1/jobs/{job_id}/rendezvous", RouteAccess::Public(),
             [&jobs](http::Request& req) -> Result<http::Response> {
               DATAML_ASSIGN_OR_RETURN(Job job, RunningJob(jobs, req));
               if (!job.rendezvous) return Status::NotFound("Job " + std::to_string(job.id) + " has no rendezvous yet");
               return http::Response::Json(200, *job.rendezvous);
             });

  // Every user of the tenant may see its jobs, as each one of them (GET /api/v1/jobs/{job_id}).
  router.Add("GET", "/api/v1/jobs", RouteAccess::Authenticated(),
             [&jobs, tenant_of](http::Request& req) -> Result<http::Response> {
               Result<http::Page> page = http::ReadPage(req);
               FieldErrors errors;
               if (!page.ok()) errors.Merge(page.status());
               http::ParamFields query(req.query, "query", errors);
               JobFilter filter{query.String("status", false, 64), query.String("kind", false, 64)};
               DATAML_RETURN_NOT_OK(errors.ToStatus());
               DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenant_of(req));
               DATAML_ASSIGN_OR_RETURN(JobList list,
                                       http::InQuery(jobs.List(tenant_id, filter, page->skip, page->limit, page->sort)));
               nlohmann::json data = nlohmann::json::array();
               for (const Job& job : list.jobs) data.push_back(ToJson(job));
               return http::Response::Json(200, {{"total", list.total}, {"data", std::move(data)}});
             });

  router.Add(
      "GET", "/api/v1/jobs/{job_id}", RouteAccess::Authenticated(),
      [&jobs, tenant_of = std::move(tenant_of)](http::Request& req) -> Result<http::Response> {
        DATAML_ASSIGN_OR_RETURN(int64_t id, http::PathId(req, "job_id"));
        DATAML_ASSIGN_OR_RETURN(std::string tenant_id, tenant_of(req));
        DATAML_ASSIGN_OR_RETURN(Job job, jobs.Get(tenant_id, id));
        return http::Response::Json(200, ToJson(job));
      });
}

}  // namespace dataml::jobs
