// HTTP routes of the Train module (8.1-8.12, 10.5) and the worker callbacks.
#pragma once

#include "http/router.h"
#include "jobs/jobs_service.h"
#include "modules/tenants/tenants_service.h"
#include "modules/train/train_service.h"

namespace dataml::train {

void RegisterTrainRoutes(http::Router& router, TrainService& train, jobs::JobsService& jobs,
                         tenants::TenantsService& tenants);

}  // namespace dataml::train
