#include "engine/ml/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

// Expected values marked "sklearn" were computed with scikit-learn 1.9.1 on the same inputs
// (precision/recall/f1 with labels=range(k) and zero_division=0, roc_auc_score with
// multi_class="ovr" average="macro"). Probabilities are multiples of 1/16 so that float and
// double agree exactly.

namespace dataml::engine::ml {
namespace {

constexpr double kTol = 1e-12;

std::vector<float> TwoColumns(const std::vector<float>& positive) {
  std::vector<float> out;
  for (float p : positive) {
    out.push_back(1.0f - p);
    out.push_back(p);
  }
  return out;
}

ClassificationMetrics MustClassify(const std::vector<int>& y, const std::vector<float>& p, int k) {
  Result<ClassificationMetrics> r = ComputeClassificationMetrics(y, p, k);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : ClassificationMetrics{};
}

RegressionMetrics MustRegress(const std::vector<double>& y, const std::vector<double>& p) {
  Result<RegressionMetrics> r = ComputeRegressionMetrics(y, p);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : RegressionMetrics{};
}

TEST(MetricsTest, BinaryWithTiedScores) {
  // Rows 1, 4 (negative) and 5 (positive) tie at 0.5; argmax of (0.5, 0.5) is class 0.
  const std::vector<int> y = {0, 0, 1, 1, 0, 1, 1, 0};
  const auto p = TwoColumns({0.125f, 0.5f, 0.375f, 0.75f, 0.5f, 0.5f, 0.875f, 0.25f});
  const ClassificationMetrics m = MustClassify(y, p, 2);

  EXPECT_EQ(m.confusion_matrix, (std::vector<std::vector<int64_t>>{{4, 0}, {2, 2}}));
  EXPECT_NEAR(m.accuracy, 0.75, kTol);                 // sklearn
  EXPECT_NEAR(m.precision, 0.8333333333333333, kTol);  // sklearn
  EXPECT_NEAR(m.recall, 0.75, kTol);                   // sklearn
  EXPECT_NEAR(m.f1, 0.7333333333333334, kTol);         // sklearn
  ASSERT_TRUE(m.roc_auc.has_value());
  EXPECT_NEAR(*m.roc_auc, 0.8125, kTol);              // sklearn; a tie counts half
  EXPECT_NEAR(m.log_loss, 0.4878372156055212, kTol);  // sklearn
  ASSERT_EQ(m.per_class.size(), 2u);
  EXPECT_NEAR(m.per_class[0].precision, 2.0 / 3.0, kTol);
  EXPECT_NEAR(m.per_class[0].f1, 0.8, kTol);
  EXPECT_NEAR(m.per_class[1].recall, 0.5, kTol);
  EXPECT_EQ(m.per_class[1].support, 4);
}

TEST(MetricsTest, MulticlassThreeClasses) {
  const std::vector<int> y = {0, 1, 2, 2, 1, 0, 2, 1, 0, 2};
  const std::vector<float> p = {
      0.5f,   0.25f,  0.25f,   // 0 -> 0
      0.125f, 0.75f,  0.125f,  // 1 -> 1
      0.25f,  0.25f,  0.5f,    // 2 -> 2
      0.25f,  0.5f,   0.25f,   // 2 -> 1
      0.25f,  0.5f,   0.25f,   // 1 -> 1
      0.375f, 0.5f,   0.125f,  // 0 -> 1
      0.125f, 0.125f, 0.75f,   // 2 -> 2
      0.5f,   0.25f,  0.25f,   // 1 -> 0
      0.625f, 0.25f,  0.125f,  // 0 -> 0
      0.25f,  0.25f,  0.5f,    // 2 -> 2
  };
  const ClassificationMetrics m = MustClassify(y, p, 3);

  EXPECT_EQ(m.confusion_matrix,
            (std::vector<std::vector<int64_t>>{{2, 1, 0}, {1, 2, 0}, {0, 1, 3}}));
  EXPECT_NEAR(m.accuracy, 0.7, kTol);                  // sklearn
  EXPECT_NEAR(m.precision, 0.7222222222222222, kTol);  // sklearn
  EXPECT_NEAR(m.recall, 0.6944444444444443, kTol);     // sklearn
  EXPECT_NEAR(m.f1, 0.6984126984126985, kTol);         // sklearn
  ASSERT_TRUE(m.roc_auc.has_value());
  EXPECT_NEAR(*m.roc_auc, 0.8759920634920634, kTol);         // sklearn
  EXPECT_NEAR(m.log_loss, 0.7571374471640586, kTol);         // sklearn
  EXPECT_NEAR(m.per_class[1].f1, 0.5714285714285714, kTol);  // sklearn
  EXPECT_NEAR(m.per_class[2].recall, 0.75, kTol);
  EXPECT_EQ(m.per_class[2].support, 4);
}

TEST(MetricsTest, PerfectPredictions) {
  const std::vector<int> y = {0, 1, 2, 1};
  const std::vector<float> p = {0.875f,  0.0625f, 0.0625f, 0.0625f, 0.875f, 0.0625f,
                                0.0625f, 0.0625f, 0.875f,  0.25f,   0.5f,   0.25f};
  const ClassificationMetrics m = MustClassify(y, p, 3);

  EXPECT_EQ(m.accuracy, 1.0);
  EXPECT_EQ(m.precision, 1.0);
  EXPECT_EQ(m.recall, 1.0);
  EXPECT_EQ(m.f1, 1.0);
  ASSERT_TRUE(m.roc_auc.has_value());
  EXPECT_EQ(*m.roc_auc, 1.0);
  EXPECT_NEAR(m.log_loss, 0.2734353396083783, kTol);  // sklearn
  EXPECT_EQ(m.per_class[1].support, 2);
}

TEST(MetricsTest, ClassNeverPredictedScoresZeroNotNaN) {
  const std::vector<int> y = {0, 1, 2, 0, 1, 2};
  const std::vector<float> p = {0.75f,  0.125f, 0.125f, 0.25f, 0.625f, 0.125f,
                                0.5f,   0.375f, 0.125f, 0.5f,  0.25f,  0.25f,
                                0.625f, 0.25f,  0.125f, 0.25f, 0.5f,   0.25f};
  const ClassificationMetrics m = MustClassify(y, p, 3);

  EXPECT_EQ(m.per_class[2].precision, 0.0);  // zero_division=0: nothing predicted as 2
  EXPECT_EQ(m.per_class[2].recall, 0.0);
  EXPECT_EQ(m.per_class[2].f1, 0.0);
  EXPECT_EQ(m.per_class[2].support, 2);
  EXPECT_NEAR(m.accuracy, 0.5, kTol);                  // sklearn
  EXPECT_NEAR(m.precision, 0.3333333333333333, kTol);  // sklearn
  EXPECT_NEAR(m.recall, 0.5, kTol);                    // sklearn
  EXPECT_NEAR(m.f1, 0.38888888888888884, kTol);        // sklearn
  ASSERT_TRUE(m.roc_auc.has_value());
  EXPECT_NEAR(*m.roc_auc, 0.7083333333333334, kTol);  // sklearn
  EXPECT_NEAR(m.log_loss, 1.0504771910295132, kTol);  // sklearn
}

TEST(MetricsTest, SingleClassInTruthHasNoRocAuc) {
  const std::vector<int> y = {1, 1, 1};
  const ClassificationMetrics m = MustClassify(y, TwoColumns({0.75f, 0.5f, 0.875f}), 2);

  EXPECT_FALSE(m.roc_auc.has_value());  // sklearn: undefined, returns nan with a warning
  EXPECT_NEAR(m.accuracy, 2.0 / 3.0, kTol);
  // Class 0 has no rows and is predicted once: precision 0, recall 0 (zero_division), f1 0.
  EXPECT_EQ(m.per_class[0].precision, 0.0);
  EXPECT_EQ(m.per_class[0].recall, 0.0);
  EXPECT_NEAR(m.f1, 0.4, kTol);                       // sklearn: (0 + 0.8) / 2
  EXPECT_NEAR(m.log_loss, 0.3714535485454163, kTol);  // sklearn
}

TEST(MetricsTest, MulticlassWithAClassAbsentFromTruthHasNoRocAuc) {
  const std::vector<int> y = {0, 1, 0, 1};
  const std::vector<float> p = {0.5f, 0.25f, 0.25f, 0.25f, 0.5f,  0.25f,
                                0.5f, 0.25f, 0.25f, 0.25f, 0.25f, 0.5f};
  const ClassificationMetrics m = MustClassify(y, p, 3);
  EXPECT_FALSE(m.roc_auc.has_value());
  EXPECT_EQ(m.per_class[2].support, 0);
  EXPECT_EQ(m.confusion_matrix[1][2], 1);
}

TEST(MetricsTest, MacroAveragesSkipClassesNeitherTrueNorPredicted) {
  // Class 2 never occurs: sklearn's precision_score(average="macro") averages classes 0 and 1.
  auto m = ComputeClassificationMetrics({0, 1, 1}, {0.9f, 0.1f, 0.0f, 0.2f, 0.8f, 0.0f, 0.6f, 0.4f, 0.0f}, 3);
  ASSERT_TRUE(m.ok());
  EXPECT_NEAR(m->precision, (0.5 + 1.0) / 2, kTol);
  EXPECT_NEAR(m->recall, (1.0 + 0.5) / 2, kTol);
  EXPECT_NEAR(m->f1, (2.0 / 3 + 2.0 / 3) / 2, kTol);
  EXPECT_EQ(m->per_class[2].support, 0);
}

TEST(MetricsTest, LogLossClipsCertainMistakesAndRenormalizesRows) {
  // A certain wrong answer costs -log(1e-15) rather than infinity.
  const ClassificationMetrics certain = MustClassify({1}, {1.0f, 0.0f}, 2);
  EXPECT_NEAR(certain.log_loss, -std::log(1e-15), 1e-9);
  // A row summing to 0.5 is scaled to (0.5, 0.5) before the log.
  const ClassificationMetrics unscaled = MustClassify({0}, {0.25f, 0.25f}, 2);
  EXPECT_NEAR(unscaled.log_loss, std::log(2.0), kTol);
}

TEST(MetricsTest, ClassificationRejectsBadInput) {
  EXPECT_EQ(ComputeClassificationMetrics({}, {}, 2).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ComputeClassificationMetrics({0, 1}, {0.5f, 0.5f, 1.0f}, 2).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ComputeClassificationMetrics({0, 2}, TwoColumns({0.5f, 0.5f}), 2).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ComputeClassificationMetrics({-1}, {0.5f, 0.5f}, 2).status().code(),
            StatusCode::kInvalidArgument);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(ComputeClassificationMetrics({0}, {nan, 0.5f}, 2).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ComputeClassificationMetrics({0}, {}, 0).status().code(), StatusCode::kInvalidArgument);
}

TEST(MetricsTest, RegressionMatchesSklearn) {
  const RegressionMetrics m = MustRegress({3.0, -0.5, 2.0, 7.0}, {2.5, 0.0, 2.0, 8.0});
  EXPECT_NEAR(m.rmse, 0.6123724356957945, kTol);  // sqrt(1.5 / 4)
  EXPECT_NEAR(m.mae, 0.5, kTol);
  EXPECT_NEAR(m.r2, 0.9486081370449679, kTol);  // sklearn
  ASSERT_TRUE(m.mape.has_value());
  EXPECT_NEAR(*m.mape, 0.3273809523809524, kTol);  // sklearn
}

TEST(MetricsTest, MapeSkipsZeroTargets) {
  const RegressionMetrics m = MustRegress({3.0, -0.5, 2.0, 7.0, 0.0}, {2.5, 0.0, 2.0, 8.0, 0.25});
  EXPECT_NEAR(m.rmse, 0.5590169943749475, kTol);  // sklearn
  EXPECT_NEAR(m.mae, 0.45, kTol);                 // sklearn
  EXPECT_NEAR(m.r2, 0.956354748603352, kTol);     // sklearn
  // sklearn reports 2.25e14 here (it divides the last row by machine epsilon); we report the
  // MAPE of the four non-zero rows.
  ASSERT_TRUE(m.mape.has_value());
  EXPECT_NEAR(*m.mape, 0.3273809523809524, kTol);

  const RegressionMetrics all_zero = MustRegress({0.0, 0.0}, {1.0, 0.0});
  EXPECT_FALSE(all_zero.mape.has_value());
}

TEST(MetricsTest, R2OfConstantTarget) {
  EXPECT_EQ(MustRegress({2.0, 2.0, 2.0}, {2.0, 2.0, 2.0}).r2, 1.0);  // sklearn
  EXPECT_EQ(MustRegress({2.0, 2.0, 2.0}, {1.0, 2.0, 3.0}).r2, 0.0);  // sklearn
  // The mean of three 0.1s is not exactly 0.1, so sklearn finds SS_tot ~ 1e-33 and reports
  // r2 = -1.7e31; a constant target is detected exactly here.
  EXPECT_EQ(MustRegress({0.1, 0.1, 0.1}, {0.2, 0.1, 0.1}).r2, 0.0);
}

TEST(MetricsTest, RegressionRejectsBadInput) {
  EXPECT_EQ(ComputeRegressionMetrics({}, {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ComputeRegressionMetrics({1.0}, {1.0, 2.0}).status().code(),
            StatusCode::kInvalidArgument);
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(ComputeRegressionMetrics({1.0}, {inf}).status().code(), StatusCode::kInvalidArgument);
}

TEST(MetricsTest, ClassificationJson) {
  const ClassificationMetrics m = MustClassify({0, 1, 1}, TwoColumns({0.25f, 0.75f, 0.25f}), 2);
  const nlohmann::json j = ToJson(m, {"cat", "dog"});

  EXPECT_DOUBLE_EQ(j.at("accuracy").get<double>(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(j.at("f1_score").get<double>(), m.f1);
  EXPECT_DOUBLE_EQ(j.at("roc_auc").get<double>(), 0.75);
  EXPECT_EQ(j.at("confusion_matrix"), nlohmann::json::parse("[[1, 0], [1, 1]]"));
  EXPECT_EQ(j.at("per_class").at("dog").at("support").get<int64_t>(), 2);
  EXPECT_DOUBLE_EQ(j.at("per_class").at("dog").at("recall").get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(j.at("per_class").at("cat").at("precision").get<double>(), 0.5);
  EXPECT_TRUE(j.at("per_class").at("cat").contains("f1_score"));

  // No roc_auc, a NaN and a missing label: null, null and the class index as key.
  ClassificationMetrics odd = m;
  odd.roc_auc.reset();
  odd.log_loss = std::numeric_limits<double>::quiet_NaN();
  const nlohmann::json k = ToJson(odd, {"cat"});
  EXPECT_TRUE(k.at("roc_auc").is_null());
  EXPECT_TRUE(k.at("log_loss").is_null());
  EXPECT_TRUE(k.at("per_class").contains("1"));
}

TEST(MetricsTest, RegressionJson) {
  RegressionMetrics m{.rmse = 1.5, .mae = 1.0, .r2 = 0.25, .mape = std::nullopt};
  nlohmann::json j = ToJson(m);
  EXPECT_EQ(j, nlohmann::json::parse(R"({"rmse": 1.5, "mae": 1.0, "r2": 0.25, "mape": null})"));

  m.rmse = std::numeric_limits<double>::infinity();
  m.mape = 0.5;
  j = ToJson(m);
  EXPECT_TRUE(j.at("rmse").is_null());
  EXPECT_EQ(j.at("mape").get<double>(), 0.5);
}

}  // namespace
}  // namespace dataml::engine::ml
