// One client connection of the HTTP transport: reads requests one after the other (pipelined
// ones included, answered in order), hands each to the dispatcher and writes its response.
// Private to the transport (server.cc).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>

#include <atomic>
#include <chrono>
#include <limits>
#include <memory>
#include <string>

#include "http/server_internal.h"

namespace dataml::http {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(boost::asio::ip::tcp::socket socket, ServerCore& core);
  ~Connection();

  // The connection's life, spawned on its socket's I/O context. The coroutine owns `self`:
  // co_spawn may start it after the spawner's last reference is gone.
  static boost::asio::awaitable<void> Run(std::shared_ptr<Connection> self);
  // Callable from any thread. An idle connection (or one still reading a header) is closed at
  // once; one serving a request is closed after its response.
  void Drain();
  // Callable from any thread: closes the socket now; pending reads and writes fail.
  void Abort();
  // For the server's sweeper, from any thread: aborts the connection when its current read or
  // write has passed its deadline. True when it did.
  bool AbortIfPast(std::chrono::steady_clock::time_point now);

  // For the upload body source: reads the next body bytes into `out` on the I/O thread (sending
  // "100 Continue" first when the client waits for it). Returns the bytes read and the error.
  using BodyParser = boost::beast::http::request_parser<boost::beast::http::buffer_body>;
  boost::asio::awaitable<std::pair<boost::beast::error_code, size_t>> ReadBody(BodyParser& parser, char* out,
                                                                               size_t size, bool& send_continue);
  boost::asio::any_io_executor executor() { return socket_.get_executor(); }

 private:
  boost::asio::awaitable<void> ServeRequests();
  // Reads the next request's header into `head`, from the bytes already buffered when they hold
  // all of it. Beast's header errors, or the read's.
  boost::asio::awaitable<boost::beast::error_code> ReadHeader(
      boost::beast::http::request_parser<boost::beast::http::empty_body>& head);
  // Serves the request whose header the parser holds; false when the connection must close.
  boost::asio::awaitable<bool> Serve(boost::beast::http::request_parser<boost::beast::http::empty_body>& head);
  boost::asio::awaitable<Response> OnPool(const Admission& admission, Request& request);
  // Writes `response`; false when the write failed.
  boost::asio::awaitable<bool> Write(Response response, unsigned version, bool keep_alive, bool head_only);
  boost::asio::awaitable<bool> WriteContent(const Response& response, unsigned version, bool keep_alive,
                                            bool head_only);
  boost::asio::awaitable<bool> WriteContinue(unsigned version);
  // Writes what the serializer holds: at once when the socket takes it all (the usual case),
  // asynchronously for the rest. False when the write failed.
  template <typename Serializer>
  boost::asio::awaitable<bool> Send(Serializer& serializer);
  void CloseSocket();
  // The pending read or write must end within `timeout` (the sweeper aborts it otherwise).
  void SetDeadline(std::chrono::steady_clock::duration timeout);
  void ClearDeadline();
  boost::asio::awaitable<void> LingeringClose();

  // A plain socket in non-blocking mode: reads and writes are tried at once and wait on the
  // event loop only when they cannot proceed. Deadlines are the sweeper's (SetDeadline).
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
  ServerCore& core_;
  std::string remote_;
  bool busy_ = false;      // between a request's header and its response; I/O thread only
  bool draining_ = false;  // I/O thread only
  bool unread_ = false;    // closing with request bytes left unread
  static constexpr int64_t kNoDeadline = std::numeric_limits<int64_t>::max();
  std::atomic<int64_t> deadline_ns_{kNoDeadline};  // steady clock; read by the sweeper thread
};

}  // namespace dataml::http
