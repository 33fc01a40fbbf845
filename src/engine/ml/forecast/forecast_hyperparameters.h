// The hyperparameters of a Forecast training: the season and the backtest, and the XGBoost keys
// its global booster takes (seed and nthread serve every method).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>

#include "core/result.h"
#include "engine/ml/trainer.h"

namespace dataml::engine::ml::forecast {

inline constexpr int kMaxSeasonLength = 1000;
inline constexpr int kMaxBacktestWindows = 20;
inline constexpr double kBoosterLearningRate = 0.1;  // unless given

struct ForecastHyperparameters {
  std::optional<int> season_length;  // unset: the frequency's (DefaultSeasonLength)
  int backtest_windows = 3;
  // num_boost_round, max_depth, learning_rate, subsample, colsample_bytree, min_child_weight,
  // reg_lambda, reg_alpha, seed, nthread; the others are not a forecaster's.
  Hyperparameters xgboost;

  // Unknown keys and values out of range are InvalidArgument located at {"hyperparameters", key}.
  static Result<ForecastHyperparameters> FromJson(const nlohmann::json& json);
  nlohmann::json ToJson() const;
};

}  // namespace dataml::engine::ml::forecast
