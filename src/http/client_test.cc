#include "http/client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "http/scripted_server_for_tests.h"

namespace dataml::http {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using testing_support::ScriptedServer;
using ServerRequest = ScriptedServer::Request;
using namespace std::chrono_literals;

using After = ScriptedServer::After;
using Answer = ScriptedServer::Answer;

// Short enough that a test which wrongly waits fails quickly.
ClientOptions TestOptions() {
  ClientOptions options = ClientOptions::Defaults();
  options.connect_timeout = 5s;
  options.request_timeout = 5s;
  return options;
}

std::unique_ptr<HttpClient> MakeClient(const std::string& url,
                                       ClientOptions options = TestOptions()) {
  auto client = HttpClient::Make(url, options);
  EXPECT_TRUE(client.ok()) << client.status().message();
  return client.ok() ? std::move(client).ValueOrDie() : nullptr;
}

Answer Echo(const ServerRequest& request) {
  Answer answer;
  answer.status = 201;
  answer.body = std::string(request.method_string()) + " " + std::string(request.target()) + " " +
                request.body();
  answer.headers = {{"X-Reply", "yes"}};
  return answer;
}

TEST(HttpClientTest, GetAndPostRoundTripsWithHeaders) {
  ScriptedServer server(Echo);
  auto client = MakeClient(server.url());
  ASSERT_TRUE(client);

  auto got = client->Send("GET", "/items?x=1", {{"X-Token", "abc"}});
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(got->status, 201);
  EXPECT_EQ(got->body, "GET /items?x=1 ");
  EXPECT_EQ(got->Header("x-reply"), "yes");
  EXPECT_EQ(got->Header("content-length"), "15");
  EXPECT_FALSE(got->Header("X-Reply")) << "names are lower-cased";

  auto posted =
      client->Send("POST", "/items", {{"X-Token", "def"}}, R"({"a": 1})", "application/json");
  ASSERT_TRUE(posted.ok()) << posted.status().message();
  EXPECT_EQ(posted->status, 201);
  EXPECT_EQ(posted->body, R"(POST /items {"a": 1})");

  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0]["X-Token"], "abc");
  EXPECT_EQ("http://" + std::string(requests[0][bhttp::field::host]), server.url());
  EXPECT_EQ(requests[0].count(bhttp::field::content_type), 0u);
  EXPECT_EQ(requests[1]["X-Token"], "def");
  EXPECT_EQ(requests[1][bhttp::field::content_type], "application/json");
  EXPECT_EQ(requests[1][bhttp::field::content_length], "8");
}

TEST(HttpClientTest, BaseUrlPrefixIsPrepended) {
  ScriptedServer server(Echo);
  auto client = MakeClient(server.url() + "/api/");
  ASSERT_TRUE(client);
  auto got = client->Send("GET", "/jobs", {});
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(got->body, "GET /api/jobs ");
}

TEST(HttpClientTest, ReusesOneConnection) {
  ScriptedServer server(Echo);
  auto client = MakeClient(server.url());
  ASSERT_TRUE(client);
  for (int i = 0; i < 3; ++i) {
    auto got = client->Send("GET", "/", {});
    ASSERT_TRUE(got.ok()) << got.status().message();
  }
  EXPECT_EQ(server.connections(), 1);
}

TEST(HttpClientTest, ReconnectsWhenTheServerClosedTheConnection) {
  ScriptedServer server([](const ServerRequest& request) {
    Answer answer = Echo(request);
    answer.after = After::kClose;
    return answer;
  });
  auto client = MakeClient(server.url());
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->Send("GET", "/first", {}).ok());
  server.WaitForClosed(1);

  // Not idempotent, so only safe because the client sees the dead connection before sending.
  auto posted = client->Send("POST", "/second", {}, "x", "text/plain");
  ASSERT_TRUE(posted.ok()) << posted.status().message();
  EXPECT_EQ(posted->body, "POST /second x");
  EXPECT_EQ(server.connections(), 2);
  EXPECT_EQ(server.requests().size(), 2u) << "each request reached the server once";
}

