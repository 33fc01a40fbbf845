// Point-forecast accuracy as the forecasting literature (M3, M4) measures it.
#pragma once

#include <span>
#include <vector>

namespace dataml::engine::ml::forecast {

// The scale MASE divides by: the in-sample mean absolute error of the seasonal naive forecast
// (lag `season`; lag 1 when the history is not longer than a season). 0 for a constant history,
// and for one with fewer than two values.
double MaseScale(std::span<const double> history, int season);

struct Accuracy {
  double mae = 0;
  double rmse = 0;
  double smape = 0;  // M3's: mean of 200 |y - f| / (|y| + |f|), a 0/0 term counting 0
};
Accuracy Measure(std::span<const double> actual, std::span<const double> forecast);

}  // namespace dataml::engine::ml::forecast
