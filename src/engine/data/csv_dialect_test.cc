#include "engine/data/csv_dialect.h"

#include <gtest/gtest.h>

namespace dataml::engine {
namespace {

TEST(CsvDialectTest, DetectsDelimiters) {
  EXPECT_EQ(SniffCsvDialect("a,b,c\n1,2,3\n")->delimiter, ',');
  EXPECT_EQ(SniffCsvDialect("a;b;c\n1,5;2;3\n")->delimiter, ';');
  EXPECT_EQ(SniffCsvDialect("a\tb\n1\t2\n")->delimiter, '\t');
  EXPECT_EQ(SniffCsvDialect("a|b|c\n1|2|3\n")->delimiter, '|');
  // Commas inside quotes do not count.
  EXPECT_EQ(SniffCsvDialect("\"a,x\";b\n\"1,2\";3\n")->delimiter, ';');
}

TEST(CsvDialectTest, ReadsTheHeader) {
  auto d = SniffCsvDialect("\xEF\xBB\xBF\"id\", name ,\"a, \"\"b\"\"\"\r\n1,2,3\r\n");
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_TRUE(d->has_bom);
  EXPECT_EQ(d->header, (std::vector<std::string>{"id", "name", "a, \"b\""}));
}

TEST(CsvDialectTest, RejectsUnusableHeaders) {
  EXPECT_FALSE(SniffCsvDialect("").ok());
  EXPECT_FALSE(SniffCsvDialect("\xEF\xBB\xBF").ok());
  EXPECT_FALSE(SniffCsvDialect("a,,c\n").ok());
  EXPECT_FALSE(SniffCsvDialect("a,b,A\n").ok());
  EXPECT_FALSE(SniffCsvDialect("a,\xff\n").ok());
  EXPECT_FALSE(SniffCsvDialect("id,\"na\nme\",x\n1,2,3\n").ok());  // a line break in a name
  EXPECT_FALSE(SniffCsvDialect("a,b,c", /*whole_file=*/false).ok());  // the header goes on
  EXPECT_TRUE(SniffCsvDialect("a,b,c", /*whole_file=*/true).ok());
  EXPECT_TRUE(SniffCsvDialect("a,b\n1,2222", /*whole_file=*/false).ok());
}

}  // namespace
}  // namespace dataml::engine
