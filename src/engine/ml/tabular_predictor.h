// A tabular model (boosted trees, a forest or a linear booster) as a Predictor: its preprocess
// and its trees compiled into our flat evaluator (engine/ml/tree_model).
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "core/result.h"
#include "engine/ml/predictor.h"
#include "engine/ml/preprocess.h"
#include "engine/ml/tree_model.h"

namespace dataml::engine::ml {

class TabularPredictor final : public Predictor {
 public:
  // InvalidArgument when the model and the preprocess do not belong together.
  static Result<TabularPredictor> Make(Preprocess preprocess, const std::string& model_json);

  ProblemType problem_type() const override { return preprocess_.problem_type(); }
  const std::vector<InputColumn>& inputs() const override { return preprocess_.inputs(); }
  const InputColumn& target() const override { return preprocess_.target(); }
  const std::vector<std::string>& classes() const override { return preprocess_.classes(); }

  Result<RowPrediction> PredictRow(const nlohmann::json& features) const override;
  Result<RowExplanation> ExplainRow(const nlohmann::json& features, size_t top) const override;
  Result<std::vector<float>> PredictTable(const arrow::Table& table, unsigned threads,
                                          TableTimings* timings = nullptr) const override;
  Result<std::vector<float>> EncodeTarget(const arrow::Table& table, float unknown_as) const override;

  const Preprocess& preprocess() const { return preprocess_; }
  const TreeEnsemble& ensemble() const { return ensemble_; }

 private:
  TabularPredictor(Preprocess preprocess, TreeEnsemble ensemble)
      : preprocess_(std::move(preprocess)), ensemble_(std::move(ensemble)) {}

  Preprocess preprocess_;
  TreeEnsemble ensemble_;
};

}  // namespace dataml::engine::ml
