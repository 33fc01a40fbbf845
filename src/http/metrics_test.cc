#include "http/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <thread>

namespace dataml::http {
namespace {

using namespace std::chrono_literals;

// --- A checker of the text exposition format 0.0.4, strict where our output must be. ---

struct Series {
  std::string name;
  std::map<std::string, std::string> labels;  // unescaped
  double value = 0;
};

// Parses `a="x",b="y\"z"`; false on anything the format does not allow.
bool ParseLabels(const std::string& text, std::map<std::string, std::string>& labels) {
  static const std::regex kName("[a-zA-Z_][a-zA-Z0-9_]*");
  size_t i = 0;
  while (i < text.size()) {
    size_t eq = text.find('=', i);
    if (eq == std::string::npos || !std::regex_match(text.substr(i, eq - i), kName)) return false;
    std::string name = text.substr(i, eq - i);
    if (eq + 1 >= text.size() || text[eq + 1] != '"') return false;
    std::string value;
    size_t j = eq + 2;
    for (; j < text.size() && text[j] != '"'; ++j) {
      if (text[j] == '\n') return false;
      if (text[j] != '\\') {
        value += text[j];
        continue;
      }
      if (++j == text.size()) return false;
      if (text[j] == '\\') value += '\\';
      else if (text[j] == '"') value += '"';
      else if (text[j] == 'n') value += '\n';
      else return false;
    }
    if (j == text.size() || !labels.emplace(name, value).second) return false;
    i = j + 1;
    if (i < text.size() && text[i++] != ',') return false;
  }
  return true;
}

std::optional<double> ParseValue(const std::string& text) {
  if (text == "+Inf") return INFINITY;
  if (text == "-Inf") return -INFINITY;
  if (text == "NaN") return NAN;
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0') return std::nullopt;
  return value;
}

// Every line is a HELP, a TYPE or a sample `name{labels} value`; each family has HELP then TYPE
// once, before its samples, which follow it together; histogram buckets are cumulative and the
// +Inf bucket equals _count.
::testing::AssertionResult CheckExposition(const std::string& text, std::vector<Series>* out) {
  static const std::regex kHelp(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*)");
  static const std::regex kType(R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram))");
  static const std::regex kSample(R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+))");
  if (!text.empty() && text.back() != '\n') return ::testing::AssertionFailure() << "no final \\n";
  std::map<std::string, std::string> types;
  std::string family, type, helped;
  struct Histogram {
    double last_le = -INFINITY, last_count = 0;
    std::optional<double> inf, count;
  };
  std::map<std::string, Histogram> histograms;  // by family + labels other than le
  std::istringstream lines(text);
  std::string line;
  std::smatch m;
  for (int n = 1; std::getline(lines, line); ++n) {
    auto fail = [&] { return ::testing::AssertionFailure() << "line " << n << ": " << line; };
    if (std::regex_match(line, m, kHelp)) {
      if (types.count(m[1]) || helped == m[1]) return fail() << " (family seen before)";
      helped = m[1];
    } else if (std::regex_match(line, m, kType)) {
      if (helped != m[1] || types.count(m[1])) return fail() << " (TYPE without HELP)";
      family = m[1], type = m[2], types[family] = type;
    } else if (std::regex_match(line, m, kSample)) {
      Series series{m[1], {}, 0};
      if (!ParseLabels(m[3], series.labels)) return fail() << " (labels)";
      auto value = ParseValue(m[4]);
      if (!value) return fail() << " (value)";
      series.value = *value;
      std::string suffix = series.name.substr(std::min(family.size(), series.name.size()));
      bool ours = series.name.compare(0, family.size(), family) == 0 &&
                  (type == "histogram" ? suffix == "_bucket" || suffix == "_sum" ||
                                             suffix == "_count"
                                       : suffix.empty());
      if (family.empty() || !ours) return fail() << " (not under its HELP/TYPE)";
      if (type == "histogram" && suffix != "_sum") {
        auto labels = series.labels;
        std::string le = labels["le"];
        labels.erase("le");
        std::string key = family;
        for (const auto& [k, v] : labels) key += "," + k + "=" + v;
        Histogram& h = histograms[key];
        if (suffix == "_count") {
          h.count = series.value;
        } else {
          auto bound = ParseValue(le);
          if (!bound || *bound <= h.last_le || series.value < h.last_count)
            return fail() << " (buckets not cumulative)";
          h.last_le = *bound, h.last_count = series.value;
          if (std::isinf(*bound)) h.inf = series.value;
        }
      }
      if (out) out->push_back(std::move(series));
    } else {
      return fail() << " (not HELP, TYPE or a sample)";
    }
  }
  for (const auto& [key, h] : histograms) {
    if (!h.inf || !h.count || *h.inf != *h.count)
      return ::testing::AssertionFailure() << key << ": +Inf bucket differs from _count";
  }
  return ::testing::AssertionSuccess();
}

