#include "modules/inference/model_cache.h"

namespace dataml::inference {

Result<std::shared_ptr<const LoadedModel>> ModelCache::Get(const ModelKey& key, const Loader& load) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = index_.find(key);
    if (it != index_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second);
      return it->second->second;
    }
  }
  DATAML_ASSIGN_OR_RETURN(std::shared_ptr<const LoadedModel> loaded, load());
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = index_.find(key);
  if (it != index_.end()) return it->second->second;  // another request loaded it meanwhile
  lru_.emplace_front(key, loaded);
  index_[key] = lru_.begin();
  while (lru_.size() > capacity_) {
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
  return loaded;
}

size_t ModelCache::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return lru_.size();
}

}  // namespace dataml::inference
