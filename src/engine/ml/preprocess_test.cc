#include "engine/ml/preprocess.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include <cmath>

#include "engine/ml/worker_group_testing.h"

namespace dataml::engine::ml {
namespace {

std::shared_ptr<arrow::Array> Strings(const std::vector<std::optional<std::string>>& values) {
  arrow::StringBuilder b;
  for (const auto& v : values) {
    if (v) {
      EXPECT_TRUE(b.Append(*v).ok());
    } else {
      EXPECT_TRUE(b.AppendNull().ok());
    }
  }
  return b.Finish().ValueOrDie();
}

std::shared_ptr<arrow::Array> Doubles(const std::vector<std::optional<double>>& values) {
  arrow::DoubleBuilder b;
  for (const auto& v : values) {
    if (v) {
      EXPECT_TRUE(b.Append(*v).ok());
    } else {
      EXPECT_TRUE(b.AppendNull().ok());
    }
  }
  return b.Finish().ValueOrDie();
}

std::shared_ptr<arrow::Array> Dates(const std::vector<int32_t>& days) {
  arrow::Date32Builder b;
  EXPECT_TRUE(b.AppendValues(days).ok());
  return b.Finish().ValueOrDie();
}

std::shared_ptr<arrow::Array> Bools(const std::vector<std::optional<bool>>& values) {
  arrow::BooleanBuilder b;
  for (const auto& v : values) {
    if (v) {
      EXPECT_TRUE(b.Append(*v).ok());
    } else {
      EXPECT_TRUE(b.AppendNull().ok());
    }
  }
  return b.Finish().ValueOrDie();
}

std::shared_ptr<arrow::Table> Table(std::vector<std::pair<std::string, std::shared_ptr<arrow::Array>>> columns) {
  std::vector<std::shared_ptr<arrow::Field>> fields;
  std::vector<std::shared_ptr<arrow::Array>> arrays;
  for (auto& [name, array] : columns) {
    fields.push_back(arrow::field(name, array->type()));
    arrays.push_back(array);
  }
  return arrow::Table::Make(arrow::schema(fields), arrays);
}

const std::vector<InputColumn> kFeatures = {
    {"Charges", DataType::kFloat}, {"Plan", DataType::kString}, {"Senior", DataType::kBoolean}, {"Joined", DataType::kDate}};
const InputColumn kTarget = {"Churn", DataType::kString};

std::shared_ptr<arrow::Table> Training() {
  // 2024-01-01 is day 19723, a Monday.
  return Table({{"Charges", Doubles({10, std::nullopt, 30, 40})},
                {"Plan", Strings({"a", "b", "a", std::nullopt})},
                {"Senior", Bools({true, false, std::nullopt, true})},
                {"Joined", Dates({19723, 19724, 19725, 19726})},
                {"Churn", Strings({"Yes", "No", "Yes", "No"})}});
}

TEST(PreprocessTest, EncodesEachTypeAndHandlesMissingAndUnseenValues) {
  auto p = Preprocess::Fit(*Training(), kFeatures, kTarget, ProblemType::kClassification, {0, 1, 2, 3});
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->classes(), (std::vector<std::string>{"No", "Yes"}));
  EXPECT_EQ(p->feature_names(),
            (std::vector<std::string>{"Charges", "Charges.missing", "Plan=a", "Plan=b", "Plan=__missing__",
                                      "Senior", "Senior.missing", "Joined.days", "Joined.year", "Joined.month",
                                      "Joined.day", "Joined.dayofweek"}));
  EXPECT_EQ(p->feature_sources()[3], "Plan");

  auto later = Table({{"Charges", Doubles({std::nullopt})},
                      {"Plan", Strings({"never seen"})},
                      {"Senior", Bools({std::nullopt})},
                      {"Joined", Dates({19730})},
                      {"Churn", Strings({"Maybe"})}});
  auto x = p->Transform(*later);
  ASSERT_TRUE(x.ok()) << x.status().message();
  const std::vector<float> expected = {30, 1,  // the median of 10, 30, 40; flagged missing
                                       0, 0, 0,  // an unseen plan, no "other" column: all zero
                                       1, 1,     // the majority (true), flagged
                                       19730, 2024, 1, 8, 0};  // 2024-01-08, a Monday
  EXPECT_EQ(x->values, expected);
  // A class the model never saw cannot be encoded.
  EXPECT_EQ(p->EncodeTarget(*later).status().code(), StatusCode::kInvalidArgument);
  auto y = p->EncodeTarget(*Training());
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(*y, (std::vector<float>{1, 0, 1, 0}));
}

TEST(PreprocessTest, ARowOfJsonValuesGivesTheSameFeaturesAsTheTable) {
  auto p = Preprocess::Fit(*Training(), kFeatures, kTarget, ProblemType::kClassification, {0, 1, 2, 3});
  ASSERT_TRUE(p.ok());
  p->set_standardize(true);
  auto table = p->Transform(*Training());
  ASSERT_TRUE(table.ok());
  // Row 0 and row 1 (missing charges), given the ways clients send them.
  const std::vector<nlohmann::json> rows = {
      {{"Charges", 10}, {"Plan", "a"}, {"Senior", true}, {"Joined", "2024-01-01"}, {"Churn", "ignored"}},
      {{"Charges", nullptr}, {"Plan", "b"}, {"Senior", "false"}, {"Joined", "2024-01-02"}}};
  for (size_t r = 0; r < rows.size(); ++r) {
    std::vector<float> out(p->feature_names().size());
    ASSERT_TRUE(p->TransformRow(rows[r], out.data()).ok());
    EXPECT_EQ(out, std::vector<float>(table->row(r), table->row(r) + table->cols)) << "row " << r;
  }
  std::vector<float> out(p->feature_names().size());
  auto bad = p->TransformRow({{"Charges", "ten"}}, out.data());
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("Charges"), std::string::npos);
  EXPECT_FALSE(p->TransformRow({{"Joined", "yesterday"}}, out.data()).ok());
  EXPECT_FALSE(p->TransformRow({{"Senior", 2}}, out.data()).ok());
  EXPECT_FALSE(p->TransformRow({{"Plan", nlohmann::json::array()}}, out.data()).ok());
  EXPECT_TRUE(p->TransformRow(nlohmann::json::object(), out.data()).ok()) << "all missing is allowed";
}

