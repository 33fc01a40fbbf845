#include "engine/ml/curves.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "engine/ml/metrics.h"

namespace dataml::engine::ml {
namespace {

// Expected values below are sklearn 1.9's roc_curve / precision_recall_curve on the same
// float32 scores (thresholds are those floats, hence the casts).
struct Roc {
  double fpr, tpr;
  std::optional<double> threshold;
};
struct Pr {
  double recall, precision;
  std::optional<double> threshold;
};

void ExpectRoc(const std::vector<RocPoint>& got, const std::vector<Roc>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_DOUBLE_EQ(got[i].fpr, want[i].fpr) << i;
    EXPECT_DOUBLE_EQ(got[i].tpr, want[i].tpr) << i;
    EXPECT_EQ(got[i].threshold, want[i].threshold) << i;
  }
}

void ExpectPr(const std::vector<PrPoint>& got, const std::vector<Pr>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_DOUBLE_EQ(got[i].recall, want[i].recall) << i;
    EXPECT_DOUBLE_EQ(got[i].precision, want[i].precision) << i;
    EXPECT_EQ(got[i].threshold, want[i].threshold) << i;
  }
}

double F(float x) { return static_cast<double>(x); }

TEST(CurvesTest, MatchSklearnOnItsDocumentationExample) {
  auto c = ComputeBinaryCurves({false, false, true, true}, {0.1f, 0.4f, 0.35f, 0.8f});
  ASSERT_TRUE(c.ok()) << c.status().message();
  ExpectRoc(c->roc, {{0, 0, std::nullopt}, {0, 0.5, F(0.8f)}, {0.5, 0.5, F(0.4f)}, {0.5, 1, F(0.35f)},
                     {1, 1, F(0.1f)}});
  ExpectPr(c->pr, {{1, 0.5, F(0.1f)}, {1, 2.0 / 3, F(0.35f)}, {0.5, 0.5, F(0.4f)}, {0.5, 1, F(0.8f)},
                   {0, 1, std::nullopt}});
  EXPECT_DOUBLE_EQ(RocArea(c->roc), 0.75);
}

TEST(CurvesTest, TiedScoresShareOnePointAsInSklearn) {
  auto c = ComputeBinaryCurves({true, false, true, true, false, false, true, false},
                               {0.9f, 0.8f, 0.7f, 0.7f, 0.5f, 0.5f, 0.3f, 0.1f});
  ASSERT_TRUE(c.ok()) << c.status().message();
  ExpectRoc(c->roc, {{0, 0, std::nullopt}, {0, 0.25, F(0.9f)}, {0.25, 0.25, F(0.8f)}, {0.25, 0.75, F(0.7f)},
                     {0.75, 0.75, F(0.5f)}, {0.75, 1, F(0.3f)}, {1, 1, F(0.1f)}});
  ExpectPr(c->pr, {{1, 0.5, F(0.1f)}, {1, 4.0 / 7, F(0.3f)}, {0.75, 0.5, F(0.5f)}, {0.75, 0.75, F(0.7f)},
                   {0.25, 0.5, F(0.8f)}, {0.25, 1, F(0.9f)}, {0, 1, std::nullopt}});
  EXPECT_DOUBLE_EQ(RocArea(c->roc), 0.6875);
}

TEST(CurvesTest, RocDropsPointsInTheMiddleOfStraightRunsAsSklearnDoes) {
  auto c = ComputeBinaryCurves({false, false, false, true, true, true}, {0.1f, 0.2f, 0.3f, 0.6f, 0.7f, 0.8f});
  ASSERT_TRUE(c.ok()) << c.status().message();
  ExpectRoc(c->roc, {{0, 0, std::nullopt}, {0, 1.0 / 3, F(0.8f)}, {0, 1, F(0.6f)}, {1, 1, F(0.1f)}});
  // precision_recall_curve keeps every threshold.
  ASSERT_EQ(c->pr.size(), 7u);
  EXPECT_EQ(c->pr[3].threshold, F(0.6f));
  EXPECT_DOUBLE_EQ(c->pr[3].precision, 1.0);
  EXPECT_DOUBLE_EQ(c->pr[4].recall, 2.0 / 3);
  EXPECT_DOUBLE_EQ(RocArea(c->roc), 1.0);
}

