#include "engine/ml/forecast/ets.h"

#include <gtest/gtest.h>

#include <cmath>

#include "engine/ml/forecast/accuracy.h"
#include "engine/ml/forecast/test_series.h"

namespace dataml::engine::ml::forecast {
namespace {

using testing::Noise;

TEST(EtsTest, NamesFollowTheTaxonomy) {
  EXPECT_EQ((EtsSpec{Component::kMultiplicative, Component::kAdditive, true, Component::kAdditive}.Name()), "ETS(M,Ad,A)");
  EXPECT_EQ((EtsSpec{}.Name()), "ETS(A,N,N)");
}

TEST(EtsTest, AnExactLineIsContinued) {
  std::vector<double> y;
  for (int t = 0; t < 30; ++t) y.push_back(5 + 2 * t);
  auto model = FitEts(y, 1, {Component::kAdditive, Component::kAdditive, false, Component::kNone});
  ASSERT_TRUE(model.ok()) << model.status().message();
  const auto f = model->Forecast(3);
  EXPECT_NEAR(f[0], 65, 1e-6);
  EXPECT_NEAR(f[2], 69, 1e-6);
}

TEST(EtsTest, AutoEtsFindsTheTrendAndTheSeason) {
  // Level 100, a rising trend and a season of 4 (+12, -4, -10, +2) with a little noise.
  const std::vector<double> pattern = {12, -4, -10, 2};
  const auto noise = Noise(60, 1.0, 3);
  std::vector<double> y;
  for (size_t t = 0; t < 48; ++t) y.push_back(100 + 0.5 * t + pattern[t % 4] + noise[t]);
  auto model = AutoEts(y, 4);
  ASSERT_TRUE(model.ok()) << model.status().message();
  EXPECT_NE(model->spec.season, Component::kNone) << model->spec.Name();
  EXPECT_NE(model->spec.trend, Component::kNone) << model->spec.Name();
  std::vector<double> truth;
  for (size_t t = 48; t < 56; ++t) truth.push_back(100 + 0.5 * t + pattern[t % 4]);
  const auto forecast = model->Forecast(8);
  const Accuracy a = Measure(truth, forecast);
  EXPECT_LT(a.mae, 2.0) << model->spec.Name();
  EXPECT_LT(a.mae / MaseScale(y, 4), 1.0) << "better than the seasonal naive forecast in sample";

  auto flat = AutoEts(std::vector<double>(20, 10.0), 1);
  ASSERT_TRUE(flat.ok()) << flat.status().message();
  EXPECT_NEAR(flat->Forecast(2)[1], 10.0, 1e-9);
}

TEST(EtsTest, MultiplicativeSeasonsScaleWithTheLevel) {
  const std::vector<double> factor = {1.3, 0.8, 0.7, 1.2};
  const auto noise = Noise(60, 0.01, 5);
  std::vector<double> y;
  for (size_t t = 0; t < 48; ++t) y.push_back((50 + 3.0 * t) * factor[t % 4] * (1 + noise[t]));
  auto model = FitEts(y, 4, {Component::kMultiplicative, Component::kAdditive, false, Component::kMultiplicative});
  ASSERT_TRUE(model.ok()) << model.status().message();
  std::vector<double> truth;
  for (size_t t = 48; t < 52; ++t) truth.push_back((50 + 3.0 * t) * factor[t % 4]);
  const Accuracy a = Measure(truth, model->Forecast(4));
  EXPECT_LT(a.smape, 3.0);
}

TEST(EtsTest, RefusesWhatCannotBeFitted) {
  const std::vector<double> with_zero = {1, 0, 2, 3, 4, 5, 6, 7, 8, 9};
  EXPECT_EQ(FitEts(with_zero, 1, {Component::kMultiplicative}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(FitEts(std::vector<double>{1, 2, 3}, 1, {Component::kAdditive, Component::kAdditive, true}).status().code(),
            StatusCode::kInvalidArgument)
      << "more parameters than periods";
  EXPECT_EQ(FitEts(std::vector<double>(7, 1.0), 4, {Component::kAdditive, Component::kNone, false, Component::kAdditive})
                .status()
                .code(),
            StatusCode::kInvalidArgument)
      << "fewer than two seasons";
  auto positive_only = AutoEts(with_zero, 1);
  ASSERT_TRUE(positive_only.ok());
  EXPECT_EQ(positive_only->spec.error, Component::kAdditive);
}

}  // namespace
}  // namespace dataml::engine::ml::forecast