TEST(ExpositionCheckerTest, RejectsWhatPrometheusWouldNot) {
  const std::string help = "# HELP x h\n# TYPE x gauge\n";
  EXPECT_TRUE(CheckExposition(help + "x{a=\"1\"} 2\n", nullptr));
  EXPECT_FALSE(CheckExposition("x 1\n", nullptr)) << "no HELP/TYPE";
  EXPECT_FALSE(CheckExposition(help + "y 1\n", nullptr)) << "another family's sample";
  EXPECT_FALSE(CheckExposition(help + help, nullptr)) << "family twice";
  EXPECT_FALSE(CheckExposition(help + "x{a=\"\\t\"} 1\n", nullptr)) << "bad escape";
  EXPECT_FALSE(CheckExposition(help + "x{a=\"1\"\"} 1\n", nullptr)) << "bare quote";
  EXPECT_FALSE(CheckExposition(help + "x one\n", nullptr));
  const std::string h = "# HELP h h\n# TYPE h histogram\n";
  EXPECT_TRUE(CheckExposition(h + "h_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 3\n"
                                  "h_count 2\n", nullptr));
  EXPECT_FALSE(CheckExposition(h + "h_bucket{le=\"1\"} 3\nh_bucket{le=\"+Inf\"} 2\nh_count 2\n",
                               nullptr)) << "decreasing buckets";
  EXPECT_FALSE(CheckExposition(h + "h_bucket{le=\"+Inf\"} 2\nh_count 3\n", nullptr));
}

// --- Metrics ---

// The value of the one line that starts with `series` (name and labels as written), if any.
std::optional<std::string> ValueOf(const std::string& text, const std::string& series) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(series + " ", 0) == 0) return line.substr(series.size() + 1);
  }
  return std::nullopt;
}

std::string RenderOrDie(const Metrics& metrics, const std::vector<MetricFamily>& extra = {}) {
  auto text = metrics.Render(extra);
  EXPECT_TRUE(text.ok()) << text.status().message();
  if (!text.ok()) return "";
  EXPECT_TRUE(CheckExposition(*text, nullptr)) << *text;
  return *text;
}

const std::vector<MetricRoute> kRoutes = {{"GET", "/api/v1/users/{user_id}"},
                                          {"POST", "/api/v1/users"}};
const std::string kUser = R"(method="GET",route="/api/v1/users/{user_id}")";
const std::string kUsers = R"(method="POST",route="/api/v1/users")";
const std::string kRequests = "dataml_http_requests_total";
const std::string kDuration = "dataml_http_request_duration_seconds";

TEST(MetricsTest, CountsRequestsByRouteAndStatusAndOmitsSeriesWithout) {
  Metrics metrics(kRoutes);
  metrics.RecordRequest(0, 200, 1ms);
  metrics.RecordRequest(0, 200, 1ms);
  metrics.RecordRequest(0, 404, 1ms);
  metrics.RecordRequest(1, 201, 1ms);
  metrics.RecordRequest(1, 418, 1ms);
  metrics.RecordRequest(1, 302, 1ms);
  metrics.RecordRequest(1, -1, 1ms);
  std::string text = RenderOrDie(metrics);
  EXPECT_EQ(ValueOf(text, kRequests + "{" + kUser + ",status=\"200\"}"), "2");
  EXPECT_EQ(ValueOf(text, kRequests + "{" + kUser + ",status=\"404\"}"), "1");
  EXPECT_EQ(ValueOf(text, kRequests + "{" + kUsers + ",status=\"201\"}"), "1");
  EXPECT_EQ(ValueOf(text, kRequests + "{" + kUsers + ",status=\"other\"}"), "3");
  EXPECT_EQ(ValueOf(text, kRequests + "{" + kUsers + ",status=\"200\"}"), std::nullopt);
  EXPECT_EQ(text.find("unmatched"), std::string::npos) << "no unrouted request, no series";
}

