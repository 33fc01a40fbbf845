#include "http/connection.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core/file.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <spdlog/spdlog.h>

#include <future>
#include <vector>

#include "core/text.h"
#include "http/body_source.h"
#include "http/multipart_body.h"

namespace dataml::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::use_awaitable;
using Clock = std::chrono::steady_clock;

constexpr size_t kMaxHeaderBytes = 64 * 1024;
constexpr size_t kReadChunk = 16 * 1024;
// Files are sent in slices this large: few system calls per megabyte, flat memory.
constexpr size_t kFileSlice = 256 * 1024;
// Closing a socket with unread bytes makes the kernel reset the connection, and the client may
// lose the response it has not read yet. So the unread rest is read and dropped first, this
// much and this long at the most.
constexpr size_t kLingerBytes = 1 << 20;
constexpr std::chrono::seconds kLingerTime{2};

// A refusal before the body: when the client announced a body it will still be sending it, so
// the connection cannot be reused (its bytes would be read as the next request).
bool HasBody(const bhttp::request_parser<bhttp::empty_body>& head) {
  return head.chunked() || head.content_length().value_or(0) > 0;
}

bool ExpectsContinue(const bhttp::request<bhttp::empty_body>& request) {
  auto it = request.find(bhttp::field::expect);
  return it != request.end() && ToLowerAscii(it->value()) == "100-continue";
}

// Built outside the coroutines: GCC 12 miscompiles braced lists of string literals inside a
// co_await expression ("array used as initializer").
Response BadRequest(const std::string& detail) { return Response::Json(400, {{"detail", detail}}); }

Response TooManyUploads() {
  Response busy = Response::Json(503, {{"detail", "Too many uploads in progress, try again later"}});
  busy.headers.emplace_back("Retry-After", "5");
  return busy;
}

Response TooLarge(size_t limit) {
  return Response::Error(Status::PayloadTooLarge("Request body is larger than the limit of " +
                                                 std::to_string(limit) + " bytes"));
}

// The upload body, pulled by a handler on a pool thread from the socket its I/O thread owns:
// each read is run on the I/O thread (so the body timeout applies) and waited for here.
class SocketBodySource : public BodySource {
 public:
  SocketBodySource(Connection& connection, Connection::BodyParser& parser, bool send_continue, size_t limit)
      : connection_(connection), parser_(parser), send_continue_(send_continue), limit_(limit) {}

  Result<size_t> Read(char* out, size_t size) override {
    if (failed_) return Status::BadRequest("The request body could not be read");
    if (received_ > limit_) return Status::PayloadTooLarge("Request body is larger than the limit");
    while (!parser_.is_done()) {
      auto future = asio::co_spawn(connection_.executor(), connection_.ReadBody(parser_, out, size, send_continue_),
                                   asio::use_future);
      auto [ec, got] = future.get();
      if (ec) {
        failed_ = true;
        return Status::BadRequest("The request body could not be read: " + ec.message());
      }
      received_ += got;
      if (received_ > limit_) return Status::PayloadTooLarge("Request body is larger than the limit");
      if (got > 0) return got;
    }
    return size_t{0};
  }

  bool too_large() const { return received_ > limit_; }

 private:
  Connection& connection_;
  Connection::BodyParser& parser_;
  bool send_continue_;
  size_t limit_;
  size_t received_ = 0;
  bool failed_ = false;
};

}  // namespace

Connection::Connection(asio::ip::tcp::socket socket, ServerCore& core) : socket_(std::move(socket)), core_(core) {
  // Timeouts are kept by the server's sweeper (SetDeadline), not by a timer per operation (as
  // Beast's tcp_stream does): that cost two timerfd_settime calls and an extra event-loop turn
  // per request. Non-blocking, so that Send can try a write without waiting.
  beast::error_code ec;
  socket_.non_blocking(true, ec);
  auto endpoint = socket_.remote_endpoint(ec);
  if (!ec) remote_ = endpoint.address().to_string();
}

Connection::~Connection() { core_.Closed(this); }

void Connection::CloseSocket() {
  beast::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
}

