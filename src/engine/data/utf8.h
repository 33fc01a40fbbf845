// UTF-8 validation (Arrow's vectorised validator, initialised once).
#pragma once

#include <string_view>

namespace dataml::engine {

bool IsValidUtf8(std::string_view text);

}  // namespace dataml::engine
