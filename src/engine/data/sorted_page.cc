#include "engine/data/sorted_page.h"

#include <arrow/api.h>
#include <arrow/array/concatenate.h>
#include <arrow/compute/api.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string_view>
#include <type_traits>

#include "core/arrow_status.h"
#include "engine/data/arrow_compute.h"
#include "engine/data/memory_pool.h"

namespace dataml::engine {
namespace {

// Keys copied out once (values and a rank: 0 a value, 1 NaN, 2 null), so that each comparison
// reads two plain vectors instead of Arrow's bitmaps.
template <typename Key>
std::vector<int64_t> SelectPage(const arrow::Array& array, Key (*key_at)(const arrow::Array&, int64_t),
                                bool descending, int64_t skip, int64_t limit) {
  const int64_t n = array.length();
  std::vector<Key> keys(static_cast<size_t>(n));
  std::vector<uint8_t> rank(static_cast<size_t>(n), 0);
  for (int64_t i = 0; i < n; ++i) {
    if (array.IsNull(i)) {
      rank[i] = 2;
      continue;
    }
    keys[i] = key_at(array, i);
    if constexpr (std::is_floating_point_v<Key>) {
      if (std::isnan(keys[i])) rank[i] = 1;
    }
  }
  auto before = [&](int64_t a, int64_t b) {
    if (rank[a] != rank[b]) return rank[a] < rank[b];
    if (rank[a] == 0 && keys[a] != keys[b]) return descending ? keys[b] < keys[a] : keys[a] < keys[b];
    return a < b;  // ties (and NaNs, and nulls) in row order
  };
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), int64_t{0});
  const int64_t end = std::min(n, skip + limit);
  if (skip >= end) return {};
  // Everything before position `skip` is placed before it, then only the page is sorted.
  if (skip > 0) std::nth_element(order.begin(), order.begin() + skip, order.end(), before);
  std::partial_sort(order.begin() + skip, order.begin() + end, order.end(), before);
  return std::vector<int64_t>(order.begin() + skip, order.begin() + end);
}

template <typename ArrowArray, typename Key>
Key Raw(const arrow::Array& array, int64_t i) {
  return static_cast<Key>(static_cast<const ArrowArray&>(array).Value(i));
}

std::string_view View(const arrow::Array& array, int64_t i) {
  return static_cast<const arrow::StringArray&>(array).GetView(i);
}

std::string_view LargeView(const arrow::Array& array, int64_t i) {
  return static_cast<const arrow::LargeStringArray&>(array).GetView(i);
}

// Any other type: Arrow's stable sort of the whole column, then the page of it.
Result<std::vector<int64_t>> SortWithArrow(const arrow::Array& array, bool descending, int64_t skip, int64_t limit) {
  DATAML_RETURN_NOT_OK(EnsureArrowCompute());
  arrow::compute::ArraySortOptions options(
      descending ? arrow::compute::SortOrder::Descending : arrow::compute::SortOrder::Ascending,
      arrow::compute::NullPlacement::AtEnd);
  DATAML_ASSIGN_OR_RETURN(auto sorted, FromArrow(arrow::compute::SortIndices(array, options), "cannot sort"));
  const auto& indices = static_cast<const arrow::UInt64Array&>(*sorted);
  std::vector<int64_t> out;
  for (int64_t k = skip; k < std::min(indices.length(), skip + limit); ++k) {
    out.push_back(static_cast<int64_t>(indices.Value(k)));
  }
  return out;
}

}  // namespace

Result<std::vector<int64_t>> SortedPage(const arrow::ChunkedArray& values, bool descending, int64_t skip,
                                        int64_t limit) {
  std::shared_ptr<arrow::Array> array;
  if (values.num_chunks() == 1) {
    array = values.chunk(0);
  } else if (values.num_chunks() == 0) {
    return std::vector<int64_t>{};
  } else {
    DATAML_ASSIGN_OR_RETURN(array, FromArrow(arrow::Concatenate(values.chunks(), DataMemoryPool()),
                                             "cannot combine a column's chunks"));
  }
  const arrow::Array& a = *array;
  switch (a.type_id()) {
    case arrow::Type::INT64:
      return SelectPage<int64_t>(a, &Raw<arrow::Int64Array, int64_t>, descending, skip, limit);
    case arrow::Type::TIMESTAMP:
      return SelectPage<int64_t>(a, &Raw<arrow::TimestampArray, int64_t>, descending, skip, limit);
    case arrow::Type::INT32:
      return SelectPage<int32_t>(a, &Raw<arrow::Int32Array, int32_t>, descending, skip, limit);
    case arrow::Type::DATE32:
      return SelectPage<int32_t>(a, &Raw<arrow::Date32Array, int32_t>, descending, skip, limit);
    case arrow::Type::DOUBLE:
      return SelectPage<double>(a, &Raw<arrow::DoubleArray, double>, descending, skip, limit);
    case arrow::Type::FLOAT:
      return SelectPage<float>(a, &Raw<arrow::FloatArray, float>, descending, skip, limit);
    case arrow::Type::BOOL:
      return SelectPage<uint8_t>(a, &Raw<arrow::BooleanArray, uint8_t>, descending, skip, limit);
    case arrow::Type::STRING:
      return SelectPage<std::string_view>(a, &View, descending, skip, limit);
    case arrow::Type::LARGE_STRING:
      return SelectPage<std::string_view>(a, &LargeView, descending, skip, limit);
    default:
      return SortWithArrow(a, descending, skip, limit);
  }
}

}  // namespace dataml::engine
