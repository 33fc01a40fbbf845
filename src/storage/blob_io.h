// Reading and writing whole blobs (models, preprocesses, job artifacts) by key.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "storage/blob_store.h"

namespace dataml::storage {

Result<std::string> ReadBlob(const BlobStore& store, const std::string& key);
// Written under a temporary name and renamed into place: readers never see half a file.
Status WriteBlob(const BlobStore& store, const std::string& key, const std::string& bytes);
// The files behind a list of storage keys (InvalidArgument for a key outside the store).
Result<std::vector<std::string>> BlobPaths(const BlobStore& store, const std::vector<std::string>& keys);

}  // namespace dataml::storage
