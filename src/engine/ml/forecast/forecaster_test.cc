#include "engine/ml/forecast/forecaster.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "engine/ml/forecast/test_series.h"

namespace dataml::engine::ml::forecast {
namespace {

using testing::Noise;

// A monthly panel: seasonal series with a trend (ETS or Theta's), a pure season (SeasonalNaive's)
// and one too short to backtest.
std::vector<Series> Panel() {
  std::vector<Series> out;
  const std::vector<double> factor = {1.2, 0.9, 0.8, 1.1};
  for (int k = 0; k < 6; ++k) {
    Series s;
    s.key = "trend_" + std::to_string(k);
    s.start = {Frequency::kMonth, 2020 * 12 + k};
    const auto noise = Noise(60, 0.02, static_cast<uint32_t>(10 + k));
    for (size_t t = 0; t < 60; ++t) s.values.push_back((50 + 2.0 * t) * factor[t % 4] * (1 + noise[t]));
    out.push_back(std::move(s));
  }
  Series season;
  season.key = "pure_season";
  season.start = {Frequency::kMonth, 2021 * 12};
  for (size_t t = 0; t < 40; ++t) season.values.push_back(t % 4 == 0 ? 10 : 2);
  out.push_back(std::move(season));
  Series tiny;
  tiny.key = "tiny";
  tiny.start = {Frequency::kMonth, 2024 * 12};
  tiny.values = {3, 5, 4};
  out.push_back(std::move(tiny));
  return out;
}

ForecasterOptions Options(std::optional<ForecastAlgorithm> algorithm, int horizon, int season, int windows,
                          unsigned threads) {
  ForecasterOptions options;
  options.algorithm = algorithm;
  options.horizon = horizon;
  options.season = season;
  options.backtest_windows = windows;
  options.threads = threads;
  options.booster.num_boost_round = 30;
  options.booster.learning_rate = 0.2;
  return options;
}

TEST(ForecasterTest, AutoChoosesPerSeriesAndReportsItsBacktest) {
  auto trained = TrainForecaster(Panel(), Options(std::nullopt, 4, 4, 3, 2));
  ASSERT_TRUE(trained.ok()) << trained.status().message();
  const ForecastModel& model = trained->model;
  ASSERT_EQ(model.series.size(), 8u);
  EXPECT_EQ(model.algorithm, "auto");
  EXPECT_EQ(trained->too_short, 1);
  EXPECT_EQ(trained->scores.series, 7);
  EXPECT_LT(trained->scores.mase, 1.0);
  ASSERT_TRUE(trained->coverage);
  EXPECT_GE(*trained->coverage, 0.0);
  EXPECT_LE(*trained->coverage, 1.0);
  int64_t chosen = 0;
  for (const CandidateScores& c : trained->candidates) chosen += c.series_chosen;
  EXPECT_EQ(chosen, 8);
  EXPECT_EQ(model.Find("pure_season")->model.algorithm, ForecastAlgorithm::kSeasonalNaive);
  EXPECT_EQ(model.Find("tiny")->model.algorithm, ForecastAlgorithm::kSeasonalNaive);
  EXPECT_NE(model.Find("trend_0")->model.algorithm, ForecastAlgorithm::kSeasonalNaive);
  EXPECT_EQ(model.Find("missing"), nullptr);
}

TEST(ForecasterTest, ForecastsContinueTheGridWithIntervalsThatWidenWithTheLevel) {
  auto trained = TrainForecaster(Panel(), Options(ForecastAlgorithm::kEts, 4, 4, 3, 1));
  ASSERT_TRUE(trained.ok()) << trained.status().message();
  const ForecastModel& model = trained->model;
  const FittedSeries* s = model.Find("trend_0");
  ASSERT_NE(s, nullptr);
  auto at95 = model.Forecast(*s, 4, 0.95);
  auto at80 = model.Forecast(*s, 4, 0.80);
  ASSERT_TRUE(at95.ok() && at80.ok());
  ASSERT_EQ(at95->size(), 4u);
  EXPECT_EQ((*at95)[0].period.index, 2020 * 12 + 60) << "the period after the last";
  EXPECT_EQ(PeriodText((*at95)[3].period, true), "2025-04-01");
  for (size_t k = 0; k < 4; ++k) {
    EXPECT_LE((*at95)[k].lower, (*at80)[k].lower);
    EXPECT_GE((*at95)[k].upper, (*at80)[k].upper);
    EXPECT_LT((*at95)[k].lower, (*at95)[k].value);
    EXPECT_DOUBLE_EQ((*at95)[k].value, (*at80)[k].value);
  }
  // The truth one step on: (50 + 2 * 60) * 1.2.
  EXPECT_NEAR((*at95)[0].value, 204, 12);
  EXPECT_FALSE(model.Forecast(*s, 5, 0.95).ok()) << "past the horizon";
  EXPECT_FALSE(model.Forecast(*s, 0, 0.95).ok());
  EXPECT_FALSE(model.Forecast(*s, 2, 0.999).ok());
}

TEST(ForecasterTest, ANewerHistoryIsForecastFromItsOwnEndWithoutRefitting) {
  std::vector<Series> panel = Panel();
  auto trained = TrainForecaster(panel, Options(ForecastAlgorithm::kTheta, 4, 4, 3, 1));
  ASSERT_TRUE(trained.ok());
  const ForecastModel& model = trained->model;
  const FittedSeries* s = model.Find("trend_1");
  Series newer = panel[1];
  for (size_t t = 60; t < 68; ++t) newer.values.push_back((50 + 2.0 * t) * std::vector<double>{1.2, 0.9, 0.8, 1.1}[t % 4]);
  auto from_newer = model.Forecast(*s, 2, 0.9, &newer);
  ASSERT_TRUE(from_newer.ok()) << from_newer.status().message();
  EXPECT_EQ((*from_newer)[0].period.index, newer.start.index + 68);
  EXPECT_NEAR((*from_newer)[0].value, (50 + 2.0 * 68) * 1.2, 15);
  // The parameters are the fitted ones.
  auto applied = ApplySeriesModel(s->model, newer.values);
  ASSERT_TRUE(applied.ok());
  EXPECT_DOUBLE_EQ(applied->theta->alpha, s->model.theta->alpha);
  EXPECT_DOUBLE_EQ(applied->theta->theta, s->model.theta->theta);
}

TEST(ForecasterTest, TheModelRoundTripsThroughJson) {
  auto trained = TrainForecaster(Panel(), Options(std::nullopt, 3, 4, 2, 2));
  ASSERT_TRUE(trained.ok());
  const ForecastModel& model = trained->model;
  auto back = ForecastModel::FromJson(nlohmann::json::parse(model.ToJson().dump()));
  ASSERT_TRUE(back.ok()) << back.status().message();
  ASSERT_EQ(back->series.size(), model.series.size());
  for (const FittedSeries& s : model.series) {
    auto a = model.Forecast(s, 3, 0.9);
    auto b = back->Forecast(*back->Find(s.key), 3, 0.9);
    ASSERT_TRUE(a.ok() && b.ok());
    for (size_t k = 0; k < 3; ++k) {
      EXPECT_NEAR((*a)[k].value, (*b)[k].value, 1e-9 * (1 + std::fabs((*a)[k].value))) << s.key;
      EXPECT_NEAR((*a)[k].upper, (*b)[k].upper, 1e-9 * (1 + std::fabs((*a)[k].upper))) << s.key;
    }
  }
  EXPECT_FALSE(ForecastModel::FromJson(nlohmann::json::object()).ok());
  nlohmann::json broken = model.ToJson();
  broken["series"][0]["model"]["algorithm"] = "ARIMA";
  EXPECT_FALSE(ForecastModel::FromJson(broken).ok());
}

TEST(ForecasterTest, TheGlobalBoosterLearnsEverySeriesAndTheEnsembleIsTheMeanOfThree) {
  std::vector<Series> panel = Panel();
  std::map<ForecastAlgorithm, std::vector<double>> forecast;
  for (ForecastAlgorithm a : {ForecastAlgorithm::kEts, ForecastAlgorithm::kTheta, ForecastAlgorithm::kXGBoost,
                              ForecastAlgorithm::kEnsemble}) {
    auto trained = TrainForecaster(panel, Options(a, 4, 4, 2, 1));
    ASSERT_TRUE(trained.ok()) << trained.status().message();
    const ForecastModel& model = trained->model;
    EXPECT_EQ(model.booster != nullptr, UsesBooster(a)) << ForecastAlgorithmName(a);
    const FittedSeries* s = model.Find("trend_2");
    EXPECT_EQ(s->model.algorithm, a);
    auto points = model.Forecast(*s, 4, 0.9);
    ASSERT_TRUE(points.ok()) << points.status().message();
    for (const ForecastPoint& p : *points) forecast[a].push_back(p.value);
    // Round trip: the booster is part of the model.
    auto back = ForecastModel::FromJson(nlohmann::json::parse(model.ToJson().dump()));
    ASSERT_TRUE(back.ok()) << back.status().message();
    auto again = back->Forecast(*back->Find("trend_2"), 4, 0.9);
    ASSERT_TRUE(again.ok());
    EXPECT_NEAR((*again)[3].value, (*points)[3].value, 1e-6 * std::fabs((*points)[3].value));
  }
  // Series 2 one to four steps on: (50 + 2 t) * factor, t = 60..63.
  const std::vector<double> truth = {170 * 1.2, 172 * 0.9, 174 * 0.8, 176 * 1.1};
  for (size_t k = 0; k < 4; ++k) {
    EXPECT_NEAR(forecast[ForecastAlgorithm::kXGBoost][k], truth[k], 0.1 * truth[k]) << k;
    const double mean = (forecast[ForecastAlgorithm::kEts][k] + forecast[ForecastAlgorithm::kTheta][k] +
                         forecast[ForecastAlgorithm::kXGBoost][k]) / 3;
    EXPECT_NEAR(forecast[ForecastAlgorithm::kEnsemble][k], mean, 1e-6 * mean) << k;
  }
}

TEST(ForecasterTest, StaticFeaturesAreEncodedForTheBooster) {
  std::vector<Series> panel = Panel();
  for (size_t i = 0; i < panel.size(); ++i) {
    panel[i].statics = {std::optional<std::string>(i % 2 ? "north" : "south"),
                        i == 0 ? std::nullopt : std::optional<std::string>(std::to_string(i * 1.5))};
  }
  ForecasterOptions options = Options(ForecastAlgorithm::kXGBoost, 4, 4, 2, 1);
  options.numeric_statics = {false, true};
  auto trained = TrainForecaster(panel, options);
  ASSERT_TRUE(trained.ok()) << trained.status().message();
  const ForecastModel& model = trained->model;
  EXPECT_EQ(model.booster->layout().statics, 2);
  const FittedSeries* first = model.Find(panel[0].key);
  ASSERT_EQ(first->model.statics.size(), 2u);
  EXPECT_EQ(first->model.statics[0], 1.0f) << "south: the second of the sorted categories";
  EXPECT_TRUE(std::isnan(first->model.statics[1])) << "an empty value is missing";
  EXPECT_EQ(model.Find(panel[3].key)->model.statics[1], 4.5f);
  EXPECT_TRUE(model.Forecast(*first, 4, 0.95).ok());
}

TEST(ForecasterTest, RefusesNothingToForecast) {
  EXPECT_FALSE(TrainForecaster({}, {}).ok());
  EXPECT_FALSE(TrainForecaster(Panel(), Options(std::nullopt, 0, 4, 3, 1)).ok());
}

TEST(IntervalTableTest, InterpolatesBetweenGridLevels) {
  Calibration calibration(1);
  Backtest b;
  for (int i = 1; i <= 100; ++i) b.scaled_errors.push_back({static_cast<double>(i)});
  calibration.Add(b);
  IntervalTable table(calibration, 1);
  EXPECT_DOUBLE_EQ(table.HalfWidth(0, 0.5), calibration.HalfWidth(0, 0.5));
  EXPECT_DOUBLE_EQ(table.HalfWidth(0, 0.9), calibration.HalfWidth(0, 0.9));
  const double between = table.HalfWidth(0, 0.905);
  EXPECT_GE(between, table.HalfWidth(0, 0.9));
  EXPECT_LE(between, table.HalfWidth(0, 0.91));
  EXPECT_EQ(table.HalfWidth(3, 0.9), 0) << "no such step";
}

}  // namespace
}  // namespace dataml::engine::ml::forecast
