#include "engine/ml/forecast/series_model.h"

#include <algorithm>
#include <cmath>

#include "core/text.h"
#include "engine/ml/forecast/seasonal_naive.h"

namespace dataml::engine::ml::forecast {
namespace {

// JSON has no NaN or infinity: such a number is stored as null and read back as NaN.
nlohmann::json Number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }
double NumberOf(const nlohmann::json& j) { return j.is_null() ? NAN : j.get<double>(); }
nlohmann::json Numbers(const std::vector<double>& values) {
  nlohmann::json out = nlohmann::json::array();
  for (double v : values) out.push_back(Number(v));
  return out;
}
std::vector<double> NumbersOf(const nlohmann::json& j) {
  std::vector<double> out;
  for (const nlohmann::json& v : j) out.push_back(NumberOf(v));
  return out;
}

char ComponentLetter(Component c) { return c == Component::kNone ? 'N' : c == Component::kAdditive ? 'A' : 'M'; }
std::optional<Component> ComponentOf(const std::string& letter) {
  if (letter == "N") return Component::kNone;
  if (letter == "A") return Component::kAdditive;
  if (letter == "M") return Component::kMultiplicative;
  return std::nullopt;
}

std::vector<double> Tail(std::span<const double> history, size_t keep) {
  keep = std::min(history.size(), keep);
  return {history.end() - static_cast<std::ptrdiff_t>(keep), history.end()};
}

std::vector<double> Mean(const std::vector<std::vector<double>>& members, int horizon) {
  std::vector<double> out(static_cast<size_t>(horizon), 0.0);
  for (const auto& m : members) {
    for (size_t k = 0; k < out.size(); ++k) out[k] += m[k] / static_cast<double>(members.size());
  }
  return out;
}

}  // namespace

const char* ForecastAlgorithmName(ForecastAlgorithm algorithm) {
  switch (algorithm) {
    case ForecastAlgorithm::kSeasonalNaive: return "SeasonalNaive";
    case ForecastAlgorithm::kEts: return "ETS";
    case ForecastAlgorithm::kTheta: return "Theta";
    case ForecastAlgorithm::kXGBoost: return "XGBoost";
    case ForecastAlgorithm::kEnsemble: return "Ensemble";
  }
  return "SeasonalNaive";
}

std::optional<ForecastAlgorithm> ParseForecastAlgorithm(std::string_view name) {
  for (ForecastAlgorithm a : {ForecastAlgorithm::kSeasonalNaive, ForecastAlgorithm::kEts, ForecastAlgorithm::kTheta,
                              ForecastAlgorithm::kXGBoost, ForecastAlgorithm::kEnsemble}) {
    if (ToLowerAscii(name) == ToLowerAscii(ForecastAlgorithmName(a))) return a;
  }
  return std::nullopt;
}

std::vector<double> SeriesModel::Forecast(int horizon, const std::vector<double>* global) const {
  switch (algorithm) {
    case ForecastAlgorithm::kEts:
      if (ets) return ets->Forecast(horizon);
      break;
    case ForecastAlgorithm::kTheta:
      if (theta) return theta->Forecast(horizon);
      break;
    case ForecastAlgorithm::kXGBoost:
      if (global != nullptr) return *global;
      break;
    case ForecastAlgorithm::kEnsemble: {
      std::vector<std::vector<double>> members;
      if (ets) members.push_back(ets->Forecast(horizon));
      if (theta) members.push_back(theta->Forecast(horizon));
      if (global != nullptr) members.push_back(*global);
      if (!members.empty()) return Mean(members, horizon);
      break;
    }
    case ForecastAlgorithm::kSeasonalNaive: break;
  }
  const std::span<const double> last(tail);
  return SeasonalNaive(last.last(std::min(last.size(), static_cast<size_t>(std::max(1, season)))), season, horizon);
}

SeriesModel FitSeriesModel(ForecastAlgorithm algorithm, std::span<const double> history, int season, size_t memory) {
  SeriesModel model;
  model.season = season;
  model.tail = Tail(history, std::max(memory, static_cast<size_t>(std::max(1, season))));
  if (algorithm == ForecastAlgorithm::kEts || algorithm == ForecastAlgorithm::kEnsemble) {
    auto fitted = AutoEts(history, season);
    if (fitted.ok()) model.ets = std::move(fitted).ValueOrDie();
  }
  if (algorithm == ForecastAlgorithm::kTheta || algorithm == ForecastAlgorithm::kEnsemble) {
    auto fitted = FitDynamicOptimizedTheta(history, season);
    if (fitted.ok()) model.theta = std::move(fitted).ValueOrDie();
  }
  // A method that could not fit leaves the series to SeasonalNaive; the global ones always fit.
  const bool fitted = algorithm == ForecastAlgorithm::kEts     ? model.ets.has_value()
                      : algorithm == ForecastAlgorithm::kTheta ? model.theta.has_value()
                                                               : true;
  if (fitted) model.algorithm = algorithm;
  return model;
}

Result<SeriesModel> ApplySeriesModel(const SeriesModel& fitted, std::span<const double> history, size_t memory) {
  if (history.empty()) return Status::InvalidArgument("the history is empty");
  SeriesModel model = fitted;
  model.tail = Tail(history, std::max(memory, static_cast<size_t>(std::max(1, fitted.season))));
  if (fitted.ets) {
    auto applied = ApplyEts(*fitted.ets, history);
    if (!applied.ok()) return Status::InvalidArgument("its " + fitted.ets->spec.Name() + " model: " + applied.status().message());
    model.ets = std::move(applied).ValueOrDie();
  }
  if (fitted.theta) {
    auto applied = ApplyTheta(*fitted.theta, history);
    if (!applied.ok()) return Status::InvalidArgument("its Theta model: " + applied.status().message());
    model.theta = std::move(applied).ValueOrDie();
  }
  return model;
}

