#include "job_specs/job_specs.h"

#include <gtest/gtest.h>

namespace dataml::job_specs {
namespace {

TrainSpec ATrainSpec() {
  TrainSpec spec;
  spec.problem_type = ProblemType::kClassification;
  spec.algorithm = "XGBoost";
  spec.hyperparameters = {{"max_depth", 4}};
  spec.features = {{"age", "Integer", std::nullopt}, {"plan", "String", std::nullopt}};
  spec.target = {"churned", "Boolean", std::nullopt};
  spec.parquet_keys = {"tenants/t/datasets/1/validated/part-0.parquet"};
  spec.model_key = "tenants/t/models/7/model.json";
  spec.preprocess_key = "tenants/t/models/7/preprocess.json";
  spec.callback = {"/api/v1/train/result", {{"train_id", 7}, {"preprocess_id", "3"}}};
  return spec;
}

TEST(JobSpecsTest, EverySpecComesBackAsItWasEncoded) {
  TrainSpec train = ATrainSpec();
  EXPECT_EQ(*Decode<TrainSpec>(Encode(train)), train);
  train.base_model_key = "tenants/t/models/6/model.json";
  EXPECT_EQ(*Decode<TrainSpec>(Encode(train)), train);
  EXPECT_EQ(WorkersOf("train", Encode(train)), 1);
  train.base_model_key.reset();
  train.num_workers = 3;
  EXPECT_EQ(*Decode<TrainSpec>(Encode(train)), train);
  EXPECT_EQ(WorkersOf("train", Encode(train)), 3);
  EXPECT_EQ(WorkersOf("shap", Encode(train)), 1);

  TrainSpec forecast = ATrainSpec();
  forecast.problem_type = ProblemType::kForecast;
  forecast.series = SeriesSpec{Column{"store", "String", std::nullopt}, Column{"week", "Date", std::nullopt}, "Week", 8,
                               "sum", std::nullopt};
  EXPECT_EQ(*Decode<TrainSpec>(Encode(forecast)), forecast);
  forecast.series->id.reset();
  EXPECT_EQ(*Decode<TrainSpec>(Encode(forecast)), forecast);
  forecast.series.reset();
  EXPECT_FALSE(Decode<TrainSpec>(Encode(forecast)).ok()) << "a Forecast training without its series";

  StatisticsSpec statistics{12, {"a.parquet", "b.parquet"}, {{"age", "Integer", "0"}, {"plan", "String", std::nullopt}}};
  EXPECT_EQ(*Decode<StatisticsSpec>(Encode(statistics)), statistics);

  ShapSpec shap{"m.json", "p.json", {"a.parquet"}, 500, 42, {"/api/v1/train/shap-result", {{"training_id", 7}}}};
  EXPECT_EQ(*Decode<ShapSpec>(Encode(shap)), shap);

  BatchPredictionSpec batch{"m.json", "p.json", {"a.parquet"}, "out.csv", std::nullopt, true,
                            {"/api/v1/inference/batch-result", {{"prediction_id", 3}}}, std::nullopt, 0};
  EXPECT_EQ(*Decode<BatchPredictionSpec>(Encode(batch)), batch);
  batch.id_column = "customer_id";
  batch.lake_data_key = "tenants/t/lake/gold/predictions_7/data/x.parquet";
  batch.prediction_id = 3;
  EXPECT_EQ(*Decode<BatchPredictionSpec>(Encode(batch)), batch);
}

TEST(JobSpecsTest, ReadsPayloadsQueuedBeforeTheCodec) {
  // The statistics payload the datasets module wrote by hand: defaults as null.
  auto spec = Decode<StatisticsSpec>(nlohmann::json::parse(
      R"({"dataset_id": 4, "parquet_keys": ["k"], "schema": [{"column_name": "a", "data_type": "Float", "default_value": null}]})"));
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_EQ(spec->schema.front(), (Column{"a", "Float", std::nullopt}));
}

TEST(JobSpecsTest, AMalformedPayloadIsAnErrorNamingTheKind) {
  nlohmann::json payload = Encode(ATrainSpec());
  payload.erase("model_key");
  auto missing = Decode<TrainSpec>(payload);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("malformed train job spec"), std::string::npos);

  payload = Encode(ATrainSpec());
  payload["features"] = "age";
  EXPECT_FALSE(Decode<TrainSpec>(payload).ok());
  payload = Encode(ATrainSpec());
  EXPECT_EQ(payload["problem_type"], "Classification");
  payload["problem_type"] = "classification";
  EXPECT_FALSE(Decode<TrainSpec>(payload).ok()) << "problem types are their exact names";
  EXPECT_FALSE(Decode<TrainSpec>(nlohmann::json::array()).ok());
  EXPECT_FALSE(Decode<ShapSpec>(nlohmann::json{{"model_key", 1}}).ok());

  ShapSpec shap{"m", "p", {"k"}, 0, 1, {"/api/v1/x", nlohmann::json::object()}};
  EXPECT_FALSE(Decode<ShapSpec>(Encode(shap)).ok());  // no rows to explain
}

TEST(JobSpecsTest, ACallbackMustBeAnApiRouteWithObjectFields) {
  EXPECT_FALSE(CallbackOf(nlohmann::json{{"dataset_id", 1}})->has_value());
  auto callback = CallbackOf(Encode(ATrainSpec()));
  ASSERT_TRUE(callback.ok());
  EXPECT_EQ((*callback)->path, "/api/v1/train/result");
  EXPECT_EQ((*callback)->fields["train_id"], 7);

  EXPECT_FALSE(CallbackOf(nlohmann::json{{"callback", {{"path", "http://elsewhere/steal"}}}}).ok());
  EXPECT_FALSE(CallbackOf(nlohmann::json{{"callback", {{"path", "/api/v1/x"}, {"fields", 3}}}}).ok());
  EXPECT_FALSE(CallbackOf(nlohmann::json{{"callback", "x"}}).ok());
  TrainSpec train = ATrainSpec();
  train.callback.path = "/etc/passwd";
  EXPECT_FALSE(Decode<TrainSpec>(Encode(train)).ok());
}

}  // namespace
}  // namespace dataml::job_specs
