// Datalake endpoints (11.1-11.6): the tenant's Iceberg namespaces, tables, columns, metadata
// and exact column statistics, cached per snapshot.
#pragma once

#include "http/router.h"
#include "modules/datalake/datalake_service.h"
#include "modules/tenants/tenants_service.h"

namespace dataml::datalake {

void RegisterDatalakeRoutes(http::Router& router, DatalakeService& datalake, tenants::TenantsService& tenants);

}  // namespace dataml::datalake
