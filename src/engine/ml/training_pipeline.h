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
#include "engine/ml/worker_group.h"

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
  // One model trained by the workers of `group` together (its Collective joined by the caller),
  // each RunTraining given its own shard of the rows (ReadTrainingTable's RowShard, in rank
  // order). The workers gather every row's target (4 bytes a row) so each makes the holdout
  // split of all rows; they fit one preprocess on all training rows (group_statistics.h); each
  // trains on its own training rows, XGBoost's collective summing their histograms; each scores
  // its own holdout rows and the scores are gathered, so every worker reports the metrics of the
  // whole holdout. Rows, holdout, preprocess and metrics are those of one worker given every
  // row; the trees nearly so (XGBoost merges the workers' quantile sketches, and a forest's
  // workers sample their own rows). The same calls run on every worker in the same order (each
  // DMatrix is a collective step). Null: this worker alone, on every row.
  WorkerGroup* group = nullptr;
};

struct TrainingOutcome {
  std::string model_json;  // XGBoost's JSON model
  Preprocess preprocess;
  nlohmann::json summary;  // algorithm, metrics, candidates, parameters, rows, timings
};

// InvalidArgument for data that cannot be trained on (no rows with a target, a single class).
Result<TrainingOutcome> RunTraining(const arrow::Table& table, const TrainingRequest& request);

}  // namespace dataml::engine::ml
