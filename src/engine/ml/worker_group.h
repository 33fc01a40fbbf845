// The workers of one training as the fitting code sees them: each holds a shard of the rows,
// and whatever must be the same on all of them (classes, fill values, categories, the holdout)
// is agreed through these few collective steps. Every worker makes the same calls in the same
// order; a call that one worker skips leaves the others waiting. One worker alone is a group of
// one (SoloGroup), so a local training takes the same code path.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace dataml::engine::ml {

class WorkerGroup {
 public:
  virtual ~WorkerGroup() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // Every worker's `values` summed element-wise, in place on each (the same length on all).
  virtual Status Sum(std::vector<int64_t>& values) = 0;
  virtual Status Sum(std::vector<double>& values) = 0;
  // Every worker's `mine`, in rank order, on each.
  virtual Result<std::vector<std::string>> AllGather(const std::string& mine) = 0;
};

class SoloGroup final : public WorkerGroup {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  Status Sum(std::vector<int64_t>&) override { return Status::OK(); }
  Status Sum(std::vector<double>&) override { return Status::OK(); }
  Result<std::vector<std::string>> AllGather(const std::string& mine) override {
    return std::vector<std::string>{mine};
  }
};

}  // namespace dataml::engine::ml
