// What the listener and its connections share. Private to the HTTP transport.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string_view>
#include <unordered_map>

#include "http/access_log.h"
#include "http/dispatcher.h"
#include "http/server.h"

namespace dataml::http {

class Connection;

struct ServerCore {
  ServerCore(ServerOptions options, const Router& router, Authenticator& authenticator, Metrics* metrics);

  ServerOptions options;
  Dispatcher dispatcher;
  Metrics* metrics;  // may be null
  std::unique_ptr<AccessLog> access_log;  // null when off
  boost::asio::thread_pool pool;
  std::atomic<size_t> pool_queued{0};  // posted to the pool, not yet started
  const size_t max_uploads;            // streaming uploads at once (each holds a pool thread)
  std::atomic<size_t> uploads{0};

  // Open connections, so that Stop() can reach them. Keyed by address; the weak pointer is
  // locked only under the mutex.
  std::mutex connections_mutex;
  std::unordered_map<const Connection*, std::weak_ptr<Connection>> connections;
  std::atomic<size_t> open_connections{0};
  std::atomic<bool> stopping{false};

  void Opened(const std::shared_ptr<Connection>& connection);
  void Closed(const Connection* connection);
  // Called once per request, after its response was written (or the connection failed).
  void Record(std::string_view method, std::string_view target, const Admission* admission, int status,
              std::string_view remote, std::chrono::steady_clock::duration latency) const;

  std::function<void()> on_last_connection_closed;  // set while stopping
};

}  // namespace dataml::http
