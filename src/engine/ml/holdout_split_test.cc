#include "engine/ml/holdout_split.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <map>

namespace dataml::engine::ml {
namespace {

HoldoutSplit MustStratify(const std::vector<int>& labels, double fraction, uint64_t seed) {
  Result<HoldoutSplit> r = StratifiedSplit(labels, fraction, seed);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : HoldoutSplit{};
}

HoldoutSplit MustRandom(size_t rows, double fraction, uint64_t seed) {
  Result<HoldoutSplit> r = RandomSplit(rows, fraction, seed);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : HoldoutSplit{};
}

// Both sides ascending, no index on both sides, every index in [0, rows) on one side.
void ExpectPartition(const HoldoutSplit& s, size_t rows) {
  EXPECT_TRUE(std::is_sorted(s.train.begin(), s.train.end()));
  EXPECT_TRUE(std::is_sorted(s.test.begin(), s.test.end()));
  std::vector<size_t> all = s.train;
  all.insert(all.end(), s.test.begin(), s.test.end());
  std::sort(all.begin(), all.end());
  std::vector<size_t> expected(rows);
  for (size_t i = 0; i < rows; ++i) expected[i] = i;
  EXPECT_EQ(all, expected);
}

std::map<int, size_t> CountByClass(const std::vector<int>& labels,
                                   const std::vector<size_t>& rows) {
  std::map<int, size_t> counts;
  for (size_t r : rows) ++counts[labels[r]];
  return counts;
}

// 60 rows of class 0, 30 of class 7, 10 of class -3, interleaved.
std::vector<int> ThreeClassLabels() {
  std::vector<int> labels;
  for (int i = 0; i < 100; ++i) labels.push_back(i % 10 < 6 ? 0 : (i % 10 < 9 ? 7 : -3));
  return labels;
}

TEST(HoldoutSplitTest, StratifiedKeepsClassProportions) {
  const std::vector<int> labels = ThreeClassLabels();
  const HoldoutSplit s = MustStratify(labels, 0.2, 42);
  ExpectPartition(s, labels.size());
  EXPECT_EQ(s.test.size(), 20u);
  EXPECT_EQ(CountByClass(labels, s.test), (std::map<int, size_t>{{-3, 2}, {0, 12}, {7, 6}}));
  EXPECT_EQ(CountByClass(labels, s.train), (std::map<int, size_t>{{-3, 8}, {0, 48}, {7, 24}}));
}

TEST(HoldoutSplitTest, StratifiedRoundsPerClass) {
  // 5 * 0.25 = 1.25 -> 1; 6 * 0.25 = 1.5 -> 2 (half away from zero).
  const std::vector<int> labels = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1};
  const HoldoutSplit s = MustStratify(labels, 0.25, 1);
  ExpectPartition(s, labels.size());
  EXPECT_EQ(CountByClass(labels, s.test), (std::map<int, size_t>{{0, 1}, {1, 2}}));
}

TEST(HoldoutSplitTest, StratifiedTinyClasses) {
  // Class 1 has one row: train only. Class 2 has two rows and a tiny fraction: one each side.
  // Class 3 has three rows and a large fraction: at most two in test.
  const std::vector<int> labels = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 2, 3, 3, 3};
  const HoldoutSplit small = MustStratify(labels, 0.01, 9);
  ExpectPartition(small, labels.size());
  EXPECT_EQ(CountByClass(labels, small.test), (std::map<int, size_t>{{0, 1}, {2, 1}, {3, 1}}));
  EXPECT_EQ(CountByClass(labels, small.train)[1], 1u);

  const HoldoutSplit large = MustStratify(labels, 0.99, 9);
  ExpectPartition(large, labels.size());
  EXPECT_EQ(CountByClass(labels, large.test), (std::map<int, size_t>{{0, 9}, {2, 1}, {3, 2}}));
  EXPECT_EQ(CountByClass(labels, large.train),
            (std::map<int, size_t>{{0, 1}, {1, 1}, {2, 1}, {3, 1}}));
}

TEST(HoldoutSplitTest, StratifiedIsDeterministicPerSeed) {
  const std::vector<int> labels = ThreeClassLabels();
  const HoldoutSplit a = MustStratify(labels, 0.2, 42);
  const HoldoutSplit b = MustStratify(labels, 0.2, 42);
  EXPECT_EQ(a.train, b.train);
  EXPECT_EQ(a.test, b.test);
  EXPECT_NE(a.test, MustStratify(labels, 0.2, 43).test);
}

TEST(HoldoutSplitTest, SplitsAreTheSameOnEveryPlatform) {
  // Golden values: they depend only on mt19937_64 (fixed by the standard) and our own shuffle,
  // so a change here means saved models' holdout sets can no longer be reproduced.
  EXPECT_EQ(MustRandom(10, 0.3, 2024).test, (std::vector<size_t>{1, 3, 6}));
  EXPECT_EQ(MustStratify({0, 1, 0, 1, 0, 1, 0, 1, 0, 1}, 0.4, 7).test,
            (std::vector<size_t>{2, 5, 6, 9}));
}

TEST(HoldoutSplitTest, RandomSizesAndCoverage) {
  const HoldoutSplit s = MustRandom(1000, 0.2, 5);
  ExpectPartition(s, 1000);
  EXPECT_EQ(s.test.size(), 200u);

  const HoldoutSplit again = MustRandom(1000, 0.2, 5);
  EXPECT_EQ(s.test, again.test);
  EXPECT_NE(s.test, MustRandom(1000, 0.2, 6).test);
}

TEST(HoldoutSplitTest, RandomKeepsARowOnEachSide) {
  HoldoutSplit s = MustRandom(2, 0.01, 3);
  EXPECT_EQ(s.train.size(), 1u);
  EXPECT_EQ(s.test.size(), 1u);
  s = MustRandom(3, 0.99, 3);
  ExpectPartition(s, 3);
  EXPECT_EQ(s.train.size(), 1u);
  EXPECT_EQ(s.test.size(), 2u);
  s = MustRandom(1, 0.5, 3);
  EXPECT_EQ(s.train, (std::vector<size_t>{0}));
  EXPECT_TRUE(s.test.empty());
  s = MustRandom(0, 0.5, 3);
  EXPECT_TRUE(s.train.empty() && s.test.empty());
}

TEST(HoldoutSplitTest, RejectsFractionsOutsideTheOpenUnitInterval) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (double f : {0.0, 1.0, -0.1, 1.5, nan}) {
    EXPECT_EQ(RandomSplit(10, f, 1).status().code(), StatusCode::kInvalidArgument) << f;
    EXPECT_EQ(StratifiedSplit({0, 1, 0, 1}, f, 1).status().code(), StatusCode::kInvalidArgument)
        << f;
  }
}

}  // namespace
}  // namespace dataml::engine::ml
