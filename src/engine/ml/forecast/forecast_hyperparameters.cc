#include "engine/ml/forecast/forecast_hyperparameters.h"

#include <set>
#include <string>

namespace dataml::engine::ml::forecast {
namespace {

const std::set<std::string> kBoosterKeys = {"num_boost_round",  "max_depth",  "learning_rate", "subsample",
                                            "colsample_bytree", "min_child_weight", "reg_lambda", "reg_alpha",
                                            "seed",             "nthread"};

Status OutOfRange(const char* key, int lo, int hi) {
  return Status::Invalid({{{"hyperparameters", key},
                           "Input should be an integer in " + std::to_string(lo) + ".." + std::to_string(hi),
                           "value_error"}});
}

}  // namespace

Result<ForecastHyperparameters> ForecastHyperparameters::FromJson(const nlohmann::json& json) {
  ForecastHyperparameters hp;
  if (json.is_null()) return hp;
  if (!json.is_object()) {
    return Status::Invalid({{{"hyperparameters"}, "Input should be a valid dictionary", "dict_type"}});
  }
  nlohmann::json booster = nlohmann::json::object();
  for (const auto& [key, value] : json.items()) {
    if (key == "season_length" || key == "backtest_windows") {
      if (value.is_null()) continue;
      const int hi = key == "season_length" ? kMaxSeasonLength : kMaxBacktestWindows;
      if (!value.is_number_integer() || value.get<int64_t>() < 1 || value.get<int64_t>() > hi)
        return OutOfRange(key == "season_length" ? "season_length" : "backtest_windows", 1, hi);
      const int v = static_cast<int>(value.get<int64_t>());
      if (key == "season_length") {
        hp.season_length = v;
      } else {
        hp.backtest_windows = v;
      }
    } else if (kBoosterKeys.contains(key)) {
      booster[key] = value;
    } else {
      return Status::Invalid({{{"hyperparameters", key},
                               "Unknown hyperparameter for Forecast; known: season_length, backtest_windows, seed, "
                               "nthread, num_boost_round, max_depth, learning_rate, subsample, colsample_bytree, "
                               "min_child_weight, reg_lambda, reg_alpha",
                               "extra_forbidden"}});
    }
  }
  // The booster learns small steps of scaled series: a gentler learning rate than XGBoost's 0.3.
  if (!booster.contains("learning_rate") || booster["learning_rate"].is_null()) booster["learning_rate"] = kBoosterLearningRate;
  DATAML_ASSIGN_OR_RETURN(hp.xgboost, Hyperparameters::FromJson(booster));
  return hp;
}

nlohmann::json ForecastHyperparameters::ToJson() const {
  nlohmann::json all = xgboost.ToJson();
  nlohmann::json j = nlohmann::json::object();
  for (const std::string& key : kBoosterKeys) j[key] = all.value(key, nlohmann::json());
  j["season_length"] = season_length ? nlohmann::json(*season_length) : nlohmann::json();
  j["backtest_windows"] = backtest_windows;
  return j;
}

}  // namespace dataml::engine::ml::forecast
