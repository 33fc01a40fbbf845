#include "core/ttl_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace dataml {
namespace {

using std::chrono::milliseconds;

class TtlCacheTest : public ::testing::Test {
 protected:
  TtlCache<int, std::string>::TimePoint now_{};
  TtlCache<int, std::string> cache_{3, milliseconds(1000), [this] { return now_; }};
  int loads_ = 0;

  // The value served for `key`; `fresh` is what a load would read now.
  std::string Get(int key, std::string fresh = "v") {
    auto value = cache_.GetOrLoad(key, [&]() -> Result<std::string> {
      ++loads_;
      return fresh;
    });
    return value.ok() ? **value : "<error>";
  }
};

TEST_F(TtlCacheTest, ServesTheCachedValueUntilTheTtlHasPassed) {
  EXPECT_EQ(Get(1, "a"), "a");
  now_ += milliseconds(999);
  EXPECT_EQ(Get(1, "b"), "a");
  EXPECT_EQ(loads_, 1);
  now_ += milliseconds(1);
  EXPECT_EQ(Get(1, "b"), "b");
  EXPECT_EQ(loads_, 2);
}

TEST_F(TtlCacheTest, InvalidateAndClearForceAReload) {
  Get(1, "a");
  Get(2, "a");
  cache_.Invalidate(1);
  EXPECT_EQ(Get(1, "b"), "b");
  EXPECT_EQ(Get(2, "b"), "a");
  cache_.Clear();
  EXPECT_EQ(Get(1, "c"), "c");
  EXPECT_EQ(Get(2, "c"), "c");
  EXPECT_EQ(loads_, 5);
}

TEST_F(TtlCacheTest, ErrorsArePassedOnAndNotCached) {
  auto failed =
      cache_.GetOrLoad(1, []() -> Result<std::string> { return Status::NotFound("gone"); });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(cache_.size(), 0u);
  EXPECT_EQ(Get(1, "back"), "back");
}

TEST_F(TtlCacheTest, AValueLoadedAcrossAnInvalidationIsReturnedButNotKept) {
  // The load reads the old row; the change and its invalidation land before it returns.
  auto value = cache_.GetOrLoad(1, [&]() -> Result<std::string> {
    cache_.Invalidate(1);
    return std::string("old");
  });
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(**value, "old");
  EXPECT_EQ(cache_.size(), 0u);
  EXPECT_EQ(Get(1, "new"), "new");
}

TEST_F(TtlCacheTest, StaysWithinItsCapacity) {
  for (int key = 0; key < 10; ++key) Get(key);
  EXPECT_LE(cache_.size(), 3u);
  // Replacing an expired entry of a full cache keeps the others.
  cache_.Clear();
  Get(1);
  Get(2);
  Get(3);
  now_ += milliseconds(2000);
  Get(3);
  EXPECT_EQ(cache_.size(), 3u);
}

TEST(TtlCacheConcurrencyTest, ManyThreadsReadAndInvalidate) {
  TtlCache<int, int> cache(64, milliseconds(1000));
  std::atomic<bool> wrong{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20000; ++i) {
        int key = (i + t) % 100;
        auto value = cache.GetOrLoad(key, [key]() -> Result<int> { return key * 2; });
        if (!value.ok() || **value != key * 2) wrong = true;
        if (i % 97 == 0) cache.Invalidate(key);
        if (i % 4999 == 0) cache.Clear();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_FALSE(wrong);
  EXPECT_LE(cache.size(), 64u);
}

}  // namespace
}  // namespace dataml
