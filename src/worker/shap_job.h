// The "shap" job kind (job_specs::ShapSpec): global feature importance of a trained model as mean |SHAP| per input
// column over a seeded sample of the training dataset's rows (exact TreeSHAP, our own); the
// outcome goes to the spec's callback (/api/v1/train/shap-result).
#pragma once

#include "job_specs/job_specs.h"
#include "worker/worker.h"

namespace dataml::worker {

Result<nlohmann::json> RunShapJob(const job_specs::ShapSpec& spec, const WorkerContext& context);

}  // namespace dataml::worker
