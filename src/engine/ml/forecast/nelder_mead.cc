#include "engine/ml/forecast/nelder_mead.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace dataml::engine::ml::forecast {

Minimum NelderMead(const std::function<double(const std::vector<double>&)>& f, std::vector<double> start,
                   const std::vector<double>& step, int max_evaluations, double tolerance) {
  const size_t n = start.size();
  // The usual coefficients: reflection 1, expansion 2, contraction 1/2, shrink 1/2.
  std::vector<std::vector<double>> simplex(n + 1, start);
  for (size_t i = 0; i < n; ++i) simplex[i + 1][i] += step[i];
  std::vector<double> values(n + 1);
  Minimum out;
  auto eval = [&](const std::vector<double>& x) {
    ++out.evaluations;
    const double v = f(x);
    return std::isnan(v) ? INFINITY : v;
  };
  for (size_t i = 0; i <= n; ++i) values[i] = eval(simplex[i]);
  std::vector<size_t> order(n + 1);
  while (out.evaluations < max_evaluations) {
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return values[a] < values[b]; });
    const size_t best = order.front(), worst = order.back(), second = order[n - 1];
    if (std::isfinite(values[worst]) &&
        std::fabs(values[worst] - values[best]) <= tolerance * (std::fabs(values[best]) + tolerance)) {
      break;
    }
    std::vector<double> centroid(n, 0.0);
    for (size_t i : order) {
      if (i == worst) continue;
      for (size_t k = 0; k < n; ++k) centroid[k] += simplex[i][k] / static_cast<double>(n);
    }
    auto toward = [&](double t) {
      std::vector<double> x(n);
      for (size_t k = 0; k < n; ++k) x[k] = centroid[k] + t * (simplex[worst][k] - centroid[k]);
      return x;
    };
    std::vector<double> reflected = toward(-1.0);
    const double r = eval(reflected);
    if (r < values[best]) {
      std::vector<double> expanded = toward(-2.0);
      const double e = eval(expanded);
      if (e < r) {
        simplex[worst] = std::move(expanded);
        values[worst] = e;
      } else {
        simplex[worst] = std::move(reflected);
        values[worst] = r;
      }
      continue;
    }
    if (r < values[second]) {
      simplex[worst] = std::move(reflected);
      values[worst] = r;
      continue;
    }
    std::vector<double> contracted = r < values[worst] ? toward(-0.5) : toward(0.5);
    const double c = eval(contracted);
    if (c < std::min(r, values[worst])) {
      simplex[worst] = std::move(contracted);
      values[worst] = c;
      continue;
    }
    for (size_t i : order) {
      if (i == best) continue;
      for (size_t k = 0; k < n; ++k) simplex[i][k] = simplex[best][k] + 0.5 * (simplex[i][k] - simplex[best][k]);
      values[i] = eval(simplex[i]);
    }
  }
  const size_t best = static_cast<size_t>(std::min_element(values.begin(), values.end()) - values.begin());
  out.x = simplex[best];
  out.value = values[best];
  return out;
}

}  // namespace dataml::engine::ml::forecast
