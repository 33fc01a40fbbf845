// One page of a column's sorted order without sorting the whole column.
#pragma once

#include <arrow/chunked_array.h>

#include <cstdint>
#include <vector>

#include "core/result.h"

namespace dataml::engine {

// The row numbers at positions [skip, skip + limit) of `values` in sorted order: ascending or
// descending, NaN then nulls last in either direction, ties in row order. The same rows a stable
// sort (Arrow's SortIndices with nulls at the end) gives, found by selection: O(n) comparisons
// for any page instead of O(n log n), since a page is all a preview shows.
Result<std::vector<int64_t>> SortedPage(const arrow::ChunkedArray& values, bool descending, int64_t skip,
                                        int64_t limit);

}  // namespace dataml::engine
