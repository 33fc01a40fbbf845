// Reading and writing a job's artifacts (models, preprocesses) in blob storage, by key.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "core/result.h"
#include "storage/blob_store.h"

namespace dataml::jobs {

Result<std::string> ReadBlob(const storage::BlobStore& store, const std::string& key);
// Written under a temporary name and renamed into place: readers never see half a file.
Status WriteBlob(const storage::BlobStore& store, const std::string& key, const std::string& bytes);
// The files behind a payload's list of storage keys.
Result<std::vector<std::string>> BlobPaths(const storage::BlobStore& store, const nlohmann::json& keys);

}  // namespace dataml::jobs