void Connection::SetDeadline(std::chrono::steady_clock::duration timeout) {
  deadline_ns_.store((Clock::now() + timeout).time_since_epoch().count(), std::memory_order_relaxed);
}

void Connection::ClearDeadline() { deadline_ns_.store(kNoDeadline, std::memory_order_relaxed); }

bool Connection::AbortIfPast(Clock::time_point now) {
  int64_t deadline = deadline_ns_.load(std::memory_order_relaxed);
  if (deadline == kNoDeadline || now.time_since_epoch().count() < deadline) return false;
  ClearDeadline();
  Abort();
  return true;
}

void Connection::Drain() {
  asio::post(socket_.get_executor(), [self = shared_from_this()] {
    self->draining_ = true;
    if (!self->busy_) self->CloseSocket();
  });
}

void Connection::Abort() {
  asio::post(socket_.get_executor(), [self = shared_from_this()] { self->CloseSocket(); });
}

asio::awaitable<void> Connection::Run(std::shared_ptr<Connection> self) { co_await self->ServeRequests(); }

asio::awaitable<void> Connection::ServeRequests() {
  try {
    beast::error_code ec;
    while (!draining_) {
      // Idle until the next request's first byte; then its header must end within the header
      // timeout, however slowly it trickles in.
      if (buffer_.size() == 0) {
        SetDeadline(core_.options.idle_timeout);
        size_t n = co_await socket_.async_read_some(buffer_.prepare(kReadChunk), asio::redirect_error(use_awaitable, ec));
        if (ec) break;
        buffer_.commit(n);
      }
      bhttp::request_parser<bhttp::empty_body> head;
      head.header_limit(kMaxHeaderBytes);
      head.body_limit(boost::none);  // the dispatcher sets each route's
      ec = co_await ReadHeader(head);
      if (ec == bhttp::error::header_limit) {
        unread_ = true;
        co_await Write(BadRequest("Request header is larger than " + std::to_string(kMaxHeaderBytes) + " bytes"), 11,
                       false, false);
        break;
      }
      if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted ||
          ec == asio::error::eof || ec == asio::error::connection_reset) {
        break;
      }
      if (ec) {  // not HTTP
        unread_ = true;
        co_await Write(BadRequest("Malformed HTTP request"), 11, false, false);
        break;
      }
      busy_ = true;
      bool keep = co_await Serve(head);
      busy_ = false;
      if (!keep) break;
    }
    if (unread_) co_await LingeringClose();
  } catch (const std::exception& e) {
    spdlog::error("connection from {} ended by an exception: {}", remote_, e.what());
  }
  CloseSocket();
}

asio::awaitable<beast::error_code> Connection::ReadHeader(bhttp::request_parser<bhttp::empty_body>& head) {
  // The first read of a request usually holds its whole header: parsed here, it costs no trip
  // through the event loop (async_read_header completes through it even when it reads nothing).
  beast::error_code ec;
  buffer_.consume(head.put(buffer_.data(), ec));
  if (ec != bhttp::error::need_more) co_return ec;
  ec = {};
  SetDeadline(core_.options.header_timeout);
  co_await bhttp::async_read_header(socket_, buffer_, head, asio::redirect_error(use_awaitable, ec));
  co_return ec;
}

asio::awaitable<void> Connection::LingeringClose() {
  beast::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  SetDeadline(kLingerTime);
  size_t dropped = 0;
  std::vector<char> sink(64 * 1024);
  while (!ec && dropped < kLingerBytes) {
    dropped += co_await socket_.async_read_some(asio::buffer(sink), asio::redirect_error(use_awaitable, ec));
  }
}

