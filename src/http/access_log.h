// The access log: a line per request, written to a file descriptor (standard output) in batches
// by a thread of its own.
//
// Request threads format their line into a shared buffer under a short lock; the writer thread
// writes what has gathered every 200 ms, or as soon as 64 KiB wait, in pieces of at most 4 KiB
// that end at a line's end (so lines stay whole on a pipe shared with other writers). An async
// spdlog logger woke its thread and flushed standard output for every line: with it on,
// validate-token took twice the CPU. If the descriptor stops taking bytes (a stalled pipe), at
// most `max_pending_bytes` wait; newer lines are dropped and counted (a warning at most every 10 s,
// from the writer thread), and no request thread ever blocks on the log.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace dataml::http {

class AccessLog {
 public:
  static constexpr size_t kDefaultMaxPendingBytes = 4 << 20;

  explicit AccessLog(int fd, size_t max_pending_bytes = kDefaultMaxPendingBytes);
  // Writes every line appended before it.
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  // `[2026-12-07 05:17:15.123] [access] 127.0.0.1 "GET /api/v1/validate-token" 200 41us`, UTC.
  // Callable from any thread.
  void Write(std::string_view remote, std::string_view method, std::string_view path, int status,
             int64_t micros);

  uint64_t dropped() const;

 private:
  void Loop();
  void WriteOut(const std::string& text);

  const int fd_;
  const size_t max_pending_bytes_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::string pending_;
  bool stopping_ = false;
  uint64_t dropped_ = 0;
  int64_t stamp_second_ = -1;
  std::string stamp_;  // "[YYYY-MM-DD HH:MM:SS." of stamp_second_
  std::thread thread_;
};

}  // namespace dataml::http
