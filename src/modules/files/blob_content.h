// A stored blob as a streamed HTTP response body (storage knows nothing of HTTP, HTTP nothing
// of storage: this is where they meet).
#pragma once

#include <memory>
#include <string>

#include "core/result.h"
#include "http/content_source.h"
#include "storage/blob_store.h"

namespace dataml::files {

// NotFound when the blob is missing.
Result<std::shared_ptr<http::ContentSource>> OpenBlobContent(const storage::BlobStore& store, const std::string& key);

}  // namespace dataml::files
