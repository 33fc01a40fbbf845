// Who is calling: established by the auth middleware from a verified access token.
#pragma once

#include <cstdint>
#include <string>

namespace dataml {

struct Principal {
  int64_t user_id = 0;
  std::string tenant_id;
  std::string username;
  bool is_superuser = false;
};

}  // namespace dataml
