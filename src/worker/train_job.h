// The "train" job kind: trains a model on a dataset's validated Parquet files and stores the
// model and its preprocess; the outcome goes to /api/v1/train/result.
//
// payload: {"problem_type", "algorithm" ("auto" or one algorithm), "hyperparameters",
//   "features": [{"column_name", "data_type"}], "target": {"column_name", "data_type"},
//   "parquet_keys": [...], "model_key", "preprocess_key",
//   incremental only: "base_model_key" (the preprocess at preprocess_key is then reused)}
#pragma once

#include "worker/worker.h"

namespace dataml::worker {

Result<nlohmann::json> RunTrainJob(const nlohmann::json& payload, const WorkerContext& context);

}  // namespace dataml::worker
