// Small checks on user-supplied text shared by the modules.
#pragma once

#include <string>
#include <string_view>

namespace dataml {

// True when `text` holds an ASCII control character (tab and newline included).
bool HasControlCharacters(std::string_view text);
std::string Trim(std::string_view text);
std::string ToLowerAscii(std::string_view text);
// True for a UUID in the canonical 8-4-4-4-12 hex form (either case), as RandomUuid writes them.
bool IsCanonicalUuid(std::string_view text);
// The last `max_bytes` of `text` ("..." in front when cut), trailing whitespace dropped and
// invalid UTF-8 replaced: a log's tail quoted in an error that ends up in a JSON answer.
std::string QuotableTail(std::string_view text, size_t max_bytes);

}  // namespace dataml
