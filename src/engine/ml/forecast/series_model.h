// One series' fitted forecaster: the method that forecasts it, its parameters and the states it
// forecasts from, as a model blob stores it. Fitting falls back to SeasonalNaive where the
// method cannot fit the history (too short, or a multiplicative model with non-positive values),
// so every series gets a forecaster.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <span>
#include <vector>

#include "core/result.h"
#include "engine/ml/forecast/ets.h"
#include "engine/ml/forecast/theta.h"

namespace dataml::engine::ml::forecast {

enum class ForecastAlgorithm { kSeasonalNaive, kEts, kTheta };

// "SeasonalNaive", "ETS", "Theta"; parsed in any case.
const char* ForecastAlgorithmName(ForecastAlgorithm algorithm);
std::optional<ForecastAlgorithm> ParseForecastAlgorithm(std::string_view name);

struct SeriesModel {
  ForecastAlgorithm algorithm = ForecastAlgorithm::kSeasonalNaive;  // what was fitted
  int season = 1;
  std::vector<double> last_season;  // SeasonalNaive's state: the last `season` values (or all)
  std::optional<EtsModel> ets;
  std::optional<ThetaModel> theta;

  std::vector<double> Forecast(int horizon) const;
  nlohmann::json ToJson() const;
  // InvalidArgument when malformed.
  static Result<SeriesModel> FromJson(const nlohmann::json& json);
};

// `algorithm` fitted to `history` (not empty), SeasonalNaive where it cannot be.
SeriesModel FitSeriesModel(ForecastAlgorithm algorithm, std::span<const double> history, int season);

// The fitted parameters over another history (not empty) of the series: its states, no refit.
// InvalidArgument naming the model when the history cannot carry it.
Result<SeriesModel> ApplySeriesModel(const SeriesModel& fitted, std::span<const double> history);

}  // namespace dataml::engine::ml::forecast
