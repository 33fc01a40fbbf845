// A trained model ready to answer one row at a time: its preprocess and its trees compiled
// into our flat evaluator (engine/ml/tree_model). Built once per (model, preprocess) and shared
// by every request; const after construction, so safe to use from many threads.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "core/result.h"
#include "engine/ml/preprocess.h"
#include "engine/ml/tree_model.h"

namespace dataml::engine::ml {

struct RowPrediction {
  // Classification: the class label ("true", "Yes", "3"); Regression: the value.
  nlohmann::json prediction;
  // Classification: label -> probability, in class order; empty for regression.
  std::vector<std::pair<std::string, double>> probabilities;
};

struct RowExplanation {
  double bias = 0;  // the expected margin (of the predicted class for multiclass)
  // Per input column, one-hot and derived features summed back, largest |value| first.
  std::vector<std::pair<std::string, double>> contributions;
};

class ModelRuntime {
 public:
  // InvalidArgument when the model and the preprocess do not belong together.
  static Result<ModelRuntime> Make(Preprocess preprocess, const std::string& model_json);

  // `features` as Preprocess::TransformRow takes them.
  Result<RowPrediction> Predict(const nlohmann::json& features) const;
  // The row's SHAP contributions (for the predicted class), the `top` largest by magnitude.
  Result<RowExplanation> Explain(const nlohmann::json& features, size_t top) const;

  const Preprocess& preprocess() const { return preprocess_; }
  const TreeEnsemble& ensemble() const { return ensemble_; }

 private:
  ModelRuntime(Preprocess preprocess, TreeEnsemble ensemble)
      : preprocess_(std::move(preprocess)), ensemble_(std::move(ensemble)) {}

  Preprocess preprocess_;
  TreeEnsemble ensemble_;
};

}  // namespace dataml::engine::ml
