#include "modules/train/training.h"

#include <gtest/gtest.h>

namespace dataml::train {
namespace {

Training WithJob(std::optional<std::string> status, std::string backend,
                 std::optional<std::string> backend_status = std::nullopt) {
  Training t;
  t.job_status = std::move(status);
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

}  // namespace
}  // namespace dataml::train
