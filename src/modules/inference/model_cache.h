// Loaded models for real-time prediction: a bounded, least-recently-used map from a model
// version to its predictor. The key holds what changes when a model changes (its
// preprocess and its modification time), so an updated model is reloaded and a deleted one
// is never found (its training is looked up first) and ages out.
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <optional>
#include <set>
#include <tuple>

#include "core/result.h"
#include "engine/ml/predictor.h"

namespace dataml::inference {

// A model ready for real-time prediction, with what requests are checked against.
struct LoadedModel {
  std::shared_ptr<const engine::ml::Predictor> predictor;
  std::string target;                       // the target column's name
  std::optional<std::string> id_column;     // accepted in features and echoed back
  std::set<std::string> inputs;             // the preprocess's input columns
  std::map<std::string, std::string> defaults;  // per input column that has one, from the dataset's schema
};

struct ModelKey {
  int64_t training_id = 0;
  int64_t preprocess_id = 0;
  std::string modified_at;
  auto operator<=>(const ModelKey&) const = default;
};

class ModelCache {
 public:
  using Loader = std::function<Result<std::shared_ptr<const LoadedModel>>()>;

  explicit ModelCache(size_t capacity) : capacity_(capacity) {}

  // The cached model for `key`, or `load`'s (then cached). Loads run outside the lock; two
  // requests may load the same model once each, and one copy is kept.
  Result<std::shared_ptr<const LoadedModel>> Get(const ModelKey& key, const Loader& load);
  size_t size() const;

 private:
  using Entry = std::pair<ModelKey, std::shared_ptr<const LoadedModel>>;
  const size_t capacity_;
  mutable std::mutex mutex_;
  std::list<Entry> lru_;  // most recent first
  std::map<ModelKey, std::list<Entry>::iterator> index_;
};

}  // namespace dataml::inference
