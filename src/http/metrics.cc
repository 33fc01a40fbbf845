#include "http/metrics.h"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <charconv>
#include <cmath>
#include <set>

namespace dataml::http {
namespace {

constexpr int kStatusTableSize = 600;  // HTTP statuses are three digits, 1xx to 5xx
constexpr int64_t kNanosPerSecond = 1'000'000'000;

constexpr const char* kRequestsName = "dataml_http_requests_total";
constexpr const char* kDurationName = "dataml_http_request_duration_seconds";
constexpr const char* kOpenName = "dataml_http_open_connections";
constexpr const char* kRefusedName = "dataml_http_refused_connections_total";

// Status -> slot in RouteCells::by_status, so that recording is one load instead of a search.
constexpr std::array<uint8_t, kStatusTableSize> kStatusSlotOf = [] {
  std::array<uint8_t, kStatusTableSize> slots{};
  slots.fill(static_cast<uint8_t>(Metrics::kStatuses.size()));
  for (size_t i = 0; i < Metrics::kStatuses.size(); ++i)
    slots[Metrics::kStatuses[i]] = static_cast<uint8_t>(i);
  return slots;
}();

// Exact decimal seconds, so that bucket bounds read "0.00025" and sums carry no rounding.
std::string FormatSeconds(uint64_t nanos) {
  std::string out = std::to_string(nanos / kNanosPerSecond);
  uint64_t fraction = nanos % kNanosPerSecond;
  if (fraction == 0) return out;
  std::string digits = std::to_string(fraction);
  digits.insert(0, 9 - digits.size(), '0');
  digits.erase(digits.find_last_not_of('0') + 1);
  return out + "." + digits;
}

std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return ec == std::errc() ? std::string(buffer, end) : "NaN";
}

std::string EscapeHelp(const std::string& help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

void WriteHeader(std::string& out, const std::string& name, const std::string& help,
                 const char* type) {
  out += "# HELP " + name + " " + EscapeHelp(help) + "\n";
  out += "# TYPE " + name + " " + type + "\n";
}

bool IsMetricName(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':';
  });
}

bool IsLabelName(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  if (name.rfind("__", 0) == 0) return false;  // reserved for Prometheus itself
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

Status ValidateExtra(const std::vector<MetricFamily>& extra) {
  // The server's own families and every sample name its histogram writes.
  std::set<std::string> names = {kRequestsName,
                                 kDurationName,
                                 std::string(kDurationName) + "_bucket",
                                 std::string(kDurationName) + "_sum",
                                 std::string(kDurationName) + "_count",
                                 kOpenName,
                                 kRefusedName};
  for (const MetricFamily& family : extra) {
    if (!IsMetricName(family.name))
      return Status::InvalidArgument("Invalid metric name '" + family.name + "'");
    if (!names.insert(family.name).second)
      return Status::InvalidArgument("Metric family '" + family.name + "' is defined twice");
    for (const MetricFamily::Sample& sample : family.samples) {
      for (const auto& [label, value] : sample.labels) {
        if (!IsLabelName(label))
          return Status::InvalidArgument("Invalid label name '" + label + "' in " + family.name);
      }
    }
  }
  return Status::OK();
}

void RenderFamily(std::string& out, const MetricFamily& family) {
  WriteHeader(out, family.name, family.help,
              family.type == MetricType::kCounter ? "counter" : "gauge");
  for (const MetricFamily::Sample& sample : family.samples) {
    out += family.name;
    if (!sample.labels.empty()) {
      out += '{';
      for (size_t i = 0; i < sample.labels.size(); ++i) {
        if (i > 0) out += ',';
        out += sample.labels[i].first + "=\"" + EscapeLabelValue(sample.labels[i].second) + "\"";
      }
      out += '}';
    }
    out += " " + FormatValue(sample.value) + "\n";
  }
}

}  // namespace

