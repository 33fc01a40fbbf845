// Evaluation metrics of a trained model on its holdout rows, with scikit-learn's semantics so that
// numbers reported by dataml match what users get from sklearn on the same predictions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace dataml::engine::ml {

struct ClassMetrics {
  double precision = 0.0;
  double recall = 0.0;
  double f1 = 0.0;
  int64_t support = 0;  // rows whose true class is this one
};

struct ClassificationMetrics {
  double accuracy = 0.0;
  double precision = 0.0;         // macro average over the classes in y_true or predicted (sklearn)
  double recall = 0.0;            // macro
  double f1 = 0.0;                // macro
  std::optional<double> roc_auc;  // absent when some class never occurs in y_true
  double log_loss = 0.0;
  std::vector<std::vector<int64_t>> confusion_matrix;  // [true class][predicted class]
  std::vector<ClassMetrics> per_class;                 // indexed by class
};

struct RegressionMetrics {
  double rmse = 0.0;
  double mae = 0.0;
  double r2 = 0.0;
  std::optional<double> mape;  // a fraction (0.1 = 10%); absent when every y_true is ~0
};

// `probabilities` is y_true.size() x num_classes, row-major (binary: two columns, 1-p and p);
// the predicted class is the first argmax. InvalidArgument on empty input, a size mismatch, a
// label outside [0, num_classes) or a non-finite probability.
Result<ClassificationMetrics> ComputeClassificationMetrics(const std::vector<int>& y_true,
                                                           const std::vector<float>& probabilities,
                                                           int num_classes);

// InvalidArgument on empty input, a size mismatch or a non-finite value.
Result<RegressionMetrics> ComputeRegressionMetrics(const std::vector<double>& y_true,
                                                   const std::vector<double>& y_pred);

// `class_labels[i]` names class i and labels are expected to be distinct; a class without a
// label is keyed by its index. Non-finite numbers are written as null.
nlohmann::json ToJson(const ClassificationMetrics& metrics,
                      const std::vector<std::string>& class_labels);
nlohmann::json ToJson(const RegressionMetrics& metrics);

}  // namespace dataml::engine::ml
