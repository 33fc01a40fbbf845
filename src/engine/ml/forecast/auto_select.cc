#include "engine/ml/forecast/auto_select.h"

#include <cmath>
#include <optional>

#include "engine/ml/forecast/ets.h"
#include "engine/ml/forecast/seasonal_naive.h"
#include "engine/ml/forecast/theta.h"

namespace dataml::engine::ml::forecast {

const char* ForecastAlgorithmName(ForecastAlgorithm algorithm) {
  switch (algorithm) {
    case ForecastAlgorithm::kSeasonalNaive: return "SeasonalNaive";
    case ForecastAlgorithm::kEts: return "ETS";
    case ForecastAlgorithm::kTheta: return "Theta";
  }
  return "SeasonalNaive";
}

Method MethodOf(ForecastAlgorithm algorithm) {
  switch (algorithm) {
    case ForecastAlgorithm::kEts:
      return [](std::span<const double> history, int season, int horizon) -> Result<std::vector<double>> {
        auto model = AutoEts(history, season);
        if (!model.ok()) return SeasonalNaive(history, season, horizon);  // too short for any ETS
        return model->Forecast(horizon);
      };
    case ForecastAlgorithm::kTheta:
      return [](std::span<const double> history, int season, int horizon) -> Result<std::vector<double>> {
        auto model = FitDynamicOptimizedTheta(history, season);
        if (!model.ok()) return SeasonalNaive(history, season, horizon);
        return model->Forecast(horizon);
      };
    case ForecastAlgorithm::kSeasonalNaive: break;
  }
  return [](std::span<const double> history, int season, int horizon) -> Result<std::vector<double>> {
    return SeasonalNaive(history, season, horizon);
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
    choice.mase.emplace_back(algorithm, backtest->mase);
    // Ties (a constant series scores 0 everywhere) keep the earlier, simpler candidate; a
    // diverging one never wins.
    const double score = std::isfinite(backtest->mase) ? backtest->mase : INFINITY;
    if (!choice.backtest || score < best) {
      best = score;
      choice.algorithm = algorithm;
      choice.backtest = std::move(backtest).ValueOrDie();
    }
  }
  return choice;
}

}  // namespace dataml::engine::ml::forecast
