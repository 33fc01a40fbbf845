#include "engine/ml/forecast/ets.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "engine/ml/forecast/decomposition.h"
#include "engine/ml/forecast/nelder_mead.h"

namespace dataml::engine::ml::forecast {
namespace {

constexpr double kInfeasible = std::numeric_limits<double>::infinity();

char Letter(Component c) { return c == Component::kNone ? 'N' : c == Component::kAdditive ? 'A' : 'M'; }

// The free parameters, in the optimiser's order: alpha, [beta], [gamma], [phi], level0, [trend0].
struct Layout {
  bool trend, season, damped;
  size_t size() const { return 2 + trend * 2 + season + damped; }
};

struct Parameters {
  double alpha = 0, beta = 0, gamma = 0, phi = 1, level = 0, trend = 0;
};

Parameters Unpack(const Layout& layout, const std::vector<double>& x) {
  Parameters p;
  size_t i = 0;
  p.alpha = x[i++];
  if (layout.trend) p.beta = x[i++];
  if (layout.season) p.gamma = x[i++];
  if (layout.damped) p.phi = x[i++];
  p.level = x[i++];
  if (layout.trend) p.trend = x[i++];
  return p;
}

// The usual region: 0 < beta < alpha < 1, 0 < gamma < 1 - alpha, 0.8 <= phi <= 0.98.
bool Admissible(const Layout& layout, const Parameters& p) {
  constexpr double kLow = 1e-4, kHigh = 1 - 1e-4;
  if (!(p.alpha > kLow && p.alpha < kHigh)) return false;
  if (layout.trend && !(p.beta > kLow && p.beta < p.alpha)) return false;
  if (layout.season && !(p.gamma > kLow && p.gamma < 1 - p.alpha)) return false;
  if (layout.damped && !(p.phi >= 0.8 && p.phi <= 0.98)) return false;
  return std::isfinite(p.level) && std::isfinite(p.trend);
}

struct Run {
  double sse = 0;          // of errors (additive) or relative errors (multiplicative)
  double log_fitted = 0;   // sum of log |fitted| (multiplicative error)
  double level = 0, trend = 0;
  std::vector<double> seasonal;  // ring: seasonal[t % m] is period t's index (from a season earlier)
  bool ok = true;
};

// Runs the model over `y` from the initial states.
Run Filter(const EtsSpec& spec, int m, const Parameters& p, const std::vector<double>& initial_seasonal,
           std::span<const double> y) {
  Run run;
  run.level = p.level;
  run.trend = p.trend;
  run.seasonal = initial_seasonal;
  const bool multiplicative_error = spec.error == Component::kMultiplicative;
  for (size_t t = 0; t < y.size(); ++t) {
    const double growth = spec.trend == Component::kNone ? 0 : (spec.damped ? p.phi : 1.0) * run.trend;
    const double base = run.level + growth;
    const size_t at = m > 1 ? t % static_cast<size_t>(m) : 0;
    double s = spec.season == Component::kMultiplicative ? 1.0 : 0.0;
    if (spec.season != Component::kNone) s = run.seasonal[at];
    const double fitted = spec.season == Component::kMultiplicative ? base * s : base + s;
    if (!std::isfinite(fitted) || ((multiplicative_error || spec.season == Component::kMultiplicative) &&
                                   (fitted <= 0 || base <= 0))) {
      run.ok = false;
      return run;
    }
    double level = 0, trend = 0, season = s;
    if (!multiplicative_error) {
      const double e = y[t] - fitted;
      run.sse += e * e;
      if (spec.season == Component::kMultiplicative) {
        level = base + p.alpha * e / s;
        trend = growth + p.beta * e / s;
        season = s + p.gamma * e / base;
      } else {
        level = base + p.alpha * e;
        trend = growth + p.beta * e;
        season = s + p.gamma * e;
      }
    } else {
      const double e = (y[t] - fitted) / fitted;
      run.sse += e * e;
      run.log_fitted += std::log(std::fabs(fitted));
      if (spec.season == Component::kAdditive) {
        const double q = base + s;
        level = base + p.alpha * q * e;
        trend = growth + p.beta * q * e;
        season = s + p.gamma * q * e;
      } else {
        level = base * (1 + p.alpha * e);
        trend = growth + p.beta * base * e;
        season = s * (1 + p.gamma * e);
      }
    }
    run.level = level;
    run.trend = trend;
    if (spec.season != Component::kNone) run.seasonal[at] = season;
  }
  return run;
}

// -2 log likelihood, up to a constant shared by every model of the same data.
double Criterion(const Run& run, size_t n) {
  if (!run.ok || !(run.sse > 0) || !std::isfinite(run.sse)) return run.ok && run.sse == 0 ? -1e12 : kInfeasible;
  return static_cast<double>(n) * std::log(run.sse / static_cast<double>(n)) + 2 * run.log_fitted;
}

struct Start {
  std::vector<double> seasonal;  // the first season's indices, in time order
  double level = 0, trend = 0;
};

// Initial states as in Hyndman et al. (2008, 2.6.1): seasonal indices from a classical
// decomposition of the first (up to three) seasons, then level and trend from a line through
// the first seasonally adjusted values.
Start InitialStates(std::span<const double> y, const EtsSpec& spec, size_t m) {
  Start start;
  std::vector<double> adjusted(y.begin(), y.end());
  if (spec.season != Component::kNone) {
    const bool multiplicative = spec.season == Component::kMultiplicative;
    start.seasonal = SeasonalIndices(y.first(std::min(y.size(), 3 * m)), m, multiplicative);
    for (size_t t = 0; t < adjusted.size(); ++t) {
      adjusted[t] = multiplicative ? y[t] / start.seasonal[t % m] : y[t] - start.seasonal[t % m];
    }
  }
  const size_t k = std::min(adjusted.size(), std::max<size_t>(10, 2 * m));
  if (spec.trend == Component::kNone) {
    for (size_t t = 0; t < k; ++t) start.level += adjusted[t] / static_cast<double>(k);
    return start;
  }
  // Least squares line through (t, adjusted[t]), t = 1..k; the level is its value at t = 0.
  double st = 0, sy = 0, stt = 0, sty = 0;
  for (size_t i = 0; i < k; ++i) {
    const double t = static_cast<double>(i + 1);
    st += t;
    sy += adjusted[i];
    stt += t * t;
    sty += t * adjusted[i];
  }
  const double denominator = static_cast<double>(k) * stt - st * st;
  start.trend = denominator != 0 ? (static_cast<double>(k) * sty - st * sy) / denominator : 0;
  start.level = (sy - start.trend * st) / static_cast<double>(k);
  return start;
}

}  // namespace

std::string EtsSpec::Name() const {
  std::string trend_name(1, Letter(trend));
  if (damped) trend_name += 'd';
  return std::string("ETS(") + Letter(error) + "," + trend_name + "," + Letter(season) + ")";
}

std::vector<double> EtsModel::Forecast(int horizon) const {
  std::vector<double> out;
  double damping = 0;  // phi + phi^2 + ... + phi^h
  double phi_power = 1;
  for (int h = 1; h <= horizon; ++h) {
    phi_power *= spec.damped ? phi : 1.0;
    damping += spec.damped ? phi_power : 1.0;
    const double base = level + (spec.trend == Component::kNone ? 0 : damping * trend);
    const double s =
        spec.season == Component::kNone ? 0 : next_seasonal[static_cast<size_t>(h - 1) % next_seasonal.size()];
    out.push_back(spec.season == Component::kMultiplicative ? base * s : base + s);
  }
  return out;
}

Result<EtsModel> FitEts(std::span<const double> y, int season, const EtsSpec& spec) {
  const size_t n = y.size();
  const size_t m = spec.season == Component::kNone ? 1 : static_cast<size_t>(std::max(1, season));
  if (spec.season != Component::kNone && (m < 2 || n < 2 * m))
    return Status::InvalidArgument(spec.Name() + " needs two whole seasons of " + std::to_string(m) + " periods");
  if (spec.damped && spec.trend == Component::kNone) return Status::InvalidArgument("a damped model needs a trend");
  const bool multiplicative = spec.error == Component::kMultiplicative || spec.season == Component::kMultiplicative;
  if (multiplicative && std::any_of(y.begin(), y.end(), [](double v) { return !(v > 0); }))
    return Status::InvalidArgument(spec.Name() + " needs positive values");
  const Layout layout{spec.trend != Component::kNone, spec.season != Component::kNone, spec.damped};
  // Parameters estimated: the smoothing weights, the initial level and trend, the m - 1 free
  // seasonal indices and the error variance.
  const size_t k = layout.size() + (layout.season ? m - 1 : 0) + 1;
  if (n <= k + 1) return Status::InvalidArgument(spec.Name() + " has more parameters than the series has periods");

  const Start start = InitialStates(y, spec, m);
  // Start values and first steps, in Layout's order.
  std::vector<double> x, step;
  auto free = [&](bool present, double value, double first_step) {
    if (!present) return;
    x.push_back(value);
    step.push_back(first_step);
  };
  free(true, 0.2, 0.1);                  // alpha
  free(layout.trend, 0.05, 0.03);        // beta
  free(layout.season, 0.05, 0.03);       // gamma
  free(layout.damped, 0.95, 0.02);       // phi
  free(true, start.level, 0.1 * std::fabs(start.level) + 1e-3);
  free(layout.trend, start.trend, 0.1 * std::fabs(start.trend) + 1e-3);
  const int m_int = static_cast<int>(m);
  auto objective = [&](const std::vector<double>& candidate) {
    const Parameters p = Unpack(layout, candidate);
    if (!Admissible(layout, p)) return kInfeasible;
    return Criterion(Filter(spec, m_int, p, start.seasonal, y), n);
  };
  const Minimum best = NelderMead(objective, x, step);
  if (!std::isfinite(best.value)) return Status::InvalidArgument(spec.Name() + " found no admissible fit");
  const Parameters p = Unpack(layout, best.x);
  const Run run = Filter(spec, m_int, p, start.seasonal, y);

  EtsModel model;
  model.spec = spec;
  model.season = static_cast<int>(m);
  model.alpha = p.alpha;
  model.beta = p.beta;
  model.gamma = p.gamma;
  model.phi = p.phi;
  model.level = run.level;
  model.trend = run.trend;
  if (layout.season) {
    for (size_t h = 0; h < m; ++h) model.next_seasonal.push_back(run.seasonal[(n + h) % m]);
  }
  const double kd = static_cast<double>(k), nd = static_cast<double>(n);
  model.aicc = best.value + 2 * kd + 2 * kd * (kd + 1) / (nd - kd - 1);
  return model;
}

Result<EtsModel> ApplyEts(const EtsModel& fitted, std::span<const double> y) {
  const EtsSpec& spec = fitted.spec;
  const size_t m = static_cast<size_t>(std::max(1, fitted.season));
  if (y.empty()) return Status::InvalidArgument("the history is empty");
  if (spec.season != Component::kNone && y.size() < 2 * m)
    return Status::InvalidArgument(spec.Name() + " needs two whole seasons of " + std::to_string(m) + " periods");
  const bool multiplicative = spec.error == Component::kMultiplicative || spec.season == Component::kMultiplicative;
  if (multiplicative && std::any_of(y.begin(), y.end(), [](double v) { return !(v > 0); }))
    return Status::InvalidArgument(spec.Name() + " needs positive values");
  const Start start = InitialStates(y, spec, m);
  Parameters p{fitted.alpha, fitted.beta, fitted.gamma, fitted.phi, start.level, start.trend};
  const Run run = Filter(spec, static_cast<int>(m), p, start.seasonal, y);
  if (!run.ok) return Status::InvalidArgument(spec.Name() + " cannot follow this history");
  EtsModel model = fitted;
  model.level = run.level;
  model.trend = run.trend;
  model.next_seasonal.clear();
  if (spec.season != Component::kNone) {
    for (size_t h = 0; h < m; ++h) model.next_seasonal.push_back(run.seasonal[(y.size() + h) % m]);
  }
  return model;
}

Result<EtsModel> AutoEts(std::span<const double> y, int season) {
  std::optional<EtsModel> best;
  Status last = Status::InvalidArgument("no model fits the series");
  for (Component error : {Component::kAdditive, Component::kMultiplicative}) {
    for (int trend = 0; trend < 3; ++trend) {
      for (Component s : {Component::kNone, Component::kAdditive, Component::kMultiplicative}) {
        if (s != Component::kNone && season <= 1) continue;
        // Additive errors with a multiplicative season have infinite variance: left out, as
        // the forecast package's restrict and statsforecast do.
        if (error == Component::kAdditive && s == Component::kMultiplicative) continue;
        EtsSpec spec{error, trend == 0 ? Component::kNone : Component::kAdditive, trend == 2, s};
        auto fitted = FitEts(y, season, spec);
        if (!fitted.ok()) {
          last = fitted.status();
          continue;
        }
        if (!best || fitted->aicc < best->aicc) best = std::move(fitted).ValueOrDie();
      }
    }
  }
  if (!best) return last;
  return *best;
}

}  // namespace dataml::engine::ml::forecast
