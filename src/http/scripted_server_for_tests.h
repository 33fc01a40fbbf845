// Tests only: an HTTP server on 127.0.0.1 whose answers a test scripts, for the clients we write
// (http::HttpClient, the Ray Jobs client). It serves one connection at a time, which is all a
// client with one connection needs.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/client.h"

namespace dataml::http::testing_support {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

class ScriptedServer {
 public:
  enum class After {
    kKeepOpen,
    kClose,        // closes the connection silently once it has answered, as an idle timeout does
    kNeverAnswer,  // reads the request and says nothing
  };
  struct Answer {
    int status = 200;
    std::string body;
    ClientHeaders headers;
    After after = After::kKeepOpen;
  };
  using Request = bhttp::request<bhttp::string_body>;
  using Handler = std::function<Answer(const Request&)>;

  explicit ScriptedServer(Handler handler) : handler_(std::move(handler)) {
    acceptor_.open(tcp::v4());
    acceptor_.bind({asio::ip::make_address_v4("127.0.0.1"), 0});
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { Run(); });
  }
  // Clients must be gone first: a connection still open keeps the server reading it.
  ~ScriptedServer() {
    stopping_ = true;
    tcp::socket wake(io_);  // unblocks accept()
    boost::system::error_code ec;
    wake.connect({asio::ip::make_address_v4("127.0.0.1"), port_}, ec);
    thread_.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int connections() const { return connections_; }
  std::vector<Request> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  // Blocks until the server has closed `count` connections on its side.
  void WaitForClosed(int count) {
    std::unique_lock lock(mutex_);
    closed_changed_.wait(lock, [&] { return closed_ >= count; });
  }

 private:
  void Run() {
    for (;;) {
      tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stopping_) return;
      ++connections_;
      Serve(socket);
      socket.shutdown(tcp::socket::shutdown_both, ec);
      socket.close(ec);
      std::lock_guard lock(mutex_);
      ++closed_;
      closed_changed_.notify_all();
    }
  }

  void Serve(tcp::socket& socket) {
    boost::beast::flat_buffer buffer;
    for (;;) {
      Request request;
      boost::system::error_code ec;
      bhttp::read(socket, buffer, request, ec);
      if (ec) return;  // the client closed the connection
      Answer answer = handler_(request);
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(request);
      }
      if (answer.after == After::kNeverAnswer) continue;
      bhttp::response<bhttp::string_body> response{static_cast<bhttp::status>(answer.status),
                                                   request.version()};
      for (const auto& [name, value] : answer.headers) response.set(name, value);
      response.body() = answer.body;
      response.keep_alive(request.keep_alive());
      response.prepare_payload();
      bhttp::write(socket, response, ec);
      if (ec || answer.after == After::kClose || !request.keep_alive()) return;
    }
  }

  Handler handler_;
  asio::io_context io_;
  tcp::acceptor acceptor_{io_};
  unsigned short port_ = 0;
  std::atomic<bool> stopping_ = false;
  std::atomic<int> connections_ = 0;
  mutable std::mutex mutex_;
  std::condition_variable closed_changed_;
  int closed_ = 0;
  std::vector<Request> requests_;
  std::thread thread_;
};

}  // namespace dataml::http::testing_support
