#include "engine/ml/rabit_tracker.h"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <cmath>
#include <random>
#include <set>
#include <thread>

#include "engine/ml/worker_group_testing.h"
#include "engine/ml/xgboost_api.h"

namespace dataml::engine::ml {
namespace {

using namespace std::chrono_literals;

std::set<int> Neighbours(const RabitLinks& links, int rank) {
  return {links.tree[rank].begin(), links.tree[rank].end()};
}

TEST(RabitLinksTest, TreeAndRingAreXGBoost17s) {
  // Computed by xgboost 1.7.4's tracker.py (get_link_map) for these world sizes.
  RabitLinks one = ComputeRabitLinks(1);
  EXPECT_TRUE(one.tree[0].empty());
  EXPECT_EQ(one.parent[0], -1);

  RabitLinks four = ComputeRabitLinks(4);
  EXPECT_EQ(Neighbours(four, 0), (std::set<int>{1, 3}));
  EXPECT_EQ(Neighbours(four, 1), (std::set<int>{0, 2}));
  EXPECT_EQ(Neighbours(four, 2), (std::set<int>{1}));
  EXPECT_EQ(Neighbours(four, 3), (std::set<int>{0}));
  EXPECT_EQ(four.parent, (std::vector<int>{-1, 0, 1, 0}));

  RabitLinks seven = ComputeRabitLinks(7);
  EXPECT_EQ(Neighbours(seven, 0), (std::set<int>{1, 6}));
  EXPECT_EQ(Neighbours(seven, 1), (std::set<int>{0, 2, 3}));
  EXPECT_EQ(Neighbours(seven, 6), (std::set<int>{0, 4, 5}));
  EXPECT_EQ(Neighbours(seven, 4), (std::set<int>{6}));

  RabitLinks eight = ComputeRabitLinks(8);
  EXPECT_EQ(Neighbours(eight, 1), (std::set<int>{0, 2, 4}));
  EXPECT_EQ(Neighbours(eight, 2), (std::set<int>{1, 3}));
  EXPECT_EQ(Neighbours(eight, 7), (std::set<int>{0, 5, 6}));
  for (int r = 0; r < 8; ++r) {
    EXPECT_EQ(eight.ring[r], std::make_pair((r + 7) % 8, (r + 1) % 8));
    if (r > 0) {
      EXPECT_TRUE(Neighbours(eight, r).contains(eight.parent[r]));
    }
  }
}

using testing::RunWorkers;

TEST(RabitTrackerTest, WorkersJoinWithTheirOwnRanksAndSum) {
  for (int n : {1, 2, 3, 5}) {
    auto tracker = RabitTracker::Start(n, "127.0.0.1", 30s);
    ASSERT_TRUE(tracker.ok()) << tracker.status().message();
    auto sums = RunWorkers(**tracker, n, [n](int rank, Collective& c) -> std::vector<double> {
      EXPECT_EQ(c.size(), n);
      std::vector<double> values = {1.0, static_cast<double>(rank)};
      Status summed = c.Sum(values);
      EXPECT_TRUE(summed.ok()) << summed.message();
      return values;
    });
    for (auto& sum : sums) {
      ASSERT_TRUE(sum.ok()) << sum.status().message();
      EXPECT_EQ(*sum, (std::vector<double>{double(n), n * (n - 1) / 2.0}));
    }
    Status done = (*tracker)->Wait();
    EXPECT_TRUE(done.ok()) << done.message();
  }
}

struct Data {
  FeatureMatrix x;
  std::vector<float> y;
};

Data MakeData(size_t rows) {
  std::mt19937 rng(7);
  std::normal_distribution<float> normal;
  Data d{FeatureMatrix(rows, 4), {}};
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < 4; ++c) d.x.at(r, c) = normal(rng);
    d.y.push_back(d.x.at(r, 0) + 0.5f * d.x.at(r, 1) * d.x.at(r, 2) > 0 ? 1.0f : 0.0f);
  }
  return d;
}

Result<std::string> Train(const FeatureMatrix& x, const std::vector<float>& y) {
  DATAML_ASSIGN_OR_RETURN(DMatrix train, DMatrix::FromDense(x, y));
  DATAML_ASSIGN_OR_RETURN(Booster booster, Booster::Create({&train}));
  DATAML_RETURN_NOT_OK(booster.SetParams({{"objective", "binary:logistic"}, {"tree_method", "hist"},
                                          {"max_depth", "4"}, {"nthread", "1"}, {"seed", "1"}}));
  for (int i = 0; i < 10; ++i) DATAML_RETURN_NOT_OK(booster.UpdateOneIter(i, train));
  return booster.SaveJson();
}

TEST(RabitTrackerTest, ShardsTrainedTogetherGiveTheModelOfAllRowsOnOneWorker) {
  Data data = MakeData(2000);
  auto alone = Train(data.x, data.y);
  ASSERT_TRUE(alone.ok()) << alone.status().message();
  for (int n : {2, 3}) {
    auto tracker = RabitTracker::Start(n, "127.0.0.1", 30s);
    ASSERT_TRUE(tracker.ok());
    auto models = RunWorkers(**tracker, n, [&](int rank, Collective&) -> std::string {
      std::vector<size_t> shard;
      for (size_t r = rank; r < data.x.rows; r += n) shard.push_back(r);
      std::vector<float> labels;
      for (size_t r : shard) labels.push_back(data.y[r]);
      auto model = Train(data.x.Take(shard), labels);
      EXPECT_TRUE(model.ok()) << model.status().message();
      return model.ok() ? *model : "";
    });
    ASSERT_TRUE((*tracker)->Wait().ok());
    for (auto& model : models) {
      ASSERT_TRUE(model.ok()) << model.status().message();
      EXPECT_EQ(*model, *alone) << n << " workers";
    }
  }
}

TEST(RabitTrackerTest, WorkersThatDoNotAllJoinInTimeFailTheRendezvous) {
  auto tracker = RabitTracker::Start(2, "127.0.0.1", 300ms);
  ASSERT_TRUE(tracker.ok());
  Status done = (*tracker)->Wait();
  EXPECT_EQ(done.code(), StatusCode::kUnavailable);
  EXPECT_EQ(done.message(), "only 0 of 2 training workers joined within 0.3 s");
}

TEST(RabitTrackerTest, APeerThatIsNotARabitWorkerFailsItAtOnce) {
  auto tracker = RabitTracker::Start(2, "127.0.0.1", 30s);
  ASSERT_TRUE(tracker.ok());
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), (*tracker)->port()});
  boost::asio::write(socket, boost::asio::buffer("GET / HTTP/1.1\r\n\r\n", 18));
  Status done = (*tracker)->Wait();
  EXPECT_EQ(done.code(), StatusCode::kInternal);
  EXPECT_NE(done.message().find("not a rabit worker"), std::string::npos) << done.message();
}

TEST(RabitTrackerTest, WaitForGivesUpOnWorkersThatNeverLeave) {
  auto tracker = RabitTracker::Start(2, "127.0.0.1", 30s);
  ASSERT_TRUE(tracker.ok());
  Status done = (*tracker)->WaitFor(200ms);
  EXPECT_EQ(done.code(), StatusCode::kUnavailable);
  EXPECT_EQ(done.message(), "not every training worker left within 0.2 s");
}

TEST(RabitTrackerTest, StopEndsAWaitingTracker) {
  auto tracker = RabitTracker::Start(3, "127.0.0.1", 30s);
  ASSERT_TRUE(tracker.ok());
  (*tracker)->Stop();
  EXPECT_EQ((*tracker)->Wait().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace dataml::engine::ml
