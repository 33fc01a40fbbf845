// "auto" for forecasting: per series, the method with the lowest backtest MASE; a series too
// short to backtest falls back to SeasonalNaive.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "engine/ml/forecast/backtest.h"

namespace dataml::engine::ml::forecast {

enum class ForecastAlgorithm { kSeasonalNaive, kEts, kTheta };

// "SeasonalNaive", "ETS", "Theta".
const char* ForecastAlgorithmName(ForecastAlgorithm algorithm);
// The method that fits `algorithm` to a history and forecasts from it.
Method MethodOf(ForecastAlgorithm algorithm);

struct Choice {
  ForecastAlgorithm algorithm = ForecastAlgorithm::kSeasonalNaive;
  std::optional<Backtest> backtest;  // the chosen method's; none for a series too short
  std::vector<std::pair<ForecastAlgorithm, double>> mase;  // each candidate's backtest MASE
};

// The candidate with the lowest backtest MASE over up to `windows` windows of `horizon`.
Result<Choice> ChooseByBacktest(std::span<const double> series, int horizon, int windows, int season,
                                const std::vector<ForecastAlgorithm>& candidates);

}  // namespace dataml::engine::ml::forecast
