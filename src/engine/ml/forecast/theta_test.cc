#include "engine/ml/forecast/theta.h"

#include <gtest/gtest.h>

#include <cmath>

#include "engine/ml/forecast/accuracy.h"
#include "engine/ml/forecast/test_series.h"

namespace dataml::engine::ml::forecast {
namespace {

using testing::Noise;

TEST(ThetaTest, ALineWithNoiseIsContinued) {
  const auto noise = Noise(60, 0.5, 1);
  std::vector<double> y, truth;
  for (size_t t = 0; t < 50; ++t) y.push_back(10 + 2.0 * t + noise[t]);
  for (size_t t = 50; t < 56; ++t) truth.push_back(10 + 2.0 * t);
  auto model = FitDynamicOptimizedTheta(y, 1);
  ASSERT_TRUE(model.ok()) << model.status().message();
  EXPECT_GE(model->theta, 1.0);
  EXPECT_TRUE(model->next_seasonal.empty());
  EXPECT_LT(Measure(truth, model->Forecast(6)).mae, 2.0);
}

TEST(ThetaTest, SeasonalSeriesAreDeseasonalisedFirst) {
  const std::vector<double> factor = {1.3, 0.8, 0.7, 1.2};
  const auto noise = Noise(60, 0.01, 2);
  std::vector<double> y, truth;
  for (size_t t = 0; t < 48; ++t) y.push_back((100 + 1.0 * t) * factor[t % 4] * (1 + noise[t]));
  for (size_t t = 48; t < 56; ++t) truth.push_back((100 + 1.0 * t) * factor[t % 4]);
  EXPECT_TRUE(SeasonalityTest(y, 4));
  EXPECT_FALSE(SeasonalityTest(Noise(48, 1, 3), 4)) << "white noise";
  EXPECT_FALSE(SeasonalityTest(y, 1));
  auto model = FitDynamicOptimizedTheta(y, 4);
  ASSERT_TRUE(model.ok()) << model.status().message();
  ASSERT_EQ(model->next_seasonal.size(), 4u);
  EXPECT_NEAR(model->next_seasonal[0], 1.3, 0.05) << "period 48 is the first of a season";
  EXPECT_LT(Measure(truth, model->Forecast(8)).smape, 3.0);
}

TEST(ThetaTest, NeedsThreeValues) {
  EXPECT_EQ(FitDynamicOptimizedTheta(std::vector<double>{1, 2}, 1).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dataml::engine::ml::forecast
