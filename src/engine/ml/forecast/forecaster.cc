#include "engine/ml/forecast/forecaster.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <functional>
#include <map>
#include <thread>

#include "engine/ml/forecast/accuracy.h"
#include "engine/ml/forecast/auto_select.h"
#include "engine/ml/forecast/seasonal_naive.h"

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
  const size_t memory = booster ? booster->layout().memory() : 0;
  SeriesModel model = fitted.model;
  Period start = fitted.start;
  int64_t length = fitted.length;
  double scale = fitted.scale;
  if (history) {
    DATAML_ASSIGN_OR_RETURN(model, ApplySeriesModel(fitted.model, history->values, memory));
    if (UsesBooster(model.algorithm)) model.booster_scale = BoosterScale(history->values);
    start = history->start;
    length = static_cast<int64_t>(history->values.size());
    scale = MaseScale(history->values, season);
  }
  std::vector<double> global;
  if (UsesBooster(model.algorithm) && booster) {
    const Period first = Advance(start, length - static_cast<int64_t>(model.tail.size()));
    global = booster->Forecast({first, model.tail, model.booster_scale, model.statics}, steps);
  }
  const std::vector<double> values = model.Forecast(steps, global.empty() ? nullptr : &global);
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
          {"booster", booster ? booster->ToJson() : nlohmann::json()},
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
    if (json.contains("booster") && !json["booster"].is_null()) {
      DATAML_ASSIGN_OR_RETURN(m.booster, GlobalBooster::FromJson(json["booster"], m.frequency));
    }
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
  for (const FittedSeries& s : m.series) {
    if (UsesBooster(s.model.algorithm) && !m.booster)
      return Status::InvalidArgument("forecast model: series '" + s.key + "' needs the booster the model lacks");
  }
  return m;
}

namespace {

// Each static feature as one number: a numeric one its value, another its category's index
// among the values the series take (sorted); NaN when empty or unreadable.
std::vector<std::vector<float>> EncodeStatics(const std::vector<Series>& series, const std::vector<bool>& numeric) {
  std::vector<std::vector<float>> out(series.size(), std::vector<float>(numeric.size(), NAN));
  for (size_t f = 0; f < numeric.size(); ++f) {
    std::map<std::string, float> codes;
    if (!numeric[f]) {
      for (const Series& s : series) {
        if (f < s.statics.size() && s.statics[f]) codes.emplace(*s.statics[f], 0.0f);
      }
      float next = 0;
      for (auto& [value, code] : codes) code = next++;
    }
    for (size_t i = 0; i < series.size(); ++i) {
      if (f >= series[i].statics.size() || !series[i].statics[f]) continue;
      const std::string& text = *series[i].statics[f];
      if (!numeric[f]) {
        out[i][f] = codes[text];
        continue;
      }
      char* end = nullptr;
      const double v = std::strtod(text.c_str(), &end);
      if (end != text.c_str()) out[i][f] = static_cast<float>(v);
      if (text == "true" || text == "false") out[i][f] = text == "true" ? 1.0f : 0.0f;
    }
  }
  return out;
}

}  // namespace

