// The HTTP ceiling reference for bench/http_ceiling: the least an HTTP/1.1 keep-alive server on
// Boost.Beast can do per request on this machine. It answers every GET with a fixed JSON body the
// size of dataml's GET /api/v1/validate-token answer, and does nothing else: no routing, no auth,
// no timeouts, no logging, no metrics.
//
// Built the way dataml's transport is (src/http/server.cc), so that the difference to dataml is
// dataml's own work: one io_context per I/O thread, the acceptor on the first, accepted sockets
// dealt round-robin to the contexts, TCP_NODELAY, C++20 coroutines (asio::awaitable), a
// connection's requests read with http::async_read into a flat_buffer kept across requests, one
// response per request written with http::async_write.
//
// Usage: ceiling_server [--port N] [--threads N]   (127.0.0.1 only; port 0 = any free port)
// Prints "ceiling listening on http://127.0.0.1:PORT" once it accepts. Stops on SIGTERM/SIGINT.
//
// Build: g++ -O2 -std=c++20 ceiling_server.cc -o ceiling_server -pthread   (Boost >= 1.81 headers)

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// Same fields and length (116 bytes) as dataml's validate-token answer for the admin.
constexpr std::string_view kBody =
    R"({"is_superuser":true,"tenant_id":"00000000-0000-0000-0000-000000000000","user_id":1,"username":"admin","valid":true})";

asio::awaitable<void> Serve(tcp::socket socket) {
  beast::flat_buffer buffer;
  boost::system::error_code ec;
  for (;;) {
    http::request<http::empty_body> request;
    co_await http::async_read(socket, buffer, request, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;  // end of stream, reset, bad request: close
    http::response<http::string_body> response;
    response.version(request.version());
    response.keep_alive(request.keep_alive());
    if (request.method() == http::verb::get) {
      response.result(http::status::ok);
      response.set(http::field::content_type, "application/json");
      response.body() = kBody;
    } else {
      response.result(http::status::method_not_allowed);
    }
    response.prepare_payload();
    co_await http::async_write(socket, response, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !response.keep_alive()) break;
  }
  socket.shutdown(tcp::socket::shutdown_send, ec);
  socket.close(ec);
}

asio::awaitable<void> Accept(tcp::acceptor& acceptor, std::vector<std::unique_ptr<asio::io_context>>& contexts) {
  size_t next = 0;
  for (;;) {
    asio::io_context& context = *contexts[next++ % contexts.size()];
    boost::system::error_code ec;
    tcp::socket socket =
        co_await acceptor.async_accept(context, asio::redirect_error(asio::use_awaitable, ec));
    if (!acceptor.is_open()) co_return;
    if (ec) continue;
    socket.set_option(tcp::no_delay(true), ec);
    asio::co_spawn(context, Serve(std::move(socket)), asio::detached);
  }
}

}  // namespace

int main(int argc, char** argv) {
  unsigned short port = 0;
  int threads = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--port") == 0) {
      port = static_cast<unsigned short>(std::atoi(argv[i + 1]));
    } else if (std::strcmp(argv[i], "--threads") == 0) {
      threads = std::max(1, std::atoi(argv[i + 1]));
    } else {
      std::fprintf(stderr, "usage: %s [--port N] [--threads N]\n", argv[0]);
      return 2;
    }
  }

  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  for (int i = 0; i < threads; ++i) {
    contexts.push_back(std::make_unique<asio::io_context>(1));  // one thread per context
    guards.emplace_back(contexts.back()->get_executor());
  }

  tcp::acceptor acceptor(*contexts[0]);
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(4096);  // dataml's backlog

  asio::signal_set signals(*contexts[0], SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    boost::system::error_code ignored;
    acceptor.close(ignored);
    for (auto& context : contexts) context->stop();
  });
  asio::co_spawn(*contexts[0], Accept(acceptor, contexts), asio::detached);

  std::printf("ceiling listening on http://127.0.0.1:%u (%d I/O threads)\n", acceptor.local_endpoint().port(),
              threads);
  std::fflush(stdout);

  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&context = *contexts[i]] { context.run(); });
  contexts[0]->run();
  for (auto& context : contexts) context->stop();
  for (auto& t : pool) t.join();
  return 0;
}
