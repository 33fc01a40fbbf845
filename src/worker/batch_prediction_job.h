// The "batch_prediction" job kind: a trained model over a dataset's validated Parquet files into
// a results CSV (engine/ml/batch_prediction), scored when the dataset holds the target; the
// outcome goes to /api/v1/inference/batch-result, which registers the CSV as a dataset file.
//
// payload: {"model_key", "preprocess_key", "parquet_keys": [...], "result_key",
//           "id_column" (optional), "score": bool}
#pragma once

#include "worker/worker.h"

namespace dataml::worker {

Result<nlohmann::json> RunBatchPredictionJob(const nlohmann::json& payload, const WorkerContext& context);

}  // namespace dataml::worker
