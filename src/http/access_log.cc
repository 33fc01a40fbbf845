#include "http/access_log.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <iterator>

namespace dataml::http {
namespace {

constexpr size_t kWriteAt = 64 * 1024;  // wake the writer early past this
constexpr std::chrono::milliseconds kWriteEvery{200};
// A write(2) to a pipe of at most PIPE_BUF bytes is not interleaved with other writers' bytes.
constexpr size_t kPiece = 4096;
constexpr std::chrono::seconds kWarnEvery{10};

}  // namespace

AccessLog::AccessLog(int fd, size_t max_pending_bytes) : fd_(fd), max_pending_bytes_(max_pending_bytes) {
  pending_.reserve(kWriteAt * 2);
  thread_ = std::thread([this] { Loop(); });
}

AccessLog::~AccessLog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void AccessLog::Write(std::string_view remote, std::string_view method, std::string_view path, int status,
                      int64_t micros) {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const int64_t millis = std::chrono::duration_cast<std::chrono::milliseconds>(now).count();
  const int64_t second = millis / 1000;
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    if (pending_.size() >= max_pending_bytes_) {
      ++dropped_;  // reported by the writer thread (Loop)
    } else {
      if (second != stamp_second_) {
        std::time_t t = second;
        std::tm tm{};
        gmtime_r(&t, &tm);
        char text[32];
        stamp_.assign(text, std::strftime(text, sizeof text, "[%Y-%m-%d %H:%M:%S.", &tm));
        stamp_second_ = second;
      }
      const size_t before = pending_.size();
      fmt::format_to(std::back_inserter(pending_), "{}{:03}] [access] {} \"{} {}\" {} {}us\n", stamp_, millis % 1000,
                     remote, method, path, status, micros);
      wake = before < kWriteAt && pending_.size() >= kWriteAt;
    }
  }
  if (wake) wake_.notify_one();
}

uint64_t AccessLog::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

void AccessLog::Loop() {
  std::string out;
  out.reserve(kWriteAt * 2);
  uint64_t reported = 0;
  auto reported_at = std::chrono::steady_clock::now();
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait_for(lock, kWriteEvery, [&] { return stopping_ || pending_.size() >= kWriteAt; });
    const bool stop = stopping_;
    const uint64_t dropped = dropped_;
    out.swap(pending_);  // the request threads go on with the other buffer meanwhile
    lock.unlock();
    WriteOut(out);
    out.clear();
    // Said from this thread, at most every kWarnEvery: a request thread would block on the very
    // output that stalled.
    const auto now = std::chrono::steady_clock::now();
    if (dropped != reported && (reported == 0 || now - reported_at >= kWarnEvery)) {
      spdlog::warn("access log: standard output is not keeping up; {} lines dropped so far", dropped);
      reported = dropped;
      reported_at = now;
    }
    lock.lock();
    if (stop && pending_.empty()) return;
  }
}

void AccessLog::WriteOut(const std::string& text) {
  size_t at = 0;
  while (at < text.size()) {
    size_t n = std::min(kPiece, text.size() - at);
    if (at + n < text.size()) {
      size_t end = text.rfind('\n', at + n - 1);
      if (end != std::string::npos && end >= at) n = end + 1 - at;  // else a line longer than a piece
    }
    ssize_t written = ::write(fd_, text.data() + at, n);
    if (written < 0) {
      if (errno == EINTR) continue;
      return;  // the descriptor is gone (closed standard output): nothing to write to
    }
    at += static_cast<size_t>(written);
  }
}

}  // namespace dataml::http
