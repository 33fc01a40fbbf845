// Owning handles over XGBoost's C API, with its error codes turned into Status values. Nothing
// else in dataml calls the C API directly.
#pragma once

#include <xgboost/c_api.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "engine/ml/feature_matrix.h"
#include "engine/ml/worker_group.h"

namespace dataml::engine::ml {

// "1.7.4": the library this binary links against.
std::string XGBoostVersionString();

class DMatrix {
 public:
  // Copies `x` (NaN = missing); `labels` and `weights` may be empty.
  static Result<DMatrix> FromDense(const FeatureMatrix& x, const std::vector<float>& labels = {},
                                   const std::vector<float>& weights = {});
  DMatrixHandle get() const { return handle_.get(); }
  size_t rows() const { return rows_; }

 private:
  struct Free {
    void operator()(void* h) const { XGDMatrixFree(h); }
  };
  std::unique_ptr<void, Free> handle_;
  size_t rows_ = 0;
};

class Booster {
 public:
  // A fresh booster to be trained on `cache` (the matrices it will see: train, eval).
  static Result<Booster> Create(const std::vector<const DMatrix*>& cache);
  // A booster from a model saved by SaveJson/SaveUbj (any format XGBoost reads).
  static Result<Booster> Load(const std::string& bytes);

  Status SetParam(const std::string& name, const std::string& value);
  Status SetParams(const std::map<std::string, std::string>& params);
  Status UpdateOneIter(int iteration, const DMatrix& train);
  // XGBoost's own evaluation line, e.g. "[3]\tvalid-logloss:0.1234".
  Result<std::string> EvalOneIter(int iteration, const std::vector<const DMatrix*>& sets,
                                  const std::vector<std::string>& names);

  // type: 0 value (probabilities for classifiers), 1 margin, 2 contributions (SHAP, pred_contribs),
  // 4 interactions. Returns the flat output and its shape.
  struct Prediction {
    std::vector<float> values;
    std::vector<uint64_t> shape;
  };
  Result<Prediction> Predict(const DMatrix& data, int type, int iteration_end = 0,
                             bool strict_shape = false) const;

  // The model as XGBoost's JSON document (what our tree evaluator parses).
  Result<std::string> SaveJson() const;
  Result<int> BoostedRounds() const;
  Result<uint64_t> NumFeatures() const;
  // The learner's configuration (parameters) as JSON.
  Result<std::string> SaveConfig() const;

  BoosterHandle get() const { return handle_.get(); }

 private:
  struct Free {
    void operator()(void* h) const { XGBoosterFree(h); }
  };
  std::unique_ptr<void, Free> handle_;
};

// This thread's place in a distributed training: XGBoost 1.7's communicator is per thread. While
// one is joined, the boosters this thread trains build each tree with the other workers (their
// histograms summed), every worker on its own rows. It is also the WorkerGroup through which the
// workers agree on their preprocess and holdout. Left when destroyed.
class Collective final : public WorkerGroup {
 public:
  // Joins through the tracker named in `config` (RabitWorkerConfig, rabit_tracker.h); blocks until
  // every worker has joined, or fails.
  static Result<std::unique_ptr<Collective>> Join(const nlohmann::json& config);
  ~Collective() override;
  Collective(const Collective&) = delete;
  Collective& operator=(const Collective&) = delete;

  int rank() const override;
  int size() const override;
  Status Sum(std::vector<int64_t>& values) override;
  Status Sum(std::vector<double>& values) override;
  Result<std::vector<std::string>> AllGather(const std::string& mine) override;

 private:
  Collective() = default;
};

}  // namespace dataml::engine::ml
