// Request, latency and connection metrics of the HTTP server, rendered in the Prometheus text
// exposition format 0.0.4 for `GET /metrics`.
//
// Recording is on the hot path of every request, from the I/O threads and the blocking pool at
// once, so it takes no lock, allocates nothing and touches no string: every cell is a relaxed
// atomic in arrays sized when the route table is known. Rendering reads the cells one by one, so
// a scrape taken while requests run is not a single instant; each histogram is still coherent
// (its _count is the sum of its buckets), only its _sum may be a request ahead or behind.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace dataml::http {

// The Content-Type of a rendered exposition.
inline constexpr const char* kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

struct MetricRoute {
  std::string method;         // "GET"
  std::string path_template;  // "/api/v1/users/{user_id}"
};

enum class MetricType { kCounter, kGauge };

// A metric family the caller measures at render time (pool queue depth, jobs by state).
struct MetricFamily {
  struct Sample {
    std::vector<std::pair<std::string, std::string>> labels;  // name, unescaped value
    double value = 0;
  };
  std::string name;  // full name, "dataml_..."
  std::string help;
  MetricType type = MetricType::kGauge;
  std::vector<Sample> samples;
};

class Metrics {
 public:
  // Statuses the API answers with get a series each; any other status counts as "other".
  static constexpr std::array<int, 17> kStatuses = {200, 201, 202, 204, 400, 401, 403, 404, 405,
                                                    408, 409, 411, 413, 422, 429, 500, 503};
  // Upper bounds of the latency buckets, in nanoseconds; a last bucket (+Inf) takes the rest.
  static constexpr std::array<int64_t, 16> kBucketBoundsNs = {
      100'000,     250'000,     500'000,       1'000'000,     2'500'000,     5'000'000,
      10'000'000,  25'000'000,  50'000'000,    100'000'000,   250'000'000,   500'000'000,
      1'000'000'000, 2'500'000'000, 5'000'000'000, 10'000'000'000};

  // `routes[i]` is what RecordRequest's `route_index` i stands for (the router's order).
  explicit Metrics(std::vector<MetricRoute> routes);
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // A request answered by route `route_index` (< the number of routes; a larger index is a
  // programmer error, counted as unrouted in release builds).
  void RecordRequest(size_t route_index, int status, std::chrono::nanoseconds latency);
  // A request answered before any route matched it (404, 405, 400 on a malformed request).
  void RecordUnrouted(int status, std::chrono::nanoseconds latency);

  void ConnectionOpened();
  void ConnectionClosed();
  // A connection closed at once because the server was at its connection cap.
  void ConnectionRefused();

  // The exposition: the server's own families, then `extra`. Only series with requests appear.
  // InvalidArgument when an extra family or label name is not a valid Prometheus name, or a
  // family name is used twice.
  Result<std::string> Render(const std::vector<MetricFamily>& extra = {}) const;

 private:
  static constexpr size_t kStatusSlots = kStatuses.size() + 1;  // the last is "other"
  static constexpr size_t kBucketSlots = kBucketBoundsNs.size() + 1;  // the last is +Inf

  // One route's counters, on cache lines of its own so that routes do not contend.
  struct alignas(64) RouteCells {
    std::array<std::atomic<uint64_t>, kStatusSlots> by_status{};
    std::array<std::atomic<uint64_t>, kBucketSlots> by_bucket{};  // not cumulative
    std::atomic<uint64_t> sum_ns{0};
  };

  void Record(RouteCells& cells, int status, std::chrono::nanoseconds latency);
  void RenderRequests(std::string& out) const;
  void RenderDurations(std::string& out) const;

  // `method="GET",route="/api/v1/users/{user_id}"`, escaped once at construction; the last
  // entry is the unrouted one.
  std::vector<std::string> route_labels_;
  std::unique_ptr<RouteCells[]> cells_;  // one per route_labels_ entry
  std::atomic<int64_t> open_connections_{0};
  std::atomic<uint64_t> refused_connections_{0};
};

// Escapes a label value for the text format: backslash, double quote and newline.
std::string EscapeLabelValue(const std::string& value);

}  // namespace dataml::http
