// Statistics of values spread over the workers of a WorkerGroup, each holding its shard, that
// come out exactly as if one worker held every value: what a distributed training needs to fit
// the same preprocess and make the same holdout as a training on one worker.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/result.h"
#include "engine/ml/worker_group.h"

namespace dataml::engine::ml {

// Every worker's `mine`, concatenated in rank order. `offsets` (when given) receives where each
// worker's part starts, plus the total at the end (size() + 1 entries).
Result<std::vector<float>> Concatenate(std::vector<float> mine, WorkerGroup& group,
                                       std::vector<size_t>* offsets = nullptr);

// The k-th smallest (0-based) of all workers' values, for each k of `ks` (each below the total
// count); NaN must not occur. Exact: a radix select over the values' bit patterns, one sum of
// 256 counts per target and byte (8 rounds).
Result<std::vector<double>> KthSmallest(const std::vector<double>& mine, const std::vector<int64_t>& ks,
                                        WorkerGroup& group);

// The median of all workers' values (the mean of the middle two for an even count); 0 when there
// are none.
Result<double> Median(std::vector<double> mine, WorkerGroup& group);

// The `keep` most frequent values over all workers (count descending, then value ascending),
// with their total counts, given each worker's counts of its own values. `more` says whether
// other values exist. Each worker proposes its own kCandidatesPerKeep * keep most frequent, and
// those candidates are counted everywhere: exact unless a value in the overall top `keep` is
// outside every worker's own candidates (it would have to be rare on each worker and frequent
// only in sum).
inline constexpr size_t kCandidatesPerKeep = 20;
struct FrequentValues {
  std::vector<std::pair<std::string, int64_t>> values;
  bool more = false;
};
Result<FrequentValues> MostFrequent(const std::unordered_map<std::string, int64_t>& mine, size_t keep,
                                    WorkerGroup& group);

// The distinct strings of all workers' `mine`, in no particular order.
Result<std::vector<std::string>> DistinctUnion(std::vector<std::string> mine, WorkerGroup& group);

}  // namespace dataml::engine::ml
