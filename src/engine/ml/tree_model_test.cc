#include "engine/ml/tree_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/ml/xgboost_api.h"

namespace dataml::engine::ml {
namespace {

enum class Labels { kBinary, kThreeClasses, kReal, kPositive, kUnitInterval };

// 300 rows of 6 features with ~10% missing: four Gaussian, one uniform, one small integer (its
// values land exactly on split thresholds, which exercises the strict "x < threshold" rule).
FeatureMatrix RandomFeatures(std::mt19937& rng, size_t rows = 300) {
  std::normal_distribution<float> normal;
  std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
  std::uniform_int_distribution<int> small(0, 3);
  FeatureMatrix x(rows, 6);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < 6; ++c) {
      const float v = c < 4 ? normal(rng) : c == 4 ? uniform(rng) : static_cast<float>(small(rng));
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
    const float s = v(r, 0) + 0.5f * v(r, 1) * v(r, 2) - std::fabs(v(r, 3)) + 0.4f * v(r, 5) -
                    0.6f + noise(rng);
    switch (kind) {
      case Labels::kBinary:
        y[r] = s > 0 ? 1.0f : 0.0f;
        break;
      case Labels::kThreeClasses:
        y[r] = s < -0.8f ? 0.0f : s < 0.3f ? 1.0f : 2.0f;
        break;
      case Labels::kReal:
        y[r] = 2.0f * s + 1.0f;
        break;
      case Labels::kPositive:
        y[r] = std::exp(0.5f * s);
        break;
      case Labels::kUnitInterval:
        y[r] = 1.0f / (1.0f + std::exp(-s));
        break;
    }
  }
  return y;
}

struct TrainedModel {
  Booster booster;
  FeatureMatrix x;
};

Result<TrainedModel> Train(const std::map<std::string, std::string>& params, Labels labels,
                           int rounds, uint32_t seed = 7) {
  std::mt19937 rng(seed);
  FeatureMatrix x = RandomFeatures(rng);
  DATAML_ASSIGN_OR_RETURN(DMatrix train, DMatrix::FromDense(x, MakeLabels(x, labels, rng)));
  DATAML_ASSIGN_OR_RETURN(Booster booster, Booster::Create({&train}));
  DATAML_RETURN_NOT_OK(booster.SetParams(params));
  DATAML_RETURN_NOT_OK(booster.SetParam("seed", "3"));
  // One OpenMP thread: on a busy machine XGBoost's spinning pool can stall a test for seconds.
  DATAML_RETURN_NOT_OK(booster.SetParam("nthread", "1"));
  for (int i = 0; i < rounds; ++i) DATAML_RETURN_NOT_OK(booster.UpdateOneIter(i, train));
  return TrainedModel{std::move(booster), std::move(x)};
}

// |ours - theirs| <= tol * max(1, |theirs|) for every entry, reporting the first few misses.
void ExpectClose(const std::vector<float>& ours, const std::vector<float>& theirs, double tol,
                 const std::string& what) {
  ASSERT_EQ(ours.size(), theirs.size()) << what;
  int misses = 0;
  for (size_t i = 0; i < ours.size() && misses < 5; ++i) {
    const double bound = tol * std::max(1.0, std::fabs(static_cast<double>(theirs[i])));
    if (std::fabs(static_cast<double>(ours[i]) - theirs[i]) <= bound) continue;
    ++misses;
    ADD_FAILURE() << what << " entry " << i << ": ours " << ours[i] << ", XGBoost " << theirs[i];
  }
}

// The evaluator parsed from the booster's JSON reproduces XGBoost's margins and outputs.
void ExpectMatchesXGBoost(const Booster& booster, const FeatureMatrix& x,
                          const std::string& objective, size_t groups) {
  Result<std::string> json = booster.SaveJson();
  ASSERT_TRUE(json.ok()) << json.status().message();
  Result<TreeEnsemble> model = TreeEnsemble::FromXGBoostJson(*json);
  ASSERT_TRUE(model.ok()) << model.status().message();
  EXPECT_EQ(model->objective(), objective);
  EXPECT_EQ(model->num_features(), x.cols);
  EXPECT_EQ(model->num_groups(), groups);

  Result<DMatrix> dm = DMatrix::FromDense(x);
  ASSERT_TRUE(dm.ok()) << dm.status().message();
  Result<Booster::Prediction> margins = booster.Predict(*dm, 1);
  Result<Booster::Prediction> values = booster.Predict(*dm, 0);
  ASSERT_TRUE(margins.ok() && values.ok());
  ExpectClose(model->PredictMargins(x), margins->values, 1e-5, objective + " margins");
  ExpectClose(model->PredictValues(x), values->values, 1e-6, objective + " values");

  // The allocation-free single-row path agrees bit for bit with the lockstep batch path, on
  // every row (300 rows: the last block of 8 is partial).
  std::vector<float> one(model->num_groups());
  const std::vector<float> all = model->PredictMargins(x);
  for (size_t r = 0; r < x.rows; ++r) {
    model->PredictMargin(x.row(r), one.data());
    for (size_t g = 0; g < groups; ++g) ASSERT_EQ(one[g], all[r * groups + g]) << "row " << r;
  }
}

struct Case {
  std::string name;
  std::map<std::string, std::string> params;
  Labels labels;
  int rounds;
  size_t groups;
};

void RunCase(const Case& c) {
  SCOPED_TRACE(c.name);
  Result<TrainedModel> trained = Train(c.params, c.labels, c.rounds);
  ASSERT_TRUE(trained.ok()) << trained.status().message();
  ExpectMatchesXGBoost(trained->booster, trained->x, c.params.at("objective"), c.groups);
}

TEST(TreeModelTest, BinaryLogisticWithBaseScoreMatchesXGBoost) {
  // base_score 0.3 puts the margin offset at logit(0.3), which a raw 0.3 would miss.
  RunCase({"binary",
           {{"objective", "binary:logistic"},
            {"max_depth", "4"},
            {"base_score", "0.3"},
            {"tree_method", "hist"}},
           Labels::kBinary,
           20,
           1});
}

TEST(TreeModelTest, MultiSoftprobMatchesXGBoost) {
  RunCase({"softprob",
           {{"objective", "multi:softprob"},
            {"num_class", "3"},
            {"max_depth", "3"},
            {"base_score", "0.2"},
            {"tree_method", "approx"}},
           Labels::kThreeClasses,
           10,
           3});
}

TEST(TreeModelTest, RegressionMatchesXGBoost) {
  RunCase({"squarederror",
           {{"objective", "reg:squarederror"},
            {"max_depth", "5"},
            {"base_score", "1.5"},
            {"tree_method", "exact"}},
           Labels::kReal,
           15,
           1});
}

TEST(TreeModelTest, RandomForestMatchesXGBoost) {
  const std::map<std::string, std::string> forest = {
      {"num_parallel_tree", "4"}, {"subsample", "0.8"},   {"colsample_bynode", "0.8"}, {"eta", "1"},
      {"max_depth", "5"},         {"tree_method", "hist"}};
  auto regression = forest;
  regression["objective"] = "reg:squarederror";
  RunCase({"forest regression", regression, Labels::kReal, 1, 1});
  auto multiclass = forest;
  multiclass["objective"] = "multi:softprob";
  multiclass["num_class"] = "3";
  RunCase({"forest multiclass", multiclass, Labels::kThreeClasses, 2, 3});
}

TEST(TreeModelTest, LinearBoostersMatchXGBoost) {
  RunCase({"linear regression",
           {{"booster", "gblinear"}, {"objective", "reg:squarederror"}, {"base_score", "0.7"}},
           Labels::kReal,
           10,
           1});
  RunCase({"linear logistic",
           {{"booster", "gblinear"}, {"objective", "binary:logistic"}, {"base_score", "0.4"}},
           Labels::kBinary,
           10,
           1});
  // Three groups pin down the weight layout: feature-major, bias row last.
  RunCase({"linear multiclass",
           {{"booster", "gblinear"}, {"objective", "multi:softprob"}, {"num_class", "3"}},
           Labels::kThreeClasses,
           10,
           3});
}

TEST(TreeModelTest, OtherSupportedObjectivesMatchXGBoost) {
  const std::vector<std::pair<std::string, Labels>> objectives = {
      {"reg:logistic", Labels::kUnitInterval},    {"binary:logitraw", Labels::kBinary},
      {"count:poisson", Labels::kPositive},       {"reg:gamma", Labels::kPositive},
      {"reg:tweedie", Labels::kPositive},         {"reg:pseudohubererror", Labels::kReal},
      {"reg:squaredlogerror", Labels::kPositive}, {"reg:absoluteerror", Labels::kReal},
  };
  for (const auto& [objective, labels] : objectives) {
    RunCase({objective, {{"objective", objective}, {"max_depth", "3"}}, labels, 8, 1});
  }
  RunCase({"softmax",
           {{"objective", "multi:softmax"}, {"num_class", "3"}, {"max_depth", "3"}},
           Labels::kThreeClasses,
           8,
           3});
}

TEST(TreeModelTest, ContinuedTrainingMatchesXGBoost) {
  Result<TrainedModel> first =
      Train({{"objective", "binary:logistic"}, {"max_depth", "3"}}, Labels::kBinary, 5);
  ASSERT_TRUE(first.ok()) << first.status().message();
  Result<std::string> saved = first->booster.SaveJson();
  ASSERT_TRUE(saved.ok());
  Result<Booster> resumed = Booster::Load(*saved);
  ASSERT_TRUE(resumed.ok()) << resumed.status().message();
  std::mt19937 rng(11);
  const std::vector<float> y = MakeLabels(first->x, Labels::kBinary, rng);
  Result<DMatrix> train = DMatrix::FromDense(first->x, y);
  ASSERT_TRUE(train.ok());
  ASSERT_TRUE(resumed->SetParams({{"max_depth", "4"}, {"nthread", "1"}}).ok());
  for (int i = 5; i < 12; ++i) ASSERT_TRUE(resumed->UpdateOneIter(i, *train).ok());
  ASSERT_EQ(*resumed->BoostedRounds(), 12);
  ExpectMatchesXGBoost(*resumed, first->x, "binary:logistic", 1);
}

TEST(TreeModelTest, ColumnsBeyondTheModelAreIgnoredAndAbsentOnesMissing) {
  Result<TrainedModel> trained =
      Train({{"objective", "reg:squarederror"}, {"max_depth", "4"}}, Labels::kReal, 5);
  ASSERT_TRUE(trained.ok());
  Result<TreeEnsemble> model = TreeEnsemble::FromXGBoostJson(*trained->booster.SaveJson());
  ASSERT_TRUE(model.ok());
  const FeatureMatrix& x = trained->x;
  FeatureMatrix narrow(x.rows, x.cols - 1), wide(x.rows, x.cols + 1), blanked = x;
  for (size_t r = 0; r < x.rows; ++r) {
    for (size_t c = 0; c < x.cols; ++c) {
      if (c + 1 < x.cols) narrow.at(r, c) = x.at(r, c);
      wide.at(r, c) = x.at(r, c);
    }
    wide.at(r, x.cols) = 42.0f;
    blanked.at(r, x.cols - 1) = kMissing;
  }
  EXPECT_EQ(model->PredictMargins(wide), model->PredictMargins(x));
  EXPECT_EQ(model->PredictMargins(narrow), model->PredictMargins(blanked));
}

// ---- Documents we must refuse, with InvalidArgument and never a crash ----

void ExpectRejected(std::string_view json, const std::string& message_part) {
  Result<TreeEnsemble> model = TreeEnsemble::FromXGBoostJson(json);
  ASSERT_FALSE(model.ok()) << "accepted: " << json.substr(0, 200);
  EXPECT_EQ(model.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(model.status().message().find(message_part), std::string::npos)
      << model.status().message();
}

nlohmann::json SmallBinaryModel() {
  Result<TrainedModel> trained =
      Train({{"objective", "binary:logistic"}, {"max_depth", "2"}}, Labels::kBinary, 2);
  EXPECT_TRUE(trained.ok());
  return nlohmann::json::parse(*trained->booster.SaveJson());
}

TEST(TreeModelTest, RejectsDocumentsThatAreNotModels) {
  ExpectRejected("", "not valid JSON");
  ExpectRejected("{\"learner\": ", "not valid JSON");
  ExpectRejected("[1, 2, 3]", "not an object");
  ExpectRejected("{}", "no \"learner\"");
  ExpectRejected(std::string(100000, '[') + std::string(100000, ']'), "malformed");
  ExpectRejected(R"({"learner": {"learner_model_param": {"num_feature": "six"}}})", "not a number");
}

TEST(TreeModelTest, RejectsBrokenTrees) {
  auto broken = [](auto edit) {
    nlohmann::json doc = SmallBinaryModel();
    edit(doc["learner"]["gradient_booster"]["model"]);
    return doc.dump();
  };
  ExpectRejected(broken([](auto& m) { m.erase("trees"); }), "no \"trees\"");
  ExpectRejected(broken([](auto& m) { m["trees"][0]["left_children"][0] = 0; }),
                 "do not form a tree");
  ExpectRejected(broken([](auto& m) { m["trees"][0]["left_children"][0] = 1000; }),
                 "do not form a tree");
  ExpectRejected(broken([](auto& m) { m["trees"][0]["split_indices"][0] = 6; }), "out of range");
  ExpectRejected(broken([](auto& m) { m["trees"][0]["sum_hessian"].erase(0); }),
                 "num_nodes entries");
  ExpectRejected(broken([](auto& m) { m["trees"][0]["split_conditions"][1] = "x"; }), "non-number");
  ExpectRejected(broken([](auto& m) { m["tree_info"][1] = 1; }), "output group");
  ExpectRejected(broken([](auto& m) { m["trees"][0]["split_type"][0] = 1; }), "categorical");
  ExpectRejected(broken([](auto& m) { m["trees"][1]["tree_param"]["num_nodes"] = "0"; }),
                 "num_nodes");
}

TEST(TreeModelTest, RejectsUnsupportedModels) {
  nlohmann::json doc = SmallBinaryModel();
  doc["learner"]["objective"]["name"] = "rank:pairwise";
  ExpectRejected(doc.dump(), "objective \"rank:pairwise\" is not supported");

  doc = SmallBinaryModel();
  doc["learner"]["learner_model_param"]["base_score"] = "1.5";
  ExpectRejected(doc.dump(), "base_score");

  doc = SmallBinaryModel();
  doc["learner"]["learner_model_param"]["num_target"] = "2";
  ExpectRejected(doc.dump(), "multi-target");

  Result<TrainedModel> dart =
      Train({{"booster", "dart"}, {"objective", "binary:logistic"}, {"rate_drop", "0.1"}},
            Labels::kBinary, 3);
  ASSERT_TRUE(dart.ok()) << dart.status().message();
  ExpectRejected(*dart->booster.SaveJson(), "booster \"dart\" is not supported");
}

}  // namespace
}  // namespace dataml::engine::ml
