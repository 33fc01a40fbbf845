// Request::read_multipart over a streamed body: parts and their bytes as they arrive.
#pragma once

#include <string>

#include "http/body_source.h"
#include "http/request.h"

namespace dataml::http {

// Reads the multipart/form-data body that `source` delivers, with the boundary of
// `content_type`. The function returns false when the body is not multipart, is malformed,
// ends early, or a callback aborted. `source` must outlive it.
std::function<bool(const PartStart&, const PartData&)> MultipartFromBody(BodySource& source, std::string content_type);

}  // namespace dataml::http