TEST(MetricsTest, LatenciesFallInTheFirstBucketWhoseBoundTheyDoNotExceed) {
  Metrics metrics(kRoutes);
  metrics.RecordRequest(0, 200, 100us);                 // exactly on 0.0001
  metrics.RecordRequest(0, 200, 100us + 1ns);           // just above: 0.00025
  metrics.RecordRequest(0, 200, 30ms);                  // 0.05
  metrics.RecordRequest(0, 200, 20s);                   // +Inf only
  metrics.RecordRequest(0, 200, std::chrono::nanoseconds(-5));  // a clock step: counted as 0
  std::string text = RenderOrDie(metrics);
  auto bucket = [&](const std::string& le) {
    return ValueOf(text, kDuration + "_bucket{" + kUser + ",le=\"" + le + "\"}");
  };
  EXPECT_EQ(bucket("0.0001"), "2");
  EXPECT_EQ(bucket("0.00025"), "3");
  EXPECT_EQ(bucket("0.025"), "3");
  EXPECT_EQ(bucket("0.05"), "4");
  EXPECT_EQ(bucket("10"), "4");
  EXPECT_EQ(bucket("+Inf"), "5");
  EXPECT_EQ(ValueOf(text, kDuration + "_count{" + kUser + "}"), "5");
  EXPECT_EQ(ValueOf(text, kDuration + "_sum{" + kUser + "}"), "20.030200001");
  EXPECT_EQ(ValueOf(text, kDuration + "_count{" + kUsers + "}"), std::nullopt);
}

TEST(MetricsTest, UnroutedRequestsHaveASeriesOfTheirOwn) {
  Metrics metrics(kRoutes);
  metrics.RecordUnrouted(404, 2ms);
  metrics.RecordUnrouted(405, 2ms);
  std::string text = RenderOrDie(metrics);
  const std::string unmatched = R"(method="other",route="unmatched")";
  EXPECT_EQ(ValueOf(text, kRequests + "{" + unmatched + ",status=\"404\"}"), "1");
  EXPECT_EQ(ValueOf(text, kRequests + "{" + unmatched + ",status=\"405\"}"), "1");
  EXPECT_EQ(ValueOf(text, kDuration + "_count{" + unmatched + "}"), "2");
  EXPECT_EQ(ValueOf(text, kDuration + "_sum{" + unmatched + "}"), "0.004");
}

TEST(MetricsTest, ConcurrentRecordsAreAllCounted) {
  constexpr int kThreads = 4, kPerThread = 100'000;
  Metrics metrics(kRoutes);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&metrics, t] {
      for (int i = 0; i < kPerThread; ++i)
        metrics.RecordRequest(i % 2, i % 4 == 0 ? 500 : 200, std::chrono::microseconds(t + 1));
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::string text = RenderOrDie(metrics);
  constexpr int kPerRoute = kThreads * kPerThread / 2;
  auto requests = [&](const std::string& route, const std::string& status) {
    return ValueOf(text, kRequests + "{" + route + ",status=\"" + status + "\"}");
  };
  EXPECT_EQ(requests(kUser, "500"), std::to_string(kPerRoute / 2));
  EXPECT_EQ(requests(kUser, "200"), std::to_string(kPerRoute / 2));
  EXPECT_EQ(requests(kUsers, "200"), std::to_string(kPerRoute));
  EXPECT_EQ(ValueOf(text, kDuration + "_count{" + kUser + "}"), std::to_string(kPerRoute));
  // Each thread gives each route kPerThread / 2 requests of (t + 1) µs: (1+2+3+4) * 50000 µs.
  EXPECT_EQ(ValueOf(text, kDuration + "_sum{" + kUsers + "}"), "0.5");
}

TEST(MetricsTest, ConnectionsAreAGaugeAndRefusalsACounter) {
  Metrics metrics(kRoutes);
  metrics.ConnectionOpened();
  metrics.ConnectionOpened();
  metrics.ConnectionOpened();
  metrics.ConnectionClosed();
  metrics.ConnectionRefused();
  std::string text = RenderOrDie(metrics);
  EXPECT_EQ(ValueOf(text, "dataml_http_open_connections"), "2");
  EXPECT_EQ(ValueOf(text, "dataml_http_refused_connections_total"), "1");
  EXPECT_NE(text.find("# TYPE dataml_http_refused_connections_total counter\n"), std::string::npos);
}

