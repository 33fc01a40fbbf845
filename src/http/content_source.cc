#include "http/content_source.h"

#include <fstream>

namespace dataml::http {
namespace {

class FileContent : public ContentSource {
 public:
  FileContent(std::ifstream in, uint64_t size) : in_(std::move(in)), size_(size) {}
  uint64_t size() const override { return size_; }
  Result<size_t> Read(char* out, size_t length) override {
    in_.read(out, static_cast<std::streamsize>(length));
    if (in_.bad()) return Status::Internal("cannot read the file");
    return static_cast<size_t>(in_.gcount());
  }

 private:
  std::ifstream in_;
  uint64_t size_;
};

}  // namespace

Result<std::shared_ptr<ContentSource>> OpenFileContent(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return Status::NotFound("File not found");
  auto size = static_cast<uint64_t>(in.tellg());
  in.seekg(0);
  return std::shared_ptr<ContentSource>(std::make_shared<FileContent>(std::move(in), size));
}

}  // namespace dataml::http
