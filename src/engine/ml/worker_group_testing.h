// For tests: several workers of one distributed training in this process, each on a thread of
// its own (XGBoost 1.7's communicator is per thread), joined through a real rabit tracker.
#pragma once

#include <chrono>
#include <future>
#include <string>
#include <vector>

#include "core/result.h"
#include "engine/ml/rabit_tracker.h"
#include "engine/ml/xgboost_api.h"

namespace dataml::engine::ml::testing {

// What a worker's work gives, T or Result<T>, as a Result<T>.
template <typename T>
struct AsResult {
  using Value = T;
};
template <typename T>
struct AsResult<Result<T>> {
  using Value = T;
};
template <typename Work>
using WorkValue = typename AsResult<decltype(std::declval<Work&>()(0, std::declval<Collective&>()))>::Value;

// Runs `work(rank, collective)` on each of `n` workers of `tracker`; their results in rank order.
template <typename Work>
auto RunWorkers(RabitTracker& tracker, int n, Work work) {
  using Out = WorkValue<Work>;
  std::vector<std::future<Result<Out>>> futures;
  for (int rank = 0; rank < n; ++rank) {
    futures.push_back(std::async(std::launch::async, [&tracker, rank, &work]() -> Result<Out> {
      DATAML_ASSIGN_OR_RETURN(auto collective, Collective::Join(RabitWorkerConfig("127.0.0.1", tracker.port(), rank)));
      if (collective->rank() != rank) return Status::Internal("rank " + std::to_string(collective->rank()));
      return work(rank, *collective);
    }));
  }
  std::vector<Result<Out>> out;
  for (auto& f : futures) out.push_back(f.get());
  return out;
}

// The same with a tracker of its own, waited for afterwards.
template <typename Work>
auto RunWorkers(int n, Work work) {
  using Out = WorkValue<Work>;
  auto tracker = RabitTracker::Start(n, "127.0.0.1", std::chrono::seconds(30));
  if (!tracker.ok()) return std::vector<Result<Out>>(static_cast<size_t>(n), tracker.status());
  auto out = RunWorkers(**tracker, n, std::move(work));
  Status done = (*tracker)->Wait();
  if (!done.ok()) return std::vector<Result<Out>>(static_cast<size_t>(n), done);
  return out;
}

}  // namespace dataml::engine::ml::testing