TEST(MetricsTest, CallerFamiliesFollowWithTheirHelpAndType) {
  Metrics metrics(kRoutes);
  metrics.RecordRequest(0, 200, 1ms);
  std::vector<MetricFamily> extra = {
      {"dataml_http_pool_queue_depth", "Tasks waiting for the blocking pool.", MetricType::kGauge,
       {{{}, 3}}},
      {"dataml_jobs", "Jobs by state.", MetricType::kGauge,
       {{{{"state", "queued"}}, 2}, {{{"state", "running"}}, 1.5}, {{{"state", "x"}}, NAN}}},
  };
  std::vector<Series> series;
  auto text = metrics.Render(extra);
  ASSERT_TRUE(text.ok());
  ASSERT_TRUE(CheckExposition(*text, &series)) << *text;
  EXPECT_NE(text->find("# HELP dataml_jobs Jobs by state.\n# TYPE dataml_jobs gauge\n"),
            std::string::npos);
  EXPECT_EQ(ValueOf(*text, "dataml_http_pool_queue_depth"), "3");
  EXPECT_EQ(ValueOf(*text, R"(dataml_jobs{state="queued"})"), "2");
  EXPECT_EQ(ValueOf(*text, R"(dataml_jobs{state="running"})"), "1.5");
  EXPECT_EQ(ValueOf(*text, R"(dataml_jobs{state="x"})"), "NaN");
  EXPECT_EQ(series.back().name, "dataml_jobs");
}

TEST(MetricsTest, LabelValuesAndHelpAreEscaped) {
  Metrics metrics(std::vector<MetricRoute>{{"GET", "/a\\b\"c\nd"}});
  metrics.RecordRequest(0, 200, 1ms);
  std::vector<MetricFamily> extra = {
      {"dataml_x", "line one\nback\\slash \"quoted\"", MetricType::kCounter,
       {{{{"v", "q\"b\\n\n"}}, 1}}}};
  auto text = metrics.Render(extra);
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find(R"(route="/a\\b\"c\nd")"), std::string::npos) << *text;
  EXPECT_NE(text->find(R"(# HELP dataml_x line one\nback\\slash "quoted")"), std::string::npos);
  std::vector<Series> series;
  ASSERT_TRUE(CheckExposition(*text, &series)) << *text;
  bool route_seen = false, label_seen = false;
  for (const Series& s : series) {
    route_seen |= s.labels.count("route") && s.labels.at("route") == "/a\\b\"c\nd";
    label_seen |= s.labels.count("v") && s.labels.at("v") == "q\"b\\n\n";
  }
  EXPECT_TRUE(route_seen && label_seen) << "escaping round-trips";
  EXPECT_EQ(EscapeLabelValue("plain/{id}"), "plain/{id}");
}

TEST(MetricsTest, InvalidCallerFamiliesAreRefused) {
  Metrics metrics(kRoutes);
  auto refused = [&](MetricFamily family) {
    auto text = metrics.Render({std::move(family)});
    return !text.ok() && text.status().code() == StatusCode::kInvalidArgument;
  };
  EXPECT_TRUE(refused({"dataml-jobs", "h", MetricType::kGauge, {}}));
  EXPECT_TRUE(refused({"1jobs", "h", MetricType::kGauge, {}}));
  EXPECT_TRUE(refused({"dataml_jobs", "h", MetricType::kGauge, {{{{"st ate", "q"}}, 1}}}));
  EXPECT_TRUE(refused({"dataml_jobs", "h", MetricType::kGauge, {{{{"__name__", "q"}}, 1}}}));
  EXPECT_TRUE(refused({"dataml_http_open_connections", "h", MetricType::kGauge, {}}));
  EXPECT_TRUE(refused({"dataml_http_request_duration_seconds_count", "h", MetricType::kGauge, {}}));
  MetricFamily jobs{"dataml_jobs", "h", MetricType::kGauge, {}};
  auto twice = metrics.Render({jobs, jobs});
  EXPECT_FALSE(twice.ok());
  EXPECT_TRUE(metrics.Render({jobs}).ok());
}

TEST(MetricsTest, AnIdleServerStillDescribesItsFamilies) {
  Metrics metrics(std::vector<MetricRoute>{});
  std::string text = RenderOrDie(metrics);
  EXPECT_NE(text.find("# TYPE dataml_http_requests_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE dataml_http_request_duration_seconds histogram\n"),
            std::string::npos);
  EXPECT_EQ(ValueOf(text, "dataml_http_open_connections"), "0");
  EXPECT_EQ(text.find("_bucket"), std::string::npos);
}

}  // namespace
}  // namespace dataml::http
