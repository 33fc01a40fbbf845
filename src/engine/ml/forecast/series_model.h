// One series' fitted forecaster: the method that forecasts it, its parameters and the states it
// forecasts from, as a model blob stores it. Fitting falls back to SeasonalNaive where the
// method cannot fit the history (too short, or a multiplicative model with non-positive values),
// so every series gets a forecaster. XGBoost and Ensemble also read the model's global booster
// (global_booster.h): the series keeps what the booster reads of it (its latest values, its
// scale and its static features).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <span>
#include <vector>

#include "core/result.h"
#include "engine/ml/forecast/ets.h"
#include "engine/ml/forecast/theta.h"

namespace dataml::engine::ml::forecast {

// Ensemble: the mean of ETS, Theta and XGBoost.
enum class ForecastAlgorithm { kSeasonalNaive, kEts, kTheta, kXGBoost, kEnsemble };

// Whether the method reads the global booster.
inline bool UsesBooster(ForecastAlgorithm a) { return a == ForecastAlgorithm::kXGBoost || a == ForecastAlgorithm::kEnsemble; }

// "SeasonalNaive", "ETS", "Theta", "XGBoost", "Ensemble"; parsed in any case.
const char* ForecastAlgorithmName(ForecastAlgorithm algorithm);
std::optional<ForecastAlgorithm> ParseForecastAlgorithm(std::string_view name);

struct SeriesModel {
  ForecastAlgorithm algorithm = ForecastAlgorithm::kSeasonalNaive;  // what was fitted
  int season = 1;
  // The latest values (SeasonalNaive's state, the booster's lags): the last max(season, memory)
  // of the history, or all of it.
  std::vector<double> tail;
  std::optional<EtsModel> ets;      // ETS, Ensemble
  std::optional<ThetaModel> theta;  // Theta, Ensemble
  double booster_scale = 1;         // XGBoost, Ensemble: BoosterScale of the history (set by the forecaster)
  std::vector<float> statics;       // XGBoost, Ensemble: the encoded static features

  // `horizon` values after the history. XGBoost and Ensemble take `global`, the global booster's
  // forecast of the series (without it: Ensemble the mean of its other members, XGBoost
  // SeasonalNaive's).
  std::vector<double> Forecast(int horizon, const std::vector<double>* global = nullptr) const;
  nlohmann::json ToJson() const;
  // InvalidArgument when malformed.
  static Result<SeriesModel> FromJson(const nlohmann::json& json);
};

// `algorithm` fitted to `history` (not empty), SeasonalNaive where it cannot be; keeps the last
// max(season, memory) values (memory: what the booster reads, global_booster.h).
SeriesModel FitSeriesModel(ForecastAlgorithm algorithm, std::span<const double> history, int season,
                           size_t memory = 0);

// The fitted parameters over another history (not empty) of the series: its states (and its
// last max(season, memory) values), no refit. InvalidArgument naming the model when the history
// cannot carry it.
Result<SeriesModel> ApplySeriesModel(const SeriesModel& fitted, std::span<const double> history, size_t memory = 0);

}  // namespace dataml::engine::ml::forecast
