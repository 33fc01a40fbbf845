// The files an engine reads: a filesystem and paths on it. In the server those are a blob
// store's filesystem and its keys, so the engines never see where (or whether) a file lies on
// the local disk; tests and tools name local files with LocalFile(s).
#pragma once

#include <arrow/filesystem/filesystem.h>
#include <arrow/io/interfaces.h>

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"

namespace dataml::engine {

struct FileRef {
  std::shared_ptr<arrow::fs::FileSystem> fs;
  std::string path;
};

struct FileSet {
  std::shared_ptr<arrow::fs::FileSystem> fs;
  std::vector<std::string> paths;

  FileRef at(size_t i) const { return {fs, paths[i]}; }
};

FileRef LocalFile(std::string path);
FileSet LocalFiles(std::vector<std::string> paths);
// A local file to write (created or truncated), for tests and tools.
Result<std::shared_ptr<arrow::io::OutputStream>> CreateLocalFile(const std::string& path);

// Internal naming the file when it cannot be opened.
Result<std::shared_ptr<arrow::io::RandomAccessFile>> OpenFile(const FileRef& file);
Result<std::shared_ptr<arrow::io::InputStream>> OpenStream(const FileRef& file);

}  // namespace dataml::engine
