#include "engine/ml/forecast/forecaster.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <thread>

#include "engine/ml/forecast/accuracy.h"
#include "engine/ml/forecast/auto_select.h"

namespace dataml::engine::ml::forecast {
namespace {

constexpr int kLevels = 50;  // 0.50 .. 0.99
constexpr double kCoverageLevel = 0.95;

double LevelAt(int i) { return IntervalTable::kMinLevel + 0.01 * i; }

// Runs body(i) for i in [0, n) on up to `threads` threads.
void ParallelFor(size_t n, unsigned threads, const std::function<void(size_t)>& body) {
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < n; i = next++) body(i);
  };
  const unsigned count = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(n)));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < count; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
}

void AddScores(BacktestScores& to, const Backtest& b) {
  ++to.series;
  to.mase += b.mase;
  to.smape += b.accuracy.smape;
  to.mae += b.accuracy.mae;
  to.rmse += b.accuracy.rmse;
}

void Average(BacktestScores& s) {
  if (s.series == 0) return;
  const double n = static_cast<double>(s.series);
  s.mase /= n;
  s.smape /= n;
  s.mae /= n;
  s.rmse /= n;
}

// Cross-conformal coverage: each window (counted from the series' end) checked against intervals
// calibrated on every other window. None with fewer than two windows.
std::optional<double> CrossCoverage(const std::vector<const Backtest*>& backtests, int horizon, int windows) {
  if (windows < 2) return std::nullopt;
  std::vector<Calibration> without(static_cast<size_t>(windows), Calibration(horizon));
  for (const Backtest* b : backtests) {
    const int w = static_cast<int>(b->scaled_errors.size());
    for (int i = 0; i < w; ++i) {
      const int from_end = w - 1 - i;
      for (int j = 0; j < windows; ++j) {
        if (j != from_end) without[static_cast<size_t>(j)].AddWindow(b->scaled_errors[static_cast<size_t>(i)]);
      }
    }
  }
  int64_t inside = 0, total = 0;
  for (int j = 0; j < windows; ++j) {
    std::vector<double> width;
    for (int h = 0; h < horizon; ++h) width.push_back(without[static_cast<size_t>(j)].HalfWidth(h, kCoverageLevel));
    for (const Backtest* b : backtests) {
      const int w = static_cast<int>(b->scaled_errors.size());
      if (j >= w) continue;
      const std::vector<double>& errors = b->scaled_errors[static_cast<size_t>(w - 1 - j)];
      for (int h = 0; h < horizon && h < static_cast<int>(errors.size()); ++h) {
        const double e = errors[static_cast<size_t>(h)];
        if (std::isnan(e) || without[static_cast<size_t>(j)].count(h) == 0) continue;
        ++total;
        inside += std::fabs(e) <= width[static_cast<size_t>(h)];
      }
    }
  }
  if (total == 0) return std::nullopt;
  return static_cast<double>(inside) / static_cast<double>(total);
}

nlohmann::json PeriodJson(Period p) { return {{"frequency", FrequencyName(p.frequency)}, {"index", p.index}}; }

}  // namespace

IntervalTable::IntervalTable(const Calibration& calibration, int horizon) {
  for (int h = 0; h < horizon; ++h) {
    std::vector<double> row;
    for (int i = 0; i < kLevels; ++i) row.push_back(calibration.HalfWidth(h, LevelAt(i)));
    widths_.push_back(std::move(row));
  }
}

double IntervalTable::HalfWidth(int step, double level) const {
  if (step < 0 || static_cast<size_t>(step) >= widths_.size()) return 0;
  const std::vector<double>& row = widths_[static_cast<size_t>(step)];
  const double position = std::clamp((level - kMinLevel) / 0.01, 0.0, static_cast<double>(kLevels - 1));
  const size_t below = static_cast<size_t>(std::floor(position));
  const size_t above = std::min(below + 1, row.size() - 1);
  const double t = position - static_cast<double>(below);
  return row[below] * (1 - t) + row[above] * t;
}

