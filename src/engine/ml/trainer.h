// Trains XGBoost models for our algorithms, evaluates them on a holdout, and picks the best
// candidate for "auto". Free of storage and HTTP: matrices in, booster and metrics out.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "engine/ml/feature_matrix.h"
#include "engine/ml/preprocess.h"
#include "engine/ml/xgboost_api.h"

namespace dataml::engine::ml {

enum class Algorithm { kXGBoost, kRandomForest, kLinear };

const char* AlgorithmName(Algorithm algorithm);  // "XGBoost", "RandomForest", "Linear"
// Case-insensitive; nullopt for anything else (including "auto", which is not one algorithm).
std::optional<Algorithm> ParseAlgorithm(const std::string& name);
// "XGBoostClassifier", "RandomForestRegressor", "LogisticRegression", "LinearRegression".
std::string ModelDisplayName(Algorithm algorithm, ProblemType problem);

// What a user may tune; defaults are XGBoost's own (and the random-forest recipe of its docs).
struct Hyperparameters {
  int num_boost_round = 100;   // boosting rounds (XGBoost, Linear); a forest has one
  int max_depth = 6;
  double learning_rate = 0.3;  // eta (gbtree); the linear booster uses 0.5 unless set
  double subsample = 1.0;
  double colsample_bytree = 1.0;
  double min_child_weight = 1.0;
  // L2 penalty; unset: 1 for trees (XGBoost's default) and 0 for the linear booster, whose
  // penalty XGBoost scales by the number of rows (1 halved its weights on standardized data).
  std::optional<double> reg_lambda;
  double reg_alpha = 0.0;
  int num_parallel_tree = 100;  // RandomForest
  uint64_t seed = 42;
  double test_size = 0.2;       // holdout share
  int nthread = 0;              // 0: every core
  std::optional<double> linear_learning_rate;

  // Unknown keys and out-of-range values are InvalidArgument naming the key, located at
  // {"hyperparameters", key} (where a training request holds them).
  static Result<Hyperparameters> FromJson(const nlohmann::json& json);
  nlohmann::json ToJson() const;
};

// XGBoost parameters for one algorithm and problem.
std::map<std::string, std::string> XGBoostParams(Algorithm algorithm, ProblemType problem,
                                                 int num_classes, const Hyperparameters& hp);
int BoostingRounds(Algorithm algorithm, const Hyperparameters& hp);

// Trains `algorithm` on (x, y); with `base_model` (a saved model), continues it for another
// BoostingRounds() rounds instead of starting afresh.
Result<Booster> TrainModel(Algorithm algorithm, ProblemType problem, int num_classes,
                           const Hyperparameters& hp, const FeatureMatrix& x,
                           const std::vector<float>& y, const std::string* base_model = nullptr);

// Class probabilities (rows x num_classes, binary included) or regression values.
Result<std::vector<float>> PredictOutputs(const Booster& booster, ProblemType problem,
                                          int num_classes, const FeatureMatrix& x);

// The holdout metrics of `outputs` (from PredictOutputs) against `y`, as the model summary
// shows them.
Result<nlohmann::json> EvaluateOutputs(ProblemType problem, const std::vector<std::string>& classes,
                                       const std::vector<float>& y, const std::vector<float>& outputs);

// The points of the model summary's charts on the holdout, {"curves", "residuals"}: the ROC and
// precision-recall curves of class 1's probability for a two-class classifier, a sample of a
// regressor's (actual, predicted) rows (curves.h); each null where it does not apply.
Result<nlohmann::json> HoldoutChartPoints(ProblemType problem, int num_classes, const std::vector<float>& y,
                                          const std::vector<float>& outputs);

// Lower is better: log loss for classification, RMSE for regression.
Result<double> SelectionScore(ProblemType problem, int num_classes, const std::vector<float>& y,
                              const std::vector<float>& outputs);

}  // namespace dataml::engine::ml
