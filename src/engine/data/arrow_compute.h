// Arrow's aggregate and sort kernels (min_max, count_distinct, sort_indices) live in
// libarrow_compute, which registers them only once initialized; Unique, Cast and Take work without it.
#pragma once

#include <arrow/compute/initialize.h>

#include <mutex>

#include "core/arrow_status.h"

namespace dataml::engine {

inline Status EnsureArrowCompute() {
  static std::once_flag once;
  static arrow::Status status;
  std::call_once(once, [] { status = arrow::compute::Initialize(); });
  return FromArrow(status, "cannot initialize Arrow's compute functions");
}

}  // namespace dataml::engine
