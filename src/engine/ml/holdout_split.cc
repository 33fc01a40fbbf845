#include "engine/ml/holdout_split.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <utility>

namespace dataml::engine::ml {
namespace {

// A uniform draw in [0, bound). std::uniform_int_distribution would do, but its algorithm is left
// to the standard library, so the same seed could split differently under libc++ and libstdc++;
// mt19937_64's output sequence, by contrast, is fixed by the standard.
uint64_t UniformBelow(std::mt19937_64& rng, uint64_t bound) {
  // Rejecting the lowest 2^64 mod bound values leaves a range that is a multiple of bound,
  // so the modulo below is unbiased.
  const uint64_t threshold = (0 - bound) % bound;
  for (;;) {
    const uint64_t r = rng();
    if (r >= threshold) return r % bound;
  }
}

// Fisher-Yates, for the same reason std::shuffle is avoided.
void Shuffle(std::vector<size_t>& v, std::mt19937_64& rng) {
  for (size_t i = v.size(); i > 1; --i) {
    std::swap(v[i - 1], v[UniformBelow(rng, i)]);
  }
}

Status ValidateFraction(double test_fraction) {
  // Written so that NaN fails too.
  if (!(test_fraction > 0.0 && test_fraction < 1.0)) {
    return Status::InvalidArgument("test_fraction must be between 0 and 1 (exclusive)");
  }
  return Status::OK();
}

size_t TestCount(size_t n, double test_fraction) {
  if (n < 2) return 0;
  const auto rounded = static_cast<size_t>(std::llround(static_cast<double>(n) * test_fraction));
  return std::clamp<size_t>(rounded, 1, n - 1);
}

// Shuffles `indices` and moves the first TestCount of them to test, the rest to train.
void SplitGroup(std::vector<size_t> indices, double test_fraction, std::mt19937_64& rng,
                HoldoutSplit& out) {
  Shuffle(indices, rng);
  const size_t n_test = TestCount(indices.size(), test_fraction);
  out.test.insert(out.test.end(), indices.begin(), indices.begin() + n_test);
  out.train.insert(out.train.end(), indices.begin() + n_test, indices.end());
}

void SortBoth(HoldoutSplit& split) {
  std::sort(split.train.begin(), split.train.end());
  std::sort(split.test.begin(), split.test.end());
}

}  // namespace

Result<HoldoutSplit> StratifiedSplit(const std::vector<int>& labels, double test_fraction,
                                     uint64_t seed) {
  DATAML_RETURN_NOT_OK(ValidateFraction(test_fraction));
  // An ordered map so that classes consume the random stream in a fixed order.
  std::map<int, std::vector<size_t>> rows_by_class;
  for (size_t i = 0; i < labels.size(); ++i) rows_by_class[labels[i]].push_back(i);

  std::mt19937_64 rng(seed);
  HoldoutSplit split;
  for (auto& entry : rows_by_class) SplitGroup(std::move(entry.second), test_fraction, rng, split);
  SortBoth(split);
  return split;
}

Result<HoldoutSplit> RandomSplit(size_t rows, double test_fraction, uint64_t seed) {
  DATAML_RETURN_NOT_OK(ValidateFraction(test_fraction));
  std::vector<size_t> indices(rows);
  std::iota(indices.begin(), indices.end(), size_t{0});
  std::mt19937_64 rng(seed);
  HoldoutSplit split;
  SplitGroup(std::move(indices), test_fraction, rng, split);
  SortBoth(split);
  return split;
}

}  // namespace dataml::engine::ml
