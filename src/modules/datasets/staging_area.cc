#include "modules/datasets/staging_area.h"

#include "core/crypto.h"

namespace dataml::datasets {

Result<std::unique_ptr<StagingArea>> StagingArea::Make(const storage::BlobStore& store, const std::string& tenant_id) {
  std::string prefix = "tenants/" + tenant_id + "/staging/" + RandomToken(12);
  DATAML_RETURN_NOT_OK(storage::BlobStore::CheckKey(prefix));
  return std::unique_ptr<StagingArea>(new StagingArea(store, std::move(prefix)));
}

StagingArea::~StagingArea() { (void)store_.RemoveTree(prefix_); }

}  // namespace dataml::datasets
