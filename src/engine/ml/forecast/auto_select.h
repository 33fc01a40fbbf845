// "auto" for forecasting: per series, the method with the lowest backtest MASE; a series too
// short to backtest falls back to SeasonalNaive.
#pragma once

#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "core/result.h"
#include "engine/ml/forecast/backtest.h"
#include "engine/ml/forecast/series_model.h"

namespace dataml::engine::ml::forecast {

// The method that fits `algorithm` (a local one: SeasonalNaive, ETS or Theta) to a history and
// forecasts from it. The global booster's methods are the forecaster's (forecaster.h).
Method MethodOf(ForecastAlgorithm algorithm);

struct Choice {
  ForecastAlgorithm algorithm = ForecastAlgorithm::kSeasonalNaive;
  std::optional<Backtest> backtest;  // the chosen method's; none for a series too short
  std::vector<std::pair<ForecastAlgorithm, Backtest>> candidates;  // each candidate's backtest, in order
};

// The candidate with the lowest backtest MASE over up to `windows` windows of `horizon`.
Result<Choice> ChooseByBacktest(std::span<const double> series, int horizon, int windows, int season,
                                const std::vector<ForecastAlgorithm>& candidates);

}  // namespace dataml::engine::ml::forecast
