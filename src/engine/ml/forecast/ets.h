// Exponential smoothing state-space models, ETS(error, trend, season) (Hyndman, Koehler, Ord and
// Snyder, "Forecasting with Exponential Smoothing", 2008): error additive or multiplicative,
// trend none, additive or additive damped, season none, additive or multiplicative. Smoothing
// weights and the initial level and trend are fitted by maximum likelihood (Nelder-Mead); the
// initial seasonal indices come from a classical decomposition of the first seasons. AutoEts
// fits every admissible model and keeps the one with the lowest AICc, as the R forecast
// package's ets() and statsforecast's AutoETS do.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/result.h"

namespace dataml::engine::ml::forecast {

enum class Component { kNone, kAdditive, kMultiplicative };

struct EtsSpec {
  Component error = Component::kAdditive;  // additive or multiplicative
  Component trend = Component::kNone;      // none or additive
  bool damped = false;                     // with an additive trend
  Component season = Component::kNone;
  std::string Name() const;  // "ETS(A,Ad,M)"
};

struct EtsModel {
  EtsSpec spec;
  int season = 1;  // periods to a season (1 without a seasonal component)
  double alpha = 0, beta = 0, gamma = 0, phi = 1;
  // States after the history: level, trend, and the seasonal index of each of the next `season`
  // periods (next_seasonal[0] is the next period's).
  double level = 0, trend = 0;
  std::vector<double> next_seasonal;
  double aicc = 0;

  std::vector<double> Forecast(int horizon) const;
};

// InvalidArgument when the model cannot be fitted to `y` (too short for its parameters, a
// multiplicative component with non-positive values, a season without two whole seasons).
Result<EtsModel> FitEts(std::span<const double> y, int season, const EtsSpec& spec);
// The fitted model's weights run over another history `y` (the same series later, or its
// revision) from `y`'s own initial states: forecasts from `y` without refitting.
// InvalidArgument when `y` cannot carry the model (too short for its season, non-positive
// values for a multiplicative component).
Result<EtsModel> ApplyEts(const EtsModel& fitted, std::span<const double> y);
// The admissible model with the lowest AICc; `season` <= 1 considers non-seasonal ones only.
Result<EtsModel> AutoEts(std::span<const double> y, int season);

}  // namespace dataml::engine::ml::forecast
