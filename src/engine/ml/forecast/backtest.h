// Rolling-origin backtests and the conformal intervals calibrated on them. A backtest cuts a
// series at `windows` origins, the last `horizon` periods apart, forecasts `horizon` periods
// from each and compares them with what came; its errors, scaled per series (MASE's scale),
// pooled per step ahead over a model's series, give every forecast an interval at any level.
#pragma once

#include <functional>
#include <span>
#include <vector>

#include "core/result.h"
#include "engine/ml/forecast/accuracy.h"

namespace dataml::engine::ml::forecast {

// A forecasting method: `horizon` values after `history`, with `season` periods to a season.
using Method = std::function<Result<std::vector<double>>(std::span<const double> history, int season, int horizon)>;

struct Backtest {
  int windows = 0;  // as many as the series allowed, up to those asked for
  double mase = 0;  // means over the windows
  Accuracy accuracy;
  // errors[w][h]: (actual - forecast) / scale of window w, h steps ahead; NaN when the history
  // before the window has no scale (a constant one)
  std::vector<std::vector<double>> scaled_errors;
};

// The shortest history a window's forecast starts from.
inline constexpr size_t kMinBacktestHistory = 3;

// How many windows of `horizon` a series of `n` periods has room for, up to `windows`: window w
// of W (0 the oldest) starts at n - (W - w) horizon, after at least kMinBacktestHistory periods.
int BacktestWindows(size_t n, int horizon, int windows);

// The backtest of given forecasts: forecasts[w] is the forecast of window w of
// forecasts.size() (oldest first) from the history before its origin.
Backtest ScoreBacktest(std::span<const double> series, int horizon, int season,
                       const std::vector<std::vector<double>>& forecasts);

// FailedPrecondition when the series is too short for one window (horizon periods after at
// least kMinBacktestHistory).
Result<Backtest> RunBacktest(std::span<const double> series, int horizon, int windows, int season, const Method& method);

// Scaled errors pooled per step ahead.
class Calibration {
 public:
  explicit Calibration(int horizon) : errors_(static_cast<size_t>(horizon)) {}
  void Add(const Backtest& backtest);
  // One window's scaled errors (NaN ones skipped).
  void AddWindow(const std::vector<double>& scaled_errors);
  // Half the width of the interval at `level` (0 < level < 1) `step` steps ahead (0-based), in
  // units of a series' scale: the ceil((n + 1) level)-th smallest of the n absolute errors (the
  // largest when n is too small for that); 0 without errors.
  double HalfWidth(int step, double level) const;
  size_t count(int step) const { return errors_[static_cast<size_t>(step)].size(); }

 private:
  std::vector<std::vector<double>> errors_;  // |scaled error| per step
};

}  // namespace dataml::engine::ml::forecast
