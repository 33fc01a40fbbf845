// Utils (4.1): the unauthenticated health check.
#pragma once

#include "db/database.h"
#include "http/router.h"
#include "jobs/jobs_service.h"

namespace dataml::utils {

void RegisterUtilsRoutes(http::Router& router, db::Database& db, const jobs::JobsService& jobs);

}  // namespace dataml::utils
