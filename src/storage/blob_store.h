// Blob storage in a local directory, addressed by tenant-scoped keys such as
// "tenants/<tenant>/datasets/<id>/files/<file>/raw.csv". Writes land under a temporary name and
// are renamed into place, so a key the database points to never names a half-written file.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.h"

namespace dataml::storage {

class BlobStore {
 public:
  explicit BlobStore(std::filesystem::path root);

  const std::filesystem::path& root() const { return root_; }
  // The file a key names. InvalidArgument for keys that are absolute, empty, or hold "..",
  // backslashes or NUL: keys are built by the server, never taken from users as they are.
  Result<std::filesystem::path> PathFor(std::string_view key) const;
  // A fresh temporary path beside `key`'s final place (same filesystem, so rename is atomic).
  Result<std::filesystem::path> TempPathFor(std::string_view key) const;
  // Renames a finished temporary file to `key`.
  Status Commit(const std::filesystem::path& temp_path, std::string_view key) const;
  // Removes the blob (missing is fine).
  Status Remove(std::string_view key) const;
  // Removes everything under a key prefix such as "tenants/<t>/datasets/<id>".
  Status RemoveTree(std::string_view prefix) const;
  // Removes upload staging directories (tenants/*/staging/*) untouched for `max_age_seconds`:
  // what a crash mid-upload left behind. Younger ones may belong to an upload in flight on
  // another server sharing this storage. Returns how many were removed.
  size_t RemoveStaleStaging(int64_t max_age_seconds) const;
  // Whether `user_path`, resolved with symlinks, lies inside `prefix` of this store; the
  // resolved path when it does. NotFound otherwise (never revealing why).
  Result<std::filesystem::path> ResolveInside(std::string_view user_path, std::string_view prefix) const;

 private:
  std::filesystem::path root_;
};

}  // namespace dataml::storage