nlohmann::json IntervalTable::ToJson() const {
  return {{"levels", {kMinLevel, kMaxLevel, 0.01}}, {"half_widths", widths_}};
}

Result<IntervalTable> IntervalTable::FromJson(const nlohmann::json& json) {
  IntervalTable table;
  try {
    table.widths_ = json.at("half_widths").get<std::vector<std::vector<double>>>();
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(std::string("forecast intervals: ") + e.what());
  }
  for (const auto& row : table.widths_) {
    if (row.size() != kLevels) return Status::InvalidArgument("forecast intervals: a step without every level");
  }
  return table;
}

const FittedSeries* ForecastModel::Find(const std::string& key) const {
  auto it = std::lower_bound(series.begin(), series.end(), key,
                             [](const FittedSeries& s, const std::string& k) { return s.key < k; });
  return it != series.end() && it->key == key ? &*it : nullptr;
}

Result<std::vector<ForecastPoint>> ForecastModel::Forecast(const FittedSeries& fitted, int steps, double level,
                                                           const Series* history) const {
  if (steps < 1 || steps > horizon) {
    return Status::InvalidArgument("steps must be 1 to the model's horizon, " + std::to_string(horizon));
  }
  if (!(level >= IntervalTable::kMinLevel && level <= IntervalTable::kMaxLevel)) {
    return Status::InvalidArgument("the confidence level must be 0.5 to 0.99");
  }
  SeriesModel model = fitted.model;
  Period start = fitted.start;
  int64_t length = fitted.length;
  double scale = fitted.scale;
  if (history) {
    DATAML_ASSIGN_OR_RETURN(model, ApplySeriesModel(fitted.model, history->values));
    start = history->start;
    length = static_cast<int64_t>(history->values.size());
    scale = MaseScale(history->values, season);
  }
  const std::vector<double> values = model.Forecast(steps);
  std::vector<ForecastPoint> out;
  for (int k = 0; k < steps; ++k) {
    const double half = intervals.HalfWidth(k, level) * scale;
    const double v = values[static_cast<size_t>(k)];
    out.push_back({Advance(start, length + k), v, v - half, v + half});
  }
  return out;
}

nlohmann::json ForecastModel::ToJson() const {
  nlohmann::json list = nlohmann::json::array();
  for (const FittedSeries& s : series) {
    list.push_back({{"key", s.key},
                    {"start", PeriodJson(s.start)},
                    {"length", s.length},
                    {"scale", s.scale},
                    {"model", s.model.ToJson()}});
  }
  return {{"format", "dataml-forecast"},
          {"format_version", kFormatVersion},
          {"frequency", FrequencyName(frequency)},
          {"horizon", horizon},
          {"season_length", season},
          {"algorithm", algorithm},
          {"intervals", intervals.ToJson()},
          {"series", std::move(list)}};
}

