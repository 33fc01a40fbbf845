#include "engine/data/file_set.h"

#include <arrow/filesystem/localfs.h>
#include <arrow/io/file.h>

#include "core/arrow_status.h"

namespace dataml::engine {
namespace {

std::shared_ptr<arrow::fs::FileSystem> LocalFileSystem() {
  static const auto fs = std::make_shared<arrow::fs::LocalFileSystem>();
  return fs;
}

}  // namespace

FileRef LocalFile(std::string path) { return {LocalFileSystem(), std::move(path)}; }

FileSet LocalFiles(std::vector<std::string> paths) { return {LocalFileSystem(), std::move(paths)}; }

Result<std::shared_ptr<arrow::io::OutputStream>> CreateLocalFile(const std::string& path) {
  auto out = arrow::io::FileOutputStream::Open(path);
  if (!out.ok()) return FromArrow(out.status(), "cannot create " + path);
  return std::shared_ptr<arrow::io::OutputStream>(*out);
}

Result<std::shared_ptr<arrow::io::RandomAccessFile>> OpenFile(const FileRef& file) {
  return FromArrow(file.fs->OpenInputFile(file.path), "cannot open " + file.path);
}

Result<std::shared_ptr<arrow::io::InputStream>> OpenStream(const FileRef& file) {
  return FromArrow(file.fs->OpenInputStream(file.path), "cannot open " + file.path);
}

}  // namespace dataml::engine
