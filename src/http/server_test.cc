// The Beast transport end to end on a loopback socket, with a small router and no database.
#include "http/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/crypto.h"

namespace dataml::http {
namespace {

using namespace std::chrono_literals;

class AllowAll : public Authenticator {
 public:
  Result<Principal> Authenticate(std::string_view token) override {
    if (token == "good") return Principal{1, "t1", "user", false};
    return Status::Unauthenticated("Could not validate credentials");
  }
  Status Authorize(const Principal&, std::string_view) override { return Status::OK(); }
};

// A blocking client socket with a receive timeout.
class Client {
 public:
  explicit Client(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
    timeval timeout{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  }
  ~Client() { ::close(fd_); }
  bool connected() const { return connected_; }
  void Send(std::string_view bytes) { ASSERT_EQ(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size())); }
  // Reads until `count` complete responses (by Content-Length) or the connection closes.
  std::string ReadResponses(int count) {
    std::string out;
    int complete = 0;
    while (complete < count) {
      char buffer[65536];
      ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
      if (n <= 0) break;
      out.append(buffer, static_cast<size_t>(n));
      complete = CountComplete(out);
    }
    return out;
  }
  // True when the server closed the connection (recv returned 0 or a reset) within the timeout.
  bool ClosedByServer() {
    char buffer[4096];
    for (;;) {
      ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
      if (n == 0) return true;
      if (n < 0) return errno == ECONNRESET;
    }
  }