TEST(PreprocessTest, FitsOnTheGivenRowsOnlyAndRoundTripsThroughJson) {
  // Fitted on rows 0 and 2 only: no missing values there, so no flags.
  auto p = Preprocess::Fit(*Training(), kFeatures, kTarget, ProblemType::kClassification, {0, 2});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->feature_names().front(), "Charges");
  EXPECT_EQ(p->feature_names()[1], "Plan=a");
  p->set_standardize(true);
  auto copy = Preprocess::FromJson(nlohmann::json::parse(p->ToJson().dump()));
  ASSERT_TRUE(copy.ok()) << copy.status().message();
  EXPECT_TRUE(copy->CheckCompatible(*p).ok());
  auto a = p->Transform(*Training());
  auto b = copy->Transform(*Training());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->values, b->values);
  EXPECT_FLOAT_EQ(a->at(0, 0), -1.0f) << "Charges 10 with mean 20 and deviation 10 over the fitted rows";

  auto all_rows = Preprocess::Fit(*Training(), kFeatures, kTarget, ProblemType::kClassification, {0, 1, 2, 3});
  ASSERT_TRUE(all_rows.ok());
  EXPECT_EQ(p->CheckCompatible(*all_rows).code(), StatusCode::kInvalidArgument);

  EXPECT_EQ(Preprocess::FromJson(nlohmann::json::parse("{\"format_version\": 1}")).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Preprocess::FromJson(nlohmann::json()).status().code(), StatusCode::kInvalidArgument);
}

TEST(PreprocessTest, KeepsTheMostFrequentCategoriesAndPoolsTheRest) {
  std::vector<std::optional<std::string>> plans;
  std::vector<std::optional<std::string>> labels;
  std::vector<size_t> rows;
  for (size_t i = 0; i < kMaxCategories + 10; ++i) {
    // Value v0 appears 3 times, every other value once.
    for (int k = 0; k < (i == 0 ? 3 : 1); ++k) {
      plans.push_back("v" + std::to_string(i));
      labels.push_back(rows.size() % 2 == 0 ? "a" : "b");
      rows.push_back(rows.size());
    }
  }
  auto table = Table({{"Plan", Strings(plans)}, {"Churn", Strings(labels)}});
  auto p = Preprocess::Fit(*table, {{"Plan", DataType::kString}}, kTarget, ProblemType::kClassification, rows);
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->feature_names().size(), kMaxCategories + 1);
  EXPECT_EQ(p->feature_names().front(), "Plan=v0");
  EXPECT_EQ(p->feature_names().back(), "Plan=__other__");
  auto x = p->Transform(*Table({{"Plan", Strings({"unseen"})}}));
  ASSERT_TRUE(x.ok());
  EXPECT_EQ(x->values.back(), 1.0f) << "an unseen value goes to __other__ when there is one";
}

// A table of `n` rows of every encoding's type, with missing values and over 50 categories.
std::shared_ptr<arrow::Table> Varied(size_t n) {
  std::vector<std::optional<double>> charges;
  std::vector<std::optional<std::string>> plans, labels;
  std::vector<std::optional<bool>> seniors;
  std::vector<int32_t> joined;
  for (size_t i = 0; i < n; ++i) {
    charges.push_back(i % 11 == 0 ? std::nullopt : std::optional<double>((i * 37 % 101) * 1.5));
    // Nine frequent values, and up to 97 rare ones.
    plans.push_back(i % 13 == 0 ? std::nullopt : std::optional<std::string>("p" + std::to_string(i % 7 == 0 ? 10 + i % 97 : i % 9)));
    seniors.push_back(i % 17 == 0 ? std::nullopt : std::optional<bool>(i % 3 == 0));
    joined.push_back(19723 + static_cast<int32_t>(i % 400));
    labels.push_back(i % 4 == 0 ? "Yes" : "No");
  }
  return Table({{"Charges", Doubles(charges)},
                {"Plan", Strings(plans)},
                {"Senior", Bools(seniors)},
                {"Joined", Dates(joined)},
                {"Churn", Strings(labels)}});
}

