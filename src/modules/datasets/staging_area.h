// A fresh, private prefix for blobs on their way into a dataset (tenants/<tenant>/staging/<random>/).
// Dropping it removes the prefix with whatever is still under it, so a failed or finished upload
// leaves no directory behind; what was committed has already been moved out.
#pragma once

#include <memory>
#include <string>

#include "core/result.h"
#include "storage/blob_store.h"

namespace dataml::datasets {

class StagingArea {
 public:
  static Result<std::unique_ptr<StagingArea>> Make(const storage::BlobStore& store, const std::string& tenant_id);
  ~StagingArea();
  StagingArea(const StagingArea&) = delete;
  StagingArea& operator=(const StagingArea&) = delete;

  // The key of `name` inside the area.
  std::string KeyFor(const std::string& name) const { return prefix_ + "/" + name; }

 private:
  StagingArea(const storage::BlobStore& store, std::string prefix) : store_(store), prefix_(std::move(prefix)) {}
  const storage::BlobStore& store_;
  std::string prefix_;
};

}  // namespace dataml::datasets
