// A response body streamed from somewhere else (a stored blob, a file): the transport asks for
// its size, then reads it slice by slice. Storage adapts its streams to this; nothing here
// knows where the bytes are kept.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/result.h"

namespace dataml::http {

class ContentSource {
 public:
  virtual ~ContentSource() = default;
  virtual uint64_t size() const = 0;
  // Up to `length` bytes into `out`; 0 at the end. An error ends the response early (the client
  // sees a short body and a closed connection: the status line has left).
  virtual Result<size_t> Read(char* out, size_t length) = 0;
};

// A local file; NotFound when it cannot be opened.
Result<std::shared_ptr<ContentSource>> OpenFileContent(const std::string& path);

}  // namespace dataml::http
