#include "http/server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <thread>
#include <vector>

#include "http/connection.h"
#include "http/metrics.h"

namespace dataml::http {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::use_awaitable;

// Connections the kernel queues for accept(); it caps the value at net.core.somaxconn.
constexpr int kListenBacklog = 4096;
// Connections past the cap being told so at once; beyond this many they are just closed.
constexpr int kMaxRefusing = 64;
// After the grace period the remaining connections are closed; this long after that the I/O
// threads stop whatever is left.
constexpr std::chrono::seconds kAfterGrace{5};
// How often connections past their read or write deadline are looked for: timeouts are this
// precise.
constexpr std::chrono::milliseconds kSweepInterval{250};

// What a connection past the cap is told before it is closed.
const std::string& Refusal() {
  static const std::string response = [] {
    const std::string body = R"({"detail":"Too many open connections, try again later"})";
    return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nConnection: close\r\n"
           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }();
  return response;
}

// Thousands of connections need as many file descriptors: take the hard limit.
void RaiseOpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace

Status ServerOptions::Validate() const {
  if (port < 0 || port > 65535) return Status::InvalidArgument("port must be 0..65535");
  if (io_threads < 0 || io_threads > 256) return Status::InvalidArgument("--io-threads must be 0..256");
  if (threads < 1 || threads > 1024) return Status::InvalidArgument("--threads must be 1..1024");
  if (max_connections < 1) return Status::InvalidArgument("--max-connections must be at least 1");
  if (max_uploads < 0) return Status::InvalidArgument("--max-uploads cannot be negative");
  if (header_timeout.count() < 1 || idle_timeout.count() < 1 || body_timeout.count() < 1) {
    return Status::InvalidArgument("HTTP timeouts must be at least 1 second");
  }
  if (shutdown_grace.count() < 0) return Status::InvalidArgument("the shutdown grace cannot be negative");
  return Status::OK();
}

ServerCore::ServerCore(ServerOptions options_in, const Router& router, Authenticator& authenticator,
                       Metrics* metrics_in)
    : options(std::move(options_in)),
      dispatcher(router, authenticator, DispatcherLimits{options.max_body_bytes, options.max_upload_bytes}),
      metrics(metrics_in),
      access_log(options.access_log ? std::make_unique<AccessLog>(STDOUT_FILENO) : nullptr),
      pool(static_cast<size_t>(options.threads)),
      max_uploads(options.max_uploads > 0 ? static_cast<size_t>(options.max_uploads)
                                          : std::max<size_t>(1, static_cast<size_t>(options.threads) / 2)) {}

void ServerCore::Opened(const std::shared_ptr<Connection>& connection) {
  std::lock_guard lock(connections_mutex);
  connections.emplace(connection.get(), connection);
  open_connections.fetch_add(1, std::memory_order_relaxed);
  if (metrics != nullptr) metrics->ConnectionOpened();
}

void ServerCore::Closed(const Connection* connection) {
  std::function<void()> last;
  {
    std::lock_guard lock(connections_mutex);
    connections.erase(connection);
    if (open_connections.fetch_sub(1, std::memory_order_relaxed) == 1 && stopping) last = on_last_connection_closed;
  }
  if (metrics != nullptr) metrics->ConnectionClosed();
  if (last) last();
}

void ServerCore::Record(std::string_view method, std::string_view target, const Admission* admission, int status,
                        std::string_view remote, std::chrono::steady_clock::duration latency) const {
  auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(latency);
  if (metrics != nullptr) {
    if (admission != nullptr) {
      metrics->RecordRequest(admission->route_index, status, nanos);
    } else {
      metrics->RecordUnrouted(status, nanos);
    }
  }
  if (access_log) {
    // The path only: query strings may carry secrets (reset-password takes its password there).
    std::string_view path = target.substr(0, target.find('?'));
    access_log->Write(remote, method, path, status, nanos.count() / 1000);
  }
}

struct Server::Impl {
  Impl(ServerOptions options, const Router& router, Authenticator& authenticator, Metrics* metrics)
      : core(std::move(options), router, authenticator, metrics) {
    size_t io_threads = core.options.io_threads > 0 ? static_cast<size_t>(core.options.io_threads)
                                                    : std::max(1u, std::thread::hardware_concurrency());
    // One context per I/O thread: a connection lives on one thread, so it needs no locks.
    for (size_t i = 0; i < io_threads; ++i) {
      contexts.push_back(std::make_unique<asio::io_context>(1));
      guards.emplace_back(contexts.back()->get_executor());
    }
    acceptor = std::make_unique<tcp::acceptor>(*contexts[0]);
    grace_timer = std::make_unique<asio::steady_timer>(*contexts[0]);
    final_timer = std::make_unique<asio::steady_timer>(*contexts[0]);
    sweeper = std::make_unique<asio::steady_timer>(*contexts[0]);
  }

