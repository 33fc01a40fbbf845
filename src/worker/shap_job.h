// The "shap" job kind: global feature importance of a trained model as mean |SHAP| per input
// column over a seeded sample of the training dataset's rows (exact TreeSHAP, our own); the
// outcome goes to /api/v1/train/shap-result.
//
// payload: {"model_key", "preprocess_key", "parquet_keys": [...], "sample_rows", "seed"}
#pragma once

#include "worker/worker.h"

namespace dataml::worker {

Result<nlohmann::json> RunShapJob(const nlohmann::json& payload, const WorkerContext& context);

}  // namespace dataml::worker
