#include "engine/ml/forecast/accuracy.h"

#include <cmath>

namespace dataml::engine::ml::forecast {

double MaseScale(std::span<const double> history, int season) {
  const size_t lag = static_cast<size_t>(season) < history.size() && season > 1 ? static_cast<size_t>(season) : 1;
  if (history.size() <= lag) return 0;
  double sum = 0;
  for (size_t t = lag; t < history.size(); ++t) sum += std::fabs(history[t] - history[t - lag]);
  return sum / static_cast<double>(history.size() - lag);
}

Accuracy Measure(std::span<const double> actual, std::span<const double> forecast) {
  Accuracy out;
  const size_t n = std::min(actual.size(), forecast.size());
  if (n == 0) return out;
  double squared = 0;
  for (size_t i = 0; i < n; ++i) {
    const double error = actual[i] - forecast[i];
    out.mae += std::fabs(error);
    squared += error * error;
    const double denominator = std::fabs(actual[i]) + std::fabs(forecast[i]);
    if (denominator > 0) out.smape += 200 * std::fabs(error) / denominator;
  }
  out.mae /= static_cast<double>(n);
  out.rmse = std::sqrt(squared / static_cast<double>(n));
  out.smape /= static_cast<double>(n);
  return out;
}

}  // namespace dataml::engine::ml::forecast
