#include "engine/ml/forecast/auto_select.h"

#include <gtest/gtest.h>

namespace dataml::engine::ml::forecast {
namespace {

const std::vector<ForecastAlgorithm> kAll = {ForecastAlgorithm::kSeasonalNaive, ForecastAlgorithm::kEts,
                                             ForecastAlgorithm::kTheta};

TEST(AutoSelectTest, TheLowestBacktestMaseWins) {
  // A pure season repeats exactly: SeasonalNaive is perfect and, first among equals, chosen.
  std::vector<double> seasonal;
  for (int t = 0; t < 40; ++t) seasonal.push_back(t % 4 == 0 ? 10 : 2);
  auto choice = ChooseByBacktest(seasonal, 4, 3, 4, kAll);
  ASSERT_TRUE(choice.ok()) << choice.status().message();
  EXPECT_EQ(choice->algorithm, ForecastAlgorithm::kSeasonalNaive);
  ASSERT_TRUE(choice->backtest);
  EXPECT_EQ(choice->backtest->windows, 3);
  EXPECT_EQ(choice->candidates.size(), 3u);

  // A steady trend: the naive forecast lags it, a trended model does not.
  std::vector<double> trend;
  for (int t = 0; t < 40; ++t) trend.push_back(5 + 3.0 * t + (t % 2 == 0 ? 0.5 : -0.5));
  choice = ChooseByBacktest(trend, 4, 3, 1, kAll);
  ASSERT_TRUE(choice.ok());
  EXPECT_NE(choice->algorithm, ForecastAlgorithm::kSeasonalNaive);
  EXPECT_LT(choice->backtest->mase, 0.5);
}

TEST(AutoSelectTest, ShortSeriesFallBackToSeasonalNaive) {
  auto choice = ChooseByBacktest(std::vector<double>{1, 2, 3, 4}, 3, 3, 1, kAll);
  ASSERT_TRUE(choice.ok());
  EXPECT_EQ(choice->algorithm, ForecastAlgorithm::kSeasonalNaive);
  EXPECT_FALSE(choice->backtest);
  EXPECT_STREQ(ForecastAlgorithmName(ForecastAlgorithm::kTheta), "Theta");
}

}  // namespace
}  // namespace dataml::engine::ml::forecast
