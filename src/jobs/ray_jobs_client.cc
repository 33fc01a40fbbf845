#include "jobs/ray_jobs_client.h"

#include <algorithm>
#include <cctype>

#include "core/text.h"

namespace dataml::jobs {
namespace {

constexpr size_t kMaxQuotedBytes = 500;  // of Ray's answer, in an error message

std::string Quoted(const std::string& body) {
  std::string text = Trim(body.size() > kMaxQuotedBytes ? body.substr(0, kMaxQuotedBytes) + "..." : body);
  return text.empty() ? "(no text)" : text;
}

bool Contains(const std::string& text, std::string_view lower_case_part) {
  return ToLowerAscii(text).find(lower_case_part) != std::string::npos;
}

// Submission ids go into URL paths as they are: ours (dataml-<job>-<random>) and Ray's own
// (raysubmit_...) use these characters only.
Status CheckSubmissionId(const std::string& id) {
  const bool plain = !id.empty() && id.size() <= 200 && std::all_of(id.begin(), id.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.';
  });
  return plain ? Status::OK() : Status::InvalidArgument("not a Ray submission id: '" + id + "'");
}

std::optional<std::string> OptionalText(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace

bool IsTerminalRayStatus(const std::string& status) {
  return status == ray_status::kSucceeded || status == ray_status::kFailed || status == ray_status::kStopped;
}

Status RayError(int http_status, const std::string& body) {
  const std::string said = "Ray answered " + std::to_string(http_status) + ": " + Quoted(body);
  if (http_status == 401 || http_status == 403) return Status::Unauthenticated(said);
  if (http_status == 404) return Status::NotFound(said);
  if (Contains(body, "already exists")) return Status::AlreadyExists(said);
  // The head's job agent is not up yet (a fresh head, or one under load): worth retrying.
  if (Contains(body, "no available agent")) return Status::Unavailable(said);
  if (http_status == 502 || http_status == 503 || http_status == 504) return Status::Unavailable(said);
  if (http_status >= 400 && http_status < 500) return Status::InvalidArgument(said);
  return Status::Internal(said);
}

Result<std::unique_ptr<RayJobsClient>> RayJobsClient::Make(const std::string& address,
                                                           std::optional<std::string> token,
                                                           http::ClientOptions options) {
  std::string base = address;
  while (!base.empty() && base.back() == '/') base.pop_back();
  auto http = http::HttpClient::Make(base, options);
  if (!http.ok()) return Status::InvalidArgument("the Ray address '" + address + "': " + http.status().message());
  if (token && token->empty()) token.reset();
  return std::unique_ptr<RayJobsClient>(new RayJobsClient(std::move(http).ValueOrDie(), std::move(token)));
}

Result<nlohmann::json> RayJobsClient::Call(const char* method, const std::string& target, const std::string& body) {
  http::ClientHeaders headers;
  if (token_) headers.emplace_back("Authorization", "Bearer " + *token_);
  auto answer = http_->Send(method, target, headers, body, body.empty() ? "" : "application/json");
  if (!answer.ok()) {
    if (answer.status().code() == StatusCode::kUnavailable) {
      return Status::Unavailable("Ray at " + http_->base_url() + " cannot be reached: " + answer.status().message());
    }
    return answer.status();
  }
  if (answer->status != 200) return RayError(answer->status, answer->body);
  nlohmann::json json = nlohmann::json::parse(answer->body, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return Status::Internal("Ray answered " + std::string(method) + " " + target + " with no JSON object: " +
                            Quoted(answer->body));
  }
  return json;
}

Result<std::string> RayJobsClient::Version() {
  DATAML_ASSIGN_OR_RETURN(nlohmann::json json, Call("GET", "/api/version"));
  auto version = OptionalText(json, "ray_version");
  if (!version) return Status::Internal("Ray's /api/version has no ray_version");
  return *version;
}

Status RayJobsClient::Submit(const RaySubmission& s) {
  DATAML_RETURN_NOT_OK(CheckSubmissionId(s.submission_id));
  nlohmann::json body = {{"entrypoint", s.entrypoint},
                         {"submission_id", s.submission_id},
                         {"runtime_env", {{"env_vars", s.env_vars}}},
                         {"entrypoint_num_cpus", s.entrypoint_num_cpus},
                         {"metadata", s.metadata}};
  // The trailing slash: Ray's route is /api/jobs/.
  DATAML_ASSIGN_OR_RETURN(nlohmann::json answer, Call("POST", "/api/jobs/", body.dump()));
  auto accepted = OptionalText(answer, "submission_id");
  if (accepted && *accepted != s.submission_id) {
    return Status::Internal("Ray accepted submission '" + *accepted + "' for '" + s.submission_id + "'");
  }
  return Status::OK();
}

Result<RayJobInfo> RayJobsClient::Info(const std::string& submission_id) {
  DATAML_RETURN_NOT_OK(CheckSubmissionId(submission_id));
  DATAML_ASSIGN_OR_RETURN(nlohmann::json json, Call("GET", "/api/jobs/" + submission_id));
  RayJobInfo info;
  auto status = OptionalText(json, "status");
  if (!status) return Status::Internal("Ray's answer for submission '" + submission_id + "' has no status");
  info.status = *status;
  info.message = OptionalText(json, "message");
  if (auto code = json.find("driver_exit_code"); code != json.end() && code->is_number_integer()) {
    info.driver_exit_code = code->get<int64_t>();
  }
  return info;
}

Result<bool> RayJobsClient::Stop(const std::string& submission_id) {
  DATAML_RETURN_NOT_OK(CheckSubmissionId(submission_id));
  DATAML_ASSIGN_OR_RETURN(nlohmann::json json, Call("POST", "/api/jobs/" + submission_id + "/stop"));
  auto stopped = json.find("stopped");
  if (stopped == json.end() || !stopped->is_boolean()) return Status::Internal("Ray's stop answer has no 'stopped'");
  return stopped->get<bool>();
}

Result<std::string> RayJobsClient::Logs(const std::string& submission_id) {
  DATAML_RETURN_NOT_OK(CheckSubmissionId(submission_id));
  DATAML_ASSIGN_OR_RETURN(nlohmann::json json, Call("GET", "/api/jobs/" + submission_id + "/logs"));
  return OptionalText(json, "logs").value_or("");
}

}  // namespace dataml::jobs
