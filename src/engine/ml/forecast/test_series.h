// For the forecasting tests: reproducible Gaussian noise to add to a known series.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace dataml::engine::ml::forecast::testing {

inline std::vector<double> Noise(size_t n, double sd, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal(0, sd);
  std::vector<double> out;
  for (size_t i = 0; i < n; ++i) out.push_back(normal(rng));
  return out;
}

}  // namespace dataml::engine::ml::forecast::testing
