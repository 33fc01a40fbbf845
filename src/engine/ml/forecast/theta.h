// The dynamic optimised Theta method (DOTM; Fiorucci, Pellegrini, Louzada, Petropoulos and
// Koehler, "Models for optimising the theta method and their relationship to state space
// models", IJF 2016), as statsforecast's DynamicOptimizedTheta: a series whose autocorrelation
// at the season's lag passes the 90% test (a season of 4 or more, two seasons of data) is first
// seasonally adjusted by classical indices, multiplicative where the values allow, else
// additive; the level, the smoothing weight alpha (0.1 to 0.99) and theta (1 or more) are fitted
// by least squares of the one-step errors (Nelder-Mead, from half the first value, 0.5 and 2),
// the trend line being re-estimated at every step.
#pragma once

#include <span>
#include <vector>

#include "core/result.h"

namespace dataml::engine::ml::forecast {

struct ThetaModel {
  int season = 1;  // periods to a season
  double alpha = 0.5, theta = 2, level0 = 0;
  // States after the history: the level, the running line's intercept and slope, the length.
  double level = 0, intercept = 0, slope = 0;
  size_t n = 0;
  std::vector<double> next_seasonal;  // the indices of the next periods (empty: not seasonal)
  bool additive_season = false;       // added (else multiplied) back
  double mse = 0;

  std::vector<double> Forecast(int horizon) const;
};

// Whether `y` looks seasonal at lag `season`: |r_m| > 1.645 sqrt((1 + 2 sum_{k<m} r_k^2) / n).
bool SeasonalityTest(std::span<const double> y, int season);

// InvalidArgument for fewer than 3 values.
Result<ThetaModel> FitDynamicOptimizedTheta(std::span<const double> y, int season);
// The fitted alpha and theta run over another history `y` (its adjustment re-estimated from `y`,
// seasonal when the fit was and `y` has two seasons; the level started at half its first
// value): forecasts from `y` without refitting. InvalidArgument for fewer than 3 values.
Result<ThetaModel> ApplyTheta(const ThetaModel& fitted, std::span<const double> y);

}  // namespace dataml::engine::ml::forecast
