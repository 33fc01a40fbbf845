// The "batch_prediction" job kind (job_specs::BatchPredictionSpec): a trained model over a dataset's validated Parquet files into
// a results CSV (engine/ml/batch_prediction), scored when the dataset holds the target; the
// outcome goes to the spec's callback (/api/v1/inference/batch-result), which registers the CSV
// as a dataset file.
#pragma once

#include "job_specs/job_specs.h"
#include "worker/worker.h"

namespace dataml::worker {

Result<nlohmann::json> RunBatchPredictionJob(const job_specs::BatchPredictionSpec& spec, const WorkerContext& context);

}  // namespace dataml::worker
