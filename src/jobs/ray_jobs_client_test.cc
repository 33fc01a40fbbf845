#include "jobs/ray_jobs_client.h"

#include <gtest/gtest.h>

#include "http/scripted_server_for_tests.h"

namespace dataml::jobs {
namespace {

using http::testing_support::ScriptedServer;
using Answer = ScriptedServer::Answer;
using Request = ScriptedServer::Request;
using namespace std::chrono_literals;

// Answers of a Ray 2.60.0 head (`ray start --head`), recorded with curl on 2026-12-07.
constexpr const char* kFailedInfo = R"REC({"type": "SUBMISSION", "job_id": null, "submission_id": "dataml-1-aaa", "driver_info": null, "status": "FAILED", "entrypoint": "echo hello; echo $DATAML_JOB_TOKEN; exit 3", "message": "Job entrypoint command failed with exit code 3, last available logs (truncated to 20,000 chars):\n2026-12-07 07:43:58,841\tINFO job_manager.py:581 -- Runtime env is setting up.\nRunning entrypoint for job dataml-1-aaa: echo hello; echo $DATAML_JOB_TOKEN; exit 3\nhello\ntok\n", "error_type": "JOB_ENTRYPOINT_COMMAND_ERROR", "start_time": 1796629438825, "end_time": 1796629440478, "metadata": {"dataml_job": "1"}, "runtime_env": {"env_vars": {"DATAML_JOB_TOKEN": "tok", "OMP_WAIT_POLICY": "PASSIVE"}}, "driver_agent_http_address": "http://192.0.2.2:57251", "driver_node_id": "f44f6143d05caab1702112744996c66dfadb692f3927d1693e6a6fa6", "driver_exit_code": 3})REC";
constexpr const char* kDuplicateSubmission = R"REC(Traceback (most recent call last):
  File "/tmp/rayvenv/lib/python3.11/site-packages/ray/dashboard/modules/job/job_head.py", line 419, in submit_job
    resp = await job_agent_client.submit_job_internal(submit_request)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/tmp/rayvenv/lib/python3.11/site-packages/ray/dashboard/modules/job/job_head.py", line 148, in submit_job_internal
    await self._raise_error(resp)
  File "/tmp/rayvenv/lib/python3.11/site-packages/ray/dashboard/modules/job/job_head.py", line 134, in _raise_error
    raise RuntimeError(f"Request failed with status code {status}: {error_text}.")
RuntimeError: Request failed with status code 400: Traceback (most recent call last):
  File "/tmp/rayvenv/lib/python3.11/site-packages/ray/dashboard/modules/job/job_agent.py", line 45, in submit_job
    submission_id = await self.get_job_manager().submit_job(
                    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/tmp/rayvenv/lib/python3.11/site-packages/ray/dashboard/modules/job/job_manager.py", line 553, in submit_job
    raise ValueError(
ValueError: Job with submission_id dataml-1-aaa already exists. Please use a different submission_id.
.
)REC";
constexpr const char* kMissingEntrypoint = R"REC(Traceback (most recent call last):
  File "/tmp/rayvenv/lib/python3.11/site-packages/ray/dashboard/modules/job/utils.py", line 128, in parse_and_validate_request
    return validate_request_type(json_data, request_type)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/tmp/rayvenv/lib/python3.11/site-packages/ray/dashboard/modules/job/common.py", line 445, in validate_request_type
    return request_type(**json_data)
           ^^^^^^^^^^^^^^^^^^^^^^^^^
TypeError: JobSubmitRequest.__init__() missing 1 required positional argument: 'entrypoint'
)REC";

std::unique_ptr<RayJobsClient> Client(const std::string& url, std::optional<std::string> token = std::nullopt) {
  http::ClientOptions options;
  options.connect_timeout = 5s;
  options.request_timeout = 5s;
  auto client = RayJobsClient::Make(url, std::move(token), options);
  EXPECT_TRUE(client.ok()) << client.status().message();
  return client.ok() ? std::move(client).ValueOrDie() : nullptr;
}

TEST(RayJobsClientTest, SubmitsTheEntrypointWithItsEnvironmentAndToken) {
  ScriptedServer ray([](const Request&) {
    return Answer{200, R"({"job_id": "dataml-7-abc", "submission_id": "dataml-7-abc"})", {}};  // recorded
  });
  auto client = Client(ray.url() + "/", "s3cret");
  RaySubmission s;
  s.submission_id = "dataml-7-abc";
  s.entrypoint = "'/opt/dataml' worker --job 7 --server http://10.0.0.1:8000 --data-dir '/srv/data'";
  s.env_vars = {{"DATAML_JOB_TOKEN", "tok"}, {"OMP_WAIT_POLICY", "PASSIVE"}};
  s.entrypoint_num_cpus = 2;
  s.metadata = {{"dataml_job", "7"}};
  ASSERT_TRUE(client->Submit(s).ok());

  const std::vector<Request> requests = ray.requests();  // a copy: keep it while reading it
  ASSERT_EQ(requests.size(), 1u);
  const Request& sent = requests[0];
  EXPECT_EQ(sent.method_string(), "POST");
  EXPECT_EQ(sent.target(), "/api/jobs/");
  EXPECT_EQ(sent[boost::beast::http::field::authorization], "Bearer s3cret");
  EXPECT_EQ(sent[boost::beast::http::field::content_type], "application/json");
  nlohmann::json body = nlohmann::json::parse(sent.body());
  EXPECT_EQ(body["entrypoint"], s.entrypoint);
  EXPECT_EQ(body["submission_id"], "dataml-7-abc");
  EXPECT_EQ(body["runtime_env"], (nlohmann::json{{"env_vars", {{"DATAML_JOB_TOKEN", "tok"}, {"OMP_WAIT_POLICY", "PASSIVE"}}}}));
  EXPECT_EQ(body["entrypoint_num_cpus"], 2.0);
  EXPECT_EQ(body["metadata"], (nlohmann::json{{"dataml_job", "7"}}));
}

TEST(RayJobsClientTest, ReadsStateStopsAndLogs) {
  ScriptedServer ray([](const Request& r) {
    const std::string target(r.target());
    if (target == "/api/jobs/dataml-1-aaa") {
      return Answer{200, kFailedInfo, {}};
    }
    if (target == "/api/jobs/dataml-1-aaa/stop") return Answer{200, R"({"stopped": false})", {}};
    if (target == "/api/jobs/dataml-1-aaa/logs") return Answer{200, R"({"logs": "line 1\nline 2\n"})", {}};
    if (target == "/api/version") return Answer{200, R"({"version": "4", "ray_version": "2.60.0", "ray_commit": "x"})", {}};
    return Answer{404, "Job dataml-1-aaa does not exist", {}};  // recorded
  });
  auto client = Client(ray.url());
  auto info = client->Info("dataml-1-aaa");
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->status, ray_status::kFailed);
  EXPECT_TRUE(IsTerminalRayStatus(info->status));
  EXPECT_EQ(info->driver_exit_code, 3);
  EXPECT_NE(info->message->find("failed with exit code 3"), std::string::npos);
  EXPECT_EQ(*client->Stop("dataml-1-aaa"), false);  // it had ended already
  EXPECT_EQ(*client->Logs("dataml-1-aaa"), "line 1\nline 2\n");
  EXPECT_EQ(*client->Version(), "2.60.0");
  EXPECT_EQ(ray.requests()[0][boost::beast::http::field::authorization], "") << "no token, no header";
  EXPECT_FALSE(IsTerminalRayStatus(ray_status::kPending));
  EXPECT_FALSE(IsTerminalRayStatus(ray_status::kRunning));
}

TEST(RayJobsClientTest, RaysTextErrorsMapToWhatTheBackendRetries) {
  // Recorded from Ray 2.60.0 (RAY_AUTH_MODE=token for the first two).
  EXPECT_EQ(RayError(401, "Unauthorized: Missing authentication token").code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(RayError(403, "Forbidden: Invalid authentication token").code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(RayError(404, "Job nope-1 does not exist").code(), StatusCode::kNotFound);
  EXPECT_EQ(RayError(500, kDuplicateSubmission).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(RayError(400, kMissingEntrypoint).code(), StatusCode::kInvalidArgument);
  // As the issue quotes a fresh head's answer (not reproduced here: the head was ready).
  EXPECT_EQ(RayError(500, "No available agent to submit job, please try again later.").code(), StatusCode::kUnavailable);
  EXPECT_EQ(RayError(503, "").code(), StatusCode::kUnavailable);
  Status other = RayError(500, std::string(2000, 'x'));
  EXPECT_EQ(other.code(), StatusCode::kInternal);
  EXPECT_LT(other.message().size(), 600u) << "Ray's text is quoted, not copied whole";
}

TEST(RayJobsClientTest, UnreachableMalformedAndHostileAnswers) {
  auto nobody = Client("http://127.0.0.1:1");
  EXPECT_EQ(nobody->Version().status().code(), StatusCode::kUnavailable);

  ScriptedServer ray([](const Request& r) {
    if (std::string(r.target()) == "/api/version") return Answer{200, "<html>not the dashboard</html>", {}};
    return Answer{200, R"({"status": 3})", {}};
  });
  auto client = Client(ray.url());
  EXPECT_EQ(client->Version().status().code(), StatusCode::kInternal);
  EXPECT_EQ(client->Info("dataml-1-x").status().code(), StatusCode::kInternal);
  EXPECT_EQ(client->Info("../../api/version").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(client->Stop("a b").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ray.requests().size(), 2u) << "a malformed id is never sent";

  EXPECT_EQ(RayJobsClient::Make("https://ray.example:8265", std::nullopt).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dataml::jobs
