#include "engine/ml/forecast/backtest.h"

#include <gtest/gtest.h>

#include <cmath>

#include "engine/ml/forecast/accuracy.h"
#include "engine/ml/forecast/seasonal_naive.h"

namespace dataml::engine::ml::forecast {
namespace {

const Method kSeasonalNaive = [](std::span<const double> history, int season, int horizon) -> Result<std::vector<double>> {
  return SeasonalNaive(history, season, horizon);
};

TEST(AccuracyTest, KnownAnswers) {
  const std::vector<double> y = {1, 3, 2, 4, 3, 5};
  EXPECT_DOUBLE_EQ(MaseScale(y, 1), (2 + 1 + 2 + 1 + 2) / 5.0);
  EXPECT_DOUBLE_EQ(MaseScale(y, 2), (1 + 1 + 1 + 1) / 4.0);
  EXPECT_DOUBLE_EQ(MaseScale(y, 6), MaseScale(y, 1)) << "a season as long as the history falls back to lag 1";
  EXPECT_EQ(MaseScale(std::vector<double>{5, 5, 5}, 1), 0);
  EXPECT_EQ(MaseScale(std::vector<double>{5}, 1), 0);

  const Accuracy a = Measure(std::vector<double>{10, 0, 4}, std::vector<double>{8, 0, 6});
  EXPECT_DOUBLE_EQ(a.mae, 4.0 / 3);
  EXPECT_DOUBLE_EQ(a.rmse, std::sqrt(8.0 / 3));
  EXPECT_DOUBLE_EQ(a.smape, (200.0 * 2 / 18 + 0 + 200.0 * 2 / 10) / 3) << "0/0 counts 0";
}

TEST(SeasonalNaiveTest, RepeatsTheLastSeasonOrTheLastValue) {
  const std::vector<double> y = {1, 2, 3, 4, 5, 6, 7};
  EXPECT_EQ(SeasonalNaive(y, 3, 5), (std::vector<double>{5, 6, 7, 5, 6}));
  EXPECT_EQ(SeasonalNaive(y, 1, 2), (std::vector<double>{7, 7}));
  EXPECT_EQ(SeasonalNaive(y, 12, 2), (std::vector<double>{7, 7})) << "shorter than a season";
  EXPECT_TRUE(SeasonalNaive(std::vector<double>{}, 3, 2).empty());
}

TEST(BacktestTest, WindowsEndAtTheSeriesEndAndAreFewerForShortSeries) {
  // A trend: the naive forecast is 1, 2, 3 ... too low, every step and window alike.
  std::vector<double> y;
  for (int t = 0; t < 20; ++t) y.push_back(t);
  auto b = RunBacktest(y, 3, 4, 1, kSeasonalNaive);
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_EQ(b->windows, 4);
  ASSERT_EQ(b->scaled_errors.size(), 4u);
  EXPECT_EQ(b->scaled_errors[0], (std::vector<double>{1, 2, 3})) << "the scale of a unit trend is 1";
  EXPECT_DOUBLE_EQ(b->mase, 2);
  EXPECT_DOUBLE_EQ(b->accuracy.mae, 2);

  auto short_one = RunBacktest(std::span<const double>(y).first(8), 3, 4, 1, kSeasonalNaive);
  ASSERT_TRUE(short_one.ok());
  EXPECT_EQ(short_one->windows, 1) << "8 periods hold one window of 3 after 3 (and 2 more)";
  EXPECT_EQ(RunBacktest(std::span<const double>(y).first(5), 3, 4, 1, kSeasonalNaive).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST(CalibrationTest, HalfWidthsAreConformalQuantilesPerStep) {
  Backtest b;
  b.scaled_errors = {{1, -10}, {-2, 20}, {3, NAN}, {-4, 40}};
  Calibration c(2);
  c.Add(b);
  EXPECT_EQ(c.count(0), 4u);
  EXPECT_EQ(c.count(1), 3u) << "a window without a scale adds nothing";
  // n = 4: level 0.5 takes the ceil(2.5) = 3rd smallest of 1, 2, 3, 4.
  EXPECT_EQ(c.HalfWidth(0, 0.5), 3);
  EXPECT_EQ(c.HalfWidth(0, 0.95), 4) << "too few errors for 95%: the largest";
  EXPECT_EQ(c.HalfWidth(1, 0.5), 20);
  Calibration empty(1);
  EXPECT_EQ(empty.HalfWidth(0, 0.9), 0);
}

}  // namespace
}  // namespace dataml::engine::ml::forecast
