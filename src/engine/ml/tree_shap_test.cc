#include "engine/ml/tree_shap.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "engine/ml/xgboost_api.h"

namespace dataml::engine::ml {
namespace {

enum class Labels { kBinary, kThreeClasses, kReal };

// Seeded rows of 6 features with ~10% missing, one of them small integers.
FeatureMatrix RandomFeatures(std::mt19937& rng, size_t rows) {
  std::normal_distribution<float> normal;
  std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
  std::uniform_int_distribution<int> small(0, 3);
  FeatureMatrix x(rows, 6);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < 6; ++c) {
      const float v = c < 5 ? normal(rng) : static_cast<float>(small(rng));
      x.at(r, c) = uniform(rng) < 0.1f ? kMissing : v;
    }
  }
  return x;
}

std::vector<float> MakeLabels(const FeatureMatrix& x, Labels kind, std::mt19937& rng) {
  std::normal_distribution<float> noise(0.0f, 0.3f);
  auto v = [&](size_t r, size_t c) { return std::isnan(x.at(r, c)) ? 0.0f : x.at(r, c); };
  std::vector<float> y(x.rows);
  for (size_t r = 0; r < x.rows; ++r) {
    const float s = v(r, 0) - 0.7f * v(r, 1) * v(r, 4) + std::fabs(v(r, 2)) + 0.3f * v(r, 5) -
                    1.0f + noise(rng);
    y[r] = kind == Labels::kBinary         ? (s > 0 ? 1.0f : 0.0f)
           : kind == Labels::kThreeClasses ? (s < -0.8f  ? 0.0f
                                              : s < 0.4f ? 1.0f
                                                         : 2.0f)
                                           : 3.0f * s;
  }
  return y;
}

struct Trained {
  Booster booster;
  FeatureMatrix x;
};

Result<Trained> Train(const std::map<std::string, std::string>& params, Labels labels, int rounds,
                      size_t rows = 300) {
  std::mt19937 rng(19);
  FeatureMatrix x = RandomFeatures(rng, rows);
  DATAML_ASSIGN_OR_RETURN(DMatrix train, DMatrix::FromDense(x, MakeLabels(x, labels, rng)));
  DATAML_ASSIGN_OR_RETURN(Booster booster, Booster::Create({&train}));
  DATAML_RETURN_NOT_OK(booster.SetParams(params));
  DATAML_RETURN_NOT_OK(booster.SetParam("seed", "5"));
  // One OpenMP thread: on a busy machine XGBoost's spinning pool can stall a test for seconds.
  DATAML_RETURN_NOT_OK(booster.SetParam("nthread", "1"));
  for (int i = 0; i < rounds; ++i) DATAML_RETURN_NOT_OK(booster.UpdateOneIter(i, train));
  return Trained{std::move(booster), std::move(x)};
}

// Our contributions equal XGBoost's pred_contribs entry by entry, and each row-group block sums
// to XGBoost's margin.
void ExpectMatchesXGBoost(const Booster& booster, const FeatureMatrix& x, size_t groups) {
  Result<TreeEnsemble> model = TreeEnsemble::FromXGBoostJson(*booster.SaveJson());
  ASSERT_TRUE(model.ok()) << model.status().message();
  ASSERT_EQ(model->num_groups(), groups);
  Result<std::vector<float>> ours = ShapContributions(*model, x);
  ASSERT_TRUE(ours.ok()) << ours.status().message();

  Result<DMatrix> dm = DMatrix::FromDense(x);
  ASSERT_TRUE(dm.ok());
  Result<Booster::Prediction> theirs = booster.Predict(*dm, 2);
  Result<Booster::Prediction> margins = booster.Predict(*dm, 1);
  ASSERT_TRUE(theirs.ok() && margins.ok());
  const size_t width = x.cols + 1;
  ASSERT_EQ(ours->size(), x.rows * groups * width);
  ASSERT_EQ(theirs->values.size(), ours->size());
  ASSERT_EQ(margins->values.size(), x.rows * groups);

  int misses = 0;
  for (size_t i = 0; i < ours->size() && misses < 5; ++i) {
    if (std::fabs((*ours)[i] - theirs->values[i]) <= 1e-4) continue;
    ++misses;
    ADD_FAILURE() << "row " << i / (groups * width) << " group " << (i / width) % groups
                  << " column " << i % width << ": ours " << (*ours)[i] << ", XGBoost "
                  << theirs->values[i];
  }
  for (size_t block = 0; block < x.rows * groups && misses < 5; ++block) {
    double sum = 0.0;
    for (size_t c = 0; c < width; ++c) sum += (*ours)[block * width + c];
    const double margin = margins->values[block];
    if (std::fabs(sum - margin) <= 1e-4 * std::max(1.0, std::fabs(margin))) continue;
    ++misses;
    ADD_FAILURE() << "row-group " << block << " sums to " << sum << ", margin " << margin;
  }
}

void RunCase(const std::string& name, const std::map<std::string, std::string>& params,
             Labels labels, int rounds, size_t groups) {
  SCOPED_TRACE(name);
  Result<Trained> trained = Train(params, labels, rounds);
  ASSERT_TRUE(trained.ok()) << trained.status().message();
  ExpectMatchesXGBoost(trained->booster, trained->x, groups);
}