asio::awaitable<bool> Connection::Serve(bhttp::request_parser<bhttp::empty_body>& head) {
  const Clock::time_point start = Clock::now();
  const bhttp::request<bhttp::empty_body>& in = head.get();
  const unsigned version = in.version();
  const std::string method(in.method_string());
  const std::string target(in.target());
  const bool head_only = in.method() == bhttp::verb::head;
  const bool expects_continue = ExpectsContinue(in);
  RequestHead request_head{method, target, std::nullopt, head.chunked(), in[bhttp::field::accept]};
  if (auto length = head.content_length()) request_head.content_length = *length;

  Admission admission = core_.dispatcher.Admit(request_head);
  if (admission.refusal) {
    unread_ = HasBody(head);
    const bool keep = in.keep_alive() && !unread_ && !draining_;
    const int status = admission.refusal->status;
    bool written = co_await Write(std::move(*admission.refusal), version, keep, head_only);
    core_.Record(method, target, admission.route != nullptr ? &admission : nullptr, status, remote_,
                 Clock::now() - start);
    co_return written && keep;
  }

  Request request;
  request.method = method;
  for (const auto& field : in) request.headers[ToLowerAscii(field.name_string())] = std::string(field.value());
  request.remote_addr = remote_;
  Dispatcher::Prepare(admission, request);
  bool body_complete = true;
  Response response;
  if (admission.streaming) {
    // Each upload holds a pool thread while its body arrives: past the cap, slow uploaders would
    // take the pool from every other blocking handler (logins among them).
    if (core_.uploads.fetch_add(1, std::memory_order_relaxed) >= core_.max_uploads) {
      core_.uploads.fetch_sub(1, std::memory_order_relaxed);
      unread_ = HasBody(head);
      co_await Write(TooManyUploads(), version, false, false);
      core_.Record(method, target, &admission, 503, remote_, Clock::now() - start);
      co_return false;
    }
    struct UploadSlot {
      ServerCore& core;
      ~UploadSlot() { core.uploads.fetch_sub(1, std::memory_order_relaxed); }
    } slot{core_};
    BodyParser parser(std::move(head));
    parser.body_limit(boost::none);  // counted by the source, chunked bodies included
    SocketBodySource source(*this, parser, expects_continue, admission.body_limit);
    request.read_multipart = MultipartFromBody(source, request.Header("content-type").value_or(""));
    response = co_await OnPool(admission, request);
    if (source.too_large()) response = TooLarge(admission.body_limit);
    body_complete = parser.is_done();
    unread_ = !body_complete;
    const bool keep = parser.get().keep_alive() && body_complete && !draining_;
    const int status = response.status;
    bool written = co_await Write(std::move(response), version, keep, false);
    core_.Record(method, target, &admission, status, remote_, Clock::now() - start);
    co_return written && keep;
  }

  bool keep_alive = in.keep_alive();
  if (HasBody(head)) {
    if (expects_continue && !co_await WriteContinue(version)) co_return false;
    bhttp::request_parser<bhttp::string_body> parser(std::move(head));
    parser.body_limit(admission.body_limit);
    beast::error_code ec;
    SetDeadline(core_.options.body_timeout);
    co_await bhttp::async_read(socket_, buffer_, parser, asio::redirect_error(use_awaitable, ec));
    if (ec == bhttp::error::body_limit) {
      unread_ = true;
      co_await Write(TooLarge(admission.body_limit), version, false, false);
      core_.Record(method, target, &admission, 413, remote_, Clock::now() - start);
      co_return false;
    }
    if (ec) co_return false;  // the client went away or was too slow: nobody to answer
    request.body = std::move(parser.get().body());
  }
  if (admission.route->execution == Execution::kInline) {
    ClearDeadline();
    response = core_.dispatcher.Handle(admission, request);
  } else {
    response = co_await OnPool(admission, request);
  }
  const bool keep = keep_alive && !draining_;
  const int status = response.status;
  bool written = co_await Write(std::move(response), version, keep, head_only);
  core_.Record(method, target, &admission, status, remote_, Clock::now() - start);
  co_return written && keep;
}

asio::awaitable<Response> Connection::OnPool(const Admission& admission, Request& request) {
  ClearDeadline();  // a handler may take its time; only reads and writes have deadlines
  ServerCore& core = core_;
  core.pool_queued.fetch_add(1, std::memory_order_relaxed);
  co_return co_await asio::co_spawn(
      core.pool,
      [&core, &admission, &request]() -> asio::awaitable<Response> {
        core.pool_queued.fetch_sub(1, std::memory_order_relaxed);
        co_return core.dispatcher.Handle(admission, request);
      },
      use_awaitable);
}

