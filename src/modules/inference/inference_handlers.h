// HTTP routes of the Inference module (9.1, 9.3, 9.6; batch prediction comes next).
#pragma once

#include "http/router.h"
#include "modules/inference/inference_service.h"
#include "modules/tenants/tenants_service.h"

namespace dataml::inference {

void RegisterInferenceRoutes(http::Router& router, InferenceService& inference, tenants::TenantsService& tenants);

}  // namespace dataml::inference
