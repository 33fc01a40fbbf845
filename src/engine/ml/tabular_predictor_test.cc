#include "engine/ml/tabular_predictor.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include <random>

#include "engine/ml/trainer.h"
#include "engine/ml/xgboost_api.h"

namespace dataml::engine::ml {
namespace {

const std::vector<std::string> kPlans = {"basic", "plus", "pro"};

// Random rows: Charges (Float, some missing), Plan (String), Senior (Boolean), and a label that
// depends on them.
struct Data {
  std::shared_ptr<arrow::Table> table;
  std::vector<size_t> rows;
};

Data MakeData(size_t n, int classes, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> charge(0, 100);
  arrow::DoubleBuilder charges;
  arrow::StringBuilder plans, labels;
  arrow::BooleanBuilder seniors;
  Data d;
  for (size_t i = 0; i < n; ++i) {
    double c = charge(rng);
    const std::string& plan = kPlans[rng() % kPlans.size()];
    bool senior = rng() % 2 == 0;
    if (rng() % 10 == 0) {
      EXPECT_TRUE(charges.AppendNull().ok());
    } else {
      EXPECT_TRUE(charges.Append(c).ok());
    }
    EXPECT_TRUE(plans.Append(plan).ok());
    EXPECT_TRUE(seniors.Append(senior).ok());
    int label = static_cast<int>(c / (100.0 / classes));
    if (plan == "pro" && rng() % 3 == 0) label = (label + 1) % classes;
    EXPECT_TRUE(labels.Append("c" + std::to_string(label)).ok());
    d.rows.push_back(i);
  }
  auto schema = arrow::schema({arrow::field("Charges", arrow::float64()), arrow::field("Plan", arrow::utf8()),
                               arrow::field("Senior", arrow::boolean()), arrow::field("Label", arrow::utf8())});
  d.table = arrow::Table::Make(schema, {charges.Finish().ValueOrDie(), plans.Finish().ValueOrDie(),
                                        seniors.Finish().ValueOrDie(), labels.Finish().ValueOrDie()});
  return d;
}

const std::vector<InputColumn> kInputs = {
    {"Charges", DataType::kFloat}, {"Plan", DataType::kString}, {"Senior", DataType::kBoolean}};

// Our runtime against XGBoost's own prediction of the same features, for random JSON rows with
// missing values and a category never seen in training.
void ExpectAgreesWithXGBoost(Algorithm algorithm, ProblemType problem, int classes) {
  Data d = MakeData(400, classes, 7);
  const InputColumn target = {"Label", DataType::kString};
  InputColumn effective_target = target;
  std::shared_ptr<arrow::Table> table = d.table;
  if (problem == ProblemType::kRegression) {
    // Regress Charges from the others.
    effective_target = {"Charges", DataType::kFloat};
  }
  std::vector<InputColumn> inputs = kInputs;
  if (problem == ProblemType::kRegression) inputs = {{"Plan", DataType::kString}, {"Senior", DataType::kBoolean}};
  auto preprocess = Preprocess::Fit(*table, inputs, effective_target, problem, d.rows);
  ASSERT_TRUE(preprocess.ok()) << preprocess.status().message();
  preprocess->set_standardize(algorithm == Algorithm::kLinear);
  auto x = preprocess->Transform(*table);
  auto y = preprocess->EncodeTarget(*table);
  ASSERT_TRUE(x.ok() && y.ok());
  // Rows without a target (missing Charges) are left out of training, as the pipeline does.
  std::vector<size_t> labelled;
  std::vector<float> y_labelled;
  for (size_t i = 0; i < y->size(); ++i) {
    if (!std::isnan((*y)[i])) {
      labelled.push_back(i);
      y_labelled.push_back((*y)[i]);
    }
  }
  Hyperparameters hp;
  hp.num_boost_round = 20;
  hp.nthread = 1;
  hp.num_parallel_tree = 5;
  const int groups = problem == ProblemType::kRegression ? 1 : classes;
  auto booster = TrainModel(algorithm, problem, groups, hp, x->Take(labelled), y_labelled);
  ASSERT_TRUE(booster.ok()) << booster.status().message();
  auto json = booster->SaveJson();
  ASSERT_TRUE(json.ok());
  auto runtime = TabularPredictor::Make(*preprocess, *json);
  ASSERT_TRUE(runtime.ok()) << runtime.status().message();

  std::mt19937 rng(11);
  std::uniform_real_distribution<double> charge(-10, 110);
  FeatureMatrix rows(200, preprocess->feature_names().size());
  std::vector<nlohmann::json> requests;
  for (size_t i = 0; i < rows.rows; ++i) {
    nlohmann::json features = nlohmann::json::object();
    if (rng() % 5 != 0) features["Charges"] = charge(rng);
    const uint32_t p = rng() % 5;
    if (p < 3) features["Plan"] = kPlans[p];
    if (p == 3) features["Plan"] = "never-seen";
    if (rng() % 4 != 0) features["Senior"] = rng() % 2 == 0;
    ASSERT_TRUE(preprocess->TransformRow(features, &rows.at(i, 0)).ok());
    requests.push_back(features);
  }
  auto dm = DMatrix::FromDense(rows);
  ASSERT_TRUE(dm.ok());
  auto expected = booster->Predict(*dm, 0);
  ASSERT_TRUE(expected.ok());
  for (size_t i = 0; i < rows.rows; ++i) {
    auto got = runtime->PredictRow(requests[i]);
    ASSERT_TRUE(got.ok()) << got.status().message();
    if (problem == ProblemType::kRegression) {
      EXPECT_NEAR(got->prediction.get<double>(), expected->values[i], 1e-6 * std::max(1.0, std::fabs(static_cast<double>(expected->values[i]))));
    } else if (classes == 2) {
      EXPECT_NEAR(got->probabilities[1].second, expected->values[i], 1e-6) << requests[i].dump();
    } else {
      for (int c = 0; c < classes; ++c) {
        EXPECT_NEAR(got->probabilities[c].second, expected->values[i * classes + c], 1e-6) << requests[i].dump();
      }
    }
  }
  // A whole table, through the predictor loaded from the stored artifacts' text: OutputWidth()
  // values a row, both classes' probabilities for a binary classifier.
  auto loaded = LoadPredictor(preprocess->ToJson().dump(), *json);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ((*loaded)->problem_type(), problem);
  auto whole = DMatrix::FromDense(*x);
  ASSERT_TRUE(whole.ok());
  auto table_expected = booster->Predict(*whole, 0);
  ASSERT_TRUE(table_expected.ok());
  TableTimings timings;
  auto table_values = (*loaded)->PredictTable(*table, 1, &timings);
  ASSERT_TRUE(table_values.ok()) << table_values.status().message();
  const size_t width = (*loaded)->OutputWidth();
  ASSERT_EQ(table_values->size(), x->rows * width);
  for (size_t r = 0; r < x->rows; ++r) {
    if (problem == ProblemType::kClassification && classes == 2) {
      EXPECT_NEAR((*table_values)[r * 2 + 1], table_expected->values[r], 1e-6);
      EXPECT_NEAR((*table_values)[r * 2], 1.0f - table_expected->values[r], 1e-6);
    } else {
      for (size_t c = 0; c < width; ++c)
        EXPECT_NEAR((*table_values)[r * width + c], table_expected->values[r * width + c],
                    1e-6 * std::max(1.0f, std::fabs(table_expected->values[r * width + c])));
    }
  }
  EXPECT_GE(timings.predict_seconds, 0.0);

  // Explanations: contributions plus bias give the margin of the predicted class.
  auto explanation = runtime->ExplainRow(requests[0], 100);
  ASSERT_TRUE(explanation.ok()) << explanation.status().message();
  double sum = explanation->bias;
  for (const auto& [column, value] : explanation->contributions) sum += value;
  std::vector<float> margins(runtime->ensemble().num_groups());
  runtime->ensemble().PredictMargin(&rows.at(0, 0), margins.data());
  EXPECT_NEAR(sum, *std::max_element(margins.begin(), margins.end()), 1e-4);
}

TEST(TabularPredictorTest, BinaryBoostedTreesAgreeWithXGBoost) {
  ExpectAgreesWithXGBoost(Algorithm::kXGBoost, ProblemType::kClassification, 2);
}
TEST(TabularPredictorTest, MulticlassForestAgreesWithXGBoost) {
  ExpectAgreesWithXGBoost(Algorithm::kRandomForest, ProblemType::kClassification, 3);
}
TEST(TabularPredictorTest, LinearClassifierAgreesWithXGBoost) {
  ExpectAgreesWithXGBoost(Algorithm::kLinear, ProblemType::kClassification, 2);
}
TEST(TabularPredictorTest, RegressionAgreesWithXGBoost) {
  ExpectAgreesWithXGBoost(Algorithm::kXGBoost, ProblemType::kRegression, 1);
}

TEST(TabularPredictorTest, RefusesAModelThatIsNotItsPreprocesss) {
  Data d = MakeData(100, 3, 1);
  auto preprocess = Preprocess::Fit(*d.table, kInputs, {"Label", DataType::kString}, ProblemType::kClassification, d.rows);
  ASSERT_TRUE(preprocess.ok());
  EXPECT_EQ(TabularPredictor::Make(*preprocess, "{}").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(LoadPredictor("not json", "{}").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(LoadPredictor(preprocess->ToJson().dump(), "{}").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dataml::engine::ml
