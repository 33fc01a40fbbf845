#include "http/multipart_body.h"

#include <vector>

#include "http/multipart_reader.h"

namespace dataml::http {
namespace {

constexpr size_t kReadSize = 256 * 1024;

}  // namespace

std::function<bool(const PartStart&, const PartData&)> MultipartFromBody(BodySource& source, std::string content_type) {
  return [&source, content_type = std::move(content_type)](const PartStart& start, const PartData& data) {
    Result<std::string> boundary = MultipartBoundary(content_type);
    if (!boundary.ok()) return false;
    Result<MultipartReader> reader = MultipartReader::Make(*boundary, start, data);
    if (!reader.ok()) return false;
    std::vector<char> buffer(kReadSize);
    for (;;) {
      Result<size_t> got = source.Read(buffer.data(), buffer.size());
      if (!got.ok()) return false;
      if (*got == 0) return reader->Finish().ok();
      if (!reader->Feed(buffer.data(), *got).ok()) return false;
    }
  };
}

}  // namespace dataml::http
