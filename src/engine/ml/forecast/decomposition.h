// Classical seasonal decomposition: the season's indices of a series, from its deviations
// around a centred moving average of the season's length (2 x m when m is even). ETS starts its
// seasonal states from them; Theta adjusts a seasonal series by them.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace dataml::engine::ml::forecast {

// The index of each of the m positions of a season (position t % m of period t): the mean ratio
// to (multiplicative) or difference from (additive) the moving average, normalised to mean 1 or
// sum 0. A position the average never reaches is neutral (1 or 0).
std::vector<double> SeasonalIndices(std::span<const double> y, size_t m, bool multiplicative);

}  // namespace dataml::engine::ml::forecast