TEST(TreeShapTest, BinaryLogisticMatchesXGBoost) {
  RunCase("binary", {{"objective", "binary:logistic"}, {"max_depth", "5"}, {"base_score", "0.3"}},
          Labels::kBinary, 20, 1);
}

TEST(TreeShapTest, MultiSoftprobMatchesXGBoost) {
  RunCase("softprob",
          {{"objective", "multi:softprob"},
           {"num_class", "3"},
           {"max_depth", "4"},
           {"tree_method", "hist"}},
          Labels::kThreeClasses, 10, 3);
}

TEST(TreeShapTest, RegressionMatchesXGBoost) {
  // Deep trees split on the same feature repeatedly: the UNWIND path.
  RunCase("squarederror",
          {{"objective", "reg:squarederror"},
           {"max_depth", "8"},
           {"tree_method", "exact"},
           {"base_score", "-2"}},
          Labels::kReal, 15, 1);
}

TEST(TreeShapTest, RandomForestMatchesXGBoost) {
  RunCase("forest",
          {{"objective", "reg:squarederror"},
           {"num_parallel_tree", "4"},
           {"subsample", "0.8"},
           {"colsample_bynode", "0.8"},
           {"eta", "1"},
           {"max_depth", "6"}},
          Labels::kReal, 1, 1);
}

TEST(TreeShapTest, LinearBoostersMatchXGBoost) {
  RunCase("linear regression", {{"booster", "gblinear"}, {"objective", "reg:squarederror"}},
          Labels::kReal, 10, 1);
  RunCase("linear logistic",
          {{"booster", "gblinear"}, {"objective", "binary:logistic"}, {"base_score", "0.4"}},
          Labels::kBinary, 10, 1);
  RunCase("linear multiclass",
          {{"booster", "gblinear"}, {"objective", "multi:softprob"}, {"num_class", "3"}},
          Labels::kThreeClasses, 10, 3);
}

TEST(TreeShapTest, ContinuedTrainingMatchesXGBoost) {
  Result<Trained> first =
      Train({{"objective", "binary:logistic"}, {"max_depth", "3"}}, Labels::kBinary, 4);
  ASSERT_TRUE(first.ok()) << first.status().message();
  Result<Booster> resumed = Booster::Load(*first->booster.SaveJson());
  ASSERT_TRUE(resumed.ok()) << resumed.status().message();
  std::mt19937 rng(23);
  Result<DMatrix> train = DMatrix::FromDense(first->x, MakeLabels(first->x, Labels::kBinary, rng));
  ASSERT_TRUE(train.ok());
  ASSERT_TRUE(resumed->SetParams({{"max_depth", "5"}, {"nthread", "1"}}).ok());
  for (int i = 4; i < 10; ++i) ASSERT_TRUE(resumed->UpdateOneIter(i, *train).ok());
  ExpectMatchesXGBoost(*resumed, first->x, 1);
}

TEST(TreeShapTest, ThreadCountDoesNotChangeTheResult) {
  Result<Trained> trained =
      Train({{"objective", "multi:softprob"}, {"num_class", "3"}}, Labels::kThreeClasses, 5, 1000);
  ASSERT_TRUE(trained.ok()) << trained.status().message();
  Result<TreeEnsemble> model = TreeEnsemble::FromXGBoostJson(*trained->booster.SaveJson());
  ASSERT_TRUE(model.ok());
  Result<std::vector<float>> one = ShapContributions(*model, trained->x, 1);
  Result<std::vector<float>> three = ShapContributions(*model, trained->x, 3);
  ASSERT_TRUE(one.ok() && three.ok());
  EXPECT_EQ(*one, *three);
}

TEST(TreeShapTest, RejectsAMatrixOfTheWrongWidth) {
  Result<Trained> trained = Train({{"objective", "reg:squarederror"}}, Labels::kReal, 2);
  ASSERT_TRUE(trained.ok());
  Result<TreeEnsemble> model = TreeEnsemble::FromXGBoostJson(*trained->booster.SaveJson());
  ASSERT_TRUE(model.ok());
  Result<std::vector<float>> out = ShapContributions(*model, FeatureMatrix(3, 5));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
  Result<std::vector<float>> empty = ShapContributions(*model, FeatureMatrix(0, 6));
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(TreeShapTest, MeanAbsContributionsAveragesOverRowsAndSumsOverGroups) {
  // 2 rows x 2 groups x (2 features + bias); bias values must not count.
  const std::vector<float> contribs = {1,  -2, 100, 3,  0, 100,   // row 0: groups 0, 1
                                       -1, 4,  100, -5, 2, 100};  // row 1
  const std::vector<double> importance = MeanAbsContributions(contribs, 2, 2, 2);
  ASSERT_EQ(importance.size(), 2u);
  EXPECT_DOUBLE_EQ(importance[0], (1 + 3 + 1 + 5) / 2.0);
  EXPECT_DOUBLE_EQ(importance[1], (2 + 0 + 4 + 2) / 2.0);
  EXPECT_EQ(MeanAbsContributions({}, 0, 1, 3), std::vector<double>(3, 0.0));
}

}  // namespace
}  // namespace dataml::engine::ml
