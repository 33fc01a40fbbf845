#include "engine/ml/forecast/seasonal_naive.h"

namespace dataml::engine::ml::forecast {

std::vector<double> SeasonalNaive(std::span<const double> history, int season, int horizon) {
  std::vector<double> out;
  if (history.empty() || horizon <= 0) return out;
  const size_t n = history.size();
  const size_t m = season > 1 && static_cast<size_t>(season) <= n ? static_cast<size_t>(season) : 1;
  for (int h = 0; h < horizon; ++h) out.push_back(history[n - m + static_cast<size_t>(h) % m]);
  return out;
}

}  // namespace dataml::engine::ml::forecast
