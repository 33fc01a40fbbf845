#include "engine/data/data_type.h"

#include <gtest/gtest.h>

namespace dataml::engine {
namespace {

TEST(DataTypeTest, NamesRoundTripCaseInsensitively) {
  for (DataType t : {DataType::kString, DataType::kInteger, DataType::kFloat, DataType::kBoolean,
                     DataType::kDate, DataType::kDateTime}) {
    EXPECT_EQ(ParseDataTypeName(DataTypeName(t)), t);
  }
  EXPECT_EQ(ParseDataTypeName("datetime"), DataType::kDateTime);
  EXPECT_EQ(ParseDataTypeName("FLOAT"), DataType::kFloat);
  EXPECT_FALSE(ParseDataTypeName("Decimal").has_value());
  EXPECT_FALSE(ParseDataTypeName("").has_value());
}

TEST(DataTypeTest, IntegersAreStrictAndBounded) {
  EXPECT_EQ(ParseInteger("42"), 42);
  EXPECT_EQ(ParseInteger("-7"), -7);
  EXPECT_EQ(ParseInteger("+7"), 7);
  EXPECT_EQ(ParseInteger("9223372036854775807"), INT64_MAX);
  EXPECT_FALSE(ParseInteger("9223372036854775808"));
  EXPECT_FALSE(ParseInteger("1.0"));
  EXPECT_FALSE(ParseInteger(" 1"));
  EXPECT_FALSE(ParseInteger(""));
  EXPECT_FALSE(ParseInteger("+"));
  EXPECT_FALSE(ParseInteger("+-5"));
  EXPECT_FALSE(ParseFloat("+-1.5"));
  EXPECT_FALSE(ParseInteger("12abc"));
}

TEST(DataTypeTest, FloatsAreFinite) {
  EXPECT_DOUBLE_EQ(*ParseFloat("0.0"), 0.0);
  EXPECT_DOUBLE_EQ(*ParseFloat("-1.5e3"), -1500.0);
  EXPECT_DOUBLE_EQ(*ParseFloat("3"), 3.0);
  EXPECT_FALSE(ParseFloat("nan"));
  EXPECT_FALSE(ParseFloat("inf"));
  EXPECT_FALSE(ParseFloat("1e999"));
  EXPECT_FALSE(ParseFloat("1,5"));
  EXPECT_FALSE(ParseFloat(""));
}

TEST(DataTypeTest, Booleans) {
  for (const char* t : {"true", "TRUE", "t", "Yes", "y", "1"}) EXPECT_EQ(ParseBoolean(t), true) << t;
  for (const char* f : {"false", "False", "f", "no", "N", "0"}) EXPECT_EQ(ParseBoolean(f), false) << f;
  EXPECT_FALSE(ParseBoolean("2"));
  EXPECT_FALSE(ParseBoolean("truth"));
  EXPECT_FALSE(ParseBoolean(""));
}

TEST(DataTypeTest, DatesMustBeRealCalendarDays) {
  EXPECT_EQ(ParseDate("1970-01-01"), 0);
  EXPECT_EQ(ParseDate("2000-03-01"), 11017);
  EXPECT_TRUE(ParseDate("2024-02-29"));
  EXPECT_FALSE(ParseDate("2023-02-29"));
  EXPECT_FALSE(ParseDate("1900-02-29"));
  EXPECT_FALSE(ParseDate("2024-13-01"));
  EXPECT_FALSE(ParseDate("2024-04-31"));
  EXPECT_FALSE(ParseDate("2024-4-1"));
  EXPECT_FALSE(ParseDate("08-Aug-24"));
}

TEST(DataTypeTest, DateTimesWithOffsetsAndFractions) {
  EXPECT_EQ(ParseDateTime("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseDateTime("1970-01-01 00:01"), 60'000'000);
  EXPECT_EQ(ParseDateTime("1970-01-01T00:00:01.5"), 1'500'000);
  EXPECT_EQ(ParseDateTime("1970-01-01T01:00:00+01:00"), 0);
  EXPECT_EQ(ParseDateTime("1970-01-01T00:00:00-0130"), 5'400'000'000);
  EXPECT_EQ(ParseDateTime("2025-08-09T16:23:00Z"), int64_t{1754756580} * 1'000'000);
  EXPECT_FALSE(ParseDateTime("2025-08-09T24:00:00Z"));
  EXPECT_FALSE(ParseDateTime("2025-08-09T16:23:00ZZ"));
  EXPECT_FALSE(ParseDateTime("2025-08-09"));
  EXPECT_FALSE(ParseDateTime("2025-08-09T16:23:00.Z"));
  EXPECT_FALSE(ParseDateTime("2025-08-09T16:23:00+25:00"));
}

TEST(DataTypeTest, AnyTextIsAString) {
  EXPECT_TRUE(IsValidValue(DataType::kString, ""));
  EXPECT_TRUE(IsValidValue(DataType::kString, "'; DROP TABLE users; --"));
  EXPECT_FALSE(IsValidValue(DataType::kInteger, "x"));
}

}  // namespace
}  // namespace dataml::engine
