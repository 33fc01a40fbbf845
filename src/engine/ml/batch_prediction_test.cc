#include "engine/ml/batch_prediction.h"
#include "engine/ml/tabular_predictor.h"

#include <arrow/api.h>
#include <arrow/io/api.h>
#include <gtest/gtest.h>
#include <parquet/arrow/writer.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "engine/ml/trainer.h"
#include "engine/ml/xgboost_api.h"

namespace dataml::engine::ml {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kPlans = {"basic", "plus", "pro"};
const std::vector<InputColumn> kInputs = {{"Charges", DataType::kFloat}, {"Plan", DataType::kString}};

// Rows with an Id (text with a comma in it, to be quoted), Charges (some missing), Plan, and a
// label that depends on them; some labels are missing, one is a class never trained on.
std::shared_ptr<arrow::Table> MakeTable(size_t n, uint32_t seed, bool odd_labels) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> charge(0, 100);
  arrow::StringBuilder ids, plans, labels;
  arrow::DoubleBuilder charges;
  for (size_t i = 0; i < n; ++i) {
    EXPECT_TRUE(ids.Append("C," + std::to_string(i)).ok());
    const double c = charge(rng);
    EXPECT_TRUE((rng() % 10 == 0 ? charges.AppendNull() : charges.Append(c)).ok());
    const std::string& plan = kPlans[rng() % kPlans.size()];
    EXPECT_TRUE(plans.Append(plan).ok());
    std::string label = c > 50 || plan == "pro" ? "yes" : "no";
    if (odd_labels && i % 7 == 0) {
      EXPECT_TRUE(labels.AppendNull().ok());
    } else {
      EXPECT_TRUE(labels.Append(odd_labels && i % 11 == 0 ? "maybe" : label).ok());
    }
  }
  auto schema = arrow::schema({arrow::field("Id", arrow::utf8()), arrow::field("Charges", arrow::float64()),
                               arrow::field("Plan", arrow::utf8()), arrow::field("Label", arrow::utf8())});
  return arrow::Table::Make(schema, {ids.Finish().ValueOrDie(), charges.Finish().ValueOrDie(),
                                     plans.Finish().ValueOrDie(), labels.Finish().ValueOrDie()});
}

void WriteParquet(const arrow::Table& table, const fs::path& path, int64_t row_group_rows) {
  auto out = arrow::io::FileOutputStream::Open(path.string()).ValueOrDie();
  ASSERT_TRUE(parquet::arrow::WriteTable(table, arrow::default_memory_pool(), out, row_group_rows).ok());
  ASSERT_TRUE(out->Close().ok());
}

std::vector<std::vector<std::string>> ReadCsv(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (c == '"' && quoted && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back().push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        fields.emplace_back();
      } else {
        fields.back().push_back(c);
      }
    }
    rows.push_back(std::move(fields));
  }
  return rows;
}

class BatchPredictionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("dataml_batch_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A model trained on `train`, with XGBoost's own predictions for the rows of `predict`.
  struct Trained {
    TabularPredictor runtime;
    std::vector<float> expected;  // XGBoost's outputs for the predicted rows
  };
  Trained Train(ProblemType problem, const InputColumn& target, const std::vector<InputColumn>& inputs,
                const arrow::Table& train, const arrow::Table& predict) {
    std::vector<size_t> rows(static_cast<size_t>(train.num_rows()));
    for (size_t i = 0; i < rows.size(); ++i) rows[i] = i;
    auto preprocess = Preprocess::Fit(train, inputs, target, problem, rows);
    EXPECT_TRUE(preprocess.ok()) << preprocess.status().message();
    auto x = preprocess->Transform(train);
    auto y = preprocess->EncodeTarget(train);
    // Rows without a target are left out of training, as the pipeline does.
    std::vector<size_t> labelled;
    std::vector<float> y_labelled;
    for (size_t i = 0; i < y->size(); ++i) {
      if (std::isnan((*y)[i])) continue;
      labelled.push_back(i);
      y_labelled.push_back((*y)[i]);
    }
    Hyperparameters hp;
    hp.num_boost_round = 15;
    hp.nthread = 1;
    auto booster = TrainModel(Algorithm::kXGBoost, problem, problem == ProblemType::kRegression ? 1 : 2, hp,
                               x->Take(labelled), y_labelled);
    EXPECT_TRUE(booster.ok()) << booster.status().message();
    auto runtime = TabularPredictor::Make(*preprocess, *booster->SaveJson());
    EXPECT_TRUE(runtime.ok()) << runtime.status().message();
    auto dm = DMatrix::FromDense(*preprocess->Transform(predict));
    return {std::move(*runtime), booster->Predict(*dm, 0)->values};
  }

  fs::path dir_;
};