TEST(HttpClientTest, ConnectionRefusedIsUnavailable) {
  asio::io_context io;
  tcp::acceptor acceptor(io, {asio::ip::make_address_v4("127.0.0.1"), 0});
  const std::string url = "http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port());
  acceptor.close();  // nobody listens on that port any more

  auto client = MakeClient(url);
  ASSERT_TRUE(client);
  auto got = client->Send("GET", "/", {});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(got.status().message().find("cannot connect"), std::string::npos)
      << got.status().message();
}

TEST(HttpClientTest, SilentServerTimesOut) {
  ScriptedServer server([](const ServerRequest&) {
    Answer answer;
    answer.after = After::kNeverAnswer;
    return answer;
  });
  ClientOptions options = TestOptions();
  options.request_timeout = 200ms;
  auto client = MakeClient(server.url(), options);
  ASSERT_TRUE(client);

  auto started = std::chrono::steady_clock::now();
  auto got = client->Send("GET", "/", {});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(got.status().message().find("within 200 ms"), std::string::npos)
      << got.status().message();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 4s);
}

TEST(HttpClientTest, OversizedResponseIsAnErrorAndTheClientRecovers) {
  ScriptedServer server([](const ServerRequest& request) {
    Answer answer;
    answer.body = std::string(request.target() == "/big" ? 2048 : 16, 'x');
    return answer;
  });
  ClientOptions options = TestOptions();
  options.max_response_body_bytes = 1024;
  auto client = MakeClient(server.url(), options);
  ASSERT_TRUE(client);

  auto big = client->Send("GET", "/big", {});
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().code(), StatusCode::kInternal);
  EXPECT_NE(big.status().message().find("over 1024 bytes"), std::string::npos)
      << big.status().message();

  auto small = client->Send("GET", "/small", {});
  ASSERT_TRUE(small.ok()) << small.status().message();
  EXPECT_EQ(small->body.size(), 16u);
}

TEST(HttpClientTest, BadUrlsAreInvalidArguments) {
  for (const char* url :
       {"", "127.0.0.1:8000", "ftp://host", "http://", "http://:80", "http://host:",
        "http://host:0", "http://host:65536", "http://host:80x", "http://::1:80",
        "http://[::1", "http://[nope]:80", "http://[::1]x", "http://user@host",
        "http://host/a?b=1", "http://host/a#b", "http://ho st"}) {
    auto client = HttpClient::Make(url);
    ASSERT_FALSE(client.ok()) << url;
    EXPECT_EQ(client.status().code(), StatusCode::kInvalidArgument) << url;
  }
  auto https = HttpClient::Make("https://example.com");
  ASSERT_FALSE(https.ok());
  EXPECT_EQ(https.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(https.status().message().find("https is not supported"), std::string::npos);

  for (const char* url : {"http://localhost", "HTTP://example.com:80/", "http://[::1]:8080/api",
                          "http://10.0.0.1:65535"}) {
    EXPECT_TRUE(HttpClient::Make(url).ok()) << url;
  }
}

TEST(HttpClientTest, MalformedRequestsAreRefusedBeforeSending) {
  ScriptedServer server(Echo);
  auto client = MakeClient(server.url());
  ASSERT_TRUE(client);
  EXPECT_EQ(client->Send("GET", "no-slash", {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(client->Send("GET", "/a b", {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(client->Send("GE T", "/", {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(client->Send("GET", "/", {{"X-A", "1\r\nX-Injected: 1"}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(client->Send("GET", "/", {{"X A", "1"}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(server.connections(), 0);
}

TEST(HttpClientTest, OptionsAreValidated) {
  ClientOptions options = ClientOptions::Defaults();
  EXPECT_TRUE(options.Validate().ok());
  options.request_timeout = 0ms;
  EXPECT_EQ(HttpClient::Make("http://localhost", options).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dataml::http