TEST(CurvesTest, ThinnedCurvesKeepTheirEndsAndTheAreaOfRocAuc) {
  std::mt19937 rng(7);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  const size_t rows = 20000;
  std::vector<int> labels(rows);
  std::vector<bool> positive(rows);
  std::vector<float> probabilities(rows * 2), scores(rows);
  for (size_t i = 0; i < rows; ++i) {
    labels[i] = static_cast<int>(i % 3 == 0);
    positive[i] = labels[i] == 1;
    scores[i] = 1.0f / (1.0f + std::exp(-(noise(rng) + (positive[i] ? 1.0f : 0.0f))));
    probabilities[2 * i] = 1.0f - scores[i];
    probabilities[2 * i + 1] = scores[i];
  }
  auto metrics = ComputeClassificationMetrics(labels, probabilities, 2);
  ASSERT_TRUE(metrics.ok() && metrics->roc_auc);

  auto all = ComputeBinaryCurves(positive, scores, rows + 2);
  ASSERT_TRUE(all.ok()) << all.status().message();
  EXPECT_GT(all->roc.size(), 1000u);
  EXPECT_NEAR(RocArea(all->roc), *metrics->roc_auc, 1e-9);

  auto thinned = ComputeBinaryCurves(positive, scores);
  ASSERT_TRUE(thinned.ok()) << thinned.status().message();
  const std::vector<RocPoint>& roc = thinned->roc;
  ASSERT_EQ(roc.size(), kMaxCurvePoints);
  EXPECT_EQ(roc.front().fpr, 0.0);
  EXPECT_EQ(roc.front().tpr, 0.0);
  EXPECT_FALSE(roc.front().threshold.has_value());
  EXPECT_EQ(roc.back().fpr, 1.0);
  EXPECT_EQ(roc.back().tpr, 1.0);
  for (size_t i = 1; i < roc.size(); ++i) {
    EXPECT_GE(roc[i].fpr, roc[i - 1].fpr);
    EXPECT_GE(roc[i].tpr, roc[i - 1].tpr);
    EXPECT_LT(*roc[i].threshold, roc[i - 1].threshold.value_or(INFINITY));
  }
  EXPECT_NEAR(RocArea(roc), *metrics->roc_auc, 1e-3);

  ASSERT_EQ(thinned->pr.size(), kMaxCurvePoints);
  EXPECT_EQ(thinned->pr.front().threshold, all->pr.front().threshold);
  EXPECT_DOUBLE_EQ(thinned->pr.front().recall, 1.0);
  EXPECT_DOUBLE_EQ(thinned->pr.front().precision, 6667.0 / rows);  // every row predicted positive
  EXPECT_EQ(thinned->pr.back().recall, 0.0);
  EXPECT_EQ(thinned->pr.back().precision, 1.0);
  for (const PrPoint& p : thinned->pr) {
    EXPECT_GE(p.recall, 0.0);
    EXPECT_LE(p.recall, 1.0);
    EXPECT_GE(p.precision, 0.0);
    EXPECT_LE(p.precision, 1.0);
  }
}

TEST(CurvesTest, AHoldoutOfOneClassHasNoRocButAPrecisionRecallCurve) {
  auto negatives = ComputeBinaryCurves({false, false}, {0.2f, 0.6f});
  ASSERT_TRUE(negatives.ok()) << negatives.status().message();
  EXPECT_TRUE(negatives->roc.empty());
  // sklearn sets recall to one when there is no positive.
  ExpectPr(negatives->pr, {{1, 0, F(0.2f)}, {1, 0, F(0.6f)}, {0, 1, std::nullopt}});

  auto positives = ComputeBinaryCurves({true}, {0.6f});
  ASSERT_TRUE(positives.ok()) << positives.status().message();
  EXPECT_TRUE(positives->roc.empty());
  ExpectPr(positives->pr, {{1, 1, F(0.6f)}, {0, 1, std::nullopt}});
}

TEST(CurvesTest, RefuseInputThatHasNoCurve) {
  EXPECT_EQ(ComputeBinaryCurves({}, {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ComputeBinaryCurves({true}, {0.1f, 0.2f}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ComputeBinaryCurves({true, false}, {0.1f, NAN}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ComputeBinaryCurves({true, false}, {0.1f, 0.2f}, 1).status().code(), StatusCode::kInvalidArgument);
}

TEST(CurvesTest, ResidualsAreAnEvenlySpacedSampleWithTheFirstAndLastRows) {
  std::vector<double> actual(1201), predicted(1201);
  for (size_t i = 0; i < actual.size(); ++i) {
    actual[i] = static_cast<double>(i);
    predicted[i] = static_cast<double>(i) + 0.5;
  }
  auto sample = SampleResiduals(actual, predicted);
  ASSERT_TRUE(sample.ok()) << sample.status().message();
  ASSERT_EQ(sample->size(), kMaxResidualPoints);
  EXPECT_EQ(sample->front().actual, 0.0);
  EXPECT_EQ(sample->back().actual, 1200.0);
  for (size_t i = 1; i < sample->size(); ++i) {
    const double step = (*sample)[i].actual - (*sample)[i - 1].actual;
    EXPECT_TRUE(step == 2.0 || step == 3.0) << i << ": " << step;  // 1200 / 499 ~ 2.4
    EXPECT_EQ((*sample)[i].predicted, (*sample)[i].actual + 0.5);
  }
  auto again = SampleResiduals(actual, predicted);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(ToJson(*again), ToJson(*sample));

  auto few = SampleResiduals({1.0, 2.0, 3.0}, {1.5, 2.5, 3.5});
  ASSERT_TRUE(few.ok());
  EXPECT_EQ(ToJson(*few), nlohmann::json::parse(R"([{"actual":1.0,"predicted":1.5},
      {"actual":2.0,"predicted":2.5},{"actual":3.0,"predicted":3.5}])"));
  EXPECT_EQ(SampleResiduals({1.0}, {}).status().code(), StatusCode::kInvalidArgument);
}

TEST(CurvesTest, JsonWritesAMissingThresholdAndANonFiniteNumberAsNull) {
  auto c = ComputeBinaryCurves({false, true}, {0.25f, 0.75f});
  ASSERT_TRUE(c.ok());
  nlohmann::json j = ToJson(*c);
  EXPECT_EQ(j["roc"][0], nlohmann::json::parse(R"({"fpr":0.0,"tpr":0.0,"threshold":null})"));
  EXPECT_EQ(j["roc"].back(), nlohmann::json::parse(R"({"fpr":1.0,"tpr":1.0,"threshold":0.25})"));
  EXPECT_EQ(j["pr"].back(), nlohmann::json::parse(R"({"recall":0.0,"precision":1.0,"threshold":null})"));
  EXPECT_TRUE(ToJson(std::vector<ResidualPoint>{{1.0, NAN}})[0]["predicted"].is_null());
}

}  // namespace
}  // namespace dataml::engine::ml
