#include "modules/files/blob_content.h"

#include "core/arrow_status.h"

namespace dataml::files {
namespace {

class BlobContent : public http::ContentSource {
 public:
  BlobContent(std::shared_ptr<arrow::io::RandomAccessFile> file, uint64_t size) : file_(std::move(file)), size_(size) {}
  uint64_t size() const override { return size_; }
  Result<size_t> Read(char* out, size_t length) override {
    auto got = file_->Read(static_cast<int64_t>(length), out);
    if (!got.ok()) return FromArrow(got.status(), "cannot read the stored file");
    return static_cast<size_t>(*got);
  }

 private:
  std::shared_ptr<arrow::io::RandomAccessFile> file_;
  uint64_t size_;
};

}  // namespace

Result<std::shared_ptr<http::ContentSource>> OpenBlobContent(const storage::BlobStore& store, const std::string& key) {
  DATAML_ASSIGN_OR_RETURN(auto file, store.OpenRead(key));
  DATAML_ASSIGN_OR_RETURN(int64_t size, FromArrow(file->GetSize(), "cannot read the stored file"));
  return std::shared_ptr<http::ContentSource>(std::make_shared<BlobContent>(std::move(file), static_cast<uint64_t>(size)));
}

}  // namespace dataml::files
