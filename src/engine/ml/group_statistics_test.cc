#include "engine/ml/group_statistics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "engine/ml/worker_group_testing.h"

namespace dataml::engine::ml {
namespace {

using testing::RunWorkers;

std::vector<double> RandomValues(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal(0, 1000);
  std::uniform_int_distribution<int> pick(0, 9);
  std::vector<double> out;
  for (size_t i = 0; i < n; ++i) {
    switch (pick(rng)) {
      case 0: out.push_back(-0.0); break;
      case 1: out.push_back(0.0); break;
      case 2: out.push_back(std::round(normal(rng) / 100));  break;  // duplicates
      case 3: out.push_back(normal(rng) * 1e-300); break;
      default: out.push_back(normal(rng));
    }
  }
  out.push_back(std::numeric_limits<double>::infinity());
  out.push_back(-std::numeric_limits<double>::infinity());
  return out;
}

// Each of `n` workers' shares: contiguous, uneven, the last one empty.
std::vector<std::vector<double>> Shards(const std::vector<double>& all, int n) {
  std::vector<std::vector<double>> out(static_cast<size_t>(n));
  size_t at = 0;
  for (int w = 0; w + 1 < n; ++w) {
    size_t take = w == 0 ? all.size() / 5 : all.size() - at;
    out[static_cast<size_t>(w)].assign(all.begin() + static_cast<std::ptrdiff_t>(at),
                                       all.begin() + static_cast<std::ptrdiff_t>(at + take));
    at += take;
  }
  return out;
}

TEST(GroupStatisticsTest, KthSmallestIsTheSortedValueAtK) {
  SoloGroup solo;
  std::vector<double> values = RandomValues(300, 1);
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int64_t> ks;
  for (int64_t k = 0; k < static_cast<int64_t>(values.size()); ++k) ks.push_back(k);
  auto found = KthSmallest(values, ks, solo);
  ASSERT_TRUE(found.ok()) << found.status().message();
  for (size_t k = 0; k < ks.size(); ++k) EXPECT_EQ((*found)[k], sorted[k]) << "k = " << k;

  auto beyond = KthSmallest(values, {static_cast<int64_t>(values.size())}, solo);
  EXPECT_FALSE(beyond.ok());
}

TEST(GroupStatisticsTest, WorkersAgreeOnTheStatisticsOfAllTheirValues) {
  const std::vector<double> all = RandomValues(1001, 2);
  SoloGroup solo;
  const double median = *Median(all, solo);  // of an odd count
  const double even_median = *Median(std::vector<double>(all.begin() + 1, all.end()), solo);

  std::unordered_map<std::string, int64_t> all_counts;
  std::vector<std::unordered_map<std::string, int64_t>> counts(3);
  std::mt19937 rng(3);
  std::geometric_distribution<int> skewed(0.02);
  for (int i = 0; i < 3000; ++i) {
    // Worker 2 sees values that worker 0 never does: the top values differ from shard to shard.
    const int worker = i % 3;
    const std::string value = "v" + std::to_string(skewed(rng) + (worker == 2 ? 30 : 0));
    ++counts[static_cast<size_t>(worker)][value];
    ++all_counts[value];
  }
  const FrequentValues top = *MostFrequent(all_counts, 50, solo);
  ASSERT_TRUE(top.more);

  const auto shards = Shards(all, 3);
  // Each worker says what it found wrong, if anything.
  auto results = RunWorkers(3, [&](int rank, Collective& group) -> std::string {
    const auto& mine = shards[static_cast<size_t>(rank)];
    auto m = Median(mine, group);
    if (!m.ok() || *m != median) return "median differs";
    auto even = Median(rank == 0 ? std::vector<double>(mine.begin() + 1, mine.end()) : mine, group);
    if (!even.ok() || *even != even_median) return "median of an even count differs";
    std::vector<float> floats(mine.begin(), mine.end());
    std::vector<size_t> offsets;
    auto joined = Concatenate(floats, group, &offsets);
    if (!joined.ok() || joined->size() != all.size()) return "concatenation lost values";
    if (offsets != std::vector<size_t>{0, shards[0].size(), all.size(), all.size()})
      return "offsets differ";
    for (size_t i = 0; i < all.size(); ++i) {
      if ((*joined)[i] != static_cast<float>(all[i])) return "concatenation differs";
    }
    auto frequent = MostFrequent(counts[static_cast<size_t>(rank)], 50, group);
    if (!frequent.ok() || frequent->values != top.values || !frequent->more)
      return "most frequent values differ";
    auto few = MostFrequent(counts[static_cast<size_t>(rank)], 1000, group);
    if (!few.ok() || few->more || few->values.size() != all_counts.size())
      return "all values are kept when there are fewer than asked";
    auto names = DistinctUnion({"w" + std::to_string(rank % 2), "x"}, group);
    if (!names.ok() || *names != std::vector<std::string>{"w0", "w1", "x"}) return "union differs";
    return "";
  });
  for (size_t rank = 0; rank < results.size(); ++rank) {
    ASSERT_TRUE(results[rank].ok()) << results[rank].status().message();
    EXPECT_EQ(*results[rank], "") << "rank " << rank;
  }
}

}  // namespace
}  // namespace dataml::engine::ml
