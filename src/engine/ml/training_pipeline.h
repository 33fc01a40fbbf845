// One training run, from a table of rows to a model, its preprocess and its holdout metrics:
// encode the target, split a seeded (stratified) holdout, fit the preprocess on the training
// rows, train the chosen algorithm (or each candidate of "auto" on validation splits of the
// training rows, keeping the best, then retrained on all training rows), and evaluate on the
// holdout.
#pragma once

#include <arrow/table.h>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "engine/ml/preprocess.h"
#include "engine/ml/trainer.h"

namespace dataml::engine::ml {

struct TrainingRequest {
  ProblemType problem = ProblemType::kClassification;
  std::vector<InputColumn> features;
  InputColumn target;
  std::optional<Algorithm> algorithm;  // nullopt: "auto"
  Hyperparameters hyperparameters;
  // Incremental training: continue this model with its preprocess (both required together).
  const Preprocess* base_preprocess = nullptr;
  const std::string* base_model = nullptr;
  // One model trained by `world` workers together, this one being `rank` (its Collective joined
  // by the caller). Every worker reads every row and makes the same split and preprocess; each
  // trains on its share of the training rows (every world-th, from its rank), XGBoost's
  // collective summing their histograms, and evaluates on the whole holdout. The same calls run
  // on every rank in the same order (each DMatrix is a collective step).
  int rank = 0;
  int world = 1;
};

struct TrainingOutcome {
  std::string model_json;  // XGBoost's JSON model
  Preprocess preprocess;
  nlohmann::json summary;  // algorithm, metrics, candidates, parameters, rows, timings
};

// InvalidArgument for data that cannot be trained on (no rows with a target, a single class).
Result<TrainingOutcome> RunTraining(const arrow::Table& table, const TrainingRequest& request);

}  // namespace dataml::engine::ml
