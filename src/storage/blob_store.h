// Blob storage addressed by tenant-scoped keys such as
// "tenants/<tenant>/datasets/<id>/files/<file>/raw.csv", over an Arrow filesystem whose paths are
// the keys: a local directory today, an S3-compatible store or a mock (tests) by the same code.
// Callers get keys, streams and locations, never a server path to open themselves. Writes land
// under a temporary key and are moved into place, so a key the database points to never names
// a half-written blob.
#pragma once

#include <arrow/filesystem/filesystem.h>
#include <arrow/io/interfaces.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace dataml::storage {

// A blob being written: its stream, then Publish() to move it to its key. Dropped without
// publishing, the temporary blob is removed.
class BlobWriter {
 public:
  ~BlobWriter();
  arrow::io::OutputStream& stream() { return *stream_; }
  const std::shared_ptr<arrow::io::OutputStream>& shared_stream() const { return stream_; }
  // Closes the stream (if the writer did not) and moves the blob to its key.
  Status Publish();

 private:
  friend class BlobStore;
  BlobWriter(std::shared_ptr<arrow::fs::FileSystem> fs, std::string temp_key, std::string key,
             std::shared_ptr<arrow::io::OutputStream> stream)
      : fs_(std::move(fs)), temp_key_(std::move(temp_key)), key_(std::move(key)), stream_(std::move(stream)) {}
  std::shared_ptr<arrow::fs::FileSystem> fs_;
  std::string temp_key_;
  std::string key_;
  std::shared_ptr<arrow::io::OutputStream> stream_;
  bool published_ = false;
};

class BlobStore {
 public:
  // A store in the local directory `root` (created when missing).
  static Result<std::unique_ptr<BlobStore>> OpenLocal(const std::filesystem::path& root);
  // A store over `fs`, whose paths are keys; `location_root` prefixes a key's location as other
  // engines are given it (an absolute directory, or a URI such as "s3://bucket/prefix").
  static std::unique_ptr<BlobStore> Over(std::shared_ptr<arrow::fs::FileSystem> fs, std::string location_root);

  // The filesystem the engines read and write through; its paths are keys.
  const std::shared_ptr<arrow::fs::FileSystem>& filesystem() const { return fs_; }
  // InvalidArgument for keys that are absolute, empty, or hold ".", "..", backslashes or NUL:
  // keys are built by the server, never taken from users as they are.
  static Status CheckKey(std::string_view key);
  static Status CheckKeys(const std::vector<std::string>& keys);

  Result<std::shared_ptr<arrow::io::RandomAccessFile>> OpenRead(const std::string& key) const;
  // NotFound when the blob is missing.
  Result<int64_t> Size(const std::string& key) const;
  Result<bool> Exists(const std::string& key) const;
  Result<std::string> Read(const std::string& key) const;
  Result<std::unique_ptr<BlobWriter>> OpenWrite(const std::string& key) const;
  Status Write(const std::string& key, std::string_view bytes) const;
  // Moves a finished blob (e.g. a staged upload) to another key.
  Status Move(const std::string& from, const std::string& to) const;
  // Removes the blob (missing is fine).
  Status Remove(const std::string& key) const;
  // Removes everything under a key prefix such as "tenants/<t>/datasets/<id>" (missing is fine).
  Status RemoveTree(const std::string& prefix) const;
  // The keys of the blobs under `prefix`, recursively, sorted; none when it does not exist.
  Result<std::vector<std::string>> List(const std::string& prefix) const;
  // Removes upload staging directories (tenants/*/staging/*) untouched for `max_age_seconds`:
  // what a crash mid-upload left behind. Younger ones may belong to an upload in flight on
  // another server sharing this storage. Returns how many were removed.
  size_t RemoveStaleStaging(int64_t max_age_seconds) const;

  // Where another engine (DuckDB, pyiceberg) finds the blob: location_root + "/" + key.
  std::string LocationOf(std::string_view key) const;
  // The key a location (as LocationOf gives, or a "file://" URI of it) names, whether or not the
  // blob exists; none for a location outside the store or an invalid key.
  std::optional<std::string> KeyAt(std::string_view location) const;
  // The key of a location (as LocationOf gives, a "file://" URI of it, or a bare key) when it
  // names a blob under `prefix`; NotFound otherwise, never revealing why. A local store resolves
  // symlinks first, so a link cannot lead out of the prefix.
  Result<std::string> KeyInside(std::string_view location, std::string_view prefix) const;

 private:
  BlobStore(std::shared_ptr<arrow::fs::FileSystem> fs, std::string location_root, std::filesystem::path local_root)
      : fs_(std::move(fs)), location_root_(std::move(location_root)), local_root_(std::move(local_root)) {}
  std::shared_ptr<arrow::fs::FileSystem> fs_;
  std::string location_root_;
  std::filesystem::path local_root_;  // empty unless the store is a local directory
};

}  // namespace dataml::storage
