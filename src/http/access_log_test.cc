#include "http/access_log.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace dataml::http {
namespace {

// Reads everything from `fd` until every writer has closed it.
std::string ReadAll(int fd) {
  std::string all;
  char chunk[65536];
  ssize_t n;
  while ((n = ::read(fd, chunk, sizeof chunk)) > 0) all.append(chunk, static_cast<size_t>(n));
  return all;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(AccessLogTest, EveryLineFromEveryThreadIsWrittenWholeBeforeTheLogEnds) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::string text;
  std::thread reader([&] { text = ReadAll(fds[0]); });
  constexpr int kThreads = 4, kLines = 5000;
  {
    AccessLog log(fds[1]);
    std::vector<std::thread> writers;
    for (int t = 0; t < kThreads; ++t) {
      writers.emplace_back([&log, t] {
        for (int i = 0; i < kLines; ++i) log.Write("127.0.0.1", "GET", "/api/v1/items/" + std::to_string(t), 200, i);
      });
    }
    for (auto& w : writers) w.join();
    EXPECT_EQ(log.dropped(), 0u);
  }  // the destructor writes what is left
  ::close(fds[1]);
  reader.join();
  ::close(fds[0]);

  const std::regex shape(R"re(\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] \[access\] 127\.0\.0\.1 "GET /api/v1/items/(\d)" 200 (\d+)us)re");
  std::vector<int> next(kThreads, 0);
  auto lines = Lines(text);
  ASSERT_EQ(lines.size(), size_t{kThreads * kLines});
  for (const std::string& line : lines) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(line, m, shape)) << line;
    int t = std::stoi(m[1]);
    EXPECT_EQ(std::stoi(m[2]), next[t]++) << "one thread's lines stay in its order";
  }
}

TEST(AccessLogTest, AStalledOutputDropsNewLinesInsteadOfBlocking) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::thread drain;
  {
    AccessLog log(fds[1], /*max_pending_bytes=*/64 * 1024);
    // Nobody reads: the pipe fills, the writer thread blocks in write(2), and the log must
    // neither grow past its bound nor block this thread.
    for (int i = 0; i < 50000; ++i) log.Write("10.0.0.1", "POST", "/api/v1/inference", 200, 7);
    EXPECT_GT(log.dropped(), 0u);
    // Let the writer finish so that the log can end.
    drain = std::thread([fd = fds[0]] { ReadAll(fd); });
  }
  ::close(fds[1]);
  drain.join();
  ::close(fds[0]);
}

}  // namespace
}  // namespace dataml::http
