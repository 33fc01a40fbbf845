// First start: the default tenant and the platform superuser.
#pragma once

#include "app/app.h"

namespace dataml::app {

inline constexpr const char* kDefaultTenantName = "default";

// Creates the default tenant when missing and, when no superuser exists, a superuser named
// DATAML_ADMIN_USERNAME (default "admin") with DATAML_ADMIN_PASSWORD, or with a random password
// printed once to standard output.
Status Bootstrap(App& app);

}  // namespace dataml::app
