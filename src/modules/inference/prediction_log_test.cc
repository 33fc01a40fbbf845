#include "modules/inference/prediction_log.h"

#include <gtest/gtest.h>

#include "core/clock.h"
#include "modules/inference/inference_json.h"
#include "modules/inference/predictions_repository.h"
#include "modules/rbac/rbac_service.h"
#include "modules/tenants/tenants_service.h"
#include "test_support.h"

namespace dataml::inference {
namespace {

class PredictionLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto tenant = tenants_.Create("acme");
    ASSERT_TRUE(tenant.ok());
    tenant_id_ = tenant->id;
  }

  PredictionRecord Realtime(int64_t training_id, int n) {
    PredictionRecord r;
    r.tenant_id = tenant_id_;
    r.training_id = training_id;
    r.prediction_type = kRealtime;
    r.input_data = "{\"n\":" + std::to_string(n) + "}";
    r.created_by = "alice";
    r.created_at = NowIso8601Utc();
    return r;
  }

  dataml::testing::TempDatabase temp_;
  rbac::RbacService rbac_{temp_.db()};
  tenants::TenantsService tenants_{temp_.db(), rbac_};
  PredictionsRepository repo_{temp_.db()};
  std::string tenant_id_;
};

TEST_F(PredictionLogTest, WritesEveryRecordInBatchesAndFlushWaitsForThem) {
  PredictionLog log(temp_.db(), 1000, 0);
  for (int i = 0; i < 250; ++i) log.Record(Realtime(1, i));
  log.Flush();
  EXPECT_EQ(*repo_.Count(tenant_id_, 1), 250);
  auto newest = repo_.List(tenant_id_, 1, 0, 1);
  ASSERT_TRUE(newest.ok());
  EXPECT_EQ(newest->front().input_data, "{\"n\":249}");
  EXPECT_EQ(log.dropped(), 0u);
}

TEST_F(PredictionLogTest, KeepsTheNewestRealtimeRecordsPerModelAndEveryBatchOne) {
  PredictionRecord batch = Realtime(1, -1);
  batch.prediction_type = kBatch;
  batch.input_data = "dataset_id:3";
  ASSERT_TRUE(repo_.Insert(batch).ok());
  {
    PredictionLog log(temp_.db(), 1000, 10);
    for (int i = 0; i < 35; ++i) log.Record(Realtime(1, i));
    for (int i = 0; i < 5; ++i) log.Record(Realtime(2, i));
    log.Flush();
  }
  EXPECT_EQ(*repo_.Count(tenant_id_, 1), 11);  // ten real-time + the batch one
  EXPECT_EQ(*repo_.Count(tenant_id_, 2), 5);
  auto kept = repo_.List(tenant_id_, 1, 0, 100);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->front().input_data, "{\"n\":34}");
  EXPECT_EQ((*kept)[9].input_data, "{\"n\":25}");
  EXPECT_EQ(kept->back().prediction_type, kBatch);
}

TEST_F(PredictionLogTest, StoresARealtimeAnswerAsItsJson) {
  auto answer = std::make_shared<RealtimePrediction>();
  answer->train_id = 1;
  answer->preprocess_id = 4;
  answer->predictor_name = "churn";
  answer->target = "churned";
  answer->row.prediction = "true";
  answer->row.probabilities = {{"false", 0.25}, {"true", 0.75}};
  answer->id.emplace("customer", "c-17");
  {
    PredictionLog log(temp_.db(), 1000, 0);
    log.Record(Realtime(1, 0), answer);
    log.Record(Realtime(1, 1));
    log.Flush();
  }
  auto stored = repo_.List(tenant_id_, 1, 0, 2);
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 2u);
  EXPECT_FALSE(stored->front().output.has_value());  // the newest: recorded without an answer
  ASSERT_TRUE(stored->back().output.has_value());
  nlohmann::json output = nlohmann::json::parse(*stored->back().output);
  EXPECT_EQ(output, ToJson(*answer));
  EXPECT_EQ(output["probabilities"]["true"], 0.75);
  EXPECT_EQ(output["id"], (nlohmann::json{{"customer", "c-17"}}));
  EXPECT_FALSE(output.contains("explanation"));
}

TEST_F(PredictionLogTest, DropsRecordsBeyondItsCapacityRatherThanBlocking) {
  PredictionLog log(temp_.db(), 1, 0);
  // The writer takes the first record at once; of a burst most will find the queue full.
  for (int i = 0; i < 2000; ++i) log.Record(Realtime(1, i));
  log.Flush();
  EXPECT_GT(log.dropped(), 0u);
  EXPECT_EQ(static_cast<uint64_t>(*repo_.Count(tenant_id_, 1)) + log.dropped(), 2000u);
}

}  // namespace
}  // namespace dataml::inference