Result<ForecastModel> ForecastModel::FromJson(const nlohmann::json& json) {
  ForecastModel m;
  try {
    if (json.value("format", "") != "dataml-forecast" || json.at("format_version").get<int>() != kFormatVersion)
      return Status::InvalidArgument("forecast model: not a model of this format version");
    auto frequency = ParseFrequency(json.at("frequency").get<std::string>());
    if (!frequency) return Status::InvalidArgument("forecast model: unknown frequency");
    m.frequency = *frequency;
    m.horizon = json.at("horizon").get<int>();
    m.season = json.at("season_length").get<int>();
    m.algorithm = json.at("algorithm").get<std::string>();
    DATAML_ASSIGN_OR_RETURN(m.intervals, IntervalTable::FromJson(json.at("intervals")));
    for (const nlohmann::json& j : json.at("series")) {
      FittedSeries s;
      s.key = j.at("key").get<std::string>();
      s.start = {m.frequency, j.at("start").at("index").get<int64_t>()};
      s.length = j.at("length").get<int64_t>();
      s.scale = j.at("scale").get<double>();
      DATAML_ASSIGN_OR_RETURN(s.model, SeriesModel::FromJson(j.at("model")));
      m.series.push_back(std::move(s));
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(std::string("forecast model: ") + e.what());
  }
  if (m.horizon < 1 || m.season < 1) return Status::InvalidArgument("forecast model: no horizon or season");
  if (!std::is_sorted(m.series.begin(), m.series.end(), [](const auto& a, const auto& b) { return a.key < b.key; }))
    return Status::InvalidArgument("forecast model: series out of order");
  return m;
}

Result<ForecasterTraining> TrainForecaster(const std::vector<Series>& series, const ForecasterOptions& options) {
  if (options.horizon < 1 || options.season < 1 || options.backtest_windows < 1)
    return Status::InvalidArgument("a forecaster needs a horizon, a season and a backtest window");
  if (series.empty()) return Status::InvalidArgument("there is no series to forecast");
  for (const Series& s : series) {
    if (s.values.empty()) return Status::InvalidArgument("series '" + s.key + "' has no values");
  }
  std::vector<ForecastAlgorithm> candidates;
  if (options.algorithm) {
    candidates = {*options.algorithm};
  } else {
    candidates = {ForecastAlgorithm::kSeasonalNaive, ForecastAlgorithm::kEts, ForecastAlgorithm::kTheta};
  }

  const size_t n = series.size();
  std::vector<Choice> choices(n);
  std::vector<FittedSeries> fitted(n);
  std::mutex failure_mutex;
  Status failure = Status::OK();
  const unsigned threads = options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  ParallelFor(n, threads, [&](size_t i) {
    const Series& s = series[i];
    auto choice = ChooseByBacktest(s.values, options.horizon, options.backtest_windows, options.season, candidates);
    if (!choice.ok()) {
      std::lock_guard lock(failure_mutex);
      failure = choice.status();
      return;
    }
    choices[i] = std::move(choice).ValueOrDie();
    fitted[i] = {s.key, s.start, static_cast<int64_t>(s.values.size()), MaseScale(s.values, options.season),
                 FitSeriesModel(choices[i].algorithm, s.values, options.season)};
  });
  DATAML_RETURN_NOT_OK(failure);

  ForecasterTraining out;
  Calibration calibration(options.horizon);
  std::vector<const Backtest*> chosen;
  int windows = 0;
  for (ForecastAlgorithm a : candidates) out.candidates.push_back({a, {}, 0});
  for (size_t i = 0; i < n; ++i) {
    for (auto& [algorithm, backtest] : choices[i].candidates) {
      for (CandidateScores& c : out.candidates) {
        if (c.algorithm == algorithm) AddScores(c.scores, backtest);
      }
    }
    for (CandidateScores& c : out.candidates) c.series_chosen += c.algorithm == fitted[i].model.algorithm;
    if (!choices[i].backtest) {
      ++out.too_short;
      continue;
    }
    AddScores(out.scores, *choices[i].backtest);
    calibration.Add(*choices[i].backtest);
    chosen.push_back(&*choices[i].backtest);
    windows = std::max(windows, choices[i].backtest->windows);
  }
  for (CandidateScores& c : out.candidates) Average(c.scores);
  // Series that no candidate could take (too short to backtest, or to fit) are SeasonalNaive's.
  int64_t fallen_back = 0;
  for (const FittedSeries& f : fitted) fallen_back += f.model.algorithm == ForecastAlgorithm::kSeasonalNaive;
  if (std::find(candidates.begin(), candidates.end(), ForecastAlgorithm::kSeasonalNaive) == candidates.end() &&
      fallen_back > 0) {
    out.candidates.push_back({ForecastAlgorithm::kSeasonalNaive, {}, fallen_back});
  }
  Average(out.scores);
  out.coverage = CrossCoverage(chosen, options.horizon, windows);

  ForecastModel& model = out.model;
  model.frequency = series.front().start.frequency;
  model.horizon = options.horizon;
  model.season = options.season;
  model.algorithm = options.algorithm ? ForecastAlgorithmName(*options.algorithm) : "auto";
  model.intervals = IntervalTable(calibration, options.horizon);
  model.series = std::move(fitted);
  std::sort(model.series.begin(), model.series.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  return out;
}

}  // namespace dataml::engine::ml::forecast
