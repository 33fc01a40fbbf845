#include "engine/ml/training_pipeline.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include <random>

#include "engine/ml/worker_group_testing.h"

namespace dataml::engine::ml {
namespace {

// Churn-like rows: a number with gaps, a category, a flag; the label depends on all three.
std::shared_ptr<arrow::Table> ChurnRows(size_t n) {
  std::mt19937 rng(11);
  std::normal_distribution<double> normal(50, 20);
  std::uniform_int_distribution<int> plan(0, 5);
  std::bernoulli_distribution coin(0.5), gap(0.05);
  arrow::DoubleBuilder charges;
  arrow::StringBuilder plans, churn;
  arrow::BooleanBuilder senior;
  for (size_t i = 0; i < n; ++i) {
    const double c = normal(rng);
    const int p = plan(rng);
    const bool s = coin(rng);
    EXPECT_TRUE((gap(rng) ? charges.AppendNull() : charges.Append(c)).ok());
    EXPECT_TRUE(plans.Append("plan" + std::to_string(p)).ok());
    EXPECT_TRUE(senior.Append(s).ok());
    const bool churned = c / 20 + (p == 3 ? 2 : 0) + (s ? 1 : 0) + normal(rng) / 40 > 4;
    EXPECT_TRUE((i % 97 == 0 ? churn.AppendNull() : churn.Append(churned ? "Yes" : "No")).ok());
  }
  return arrow::Table::Make(arrow::schema({arrow::field("Charges", arrow::float64()), arrow::field("Plan", arrow::utf8()),
                                           arrow::field("Senior", arrow::boolean()), arrow::field("Churn", arrow::utf8())}),
                            {charges.Finish().ValueOrDie(), plans.Finish().ValueOrDie(), senior.Finish().ValueOrDie(),
                             churn.Finish().ValueOrDie()});
}

TrainingRequest ChurnRequest(Algorithm algorithm) {
  TrainingRequest request;
  request.features = {{"Charges", DataType::kFloat}, {"Plan", DataType::kString}, {"Senior", DataType::kBoolean}};
  request.target = {"Churn", DataType::kString};
  request.algorithm = algorithm;
  request.hyperparameters.num_boost_round = 20;
  request.hyperparameters.num_parallel_tree = 20;
  request.hyperparameters.nthread = 1;
  return request;
}

// Rows [bounds[rank], bounds[rank + 1]) of `table`, trained together by bounds.size() - 1 workers.
std::vector<Result<TrainingOutcome>> TrainSharded(const std::shared_ptr<arrow::Table>& table,
                                                  const TrainingRequest& request, const std::vector<int64_t>& bounds) {
  return testing::RunWorkers(static_cast<int>(bounds.size()) - 1, [&](int rank, Collective& group) {
    TrainingRequest mine = request;
    mine.group = &group;
    auto shard = table->Slice(bounds[static_cast<size_t>(rank)],
                              bounds[static_cast<size_t>(rank) + 1] - bounds[static_cast<size_t>(rank)]);
    return RunTraining(*shard, mine);
  });
}

TEST(TrainingPipelineTest, WorkersOnShardsTrainTheModelOfOneWorkerOnEveryRow) {
  auto table = ChurnRows(3000);
  for (Algorithm algorithm : {Algorithm::kXGBoost, Algorithm::kRandomForest}) {
    const TrainingRequest request = ChurnRequest(algorithm);
    auto alone = RunTraining(*table, request);
    ASSERT_TRUE(alone.ok()) << alone.status().message();
    auto outcomes = TrainSharded(table, request, {0, 700, 2001, 3000});
    for (size_t rank = 0; rank < outcomes.size(); ++rank) {
      ASSERT_TRUE(outcomes[rank].ok()) << outcomes[rank].status().message();
      const TrainingOutcome& together = *outcomes[rank];
      EXPECT_EQ(together.summary["num_workers"], 3);
      EXPECT_EQ(together.summary["rows"]["per_worker"], nlohmann::json({700, 1301, 999}));
      // The same holdout and the same preprocess.
      for (const char* key : {"total", "training", "test", "without_target"})
        EXPECT_EQ(together.summary["rows"][key], alone->summary["rows"][key]) << key;
      EXPECT_EQ(together.preprocess.ToJson()["inputs"][1], alone->preprocess.ToJson()["inputs"][1]);
      EXPECT_EQ(together.preprocess.ToJson()["inputs"][0]["fill"], alone->preprocess.ToJson()["inputs"][0]["fill"]);
      EXPECT_EQ(together.preprocess.feature_names(), alone->preprocess.feature_names());
      // Nearly the same trees: XGBoost merges the workers' quantile sketches (an approximation of
      // the one of all rows), and a forest's workers each sample their own rows.
      const nlohmann::json& got = together.summary["metrics"];
      const nlohmann::json& want = alone->summary["metrics"];
      for (const char* label : {"No", "Yes"})
        EXPECT_EQ(got["per_class"][label]["support"], want["per_class"][label]["support"]);
      EXPECT_NEAR(got["accuracy"].get<double>(), want["accuracy"].get<double>(), 0.02) << AlgorithmName(algorithm);
      EXPECT_NEAR(got["roc_auc"].get<double>(), want["roc_auc"].get<double>(), 0.01) << AlgorithmName(algorithm);
      EXPECT_NEAR(got["log_loss"].get<double>(), want["log_loss"].get<double>(), 0.02) << AlgorithmName(algorithm);
      EXPECT_GT(got["accuracy"].get<double>(), 0.8) << "the workers learnt from all the rows";
      // And every worker ends with the same model.
      EXPECT_TRUE(together.model_json == outcomes[0]->model_json) << "rank " << rank;
    }
  }
}

TEST(TrainingPipelineTest, EveryWorkerRefusesTheSameWayWhenAShardHasNoTrainingRows) {
  auto table = ChurnRows(40);
  auto outcomes = TrainSharded(table, ChurnRequest(Algorithm::kXGBoost), {0, 20, 20, 40});
  for (auto& outcome : outcomes) {
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(outcome.status().message().find("use fewer workers"), std::string::npos) << outcome.status().message();
  }
}

TEST(TrainingPipelineTest, SeveralWorkersNeedATreeAlgorithmChosenUpFront) {
  auto table = ChurnRows(100);
  TrainingRequest request = ChurnRequest(Algorithm::kLinear);
  auto outcomes = TrainSharded(table, request, {0, 50, 100});
  for (auto& outcome : outcomes) EXPECT_EQ(outcome.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dataml::engine::ml