TEST_F(BatchPredictionTest, ClassifiesEveryRowAsXGBoostDoesAndScoresAccuracy) {
  auto train = MakeTable(300, 1, false);
  auto predict = MakeTable(1000, 2, true);
  Trained model = Train(ProblemType::kClassification, {"Label", DataType::kString}, kInputs, *train, *predict);
  // Two files, the first in small row groups, read in batches smaller than a row group.
  WriteParquet(*predict->Slice(0, 600), dir_ / "a.parquet", 128);
  WriteParquet(*predict->Slice(600), dir_ / "b.parquet", 1000);
  BatchPredictionOptions options;
  options.id_column = "Id";
  options.score = true;
  options.batch_rows = 100;
  options.threads = 2;
  auto summary = PredictBatch(model.runtime, LocalFiles({(dir_ / "a.parquet").string(), (dir_ / "b.parquet").string()}), options,
                              **CreateLocalFile((dir_ / "out.csv").string()));
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  EXPECT_EQ(summary->rows, 1000);

  auto csv = ReadCsv(dir_ / "out.csv");
  ASSERT_EQ(csv.size(), 1001u);
  EXPECT_EQ(csv[0], (std::vector<std::string>{"Id", "prediction", "probability_no", "probability_yes"}));
  auto labels = std::static_pointer_cast<arrow::StringArray>(predict->GetColumnByName("Label")->chunk(0));
  int64_t scored = 0, correct = 0;
  for (size_t r = 0; r < 1000; ++r) {
    const auto& row = csv[r + 1];
    ASSERT_EQ(row.size(), 4u) << r;
    EXPECT_EQ(row[0], "C," + std::to_string(r));
    const float p_yes = model.expected[r];
    EXPECT_NEAR(std::stod(row[3]), p_yes, 1e-6) << r;
    EXPECT_NEAR(std::stod(row[2]), 1.0 - p_yes, 1e-6) << r;
    const std::string predicted = p_yes > 0.5f ? "yes" : "no";
    EXPECT_EQ(row[1], predicted) << r;
    if (labels->IsNull(static_cast<int64_t>(r))) continue;
    ++scored;
    correct += labels->GetString(static_cast<int64_t>(r)) == predicted;  // "maybe" is never right
  }
  EXPECT_EQ(summary->scored_rows, scored);
  ASSERT_TRUE(summary->accuracy.has_value());
  EXPECT_DOUBLE_EQ(*summary->accuracy, static_cast<double>(correct) / static_cast<double>(scored));
  EXPECT_GT(*summary->accuracy, 0.7);
  EXPECT_FALSE(summary->rmse.has_value());
}

TEST_F(BatchPredictionTest, RegressionValuesAndRmseWithoutAnIdColumn) {
  auto train = MakeTable(300, 3, false);
  auto predict = MakeTable(500, 4, false);
  const std::vector<InputColumn> inputs = {{"Plan", DataType::kString}};
  Trained model = Train(ProblemType::kRegression, {"Charges", DataType::kFloat}, inputs, *train, *predict);
  WriteParquet(*predict, dir_ / "a.parquet", 200);
  BatchPredictionOptions options;
  options.score = true;
  auto summary = PredictBatch(model.runtime, LocalFiles({(dir_ / "a.parquet").string()}), options,
                              **CreateLocalFile((dir_ / "out.csv").string()));
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  auto csv = ReadCsv(dir_ / "out.csv");
  ASSERT_EQ(csv.size(), 501u);
  EXPECT_EQ(csv[0], std::vector<std::string>{"prediction"});
  auto charges = std::static_pointer_cast<arrow::DoubleArray>(predict->GetColumnByName("Charges")->chunk(0));
  double squared = 0;
  int64_t scored = 0;
  for (size_t r = 0; r < 500; ++r) {
    const double value = std::stod(csv[r + 1][0]);
    EXPECT_NEAR(value, model.expected[r], 1e-6 * std::max(1.0, std::fabs(value))) << r;
    if (charges->IsNull(static_cast<int64_t>(r))) continue;
    ++scored;
    const double error = static_cast<double>(model.expected[r]) - charges->Value(static_cast<int64_t>(r));
    squared += error * error;
  }
  EXPECT_EQ(summary->scored_rows, scored);
  ASSERT_TRUE(summary->rmse.has_value());
  EXPECT_NEAR(*summary->rmse, std::sqrt(squared / static_cast<double>(scored)), 1e-4);
  EXPECT_FALSE(summary->accuracy.has_value());
}

TEST_F(BatchPredictionTest, RefusesDataWithoutTheModelsColumns) {
  auto train = MakeTable(200, 5, false);
  Trained model = Train(ProblemType::kClassification, {"Label", DataType::kString}, kInputs, *train, *train);
  auto without_plan = train->RemoveColumn(2).ValueOrDie();
  WriteParquet(*without_plan, dir_ / "a.parquet", 100);
  auto summary = PredictBatch(model.runtime, LocalFiles({(dir_ / "a.parquet").string()}), {},
                              **CreateLocalFile((dir_ / "out.csv").string()));
  ASSERT_EQ(summary.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(summary.status().message().find("Plan"), std::string::npos);
}

}  // namespace
}  // namespace dataml::engine::ml