 private:
  static int CountComplete(const std::string& data) {
    int complete = 0;
    size_t at = 0;
    for (;;) {
      size_t head_end = data.find("\r\n\r\n", at);
      if (head_end == std::string::npos) return complete;
      std::string head = data.substr(at, head_end - at);
      size_t length = 0;
      size_t cl = head.find("Content-Length: ");
      if (cl != std::string::npos) length = std::stoul(head.substr(cl + 16));
      if (head.rfind("HTTP/1.1 100", 0) == 0) length = 0;
      if (data.size() < head_end + 4 + length) return complete;
      at = head_end + 4 + length;
      if (head.rfind("HTTP/1.1 100", 0) != 0) ++complete;
    }
  }
  int fd_ = -1;
  bool connected_ = false;
};

int Count(const std::string& text, std::string_view what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class ServerTest : public ::testing::Test {
 protected:
  void Start(ServerOptions options = ServerOptions::Defaults()) {
    InitCrypto();
    dir_ = std::filesystem::temp_directory_path() / ("dataml-server-" + RandomToken(6));
    std::filesystem::create_directories(dir_);
    router_.Add("GET", "/hello", RouteAccess::Public(), [](Request&) -> Result<Response> {
      return Response::Json(200, {{"hello", "world"}});
    }, Execution::kInline);
    router_.Add("GET", "/slow", RouteAccess::Public(), [](Request&) -> Result<Response> {
      std::this_thread::sleep_for(300ms);
      return Response::Json(200, {{"slow", true}});
    });
    router_.Add("POST", "/echo", RouteAccess::Public(), [](Request& req) -> Result<Response> {
      return Response::Text(200, "text/plain", req.body);
    });
    router_.Add("GET", "/file", RouteAccess::Public(), [this](Request&) -> Result<Response> {
      DATAML_ASSIGN_OR_RETURN(auto content, OpenFileContent((dir_ / "big.bin").string()));
      return Response::Attachment(std::move(content), "application/octet-stream", "big.bin");
    });
    router_.AddUpload("/upload", RouteAccess::Authenticated(), [](Request& req) -> Result<Response> {
      size_t bytes = 0;
      std::string names;
      bool ok = req.read_multipart(
          [&](const MultipartPart& part) {
            names += part.name + ":" + part.filename + ";";
            return true;
          },
          [&](const char*, size_t length) {
            bytes += length;
            return true;
          });
      if (!ok) return Status::BadRequest("The multipart body is malformed or was cut short");
      return Response::Json(200, {{"bytes", bytes}, {"parts", names}});
    });
    options.port = 0;
    options.io_threads = 2;
    options.threads = 2;
    options.access_log = false;
    auto server = Server::Make(options, router_, auth_);
    ASSERT_TRUE(server.ok()) << server.status().message();
    server_ = std::move(server).ValueOrDie();
    auto port = server_->Bind();
    ASSERT_TRUE(port.ok()) << port.status().message();
    port_ = *port;
    listener_ = std::thread([this] { listened_ = server_->Listen(); });
  }
  void TearDown() override {
    if (server_) {
      server_->Stop();
      listener_.join();
      EXPECT_TRUE(listened_.ok());
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  Router router_;
  AllowAll auth_;
  std::unique_ptr<Server> server_;
  std::thread listener_;
  Status listened_;
  int port_ = 0;
  std::filesystem::path dir_;
};

TEST_F(ServerTest, KeepAliveAndPipelinedRequestsAreAnsweredInOrder) {
  Start();
  Client client(port_);
  ASSERT_TRUE(client.connected());
  client.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
              "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string out = client.ReadResponses(3);
  size_t slow = out.find("{\"slow\":true}"), hello = out.find("{\"hello\":\"world\"}"), missing = out.find("404 Not Found");
  ASSERT_NE(slow, std::string::npos) << out;
  ASSERT_NE(hello, std::string::npos) << out;
  ASSERT_NE(missing, std::string::npos) << out;
  EXPECT_LT(slow, hello);
  EXPECT_LT(hello, missing);
  client.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");  // still open
  EXPECT_EQ(Count(client.ReadResponses(1), "200 OK"), 1);
}

TEST_F(ServerTest, BodiesWithContentLengthExpectContinueAndLimits) {
  ServerOptions options;
  options.max_body_bytes = 1000;
  Start(options);
  Client client(port_);
  client.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  client.Send("hello");
  std::string out = client.ReadResponses(1);
  EXPECT_NE(out.find("HTTP/1.1 100 Continue"), std::string::npos) << out;
  EXPECT_NE(out.find("\r\n\r\nhello"), std::string::npos) << out;

  Client big(port_);
  big.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\nExpect: 100-continue\r\n\r\n");
  std::string refused = big.ReadResponses(1);
  EXPECT_EQ(refused.find("100 Continue"), std::string::npos) << refused;
  EXPECT_NE(refused.find("HTTP/1.1 413"), std::string::npos) << refused;
  EXPECT_TRUE(big.ClosedByServer());

  Client chunked(port_);
  chunked.Send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
  EXPECT_NE(chunked.ReadResponses(1).find("HTTP/1.1 411"), std::string::npos);
}

TEST_F(ServerTest, ChunkedMultipartUploadStreamsToTheHandlerAfterAuthentication) {
  Start();
  std::string part = "--zz\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.csv\"\r\n\r\n" +
                     std::string(100000, 'x') + "\r\n--zz--\r\n";
  std::string chunks;
  for (size_t i = 0; i < part.size(); i += 7000) {
    std::string slice = part.substr(i, 7000);
    char size[16];
    std::snprintf(size, sizeof(size), "%zx\r\n", slice.size());
    chunks += size + slice + "\r\n";
  }
  chunks += "0\r\n\r\n";
  Client client(port_);
  client.Send("POST /upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer good\r\n"
              "Content-Type: multipart/form-data; boundary=zz\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks);
  std::string out = client.ReadResponses(1);
  EXPECT_NE(out.find("{\"bytes\":100000,\"parts\":\"files:a.csv;\"}"), std::string::npos) << out;

  Client anonymous(port_);
  anonymous.Send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=zz\r\n"
                 "Content-Length: 100\r\nExpect: 100-continue\r\n\r\n");
  std::string refused = anonymous.ReadResponses(1);
  EXPECT_NE(refused.find("HTTP/1.1 401"), std::string::npos) << refused;
  EXPECT_EQ(refused.find("100 Continue"), std::string::npos) << refused;
  EXPECT_TRUE(anonymous.ClosedByServer());
}

TEST_F(ServerTest, FilesAreStreamedWholeAndHeadHasNoBody) {
  Start();
  {
    std::ofstream out(dir_ / "big.bin", std::ios::binary);
    std::string block(1 << 20, 'a');
    for (int i = 0; i < 3; ++i) out << block;
    out << "end";
  }
  Client client(port_);
  client.Send("GET /file HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string out = client.ReadResponses(1);
  EXPECT_NE(out.find("Content-Length: 3145731"), std::string::npos);
  EXPECT_EQ(out.size() - (out.find("\r\n\r\n") + 4), 3145731u);
  EXPECT_EQ(out.substr(out.size() - 3), "end");
  client.Send("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string both = client.ReadResponses(2);
  EXPECT_EQ(Count(both, "HTTP/1.1 200"), 2) << both;
  EXPECT_EQ(Count(both, "{\"hello\":\"world\"}"), 1) << both;  // HEAD: the length, not the body
}

TEST_F(ServerTest, SlowHeadersAndIdleConnectionsAreCutOffWithoutBlockingOthers) {
  ServerOptions options;
  options.header_timeout = 2s;
  options.idle_timeout = 2s;
  Start(options);
  std::vector<std::unique_ptr<Client>> slow;
  for (int i = 0; i < 50; ++i) {
    slow.push_back(std::make_unique<Client>(port_));
    slow.back()->Send("GET /hello HTTP/1.1\r\nHo");
  }
  Client normal(port_);
  auto start = std::chrono::steady_clock::now();
  normal.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(Count(normal.ReadResponses(1), "200 OK"), 1);
  // Answered at once, not after the slow clients' header timeout (a loaded CI machine may
  // take a while, but nowhere near the 2 s the slow clients could hold it).
  EXPECT_LT(std::chrono::steady_clock::now() - start, 500ms);
  auto cut = std::chrono::steady_clock::now();
  EXPECT_TRUE(slow.front()->ClosedByServer());
  EXPECT_LT(std::chrono::steady_clock::now() - cut, 4s);
  EXPECT_TRUE(normal.ClosedByServer());  // idle past its timeout
}

TEST_F(ServerTest, ConnectionsPastTheCapAreRefusedAndTheOthersKeepWorking) {
  ServerOptions options;
  options.max_connections = 3;
  Start(options);
  std::vector<std::unique_ptr<Client>> open;
  for (int i = 0; i < 3; ++i) {
    open.push_back(std::make_unique<Client>(port_));
    open.back()->Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_EQ(Count(open.back()->ReadResponses(1), "200 OK"), 1);
  }
  Client extra(port_);
  std::string refused = extra.ReadResponses(1);
  EXPECT_NE(refused.find("HTTP/1.1 503"), std::string::npos) << refused;
  EXPECT_NE(refused.find("Too many open connections"), std::string::npos) << refused;
  open[0]->Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(Count(open[0]->ReadResponses(1), "200 OK"), 1);
}

TEST_F(ServerTest, StopFinishesInFlightRequestsAndClosesIdleOnes) {
  Start();
  Client idle(port_);
  idle.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(Count(idle.ReadResponses(1), "200 OK"), 1);
  Client busy(port_);
  busy.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
  std::this_thread::sleep_for(50ms);
  server_->Stop();
  std::string out = busy.ReadResponses(1);
  EXPECT_NE(out.find("{\"slow\":true}"), std::string::npos) << out;
  EXPECT_NE(out.find("Connection: close"), std::string::npos) << out;
  EXPECT_TRUE(idle.ClosedByServer());
  listener_.join();
  EXPECT_TRUE(listened_.ok());
  server_.reset();
}

}  // namespace
}  // namespace dataml::http