Result<ForecasterTraining> TrainForecaster(const std::vector<Series>& series, const ForecasterOptions& options) {
  if (options.horizon < 1 || options.season < 1 || options.backtest_windows < 1)
    return Status::InvalidArgument("a forecaster needs a horizon, a season and a backtest window");
  if (series.empty()) return Status::InvalidArgument("there is no series to forecast");
  for (const Series& s : series) {
    if (s.values.empty()) return Status::InvalidArgument("series '" + s.key + "' has no values");
  }
  using A = ForecastAlgorithm;
  const std::vector<A> candidates =
      options.algorithm ? std::vector<A>{*options.algorithm}
                        : std::vector<A>{A::kSeasonalNaive, A::kEts, A::kTheta, A::kXGBoost, A::kEnsemble};
  auto wanted = [&](A a) { return std::find(candidates.begin(), candidates.end(), a) != candidates.end(); };
  // The methods whose backtest forecasts are needed: the candidates and the Ensemble's members.
  const bool need_ets = wanted(A::kEts) || wanted(A::kEnsemble);
  const bool need_theta = wanted(A::kTheta) || wanted(A::kEnsemble);
  const bool need_booster = wanted(A::kXGBoost) || wanted(A::kEnsemble);
  const int h = options.horizon, m = options.season;
  const size_t n = series.size();
  const unsigned threads = options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  Hyperparameters booster_hp = options.booster;
  booster_hp.nthread = static_cast<int>(threads);
  const BoosterLayout layout = BoosterLayout::For(series.front().start.frequency, m,
                                                  static_cast<int>(options.numeric_statics.size()));
  const std::vector<std::vector<float>> statics = EncodeStatics(series, options.numeric_statics);
  std::vector<double> booster_scales(n);
  for (size_t i = 0; i < n; ++i) booster_scales[i] = BoosterScale(series[i].values);

  // Backtest forecasts: forecasts[i][a][w], window w of series i's windows (oldest first).
  std::vector<int> windows(n);
  for (size_t i = 0; i < n; ++i) windows[i] = BacktestWindows(series[i].values.size(), h, options.backtest_windows);
  const int most_windows = *std::max_element(windows.begin(), windows.end());
  constexpr size_t kMethods = 5;
  std::vector<std::array<std::vector<std::vector<double>>, kMethods>> forecasts(n);
  auto origin = [&](size_t i, int w) { return series[i].values.size() - static_cast<size_t>(windows[i] - w) * h; };
  ParallelFor(n, threads, [&](size_t i) {
    for (A a : {A::kSeasonalNaive, A::kEts, A::kTheta}) {
      if ((a == A::kSeasonalNaive && !wanted(a)) || (a == A::kEts && !need_ets) || (a == A::kTheta && !need_theta)) continue;
      const Method method = MethodOf(a);
      for (int w = 0; w < windows[i]; ++w) {
        const std::span<const double> history(series[i].values.data(), origin(i, w));
        auto forecast = method(history, m, h);
        forecasts[i][static_cast<size_t>(a)].push_back(forecast.ok() ? *forecast : SeasonalNaive(history, m, h));
      }
    }
  });
  if (need_booster) {
    // One booster per window, counted from the end: trained on every series cut at that
    // window's origin (the windows of all series end together), forecasting those that have it.
    for (int back = 0; back < most_windows; ++back) {
      std::vector<BoosterSeries> cut;
      for (size_t i = 0; i < n; ++i) {
        const size_t keep = series[i].values.size() > static_cast<size_t>(back + 1) * h
                                ? series[i].values.size() - static_cast<size_t>(back + 1) * h
                                : 0;
        if (keep < 2) continue;
        const std::span<const double> history(series[i].values.data(), keep);
        cut.push_back({series[i].start, history, BoosterScale(history), statics[i]});
      }
      DATAML_ASSIGN_OR_RETURN(auto booster, GlobalBooster::Train(cut, layout, booster_hp));
      for (size_t i = 0; i < n; ++i) {
        if (back >= windows[i]) continue;
        const int w = windows[i] - 1 - back;
        const std::span<const double> history(series[i].values.data(), origin(i, w));
        auto& slot = forecasts[i][static_cast<size_t>(A::kXGBoost)];
        if (slot.empty()) slot.resize(static_cast<size_t>(windows[i]));
        slot[static_cast<size_t>(w)] = booster->Forecast({series[i].start, history, BoosterScale(history), statics[i]}, h);
      }
    }
  }
  if (wanted(A::kEnsemble)) {
    for (size_t i = 0; i < n; ++i) {
      auto& mean = forecasts[i][static_cast<size_t>(A::kEnsemble)];
      for (int w = 0; w < windows[i]; ++w) {
        std::vector<double> f(static_cast<size_t>(h), 0.0);
        for (A member : {A::kEts, A::kTheta, A::kXGBoost}) {
          const auto& g = forecasts[i][static_cast<size_t>(member)][static_cast<size_t>(w)];
          for (size_t k = 0; k < f.size(); ++k) f[k] += g[k] / 3;
        }
        mean.push_back(std::move(f));
      }
    }
  }

  // Per series, the candidate with the lowest backtest MASE (ties keep the earlier, simpler one;
  // one that diverged never wins); too short to backtest: SeasonalNaive.
  std::vector<std::optional<Backtest>> chosen_backtest(n);
  std::vector<A> chosen(n, A::kSeasonalNaive);
  ForecasterTraining out;
  for (A a : candidates) out.candidates.push_back({a, {}, 0});
  for (size_t i = 0; i < n; ++i) {
    if (windows[i] == 0) continue;
    double best = INFINITY;
    for (CandidateScores& c : out.candidates) {
      Backtest b = ScoreBacktest(series[i].values, h, m, forecasts[i][static_cast<size_t>(c.algorithm)]);
      AddScores(c.scores, b);
      const double score = std::isfinite(b.mase) ? b.mase : INFINITY;
      if (!chosen_backtest[i] || score < best) {
        best = score;
        chosen[i] = c.algorithm;
        chosen_backtest[i] = std::move(b);
      }
    }
  }
  forecasts.clear();

  // The final models: each series' method on its whole history, and the booster on every series.
  const size_t memory = need_booster ? layout.memory() : 0;
  std::vector<FittedSeries> fitted(n);
  ParallelFor(n, threads, [&](size_t i) {
    const Series& s = series[i];
    fitted[i] = {s.key, s.start, static_cast<int64_t>(s.values.size()), MaseScale(s.values, m),
                 FitSeriesModel(chosen[i], s.values, m, memory)};
    if (UsesBooster(fitted[i].model.algorithm)) {
      fitted[i].model.booster_scale = booster_scales[i];
      fitted[i].model.statics = statics[i];
    }
  });
  std::shared_ptr<const GlobalBooster> booster;
  if (std::any_of(fitted.begin(), fitted.end(), [](const FittedSeries& f) { return UsesBooster(f.model.algorithm); })) {
    std::vector<BoosterSeries> all;
    for (size_t i = 0; i < n; ++i) all.push_back({series[i].start, series[i].values, booster_scales[i], statics[i]});
    DATAML_ASSIGN_OR_RETURN(booster, GlobalBooster::Train(all, layout, booster_hp));
  }

  Calibration calibration(h);
  std::vector<const Backtest*> backtests;
  int backtest_windows = 0;
  for (size_t i = 0; i < n; ++i) {
    for (CandidateScores& c : out.candidates) c.series_chosen += c.algorithm == fitted[i].model.algorithm;
    if (!chosen_backtest[i]) {
      ++out.too_short;
      continue;
    }
    AddScores(out.scores, *chosen_backtest[i]);
    calibration.Add(*chosen_backtest[i]);
    backtests.push_back(&*chosen_backtest[i]);
    backtest_windows = std::max(backtest_windows, chosen_backtest[i]->windows);
  }
  for (CandidateScores& c : out.candidates) Average(c.scores);
  // Series that no candidate could take (too short to backtest, or to fit) are SeasonalNaive's.
  int64_t fallen_back = 0;
  for (const FittedSeries& f : fitted) fallen_back += f.model.algorithm == A::kSeasonalNaive;
  if (!wanted(A::kSeasonalNaive) && fallen_back > 0) out.candidates.push_back({A::kSeasonalNaive, {}, fallen_back});
  Average(out.scores);
  out.coverage = CrossCoverage(backtests, h, backtest_windows);

  ForecastModel& model = out.model;
  model.frequency = series.front().start.frequency;
  model.horizon = h;
  model.season = m;
  model.algorithm = options.algorithm ? ForecastAlgorithmName(*options.algorithm) : "auto";
  model.intervals = IntervalTable(calibration, h);
  model.booster = std::move(booster);
  model.series = std::move(fitted);
  std::sort(model.series.begin(), model.series.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  return out;
}

}  // namespace dataml::engine::ml::forecast
