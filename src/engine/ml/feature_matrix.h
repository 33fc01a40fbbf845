// A dense, row-major matrix of model inputs: what preprocessing produces and what XGBoost, our
// tree evaluator and TreeSHAP consume. Missing values are NaN.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

namespace dataml::engine::ml {

inline constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();

struct FeatureMatrix {
  size_t rows = 0;
  size_t cols = 0;
  std::vector<float> values;  // rows * cols, row-major

  FeatureMatrix() = default;
  FeatureMatrix(size_t r, size_t c) : rows(r), cols(c), values(r * c, kMissing) {}

  float& at(size_t row, size_t col) { return values[row * cols + col]; }
  float at(size_t row, size_t col) const { return values[row * cols + col]; }
  const float* row(size_t r) const { return values.data() + r * cols; }

  // The rows at `indices`, in that order.
  FeatureMatrix Take(const std::vector<size_t>& indices) const {
    FeatureMatrix out(indices.size(), cols);
    for (size_t i = 0; i < indices.size(); ++i) {
      const float* src = row(indices[i]);
      std::copy(src, src + cols, out.values.begin() + i * cols);
    }
    return out;
  }
};

}  // namespace dataml::engine::ml
