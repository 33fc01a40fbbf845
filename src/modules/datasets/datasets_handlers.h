// Dataset endpoints (6.1-6.7).
#pragma once

#include "http/router.h"
#include "modules/datasets/datasets_service.h"
#include "modules/tenants/tenants_service.h"

namespace dataml::datasets {

void RegisterDatasetsRoutes(http::Router& router, DatasetsService& datasets, tenants::TenantsService& tenants);

// {"dataset_id", "dataset_name", "data_source", "files": [...]} as upload and files/add answer.
nlohmann::json UploadResultJson(const UploadResult& result);

}  // namespace dataml::datasets
