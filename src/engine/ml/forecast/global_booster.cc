#include "engine/ml/forecast/global_booster.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "engine/data/data_type.h"
#include "engine/ml/feature_matrix.h"

namespace dataml::engine::ml::forecast {
namespace {

// After the lags: the step a season back, the gap to a season back, the rolling mean step, the
// rolling spread, the level above the rolling mean, the level, the calendar position.
constexpr int kFixedFeatures = 7;

int64_t FloorMod(int64_t a, int64_t b) { return ((a % b) + b) % b; }

// Where in its day, week or year a period is: the hour of the day, the day of the week (Monday
// 0), the week of the year, the month, the quarter; NaN for Year.
float CalendarPosition(Period p) {
  switch (p.frequency) {
    case Frequency::kHour: return static_cast<float>(FloorMod(p.index, 24));
    case Frequency::kDay: return static_cast<float>(FloorMod(p.index + 3, 7));  // 1970-01-01 was a Thursday
    case Frequency::kWeek: {
      int y = 0;
      unsigned m = 0, d = 0;
      CivilFromDays(p.index, y, m, d);
      const int64_t first = std::chrono::sys_days{std::chrono::year{y} / 1 / 1}.time_since_epoch().count();
      return static_cast<float>((p.index - first) / 7);
    }
    case Frequency::kMonth: return static_cast<float>(FloorMod(p.index, 12));
    case Frequency::kQuarter: return static_cast<float>(FloorMod(p.index, 12) / 3);
    case Frequency::kYear: break;
  }
  return kMissing;
}

// The features of the row that predicts the step into position t (t >= 1) from z[0..t-1] (the
// series divided by its scale), into out[layout.num_features()].
void RowOf(const BoosterLayout& layout, const std::vector<double>& z, size_t t, Period period,
           std::span<const float> statics, float* out) {
  const int64_t now = static_cast<int64_t>(t);
  // d_j = z_j - z_{j-1}, known for 1 <= j <= t - 1.
  auto step = [&](int64_t j) -> float {
    if (j < 1 || j > now - 1) return kMissing;
    return static_cast<float>(z[static_cast<size_t>(j)] - z[static_cast<size_t>(j - 1)]);
  };
  size_t c = 0;
  for (int k = 1; k <= layout.lags; ++k) out[c++] = step(now - k);
  const int64_t m = layout.season;
  out[c++] = m > layout.lags ? step(now - m) : kMissing;
  out[c++] = m > 1 && now - m >= 0 ? static_cast<float>(z[static_cast<size_t>(now - m)] - z[t - 1]) : kMissing;
  // Rolling statistics of the last `window` values (fewer at the start).
  const size_t from = t > static_cast<size_t>(layout.window) ? t - static_cast<size_t>(layout.window) : 0;
  double mean = 0, steps = 0;
  int step_count = 0;
  for (size_t j = from; j < t; ++j) {
    mean += z[j];
    if (j >= 1) {
      steps += z[j] - z[j - 1];
      ++step_count;
    }
  }
  const double count = static_cast<double>(t - from);
  mean /= count;
  double spread = 0;
  for (size_t j = from; j < t; ++j) spread += (z[j] - mean) * (z[j] - mean);
  out[c++] = step_count > 0 ? static_cast<float>(steps / step_count) : kMissing;
  out[c++] = static_cast<float>(std::sqrt(spread / count));
  out[c++] = static_cast<float>(z[t - 1] - mean);
  out[c++] = static_cast<float>(z[t - 1]);
  out[c++] = CalendarPosition(period);
  for (int s = 0; s < layout.statics; ++s) {
    out[c++] = static_cast<size_t>(s) < statics.size() ? statics[static_cast<size_t>(s)] : kMissing;
  }
}

std::vector<double> Scaled(const BoosterSeries& s) {
  std::vector<double> z;
  z.reserve(s.values.size());
  for (double v : s.values) z.push_back(v / s.scale);
  return z;
}

}  // namespace

BoosterLayout BoosterLayout::For(Frequency frequency, int season, int statics) {
  BoosterLayout layout;
  layout.frequency = frequency;
  layout.season = std::max(1, season);
  layout.lags = std::clamp(layout.season, 3, 13);
  layout.window = std::clamp(layout.season, 4, 13);
  layout.statics = statics;
  return layout;
}

size_t BoosterLayout::num_features() const { return static_cast<size_t>(lags + kFixedFeatures + statics); }

size_t BoosterLayout::memory() const { return static_cast<size_t>(std::max({lags + 1, season + 1, window})); }

double BoosterScale(std::span<const double> values) {
  double sum = 0;
  for (double v : values) sum += std::fabs(v);
  const double scale = values.empty() ? 0 : sum / static_cast<double>(values.size());
  return scale > 0 && std::isfinite(scale) ? scale : 1;
}

Result<std::shared_ptr<const GlobalBooster>> GlobalBooster::Train(const std::vector<BoosterSeries>& series,
                                                                  const BoosterLayout& layout,
                                                                  const Hyperparameters& hp) {
  size_t rows = 0;
  for (const BoosterSeries& s : series) rows += s.values.size() > 1 ? s.values.size() - 1 : 0;
  if (rows == 0) return Status::InvalidArgument("the series are too short for the global booster to learn a step");
  FeatureMatrix x(rows, layout.num_features());
  std::vector<float> y;
  y.reserve(rows);
  size_t r = 0;
  for (const BoosterSeries& s : series) {
    const std::vector<double> z = Scaled(s);
    for (size_t t = 1; t < z.size(); ++t, ++r) {
      RowOf(layout, z, t, Advance(s.start, static_cast<int64_t>(t)), s.statics, &x.at(r, 0));
      y.push_back(static_cast<float>(z[t] - z[t - 1]));
    }
  }
  DATAML_ASSIGN_OR_RETURN(Booster booster, TrainModel(Algorithm::kXGBoost, ProblemType::kRegression, 0, hp, x, y));
  DATAML_ASSIGN_OR_RETURN(std::string json, booster.SaveJson());
  DATAML_ASSIGN_OR_RETURN(TreeEnsemble trees, TreeEnsemble::FromXGBoostJson(json));
  return std::shared_ptr<const GlobalBooster>(new GlobalBooster(layout, std::move(trees), std::move(json)));
}

std::vector<double> GlobalBooster::Forecast(const BoosterSeries& series, int horizon) const {
  std::vector<double> z = Scaled(series);
  std::vector<double> out;
  if (z.empty()) return out;
  std::vector<float> row(layout_.num_features());
  float margin = 0;
  for (int k = 0; k < horizon; ++k) {
    const size_t t = z.size();
    RowOf(layout_, z, t, Advance(series.start, static_cast<int64_t>(t)), series.statics, row.data());
    trees_.PredictMargin(row.data(), &margin);
    z.push_back(z.back() + static_cast<double>(margin));
    out.push_back(z.back() * series.scale);
  }
  return out;
}

nlohmann::json GlobalBooster::ToJson() const {
  return {{"season", layout_.season},
          {"lags", layout_.lags},
          {"window", layout_.window},
          {"statics", layout_.statics},
          {"xgboost", nlohmann::json::parse(model_json_)}};
}

Result<std::shared_ptr<const GlobalBooster>> GlobalBooster::FromJson(const nlohmann::json& json, Frequency frequency) {
  BoosterLayout layout;
  std::string model_json;
  try {
    layout.frequency = frequency;
    layout.season = json.at("season").get<int>();
    layout.lags = json.at("lags").get<int>();
    layout.window = json.at("window").get<int>();
    layout.statics = json.at("statics").get<int>();
    model_json = json.at("xgboost").dump();
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(std::string("forecast booster: ") + e.what());
  }
  if (layout.season < 1 || layout.lags < 1 || layout.window < 1 || layout.statics < 0)
    return Status::InvalidArgument("forecast booster: a malformed layout");
  DATAML_ASSIGN_OR_RETURN(TreeEnsemble trees, TreeEnsemble::FromXGBoostJson(model_json));
  if (trees.num_features() > layout.num_features() || trees.num_groups() != 1)
    return Status::InvalidArgument("forecast booster: the trees do not fit the layout");
  return std::shared_ptr<const GlobalBooster>(new GlobalBooster(layout, std::move(trees), std::move(model_json)));
}

}  // namespace dataml::engine::ml::forecast
