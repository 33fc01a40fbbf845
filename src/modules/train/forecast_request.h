// A Forecast training request checked before its job: the body fields only a Forecast training
// has (frequency, horizon, aggregate, fill), its algorithm and hyperparameters, its columns'
// roles, and the dataset's series read under its rules, so that a dataset the job would refuse
// is a 422 now.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "engine/data/file_set.h"
#include "engine/ml/forecast/forecast_hyperparameters.h"
#include "engine/ml/forecast/series_model.h"
#include "engine/ml/forecast/series_recipe.h"
#include "modules/train/training.h"

namespace dataml::train {

// 8.1's Forecast fields as the request gave them.
struct ForecastFields {
  std::optional<std::string> frequency;
  std::optional<int64_t> horizon;
  std::optional<std::string> aggregate;
  std::optional<std::string> fill;
};

inline constexpr int64_t kMaxForecastHorizon = 1000;

struct CheckedForecast {
  ForecastSettings settings;
  std::string algorithm;  // "auto" or a forecasting method
  engine::ml::forecast::ForecastHyperparameters hyperparameters;  // season_length resolved
  engine::ml::forecast::SeriesRecipe recipe;
};

// The names a Forecast algorithm may take, "auto" first.
std::vector<std::string> ForecastAlgorithms();

// `columns`: every dataset column with its role (AssignRoles'). Field errors name the body's
// fields ({"frequency"}, {"hyperparameters", "season_length"}, {"columns"}).
Result<CheckedForecast> CheckForecastRequest(const ForecastFields& fields, const std::string& algorithm,
                                             const nlohmann::json& hyperparameters, const nlohmann::json& columns);

// The dataset's rows (its validated Parquet files) read as the job will read them: a 422 at
// {"dataset_id"} naming the series and dates it cannot make regular, or a Feature that is not
// static.
Status CheckSeries(const CheckedForecast& forecast, const engine::FileSet& parquet);

}  // namespace dataml::train
