// File endpoints (7.1-7.6): the files of a dataset.
#pragma once

#include "http/router.h"
#include "modules/datasets/datasets_service.h"
#include "modules/tenants/tenants_service.h"
#include "storage/blob_store.h"

namespace dataml::files {

void RegisterFilesRoutes(http::Router& router, datasets::DatasetsService& datasets, const storage::BlobStore& store,
                         tenants::TenantsService& tenants);

}  // namespace dataml::files
