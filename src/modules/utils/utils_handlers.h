// Utils (4.1): the unauthenticated health check.
#pragma once

#include "db/database.h"
#include "http/router.h"

namespace dataml::utils {

void RegisterUtilsRoutes(http::Router& router, db::Database& db);

}  // namespace dataml::utils
