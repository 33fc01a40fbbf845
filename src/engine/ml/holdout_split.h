// Train/test partitions of a training table's rows. The same seed gives the same split on every
// platform, so a model's reported holdout metrics can be reproduced.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/result.h"

namespace dataml::engine::ml {

struct HoldoutSplit {
  std::vector<size_t> train;  // row indices, ascending
  std::vector<size_t> test;   // row indices, ascending
};

// Per class, round(n_c * test_fraction) rows go to test, clamped so that a class with at least
// two rows has at least one on each side; a class with a single row goes to train.
// InvalidArgument unless 0 < test_fraction < 1.
Result<HoldoutSplit> StratifiedSplit(const std::vector<int>& labels, double test_fraction,
                                     uint64_t seed);

// round(rows * test_fraction) rows go to test, at least one on each side when rows >= 2.
// InvalidArgument unless 0 < test_fraction < 1.
Result<HoldoutSplit> RandomSplit(size_t rows, double test_fraction, uint64_t seed);

}  // namespace dataml::engine::ml