  asio::awaitable<void> Accept();
  asio::awaitable<void> Refuse(tcp::socket socket);
  void BeginShutdown();
  // The open connections, taken under the lock and used outside it: a connection may be
  // destroyed when the copy goes, and its destructor takes the lock.
  std::vector<std::shared_ptr<Connection>> OpenConnections();
  void Sweep();
  void AbortAll();
  void FinishShutdown();

  ServerCore core;
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<asio::steady_timer> grace_timer;
  std::unique_ptr<asio::steady_timer> final_timer;
  std::unique_ptr<asio::steady_timer> sweeper;
  size_t next_context = 0;
  int refusing = 0;  // contexts[0] only
  bool finished = false;  // contexts[0] only
};

asio::awaitable<void> Server::Impl::Accept() {
  for (;;) {
    asio::io_context& context = *contexts[next_context++ % contexts.size()];
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor->async_accept(context, asio::redirect_error(use_awaitable, ec));
    if (!acceptor->is_open() || core.stopping) co_return;
    if (ec) {
      // Out of descriptors (EMFILE) and the like: pause instead of spinning on the error.
      spdlog::warn("accept failed: {}", ec.message());
      asio::steady_timer pause(*contexts[0], std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::redirect_error(use_awaitable, ec));
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);  // small responses must not wait on Nagle
    if (core.open_connections.load(std::memory_order_relaxed) >= core.options.max_connections) {
      if (core.metrics != nullptr) core.metrics->ConnectionRefused();
      if (refusing < kMaxRefusing) asio::co_spawn(*contexts[0], Refuse(std::move(socket)), asio::detached);
      continue;
    }
    auto connection = std::make_shared<Connection>(std::move(socket), core);
    core.Opened(connection);
    asio::co_spawn(context, Connection::Run(std::move(connection)), asio::detached);
  }
}

// Tells a connection over the cap why it is closed. Its request is read and dropped for a
// moment first: closing with unread bytes would reset the connection before the client reads
// the answer.
asio::awaitable<void> Server::Impl::Refuse(tcp::socket socket) {
  ++refusing;
  boost::system::error_code ec;
  asio::steady_timer deadline(*contexts[0], std::chrono::seconds(1));
  deadline.async_wait([&socket](boost::system::error_code waited) {
    if (!waited) socket.close(waited);
  });
  co_await asio::async_write(socket, asio::buffer(Refusal()), asio::redirect_error(use_awaitable, ec));
  if (!ec) socket.shutdown(tcp::socket::shutdown_send, ec);
  char sink[4096];
  while (!ec) co_await socket.async_read_some(asio::buffer(sink), asio::redirect_error(use_awaitable, ec));
  deadline.cancel();
  socket.close(ec);
  --refusing;
}

std::vector<std::shared_ptr<Connection>> Server::Impl::OpenConnections() {
  std::vector<std::shared_ptr<Connection>> open;
  std::lock_guard lock(core.connections_mutex);
  open.reserve(core.connections.size());
  for (auto& [raw, weak] : core.connections) {
    if (auto connection = weak.lock()) open.push_back(std::move(connection));
  }
  return open;
}

void Server::Impl::Sweep() {
  sweeper->expires_after(kSweepInterval);
  sweeper->async_wait([this](boost::system::error_code waited) {
    if (waited || finished) return;
    const auto now = std::chrono::steady_clock::now();
    for (const auto& connection : OpenConnections()) connection->AbortIfPast(now);
    Sweep();
  });
}

void Server::Impl::BeginShutdown() {
  if (core.stopping.exchange(true)) return;
  boost::system::error_code ec;
  acceptor->close(ec);
  {
    std::lock_guard lock(core.connections_mutex);
    core.on_last_connection_closed = [this] { asio::post(*contexts[0], [this] { FinishShutdown(); }); };
  }
  for (const auto& connection : OpenConnections()) connection->Drain();
  if (core.open_connections.load() == 0) return FinishShutdown();
  grace_timer->expires_after(core.options.shutdown_grace);
  grace_timer->async_wait([this](boost::system::error_code waited) {
    if (waited) return;
    spdlog::warn("closing {} connections still busy after the shutdown grace period", core.open_connections.load());
    AbortAll();
    final_timer->expires_after(kAfterGrace);
    final_timer->async_wait([this](boost::system::error_code late) {
      if (!late) FinishShutdown();
    });
  });
}

void Server::Impl::AbortAll() {
  for (const auto& connection : OpenConnections()) connection->Abort();
}

void Server::Impl::FinishShutdown() {
  if (finished) return;
  finished = true;
  grace_timer->cancel();
  final_timer->cancel();
  sweeper->cancel();
  for (auto& guard : guards) guard.reset();
  // Whatever is still pending (a connection stuck past the grace and its aftermath) is dropped.
  if (core.open_connections.load() > 0) {
    for (auto& context : contexts) context->stop();
  }
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

Result<std::unique_ptr<Server>> Server::Make(ServerOptions options, const Router& router,
                                             Authenticator& authenticator, Metrics* metrics) {
  DATAML_RETURN_NOT_OK(options.Validate());
  return std::unique_ptr<Server>(new Server(std::make_unique<Impl>(std::move(options), router, authenticator, metrics)));
}

Result<int> Server::Bind() {
  RaiseOpenFileLimit();
  const ServerOptions& options = impl_->core.options;
  boost::system::error_code ec;
  tcp::resolver resolver(*impl_->contexts[0]);
  auto endpoints = resolver.resolve(options.host, std::to_string(options.port), ec);
  if (ec || endpoints.empty()) return Status::Unavailable("cannot resolve " + options.host + ": " + ec.message());
  tcp::endpoint endpoint = endpoints.begin()->endpoint();
  tcp::acceptor& acceptor = *impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(kListenBacklog, ec);
  if (ec) {
    return Status::Unavailable("cannot bind " + options.host + ":" + std::to_string(options.port) + ": " + ec.message());
  }
  return static_cast<int>(acceptor.local_endpoint().port());
}

Status Server::Listen() {
  Impl& impl = *impl_;
  asio::co_spawn(*impl.contexts[0], impl.Accept(), asio::detached);
  asio::post(*impl.contexts[0], [&impl] { impl.Sweep(); });
  auto run = [](asio::io_context& context) {
    try {
      context.run();
    } catch (const std::exception& e) {
      spdlog::critical("HTTP I/O thread stopped by an exception: {}", e.what());
    }
  };
  std::vector<std::thread> threads;
  for (size_t i = 1; i < impl.contexts.size(); ++i) threads.emplace_back(run, std::ref(*impl.contexts[i]));
  run(*impl.contexts[0]);
  for (auto& thread : threads) thread.join();
  impl.core.pool.join();
  return Status::OK();
}

void Server::Stop() {
  asio::post(*impl_->contexts[0], [impl = impl_.get()] { impl->BeginShutdown(); });
}

size_t Server::PoolQueueDepth() const { return impl_->core.pool_queued.load(std::memory_order_relaxed); }

}  // namespace dataml::http
