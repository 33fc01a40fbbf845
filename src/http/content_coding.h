// Content codings a client accepts, from its Accept-Encoding header (RFC 9110, 12.5.3).
#pragma once

#include <string_view>

namespace dataml::http {

// Whether a response in `coding` ("gzip") may be sent to a client whose Accept-Encoding header is
// `accept_encoding`: the coding (or, for gzip, "x-gzip") is listed with a q above 0, or "*" is and
// the coding is not refused by name. An absent or empty header accepts no coding, only identity.
bool AcceptsCoding(std::string_view accept_encoding, std::string_view coding);

}  // namespace dataml::http
