// Small checks on user-supplied text shared by the modules.
#pragma once

#include <string>
#include <string_view>

namespace dataml {

// True when `text` holds an ASCII control character (tab and newline included).
bool HasControlCharacters(std::string_view text);
std::string Trim(std::string_view text);
std::string ToLowerAscii(std::string_view text);

}  // namespace dataml
