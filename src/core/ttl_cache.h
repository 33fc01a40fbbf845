// A small, bounded, thread-safe map of values that expire a fixed time after they were loaded.
// What every request reads (the caller's user row and permissions, the model version a real-time
// prediction uses) is kept here for a moment, so that it does not cost a database query each
// time; the owner invalidates an entry when it changes the row itself.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>
#include <utility>

#include "core/result.h"

namespace dataml {

template <typename Key, typename Value>
class TtlCache {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using Clock = std::function<TimePoint()>;

  // `capacity` bounds the number of entries; `clock` is injectable for tests.
  TtlCache(size_t capacity, std::chrono::steady_clock::duration ttl,
           Clock clock = [] { return std::chrono::steady_clock::now(); })
      : capacity_(capacity), ttl_(ttl), clock_(std::move(clock)) {}

  // The value loaded for `key` less than `ttl` ago, else `load()` (which returns a
  // Result<Value>), cached when OK. Errors are passed on and never cached.
  template <typename Load>
  Result<std::shared_ptr<const Value>> GetOrLoad(const Key& key, Load&& load) {
    const TimePoint now = clock_();
    uint64_t epoch = 0;
    {
      std::shared_lock lock(mutex_);
      auto it = entries_.find(key);
      if (it != entries_.end() && now - it->second.loaded_at < ttl_) return it->second.value;
      epoch = epoch_;
    }
    Result<Value> loaded = load();
    if (!loaded.ok()) return loaded.status();
    auto value = std::make_shared<const Value>(std::move(loaded).ValueOrDie());
    std::unique_lock lock(mutex_);
    // An invalidation while we were loading may have been about the very row we read before it
    // changed: then the value is returned to this caller but not kept for the next one.
    if (epoch != epoch_) return value;
    if (entries_.size() >= capacity_ && entries_.find(key) == entries_.end()) {
      // At capacity the working set is as large as the cache, so which entries go matters
      // little; dropping all of them costs O(n) once per `capacity` insertions.
      entries_.clear();
    }
    // `now` was read before the load: the entry is at least this fresh.
    entries_.insert_or_assign(key, Entry{value, now});
    return value;
  }

  // Forgets `key` (or everything): the next GetOrLoad loads afresh, and a load that began
  // before this call is not cached. Call it after the change is written.
  void Invalidate(const Key& key) {
    std::unique_lock lock(mutex_);
    entries_.erase(key);
    ++epoch_;
  }
  void Clear() {
    std::unique_lock lock(mutex_);
    entries_.clear();
    ++epoch_;
  }

  size_t size() const {
    std::shared_lock lock(mutex_);
    return entries_.size();
  }

 private:
  struct Entry {
    std::shared_ptr<const Value> value;
    TimePoint loaded_at;
  };

  const size_t capacity_;
  const std::chrono::steady_clock::duration ttl_;
  const Clock clock_;
  // Readers take it shared, so that the 64 HTTP workers do not queue behind each other on a hit.
  mutable std::shared_mutex mutex_;
  std::unordered_map<Key, Entry> entries_;
  uint64_t epoch_ = 0;  // bumped by every invalidation
};

}  // namespace dataml
