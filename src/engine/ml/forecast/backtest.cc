#include "engine/ml/forecast/backtest.h"

#include <algorithm>
#include <cmath>

namespace dataml::engine::ml::forecast {

int BacktestWindows(size_t n, int horizon, int windows) {
  const size_t h = static_cast<size_t>(std::max(1, horizon));
  const size_t possible = n >= kMinBacktestHistory + h ? (n - kMinBacktestHistory) / h : 0;
  return static_cast<int>(std::min<size_t>(possible, static_cast<size_t>(std::max(0, windows))));
}

Backtest ScoreBacktest(std::span<const double> series, int horizon, int season,
                       const std::vector<std::vector<double>>& forecasts) {
  const size_t h = static_cast<size_t>(horizon);
  Backtest out;
  out.windows = static_cast<int>(forecasts.size());
  for (int w = 0; w < out.windows; ++w) {
    const size_t origin = series.size() - static_cast<size_t>(out.windows - w) * h;
    const std::span<const double> history = series.first(origin);
    const std::span<const double> actual = series.subspan(origin, h);
    const std::vector<double>& forecast = forecasts[static_cast<size_t>(w)];
    const Accuracy accuracy = Measure(actual, forecast);
    const double scale = MaseScale(history, season);
    out.accuracy.mae += accuracy.mae;
    out.accuracy.rmse += accuracy.rmse;
    out.accuracy.smape += accuracy.smape;
    out.mase += scale > 0 ? accuracy.mae / scale : (accuracy.mae > 0 ? INFINITY : 0);
    std::vector<double> errors;
    for (size_t k = 0; k < h; ++k) errors.push_back(scale > 0 ? (actual[k] - forecast[k]) / scale : NAN);
    out.scaled_errors.push_back(std::move(errors));
  }
  if (out.windows > 0) {
    const double n = out.windows;
    out.mase /= n;
    out.accuracy.mae /= n;
    out.accuracy.rmse /= n;
    out.accuracy.smape /= n;
  }
  return out;
}

Result<Backtest> RunBacktest(std::span<const double> series, int horizon, int windows, int season, const Method& method) {
  if (horizon < 1 || windows < 1) return Status::InvalidArgument("a backtest needs a horizon and a window");
  const int count = BacktestWindows(series.size(), horizon, windows);
  if (count == 0) {
    return Status::FailedPrecondition("a series of " + std::to_string(series.size()) + " periods is too short to backtest " +
                                      std::to_string(horizon) + " periods ahead");
  }
  const size_t h = static_cast<size_t>(horizon);
  std::vector<std::vector<double>> forecasts;
  for (int w = 0; w < count; ++w) {
    const size_t origin = series.size() - static_cast<size_t>(count - w) * h;
    DATAML_ASSIGN_OR_RETURN(std::vector<double> forecast, method(series.first(origin), season, horizon));
    if (forecast.size() != h) return Status::Internal("a forecasting method gave the wrong number of values");
    forecasts.push_back(std::move(forecast));
  }
  return ScoreBacktest(series, horizon, season, forecasts);
}

void Calibration::Add(const Backtest& backtest) {
  for (const auto& window : backtest.scaled_errors) AddWindow(window);
}

void Calibration::AddWindow(const std::vector<double>& scaled_errors) {
  for (size_t k = 0; k < scaled_errors.size() && k < errors_.size(); ++k) {
    if (!std::isnan(scaled_errors[k])) errors_[k].push_back(std::fabs(scaled_errors[k]));
  }
}

double Calibration::HalfWidth(int step, double level) const {
  std::vector<double> errors = errors_[static_cast<size_t>(step)];
  if (errors.empty()) return 0;
  const size_t n = errors.size();
  const size_t rank = std::min(n, static_cast<size_t>(std::ceil(static_cast<double>(n + 1) * level)));
  std::nth_element(errors.begin(), errors.begin() + static_cast<std::ptrdiff_t>(rank - 1), errors.end());
  return errors[rank - 1];
}

}  // namespace dataml::engine::ml::forecast
