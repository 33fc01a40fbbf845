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

std::vector<double> LastSeason(std::span<const double> history, int season) {
  const size_t keep = std::min(history.size(), static_cast<size_t>(std::max(1, season)));
  return {history.end() - static_cast<std::ptrdiff_t>(keep), history.end()};
}

SeriesModel Naive(std::span<const double> history, int season) {
  SeriesModel model;
  model.season = season;
  model.last_season = LastSeason(history, season);
  return model;
}

}  // namespace

const char* ForecastAlgorithmName(ForecastAlgorithm algorithm) {
  switch (algorithm) {
    case ForecastAlgorithm::kSeasonalNaive: return "SeasonalNaive";
    case ForecastAlgorithm::kEts: return "ETS";
    case ForecastAlgorithm::kTheta: return "Theta";
  }
  return "SeasonalNaive";
}

std::optional<ForecastAlgorithm> ParseForecastAlgorithm(std::string_view name) {
  for (ForecastAlgorithm a : {ForecastAlgorithm::kSeasonalNaive, ForecastAlgorithm::kEts, ForecastAlgorithm::kTheta}) {
    if (ToLowerAscii(name) == ToLowerAscii(ForecastAlgorithmName(a))) return a;
  }
  return std::nullopt;
}

std::vector<double> SeriesModel::Forecast(int horizon) const {
  if (ets) return ets->Forecast(horizon);
  if (theta) return theta->Forecast(horizon);
  return SeasonalNaive(last_season, season, horizon);
}

SeriesModel FitSeriesModel(ForecastAlgorithm algorithm, std::span<const double> history, int season) {
  SeriesModel model = Naive(history, season);
  if (algorithm == ForecastAlgorithm::kEts) {
    auto fitted = AutoEts(history, season);
    if (fitted.ok()) {
      model.algorithm = algorithm;
      model.ets = std::move(fitted).ValueOrDie();
    }
  } else if (algorithm == ForecastAlgorithm::kTheta) {
    auto fitted = FitDynamicOptimizedTheta(history, season);
    if (fitted.ok()) {
      model.algorithm = algorithm;
      model.theta = std::move(fitted).ValueOrDie();
    }
  }
  return model;
}

Result<SeriesModel> ApplySeriesModel(const SeriesModel& fitted, std::span<const double> history) {
  if (history.empty()) return Status::InvalidArgument("the history is empty");
  SeriesModel model = fitted;
  model.last_season = LastSeason(history, fitted.season);
  if (fitted.ets) {
    auto applied = ApplyEts(*fitted.ets, history);
    if (!applied.ok()) return Status::InvalidArgument("its " + fitted.ets->spec.Name() + " model: " + applied.status().message());
    model.ets = std::move(applied).ValueOrDie();
  } else if (fitted.theta) {
    auto applied = ApplyTheta(*fitted.theta, history);
    if (!applied.ok()) return Status::InvalidArgument("its Theta model: " + applied.status().message());
    model.theta = std::move(applied).ValueOrDie();
  }
  return model;
}

nlohmann::json SeriesModel::ToJson() const {
  nlohmann::json j = {{"algorithm", ForecastAlgorithmName(algorithm)},
                      {"season", season},
                      {"last_season", Numbers(last_season)}};
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
    model.last_season = NumbersOf(j.at("last_season"));
    if (model.season < 1 || model.last_season.empty()) return Status::InvalidArgument("forecast model: no state");
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
  const bool has_state = model.algorithm == ForecastAlgorithm::kEts     ? model.ets.has_value()
                         : model.algorithm == ForecastAlgorithm::kTheta ? model.theta.has_value()
                                                                        : !model.ets && !model.theta;
  if (!has_state) return Status::InvalidArgument("forecast model: the algorithm's states are missing");
  return model;
}

}  // namespace dataml::engine::ml::forecast
