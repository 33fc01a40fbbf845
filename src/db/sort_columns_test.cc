#include "db/sort_columns.h"

#include <gtest/gtest.h>

namespace dataml::db {
namespace {

const SortColumns kColumns({{"id", "t.id"}, {"name", "t.name", SortColumn::kText}, {"ended", "t.ended", SortColumn::kNullable}},
                           "t.id", "t.id DESC");

using Direction = SortKey::Direction;

TEST(SortColumnsTest, NothingAskedIsTheListsDefault) { EXPECT_EQ(*kColumns.OrderBy({}), " ORDER BY t.id DESC"); }

TEST(SortColumnsTest, ADirectionAloneOrdersById) {
  EXPECT_EQ(*kColumns.OrderBy({"", Direction::kAscending}), " ORDER BY t.id ASC");
}

TEST(SortColumnsTest, TiesKeepIdOrderInTheSameDirection) {
  EXPECT_EQ(*kColumns.OrderBy({"id", Direction::kDescending}), " ORDER BY t.id DESC");
  EXPECT_EQ(*kColumns.OrderBy({"name", Direction::kUnset}), " ORDER BY (t.name IS NULL), LOWER(t.name) ASC, t.id ASC");
  EXPECT_EQ(*kColumns.OrderBy({"ended", Direction::kDescending}),
            " ORDER BY (t.ended IS NULL), t.ended DESC, t.id DESC");
}

TEST(SortColumnsTest, AnUnknownFieldIsA422NamingTheKnownOnes) {
  auto rejected = kColumns.OrderBy({"name; DROP TABLE t", Direction::kUnset});
  ASSERT_FALSE(rejected.ok());
  const FieldError e = rejected.status().field_errors().at(0);  // status() is a copy
  EXPECT_EQ(e.loc, std::vector<std::string>{"order_by"});
  EXPECT_EQ(e.msg, "Input should be 'id', 'name' or 'ended'");
  EXPECT_EQ(e.type, "literal_error");
  EXPECT_EQ(kColumns.fields(), (std::vector<std::string_view>{"id", "name", "ended"}));
}

}  // namespace
}  // namespace dataml::db
