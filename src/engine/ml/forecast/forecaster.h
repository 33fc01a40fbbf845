// A forecasting model of many series, trained in one go: per series the requested method (or,
// for "auto", the one with the lowest backtest MASE), every series backtested over rolling
// origins (the global booster retrained at each origin on every series cut there), and
// conformal intervals calibrated on the pooled, scaled backtest errors. It
// forecasts a series from the end of its training history, or from a newer history of it with
// the same parameters (no refit).
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "engine/ml/forecast/backtest.h"
#include "engine/ml/forecast/global_booster.h"
#include "engine/ml/forecast/series.h"
#include "engine/ml/forecast/series_model.h"

namespace dataml::engine::ml::forecast {

struct ForecasterOptions {
  std::optional<ForecastAlgorithm> algorithm;  // none: auto (every method, per series the best)
  int horizon = 1;
  int season = 1;
  int backtest_windows = 3;
  unsigned threads = 0;  // 0: every core
  Hyperparameters booster;            // the global booster's (XGBoost, Ensemble)
  std::vector<bool> numeric_statics;  // per static feature of the series: a number (else a category)
};

// Conformal interval half-widths, in units of a series' scale (MaseScale), per step ahead on a
// grid of levels 0.50, 0.51, ..., 0.99; levels in between are interpolated.
class IntervalTable {
 public:
  static constexpr double kMinLevel = 0.5, kMaxLevel = 0.99;
  IntervalTable() = default;
  IntervalTable(const Calibration& calibration, int horizon);

  double HalfWidth(int step, double level) const;
  nlohmann::json ToJson() const;
  static Result<IntervalTable> FromJson(const nlohmann::json& json);

 private:
  std::vector<std::vector<double>> widths_;  // [step][level index]
};

// One series as the model holds it.
struct FittedSeries {
  std::string key;
  Period start;        // its first period
  int64_t length = 0;  // periods of history
  double scale = 0;    // MaseScale of its history (intervals are this wide per unit)
  SeriesModel model;
};

struct ForecastPoint {
  Period period;
  double value = 0, lower = 0, upper = 0;
};

class ForecastModel {
 public:
  static constexpr int kFormatVersion = 1;
  Frequency frequency = Frequency::kDay;
  int horizon = 1;
  int season = 1;
  std::string algorithm;  // as requested: "auto" or a method
  IntervalTable intervals;
  std::shared_ptr<const GlobalBooster> booster;  // when a series uses XGBoost or Ensemble
  std::vector<FittedSeries> series;  // ordered by key

  const FittedSeries* Find(const std::string& key) const;
  // `steps` (1..horizon) periods after the series' history at `level` (0.5..0.99): after the
  // training's, or after `history` (the same series read again, e.g. with newer periods).
  Result<std::vector<ForecastPoint>> Forecast(const FittedSeries& fitted, int steps, double level,
                                              const Series* history = nullptr) const;

  nlohmann::json ToJson() const;
  // InvalidArgument when malformed or of another format version.
  static Result<ForecastModel> FromJson(const nlohmann::json& json);
};

// How a method did in the backtest: means over the series it was backtested on.
struct BacktestScores {
  int64_t series = 0;
  double mase = 0, smape = 0, mae = 0, rmse = 0;
};

struct CandidateScores {
  ForecastAlgorithm algorithm = ForecastAlgorithm::kSeasonalNaive;
  BacktestScores scores;
  int64_t series_chosen = 0;  // series the model forecasts with it
};

struct ForecasterTraining {
  ForecastModel model;
  BacktestScores scores;           // of each series' chosen method
  std::optional<double> coverage;  // of 95% intervals on windows left out of their calibration
  std::vector<CandidateScores> candidates;
  int64_t too_short = 0;  // series too short to backtest (SeasonalNaive)
};

// InvalidArgument for options out of range or no series.
Result<ForecasterTraining> TrainForecaster(const std::vector<Series>& series, const ForecasterOptions& options);

}  // namespace dataml::engine::ml::forecast