std::string EscapeLabelValue(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

Metrics::Metrics(std::vector<MetricRoute> routes) {
  route_labels_.reserve(routes.size() + 1);
  for (const MetricRoute& route : routes) {
    route_labels_.push_back("method=\"" + EscapeLabelValue(route.method) + "\",route=\"" +
                            EscapeLabelValue(route.path_template) + "\"");
  }
  // No path template lacks its leading slash, so this route label cannot be a real route's.
  route_labels_.push_back("method=\"other\",route=\"unmatched\"");
  cells_ = std::make_unique<RouteCells[]>(route_labels_.size());
}

Metrics::~Metrics() = default;

void Metrics::RecordRequest(size_t route_index, int status, std::chrono::nanoseconds latency) {
  size_t unrouted = route_labels_.size() - 1;
  assert(route_index < unrouted && "route index beyond the route table");
  Record(cells_[std::min(route_index, unrouted)], status, latency);
}

void Metrics::RecordUnrouted(int status, std::chrono::nanoseconds latency) {
  Record(cells_[route_labels_.size() - 1], status, latency);
}

void Metrics::Record(RouteCells& cells, int status, std::chrono::nanoseconds latency) {
  size_t slot = status >= 0 && status < kStatusTableSize ? kStatusSlotOf[status] : kStatusSlots - 1;
  cells.by_status[slot].fetch_add(1, std::memory_order_relaxed);
  int64_t nanos = std::max<int64_t>(latency.count(), 0);  // a clock that stepped back
  size_t bucket = std::lower_bound(kBucketBoundsNs.begin(), kBucketBoundsNs.end(), nanos) -
                  kBucketBoundsNs.begin();
  cells.by_bucket[bucket].fetch_add(1, std::memory_order_relaxed);
  cells.sum_ns.fetch_add(static_cast<uint64_t>(nanos), std::memory_order_relaxed);
}

void Metrics::ConnectionOpened() { open_connections_.fetch_add(1, std::memory_order_relaxed); }

void Metrics::ConnectionClosed() { open_connections_.fetch_sub(1, std::memory_order_relaxed); }

void Metrics::ConnectionRefused() {
  refused_connections_.fetch_add(1, std::memory_order_relaxed);
}

namespace {

// `name{labels} value\n`, or `name value\n` without labels. Appended piece by piece: chains of
// operator+ on temporaries made GCC 12 warn (a false -Warray-bounds at -O2).
void AppendSample(std::string& out, std::string_view name, std::string_view labels, std::string_view value) {
  out.append(name);
  if (!labels.empty()) {
    out.push_back('{');
    out.append(labels);
    out.push_back('}');
  }
  out.push_back(' ');
  out.append(value);
  out.push_back('\n');
}

}  // namespace

Result<std::string> Metrics::Render(const std::vector<MetricFamily>& extra) const {
  DATAML_RETURN_NOT_OK(ValidateExtra(extra));
  std::string out;
  RenderRequests(out);
  RenderDurations(out);
  WriteHeader(out, kOpenName, "HTTP connections open now.", "gauge");
  AppendSample(out, kOpenName, "", std::to_string(open_connections_.load(std::memory_order_relaxed)));
  WriteHeader(out, kRefusedName, "Connections closed at once because the server was at its cap.",
              "counter");
  AppendSample(out, kRefusedName, "", std::to_string(refused_connections_.load(std::memory_order_relaxed)));
  for (const MetricFamily& family : extra) RenderFamily(out, family);
  return out;
}

void Metrics::RenderRequests(std::string& out) const {
  WriteHeader(out, kRequestsName, "HTTP requests answered, by route and status.", "counter");
  for (size_t r = 0; r < route_labels_.size(); ++r) {
    for (size_t s = 0; s < kStatusSlots; ++s) {
      uint64_t count = cells_[r].by_status[s].load(std::memory_order_relaxed);
      if (count == 0) continue;
      std::string status = s < kStatuses.size() ? std::to_string(kStatuses[s]) : "other";
      AppendSample(out, kRequestsName, route_labels_[r] + ",status=\"" + status + "\"", std::to_string(count));
    }
  }
}

void Metrics::RenderDurations(std::string& out) const {
  WriteHeader(out, kDurationName, "Time from a request's arrival to its response, by route.",
              "histogram");
  const std::string bucket_name = std::string(kDurationName) + "_bucket";
  const std::string sum_name = std::string(kDurationName) + "_sum";
  const std::string count_name = std::string(kDurationName) + "_count";
  for (size_t r = 0; r < route_labels_.size(); ++r) {
    std::array<uint64_t, kBucketSlots> counts;
    for (size_t b = 0; b < kBucketSlots; ++b)
      counts[b] = cells_[r].by_bucket[b].load(std::memory_order_relaxed);
    uint64_t sum_ns = cells_[r].sum_ns.load(std::memory_order_relaxed);
    uint64_t total = 0;
    for (uint64_t count : counts) total += count;
    if (total == 0) continue;

    const std::string& labels = route_labels_[r];
    uint64_t cumulative = 0;
    for (size_t b = 0; b < kBucketSlots; ++b) {
      cumulative += counts[b];
      std::string le = b < kBucketBoundsNs.size() ? FormatSeconds(kBucketBoundsNs[b]) : "+Inf";
      AppendSample(out, bucket_name, labels + ",le=\"" + le + "\"", std::to_string(cumulative));
    }
    AppendSample(out, sum_name, labels, FormatSeconds(sum_ns));
    AppendSample(out, count_name, labels, std::to_string(total));
  }
}

}  // namespace dataml::http
