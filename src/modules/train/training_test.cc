#include "modules/train/training.h"

#include <gtest/gtest.h>

namespace dataml::train {
namespace {

Training WithJob(std::string status, std::string backend,
                 std::optional<std::string> backend_status = std::nullopt) {
  Training t;
  t.status = std::move(status);
  t.job_backend = std::move(backend);
  t.job_backend_status = std::move(backend_status);
  return t;
}

TEST(TrainingStatusTest, ARayTrainingIsSubmittedToRayUntilRayRunsIt) {
  EXPECT_EQ(TrainingStatus(WithJob("queued", "ray")), "submitted_to_ray");
  EXPECT_EQ(TrainingStatus(WithJob("running", "ray")), "submitted_to_ray") << "claimed, not polled yet";
  EXPECT_EQ(TrainingStatus(WithJob("running", "ray", "PENDING")), "submitted_to_ray");
  EXPECT_EQ(TrainingStatus(WithJob("running", "ray", "RUNNING")), "running");
  EXPECT_EQ(TrainingStatus(WithJob("failed", "ray", "PENDING")), "Failed") << "cancelled or failed while pending";
  EXPECT_EQ(TrainingStatus(WithJob("cancelled", "ray")), "Terminated");
  // train_status keeps its own words.
  EXPECT_EQ(TrainStatus(WithJob("queued", "ray")), "submitted");
}

TEST(TrainingStatusTest, ALocalTrainingKeepsItsWords) {
  EXPECT_EQ(TrainingStatus(WithJob("queued", "local")), "submitted");
  EXPECT_EQ(TrainingStatus(WithJob("running", "local")), "running");
  EXPECT_EQ(TrainingStatus(WithJob("completed", "local")), "Completed");
}

TEST(ModelManifestTest, RoundTripsAndRefusesWhatItDidNotWrite) {
  ModelManifest m{ProblemType::kRegression, "XGBoost", "tenants/t/models/3/model.json"};
  nlohmann::json json = m.ToJson();
  EXPECT_EQ(json["artifacts"]["model"], "tenants/t/models/3/model.json");
  auto back = ModelManifest::FromJson(json);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->problem_type, ProblemType::kRegression);
  EXPECT_EQ(back->algorithm, "XGBoost");
  EXPECT_EQ(back->model_key, m.model_key);
  json["format_version"] = 2;
  EXPECT_EQ(ModelManifest::FromJson(json).status().code(), StatusCode::kInvalidArgument);
  json = m.ToJson();
  json["problem_type"] = "regression";
  EXPECT_FALSE(ModelManifest::FromJson(json).ok());
  json = m.ToJson();
  json.erase("artifacts");
  EXPECT_FALSE(ModelManifest::FromJson(json).ok());
  EXPECT_FALSE(ModelManifest::FromJson(nlohmann::json::array()).ok());
}

TEST(TrainingSubjectTest, ATrainingsJobsNameItAndOnlyThose) {
  EXPECT_EQ(TrainingOfSubject(TrainingSubject(42)), 42);
  EXPECT_FALSE(TrainingOfSubject("dataset:42"));
  EXPECT_FALSE(TrainingOfSubject("training:"));
  EXPECT_FALSE(TrainingOfSubject("training:4x"));
}

}  // namespace
}  // namespace dataml::train