TEST(PreprocessTest, WorkersFitOnTheirShardsThePreprocessOfAllTheirRows) {
  auto table = Varied(600);
  std::vector<size_t> fit_rows;  // all but every 5th row, as a holdout would leave out
  for (size_t i = 0; i < 600; ++i) {
    if (i % 5 != 0) fit_rows.push_back(i);
  }
  auto whole = Preprocess::Fit(*table, kFeatures, kTarget, ProblemType::kClassification, fit_rows);
  ASSERT_TRUE(whole.ok()) << whole.status().message();
  const std::vector<size_t> bounds = {0, 100, 101, 600};  // uneven shards, one of a single row
  auto fitted = testing::RunWorkers(3, [&](int rank, Collective& group) -> Result<nlohmann::json> {
    const size_t begin = bounds[static_cast<size_t>(rank)], end = bounds[static_cast<size_t>(rank) + 1];
    std::vector<size_t> mine;
    for (size_t r : fit_rows) {
      if (r >= begin && r < end) mine.push_back(r - begin);
    }
    auto shard = table->Slice(static_cast<int64_t>(begin), static_cast<int64_t>(end - begin));
    DATAML_ASSIGN_OR_RETURN(Preprocess p, Preprocess::Fit(*shard, kFeatures, kTarget, ProblemType::kClassification,
                                                          mine, nullptr, &group));
    return p.ToJson();
  });
  const nlohmann::json expected = whole->ToJson();
  for (auto& got : fitted) {
    ASSERT_TRUE(got.ok()) << got.status().message();
    // Means and spreads are sums taken in another order: equal up to rounding.
    for (size_t i = 0; i < expected["inputs"].size(); ++i) {
      for (const char* key : {"mean", "scale"}) {
        if (!expected["inputs"][i].contains(key)) continue;
        for (size_t k = 0; k < expected["inputs"][i][key].size(); ++k) {
          const double want = expected["inputs"][i][key][k], have = (*got)["inputs"][i][key][k];
          EXPECT_NEAR(have, want, 1e-9 * std::max(1.0, std::abs(want))) << expected["inputs"][i]["column_name"];
        }
        (*got)["inputs"][i][key] = expected["inputs"][i][key];
      }
    }
    EXPECT_EQ(*got, expected);
  }
  EXPECT_TRUE(expected["inputs"][1]["other"].get<bool>()) << "the test needs more categories than are kept";
  EXPECT_TRUE(expected["inputs"][0]["missing_flag"].get<bool>());
}

TEST(PreprocessTest, NumericClassesAreOrderedByValue) {
  auto ints = Table({{"X", Doubles({1, 2, 3, 4})}, {"Y", [] {
                       arrow::Int64Builder b;
                       EXPECT_TRUE(b.AppendValues({10, 2, -3, 9007199254740993LL}).ok());
                       return b.Finish().ValueOrDie();
                     }()}});
  auto p = Preprocess::Fit(*ints, {{"X", DataType::kFloat}}, {"Y", DataType::kInteger}, ProblemType::kClassification,
                           {0, 1, 2, 3});
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->classes(), (std::vector<std::string>{"-3", "2", "10", "9007199254740993"}));
  // Subnormal and huge doubles are values like any other (std::stod threw on 1e-310).
  auto reals = Table({{"X", Doubles({1, 2, 3})}, {"Y", Doubles({1e-310, -0.5, 1e300})}});
  p = Preprocess::Fit(*reals, {{"X", DataType::kFloat}}, {"Y", DataType::kFloat}, ProblemType::kClassification, {0, 1, 2});
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->classes(), (std::vector<std::string>{"-0.5", "1e-310", "1e+300"}));
}

TEST(PreprocessTest, RefusesTargetsThatCannotBeLearnt) {
  auto single = Table({{"Charges", Doubles({1, 2})}, {"Churn", Strings({"Yes", "Yes"})}});
  EXPECT_EQ(Preprocess::Fit(*single, {{"Charges", DataType::kFloat}}, kTarget, ProblemType::kClassification, {0, 1})
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Preprocess::Fit(*single, {{"Charges", DataType::kFloat}}, kTarget, ProblemType::kRegression, {0, 1})
                .status()
                .code(),
            StatusCode::kInvalidArgument)
      << "a String target cannot be regressed";
  EXPECT_EQ(Preprocess::Fit(*single, {{"Nope", DataType::kFloat}}, {"Charges", DataType::kFloat},
                            ProblemType::kRegression, {0, 1})
                .status()
                .code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dataml::engine::ml
