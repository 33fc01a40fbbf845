#include "engine/ml/forecast/series_recipe.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

namespace dataml::engine::ml::forecast {
namespace {

std::shared_ptr<arrow::Table> Stores(const std::vector<std::string>& regions) {
  arrow::StringBuilder ids, region;
  arrow::Date32Builder days;
  arrow::DoubleBuilder sales;
  for (int s = 0; s < 2; ++s) {
    for (int w = 0; w < 3; ++w) {
      (void)ids.Append("S" + std::to_string(s));
      (void)days.Append(19360 + 7 * w);  // 2023-01-02 on, weekly
      (void)sales.Append(10.0 * (s + 1) + w);
      (void)region.Append(regions[static_cast<size_t>(s * 3 + w)]);
    }
  }
  std::shared_ptr<arrow::Array> a, b, c, d;
  (void)ids.Finish(&a);
  (void)days.Finish(&b);
  (void)sales.Finish(&c);
  (void)region.Finish(&d);
  return arrow::Table::Make(arrow::schema({arrow::field("store", arrow::utf8()), arrow::field("week", arrow::date32()),
                                           arrow::field("sales", arrow::float64()), arrow::field("region", arrow::utf8())}),
                            {a, b, c, d});
}

SeriesRecipe Recipe() {
  SeriesRecipe r;
  r.id = InputColumn{"store", DataType::kString};
  r.timestamp = {"week", DataType::kDate};
  r.target = {"sales", DataType::kFloat};
  r.features = {{"region", DataType::kString}};
  r.rules.frequency = Frequency::kWeek;
  r.rules.fill = Fill::kLinear;
  return r;
}

TEST(SeriesRecipeTest, ReadsSeriesWithTheirStaticValuesAndRoundTrips) {
  const SeriesRecipe recipe = Recipe();
  auto series = recipe.Read(*Stores({"north", "north", "north", "south", "south", "south"}));
  ASSERT_TRUE(series.ok()) << series.status().message();
  ASSERT_EQ(series->size(), 2u);
  EXPECT_EQ((*series)[1].key, "S1");
  EXPECT_EQ((*series)[1].values, (std::vector<double>{20, 21, 22}));
  ASSERT_EQ((*series)[1].statics.size(), 1u);
  EXPECT_EQ((*series)[1].statics[0], "south");
  EXPECT_EQ(recipe.ColumnNames(), (std::vector<std::string>{"store", "week", "sales", "region"}));

  auto back = SeriesRecipe::FromJson(nlohmann::json::parse(recipe.ToJson().dump()));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->ToJson(), recipe.ToJson());
  EXPECT_EQ(recipe.ToJson()["problem_type"], "Forecast");
  nlohmann::json broken = recipe.ToJson();
  broken["frequency"] = "Fortnight";
  EXPECT_FALSE(SeriesRecipe::FromJson(broken).ok());
}

TEST(SeriesRecipeTest, AFeatureThatChangesWithinASeriesIsRefused) {
  auto series = Recipe().Read(*Stores({"north", "north", "east", "south", "south", "south"}));
  ASSERT_FALSE(series.ok());
  EXPECT_NE(series.status().message().find("changes within series 'S0'"), std::string::npos)
      << series.status().message();
  // A history to forecast from needs no Features.
  EXPECT_TRUE(Recipe().ReadHistory(*Stores({"north", "north", "east", "south", "south", "south"})).ok());
}

}  // namespace
}  // namespace dataml::engine::ml::forecast
