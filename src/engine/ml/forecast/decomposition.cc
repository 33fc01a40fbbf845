#include "engine/ml/forecast/decomposition.h"

namespace dataml::engine::ml::forecast {

std::vector<double> SeasonalIndices(std::span<const double> y, size_t m, bool multiplicative) {
  std::vector<double> sum(m, 0.0);
  std::vector<int> count(m, 0);
  const size_t half = m / 2;
  for (size_t t = half; t + half < y.size(); ++t) {
    double trend = 0;
    if (m % 2 == 1) {
      for (size_t k = t - half; k <= t + half; ++k) trend += y[k];
    } else {
      trend = 0.5 * (y[t - half] + y[t + half]);
      for (size_t k = t - half + 1; k < t + half; ++k) trend += y[k];
    }
    trend /= static_cast<double>(m);
    sum[t % m] += multiplicative ? y[t] / trend : y[t] - trend;
    ++count[t % m];
  }
  std::vector<double> out(m);
  double mean = 0;
  for (size_t i = 0; i < m; ++i) {
    out[i] = count[i] > 0 ? sum[i] / count[i] : (multiplicative ? 1.0 : 0.0);
    mean += out[i] / static_cast<double>(m);
  }
  for (double& s : out) s = multiplicative ? s / mean : s - mean;
  return out;
}

}  // namespace dataml::engine::ml::forecast
