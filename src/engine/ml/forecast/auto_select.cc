#include "engine/ml/forecast/auto_select.h"

#include <cmath>
#include <optional>

namespace dataml::engine::ml::forecast {

Method MethodOf(ForecastAlgorithm algorithm) {
  return [algorithm](std::span<const double> history, int season, int horizon) -> Result<std::vector<double>> {
    return FitSeriesModel(algorithm, history, season).Forecast(horizon);
  };
}

Result<Choice> ChooseByBacktest(std::span<const double> series, int horizon, int windows, int season,
                                const std::vector<ForecastAlgorithm>& candidates) {
  Choice choice;
  double best = INFINITY;
  for (ForecastAlgorithm algorithm : candidates) {
    auto backtest = RunBacktest(series, horizon, windows, season, MethodOf(algorithm));
    if (!backtest.ok()) {
      if (backtest.status().code() == StatusCode::kFailedPrecondition) return choice;  // too short: SeasonalNaive
      return backtest.status();
    }
    // Ties (a constant series scores 0 everywhere) keep the earlier, simpler candidate; a
    // diverging one never wins.
    const double score = std::isfinite(backtest->mase) ? backtest->mase : INFINITY;
    if (!choice.backtest || score < best) {
      best = score;
      choice.algorithm = algorithm;
      choice.backtest = *backtest;
    }
    choice.candidates.emplace_back(algorithm, std::move(backtest).ValueOrDie());
  }
  return choice;
}

}  // namespace dataml::engine::ml::forecast
