// A Forecast training from a table to its artifacts: the series read under the recipe, the
// forecaster trained on them, and the summary the model summary shows (the backtest's scores,
// each candidate's, the coverage of the intervals, what was read).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "core/result.h"
#include "engine/ml/forecast/forecast_hyperparameters.h"
#include "engine/ml/forecast/series_model.h"
#include "engine/ml/forecast/series_recipe.h"

namespace dataml::engine::ml::forecast {

struct ForecastTrainingRequest {
  SeriesRecipe recipe;
  std::optional<ForecastAlgorithm> algorithm;  // none: auto
  int horizon = 1;
  ForecastHyperparameters hyperparameters;
};

struct ForecastTrainingOutcome {
  std::string model_json;  // ForecastModel
  nlohmann::json summary;
};

// InvalidArgument for a table whose series cannot be read under the recipe.
Result<ForecastTrainingOutcome> RunForecastTraining(const arrow::Table& table, const ForecastTrainingRequest& request);

}  // namespace dataml::engine::ml::forecast
