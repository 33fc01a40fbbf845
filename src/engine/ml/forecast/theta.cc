#include "engine/ml/forecast/theta.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/ml/forecast/decomposition.h"
#include "engine/ml/forecast/nelder_mead.h"

namespace dataml::engine::ml::forecast {
namespace {

// One pass of the DOTM over `y` from level0: the sum of squared one-step errors and the final
// states.
struct Pass {
  double sse = 0;
  double level = 0, mean = 0, intercept = 0, slope = 0;
};

Pass Run(std::span<const double> y, double alpha, double theta, double level0) {
  Pass p;
  p.level = level0;
  const double decay = 1 - alpha;
  double decay_t = 1;  // (1 - alpha)^t
  for (size_t i = 0; i < y.size(); ++i) {
    const double t = static_cast<double>(i + 1);
    // The one-step forecast from the states after t - 1 values.
    double mu = p.level;
    if (i > 0) {
      mu += (1 - 1 / theta) * (decay_t * p.intercept + (1 - decay_t * decay) / alpha * p.slope);
    }
    const double e = y[i] - mu;
    p.sse += e * e;
    p.level = alpha * y[i] + decay * p.level;
    // The line through the first t values, updated.
    const double previous_mean = p.mean;
    p.mean = ((t - 1) * p.mean + y[i]) / t;
    p.slope = i == 0 ? 0 : ((t - 2) / t) * p.slope + 6 / (t * (t + 1)) * (y[i] - previous_mean);
    p.intercept = p.mean - (t + 1) / 2 * p.slope;
    decay_t *= decay;
  }
  return p;
}

double Autocorrelation(std::span<const double> y, size_t lag, double mean, double variance) {
  double sum = 0;
  for (size_t t = lag; t < y.size(); ++t) sum += (y[t] - mean) * (y[t - lag] - mean);
  return sum / variance;
}

// `y` seasonally adjusted when `seasonal`, the model's indices and their kind set from it:
// multiplicative where it can be (positive values, no index near 0), else additive, as
// statsforecast decides.
std::vector<double> Deseasonalize(std::span<const double> y, ThetaModel& model, bool seasonal) {
  std::vector<double> adjusted(y.begin(), y.end());
  model.next_seasonal.clear();
  model.additive_season = false;
  if (!seasonal) return adjusted;
  const size_t m = static_cast<size_t>(model.season);
  const bool positive = std::all_of(y.begin(), y.end(), [](double v) { return v > 0; });
  std::vector<double> indices = SeasonalIndices(y, m, positive);
  model.additive_season = !positive || std::any_of(indices.begin(), indices.end(), [](double s) { return s < 0.01; });
  if (model.additive_season && positive) indices = SeasonalIndices(y, m, false);
  for (size_t t = 0; t < adjusted.size(); ++t) {
    adjusted[t] = model.additive_season ? adjusted[t] - indices[t % m] : adjusted[t] / indices[t % m];
  }
  for (size_t h = 0; h < m; ++h) model.next_seasonal.push_back(indices[(y.size() + h) % m]);
  return adjusted;
}

void SetStates(ThetaModel& model, const std::vector<double>& adjusted) {
  const Pass pass = Run(adjusted, model.alpha, model.theta, model.level0);
  model.level = pass.level;
  model.intercept = pass.intercept;
  model.slope = pass.slope;
  model.n = adjusted.size();
  model.mse = pass.sse / static_cast<double>(adjusted.size());
}

}  // namespace

bool SeasonalityTest(std::span<const double> y, int season) {
  const size_t m = static_cast<size_t>(std::max(1, season));
  if (m < 4 || y.size() < 2 * m) return false;
  double mean = 0;
  for (double v : y) mean += v / static_cast<double>(y.size());
  double variance = 0;
  for (double v : y) variance += (v - mean) * (v - mean);
  if (!(variance > 0)) return false;
  double sum_squares = 0;
  for (size_t k = 1; k < m; ++k) {
    const double r = Autocorrelation(y, k, mean, variance);
    sum_squares += r * r;
  }
  const double limit = 1.645 * std::sqrt((1 + 2 * sum_squares) / static_cast<double>(y.size()));
  return std::fabs(Autocorrelation(y, m, mean, variance)) > limit;
}

std::vector<double> ThetaModel::Forecast(int horizon) const {
  std::vector<double> out;
  const double decay_n = std::pow(1 - alpha, static_cast<double>(n));
  for (int h = 1; h <= horizon; ++h) {
    double f = level + (1 - 1 / theta) * (decay_n * intercept + ((h - 1) + (1 - decay_n * (1 - alpha)) / alpha) * slope);
    if (!next_seasonal.empty()) {
      const double s = next_seasonal[static_cast<size_t>(h - 1) % next_seasonal.size()];
      f = additive_season ? f + s : f * s;
    }
    out.push_back(f);
  }
  return out;
}

Result<ThetaModel> FitDynamicOptimizedTheta(std::span<const double> y, int season) {
  if (y.size() < 3) return Status::InvalidArgument("the Theta method needs at least 3 values");
  ThetaModel model;
  model.season = std::max(1, season);
  std::vector<double> adjusted = Deseasonalize(y, model, SeasonalityTest(y, season));
  auto objective = [&](const std::vector<double>& x) {
    const double alpha = x[0], theta = x[1];
    if (!(alpha >= 0.1 && alpha <= 0.99) || !(theta >= 1 && theta < 1e10)) return std::numeric_limits<double>::infinity();
    return Run(adjusted, alpha, theta, x[2]).sse;
  };
  const double level0 = adjusted.front() / 2;  // statsforecast's start
  const Minimum best = NelderMead(objective, {0.5, 2.0, level0}, {0.1, 0.5, 0.1 * std::fabs(level0) + 1e-3});
  if (!std::isfinite(best.value)) return Status::InvalidArgument("the Theta method found no fit");
  model.alpha = best.x[0];
  model.theta = best.x[1];
  model.level0 = best.x[2];
  SetStates(model, adjusted);
  return model;
}

Result<ThetaModel> ApplyTheta(const ThetaModel& fitted, std::span<const double> y) {
  if (y.size() < 3) return Status::InvalidArgument("the Theta method needs at least 3 values");
  ThetaModel model = fitted;
  const bool seasonal = !fitted.next_seasonal.empty() && y.size() >= 2 * static_cast<size_t>(fitted.season);
  std::vector<double> adjusted = Deseasonalize(y, model, seasonal);
  model.level0 = adjusted.front() / 2;  // the fitted start belongs to the fitted history
  SetStates(model, adjusted);
  return model;
}

}  // namespace dataml::engine::ml::forecast
