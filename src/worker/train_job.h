// The "train" job kind (job_specs::TrainSpec): trains a model on a dataset's validated Parquet
// files and stores the model and its preprocess (incremental: continues the base model and
// reuses the preprocess at preprocess_key); the outcome goes to the spec's callback.
#pragma once

#include "job_specs/job_specs.h"
#include "worker/worker.h"

namespace dataml::worker {

Result<nlohmann::json> RunTrainJob(const job_specs::TrainSpec& spec, const WorkerContext& context);

}  // namespace dataml::worker
