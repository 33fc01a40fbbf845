// The "train" job of a Forecast training: reads the dataset's series under the spec's recipe,
// trains the forecaster, and stores the model and the recipe (the training's preprocess).
#pragma once

#include "job_specs/job_specs.h"
#include "worker/worker.h"

namespace dataml::worker {

Result<nlohmann::json> RunForecastTrainJob(const job_specs::TrainSpec& spec, const WorkerContext& context);

}  // namespace dataml::worker
