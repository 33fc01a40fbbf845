// The seasonal naive forecast: each future period takes the value of the same period one season
// earlier (the last value when the history is shorter than a season). The benchmark every
// forecaster is measured against, and the fallback for series too short to backtest.
#pragma once

#include <span>
#include <vector>

namespace dataml::engine::ml::forecast {

// `horizon` values after `history` (which must not be empty).
std::vector<double> SeasonalNaive(std::span<const double> history, int season, int horizon);

}  // namespace dataml::engine::ml::forecast