asio::awaitable<std::pair<beast::error_code, size_t>> Connection::ReadBody(BodyParser& parser, char* out, size_t size,
                                                                           bool& send_continue) {
  beast::error_code ec;
  if (send_continue) {
    send_continue = false;
    if (!co_await WriteContinue(parser.get().version())) co_return std::make_pair(asio::error::make_error_code(asio::error::broken_pipe), size_t{0});
  }
  parser.get().body().data = out;
  parser.get().body().size = size;
  SetDeadline(core_.options.body_timeout);
  co_await bhttp::async_read_some(socket_, buffer_, parser, asio::redirect_error(use_awaitable, ec));
  ClearDeadline();  // the handler now works on what it read
  if (ec == bhttp::error::need_buffer) ec = {};  // `out` is full: not an error
  co_return std::make_pair(ec, size - parser.get().body().size);
}

asio::awaitable<bool> Connection::WriteContinue(unsigned version) {
  bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, version};
  beast::error_code ec;
  SetDeadline(core_.options.body_timeout);
  co_await bhttp::async_write(socket_, go_on, asio::redirect_error(use_awaitable, ec));
  co_return !ec;
}

template <typename Serializer>
asio::awaitable<bool> Connection::Send(Serializer& serializer) {
  // A response that fits the socket's send buffer leaves in this call, without a trip through
  // the event loop; the rest (would_block) is written when the socket can take it.
  beast::error_code ec;
  bhttp::write(socket_, serializer, ec);
  if (ec != asio::error::would_block && ec != asio::error::try_again) co_return !ec;
  ec = {};
  SetDeadline(core_.options.body_timeout);
  co_await bhttp::async_write(socket_, serializer, asio::redirect_error(use_awaitable, ec));
  co_return !ec;
}

asio::awaitable<bool> Connection::Write(Response response, unsigned version, bool keep_alive, bool head_only) {
  if (response.content) co_return co_await WriteContent(response, version, keep_alive, head_only);
  if (head_only) {
    bhttp::response<bhttp::empty_body> out{static_cast<bhttp::status>(response.status), version};
    out.set(bhttp::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) out.insert(name, value);
    out.content_length(response.body.size());
    out.keep_alive(keep_alive);
    bhttp::response_serializer<bhttp::empty_body> serializer(out);
    co_return co_await Send(serializer);
  }
  // Header and body leave in one gather write.
  bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(response.status), version};
  out.set(bhttp::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) out.insert(name, value);
  out.keep_alive(keep_alive);
  out.body() = std::move(response.body);
  out.prepare_payload();
  bhttp::response_serializer<bhttp::string_body> serializer(out);
  co_return co_await Send(serializer);
}

asio::awaitable<bool> Connection::WriteContent(const Response& response, unsigned version, bool keep_alive,
                                               bool head_only) {
  beast::error_code ec;
  ContentSource& content = *response.content;
  const uint64_t size = content.size();

  bhttp::response<bhttp::buffer_body> out{static_cast<bhttp::status>(response.status), version};
  out.set(bhttp::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) out.insert(name, value);
  out.keep_alive(keep_alive);
  out.content_length(size);
  out.body().data = nullptr;
  out.body().more = !head_only && size > 0;
  bhttp::response_serializer<bhttp::buffer_body> serializer(out);
  SetDeadline(core_.options.body_timeout);
  co_await bhttp::async_write_header(socket_, serializer, asio::redirect_error(use_awaitable, ec));
  if (ec || head_only || size == 0) co_return !ec;

  std::vector<char> slice(std::min<uint64_t>(kFileSlice, size));
  uint64_t left = size;
  while (left > 0) {
    auto got = content.Read(slice.data(), std::min<uint64_t>(slice.size(), left));
    if (!got.ok() || *got == 0) co_return false;  // the client sees a short body and a closed connection
    left -= *got;
    out.body().data = slice.data();
    out.body().size = *got;
    out.body().more = left > 0;
    SetDeadline(core_.options.body_timeout);
    co_await bhttp::async_write(socket_, serializer, asio::redirect_error(use_awaitable, ec));
    if (ec == bhttp::error::need_buffer) ec = {};
    if (ec) co_return false;
  }
  co_return true;
}

}  // namespace dataml::http
