// HTTP routes of the Inference module: real-time prediction (9.1), batch prediction (9.2, both
// paths) and its result (9.5), the prediction form (9.3), the predictions log (9.6), and the
// batch job's worker callback.
#pragma once

#include "http/router.h"
#include "jobs/jobs_service.h"
#include "modules/inference/batch_prediction_service.h"
#include "modules/inference/inference_service.h"
#include "modules/tenants/tenants_service.h"

namespace dataml::inference {

void RegisterInferenceRoutes(http::Router& router, InferenceService& inference, BatchPredictionService& batch,
                             jobs::JobsService& jobs, tenants::TenantsService& tenants);

}  // namespace dataml::inference
