// The rendezvous of XGBoost 1.7's distributed training: the "rabit tracker" every worker of one
// training connects to, which hands out ranks and tells each worker which peers to link to (a
// tree for reductions, a ring for large allreduces). XGBoost ships it in Python only
// (python-package/xgboost/tracker.py); Debian's libxgboost 1.7.4 has none and 2.1+ speaks another
// protocol, so this is our own, speaking 1.7's: native-endian int32s and length-prefixed strings,
// the magic 0xff99 on every connection, commands start / print / shutdown.
//
// Differences from the Python tracker, on purpose: a worker's rank is its task id (the rank its
// job gave it, "0".."n-1"), so rank 0 is the worker that saves the model; workers that have not all
// joined within a deadline fail the rendezvous instead of waiting forever; a worker that closes
// mid-message is an error, not a hang.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace dataml::engine::ml {

// Who links to whom among `world_size` workers, as 1.7's tracker computes it: a binary heap tree
// relabelled so that the ring that walks it is rank r -> r + 1 (rank 0 the tree's root).
struct RabitLinks {
  std::vector<std::vector<int>> tree;  // tree neighbours of each rank, its parent first
  std::vector<int> parent;             // -1 for rank 0
  std::vector<std::pair<int, int>> ring;  // (previous, next)
};
RabitLinks ComputeRabitLinks(int world_size);

class RabitTracker {
 public:
  // Listens on `bind_address` (port 0: any free port) for `world_size` workers, on a thread of its
  // own. InvalidArgument for a world size under 1.
  static Result<std::unique_ptr<RabitTracker>> Start(int world_size, const std::string& bind_address,
                                                     std::chrono::milliseconds join_timeout);
  ~RabitTracker();  // Stop()
  RabitTracker(const RabitTracker&) = delete;
  RabitTracker& operator=(const RabitTracker&) = delete;

  uint16_t port() const { return port_; }
  // Blocks until every worker has shut down (OK), or returns why the rendezvous failed: not all
  // workers joined in time (Unavailable), a worker broke the protocol (Internal), or Stop()
  // (FailedPrecondition).
  Status Wait();
  // Wait() for at most `timeout`; then Stop() and Unavailable ("not every worker left ...").
  Status WaitFor(std::chrono::milliseconds timeout);
  // Gives up: closes every connection; Wait() then returns FailedPrecondition unless it had ended.
  void Stop();

 private:
  struct State;
  RabitTracker(std::unique_ptr<State> state, uint16_t port);
  std::unique_ptr<State> state_;
  uint16_t port_;
};

// XGCommunicatorInit's configuration for worker `rank` of a training whose tracker listens at
// host:port (1.7.4 reads only these upper-case names; lower-case ones would make it train alone).
nlohmann::json RabitWorkerConfig(const std::string& tracker_host, uint16_t tracker_port, int rank);

}  // namespace dataml::engine::ml
