#include "core/problem_type.h"

#include <gtest/gtest.h>

namespace dataml {
namespace {

TEST(ProblemTypeTest, NamesRoundTripAndOnlyExactNamesParse) {
  for (ProblemType type : {ProblemType::kClassification, ProblemType::kRegression, ProblemType::kForecast}) {
    EXPECT_EQ(ParseProblemType(ProblemTypeName(type)), type);
  }
  EXPECT_EQ(ProblemTypeName(ProblemType::kForecast), std::string("Forecast"));
  EXPECT_FALSE(ParseProblemType("classification"));
  EXPECT_FALSE(ParseProblemType("Regression "));
  EXPECT_FALSE(ParseProblemType(""));
}

}  // namespace
}  // namespace dataml