nlohmann::json SeriesModel::ToJson() const {
  nlohmann::json j = {{"algorithm", ForecastAlgorithmName(algorithm)},
                      {"season", season},
                      {"tail", Numbers(tail)}};
  if (UsesBooster(algorithm)) {
    j["booster_scale"] = booster_scale;
    j["statics"] = statics;  // NaN (missing) is stored as null
  }
  if (ets) {
    j["ets"] = {{"error", std::string(1, ComponentLetter(ets->spec.error))},
                {"trend", std::string(1, ComponentLetter(ets->spec.trend))},
                {"damped", ets->spec.damped},
                {"season", std::string(1, ComponentLetter(ets->spec.season))},
                {"period", ets->season},
                {"alpha", Number(ets->alpha)},
                {"beta", Number(ets->beta)},
                {"gamma", Number(ets->gamma)},
                {"phi", Number(ets->phi)},
                {"level", Number(ets->level)},
                {"trend_state", Number(ets->trend)},
                {"next_seasonal", Numbers(ets->next_seasonal)},
                {"aicc", Number(ets->aicc)}};
  }
  if (theta) {
    j["theta"] = {{"period", theta->season},
                  {"alpha", Number(theta->alpha)},
                  {"theta", Number(theta->theta)},
                  {"level0", Number(theta->level0)},
                  {"level", Number(theta->level)},
                  {"intercept", Number(theta->intercept)},
                  {"slope", Number(theta->slope)},
                  {"n", theta->n},
                  {"next_seasonal", Numbers(theta->next_seasonal)},
                  {"additive_season", theta->additive_season},
                  {"mse", Number(theta->mse)}};
  }
  return j;
}

Result<SeriesModel> SeriesModel::FromJson(const nlohmann::json& j) {
  SeriesModel model;
  try {
    auto algorithm = ParseForecastAlgorithm(j.at("algorithm").get<std::string>());
    if (!algorithm) return Status::InvalidArgument("forecast model: unknown algorithm");
    model.algorithm = *algorithm;
    model.season = j.at("season").get<int>();
    model.tail = NumbersOf(j.at("tail"));
    if (model.season < 1 || model.tail.empty()) return Status::InvalidArgument("forecast model: no state");
    if (UsesBooster(model.algorithm)) {
      model.booster_scale = j.at("booster_scale").get<double>();
      for (const nlohmann::json& v : j.at("statics")) model.statics.push_back(v.is_null() ? NAN : v.get<float>());
    }
    if (j.contains("ets")) {
      const nlohmann::json& e = j["ets"];
      EtsModel ets;
      auto error = ComponentOf(e.at("error").get<std::string>()), trend = ComponentOf(e.at("trend").get<std::string>());
      auto season = ComponentOf(e.at("season").get<std::string>());
      if (!error || !trend || !season) return Status::InvalidArgument("forecast model: unknown ETS component");
      ets.spec = {*error, *trend, e.at("damped").get<bool>(), *season};
      ets.season = e.at("period").get<int>();
      ets.alpha = NumberOf(e.at("alpha"));
      ets.beta = NumberOf(e.at("beta"));
      ets.gamma = NumberOf(e.at("gamma"));
      ets.phi = NumberOf(e.at("phi"));
      ets.level = NumberOf(e.at("level"));
      ets.trend = NumberOf(e.at("trend_state"));
      ets.next_seasonal = NumbersOf(e.at("next_seasonal"));
      ets.aicc = NumberOf(e.at("aicc"));
      if (*season != Component::kNone && ets.next_seasonal.empty())
        return Status::InvalidArgument("forecast model: a seasonal ETS model without its season");
      model.ets = std::move(ets);
    }
    if (j.contains("theta")) {
      const nlohmann::json& t = j["theta"];
      ThetaModel theta;
      theta.season = t.at("period").get<int>();
      theta.alpha = NumberOf(t.at("alpha"));
      theta.theta = NumberOf(t.at("theta"));
      theta.level0 = NumberOf(t.at("level0"));
      theta.level = NumberOf(t.at("level"));
      theta.intercept = NumberOf(t.at("intercept"));
      theta.slope = NumberOf(t.at("slope"));
      theta.n = t.at("n").get<size_t>();
      theta.next_seasonal = NumbersOf(t.at("next_seasonal"));
      theta.additive_season = t.at("additive_season").get<bool>();
      theta.mse = NumberOf(t.at("mse"));
      model.theta = std::move(theta);
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(std::string("forecast model: ") + e.what());
  }
  const bool has_state = model.algorithm == ForecastAlgorithm::kEts             ? model.ets.has_value()
                         : model.algorithm == ForecastAlgorithm::kTheta         ? model.theta.has_value()
                         : model.algorithm == ForecastAlgorithm::kSeasonalNaive ? !model.ets && !model.theta
                                                                                : true;
  if (!has_state) return Status::InvalidArgument("forecast model: the algorithm's states are missing");
  return model;
}

}  // namespace dataml::engine::ml::forecast
