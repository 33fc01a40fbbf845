// Nelder-Mead minimisation of a function of a few parameters (a forecasting model's smoothing
// weights and initial states): derivative-free, as the R forecast package and statsforecast fit
// exponential smoothing. A point outside the feasible region is given +infinity by `f`.
#pragma once

#include <functional>
#include <vector>

namespace dataml::engine::ml::forecast {

struct Minimum {
  std::vector<double> x;
  double value = 0;
  int evaluations = 0;
};

// From `start` with initial steps `step` (one per parameter), until the simplex's values agree
// within `tolerance` (relative) or `max_evaluations` calls.
Minimum NelderMead(const std::function<double(const std::vector<double>&)>& f, std::vector<double> start,
                   const std::vector<double>& step, int max_evaluations = 2000, double tolerance = 1e-8);

}  // namespace dataml::engine::ml::forecast
