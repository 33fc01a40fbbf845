// A request body read as it arrives, for the handlers that stream theirs (uploads). The
// transport implements it; nothing here knows about sockets.
#pragma once

#include <cstddef>

#include "core/result.h"

namespace dataml::http {

class BodySource {
 public:
  virtual ~BodySource() = default;
  // Up to `size` bytes into `out`; 0 once the body has ended. An error when the client went
  // away, was too slow, sent a malformed body, or went past the body limit.
  virtual Result<size_t> Read(char* out, size_t size) = 0;
};

}  // namespace dataml::http
