#include "engine/data/sorted_page.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "engine/data/arrow_compute.h"

namespace dataml::engine {
namespace {

// Arrow's stable sort of the whole column, the reference the selection must agree with.
std::vector<int64_t> ArrowPage(const arrow::ChunkedArray& values, bool descending, int64_t skip, int64_t limit) {
  EXPECT_TRUE(EnsureArrowCompute().ok());
  arrow::compute::ArraySortOptions options(
      descending ? arrow::compute::SortOrder::Descending : arrow::compute::SortOrder::Ascending,
      arrow::compute::NullPlacement::AtEnd);
  auto sorted = arrow::compute::SortIndices(values, options).ValueOrDie();
  const auto& indices = static_cast<const arrow::UInt64Array&>(*sorted);
  std::vector<int64_t> out;
  for (int64_t k = skip; k < std::min(indices.length(), skip + limit); ++k) out.push_back(indices.Value(k));
  return out;
}

// Few distinct values (many ties), some nulls, some NaN; two chunks.
template <typename Builder, typename Make>
std::shared_ptr<arrow::ChunkedArray> Column(Make make) {
  std::mt19937 rng(42);
  arrow::ArrayVector chunks;
  for (int c = 0; c < 2; ++c) {
    Builder builder;
    for (int i = 0; i < 700; ++i) {
      if (rng() % 13 == 0) {
        EXPECT_TRUE(builder.AppendNull().ok());
      } else {
        EXPECT_TRUE(builder.Append(make(rng)).ok());
      }
    }
    chunks.push_back(builder.Finish().ValueOrDie());
  }
  return std::make_shared<arrow::ChunkedArray>(chunks);
}

void ExpectSameAsArrow(const arrow::ChunkedArray& values) {
  const int64_t n = values.length();
  for (bool descending : {false, true}) {
    for (int64_t skip : {int64_t{0}, int64_t{1}, int64_t{25}, n / 2, n - 30, n - 1, n, n + 5}) {
      for (int64_t limit : {1, 25, 100}) {
        auto page = SortedPage(values, descending, skip, limit);
        ASSERT_TRUE(page.ok()) << page.status().message();
        EXPECT_EQ(*page, ArrowPage(values, descending, skip, limit))
            << values.type()->ToString() << (descending ? " desc" : " asc") << " skip " << skip << " limit " << limit;
      }
    }
  }
}

TEST(SortedPageTest, IntegersMatchAStableSort) {
  ExpectSameAsArrow(*Column<arrow::Int64Builder>([](std::mt19937& r) { return int64_t(r() % 50) - 25; }));
  ExpectSameAsArrow(*Column<arrow::Int32Builder>([](std::mt19937& r) { return int32_t(r() % 9); }));
}

TEST(SortedPageTest, DoublesWithNaNMatchAStableSort) {
  ExpectSameAsArrow(*Column<arrow::DoubleBuilder>([](std::mt19937& r) {
    return r() % 17 == 0 ? std::nan("") : double(r() % 40) / 4.0;
  }));
}

TEST(SortedPageTest, StringsAndBooleansMatchAStableSort) {
  ExpectSameAsArrow(*Column<arrow::StringBuilder>([](std::mt19937& r) {
    static const char* words[] = {"beta", "Alpha", "alpha", "", "gamma", "\xc3\xa9t\xc3\xa9"};
    return std::string(words[r() % 6]);
  }));
  ExpectSameAsArrow(*Column<arrow::BooleanBuilder>([](std::mt19937& r) { return r() % 2 == 0; }));
}

TEST(SortedPageTest, DatesGoThroughTheirDays) {
  arrow::Date32Builder builder;
  for (int32_t d : {19000, 18000, 19000, 17000}) ASSERT_TRUE(builder.Append(d).ok());
  ASSERT_TRUE(builder.AppendNull().ok());
  arrow::ChunkedArray values(builder.Finish().ValueOrDie());
  EXPECT_EQ(*SortedPage(values, false, 0, 10), (std::vector<int64_t>{3, 1, 0, 2, 4}));
  EXPECT_EQ(*SortedPage(values, true, 0, 10), (std::vector<int64_t>{0, 2, 1, 3, 4}));
}

}  // namespace
}  // namespace dataml::engine
