// The forecast engine's methods over a set of series (bench.py writes them): each series'
// forecast with its conformal intervals at 80% and 95% (backtest errors of the series' method,
// scaled by the series' MASE scale, pooled per step over all series), the model chosen, and the
// time taken (fits, backtests and forecasts; not reading or writing).
//
// Usage: forecast_eval <ets|theta|auto> <series.json> <forecasts.json>
//   auto: per series the lowest backtest MASE of SeasonalNaive, ETS and Theta (3 windows of h)
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <string>

#include "engine/ml/forecast/accuracy.h"
#include "engine/ml/forecast/auto_select.h"

using namespace dataml::engine::ml::forecast;

int main(int argc, char** argv) {
  const std::string method = argc == 4 ? argv[1] : "";
  if (method != "ets" && method != "theta" && method != "auto") {
    std::cerr << "usage: forecast_eval <ets|theta|auto> <series.json> <forecasts.json>\n";
    return 2;
  }
  std::ifstream in(argv[2]);
  const nlohmann::json input = nlohmann::json::parse(in);
  nlohmann::json forecasts = nlohmann::json::object(), models = nlohmann::json::object();
  nlohmann::json intervals = nlohmann::json::object();
  const auto started = std::chrono::steady_clock::now();
  int horizon = 0;
  for (const auto& s : input["series"]) horizon = std::max(horizon, s["h"].get<int>());
  Calibration calibration(horizon);
  struct Done {
    std::string id;
    std::vector<double> forecast;
    double scale;
  };
  std::vector<Done> done;
  for (const auto& s : input["series"]) {
    const std::string id = s["id"].get<std::string>();
    const std::vector<double> x = s["x"].get<std::vector<double>>();
    const int h = s["h"].get<int>(), m = s["m"].get<int>();
    ForecastAlgorithm algorithm = method == "ets" ? ForecastAlgorithm::kEts : ForecastAlgorithm::kTheta;
    std::vector<ForecastAlgorithm> candidates = {algorithm};
    if (method == "auto") {
      candidates = {ForecastAlgorithm::kSeasonalNaive, ForecastAlgorithm::kEts, ForecastAlgorithm::kTheta};
    }
    auto choice = ChooseByBacktest(x, h, 3, m, candidates);
    if (!choice.ok()) {
      std::cerr << "series " << id << ": " << choice.status().message() << "\n";
      return 1;
    }
    algorithm = choice->backtest ? choice->algorithm : algorithm;
    if (choice->backtest) calibration.Add(*choice->backtest);
    auto forecast = MethodOf(algorithm)(x, m, h);
    if (!forecast.ok()) {
      std::cerr << "series " << id << ": " << forecast.status().message() << "\n";
      return 1;
    }
    forecasts[id] = *forecast;
    models[id] = ForecastAlgorithmName(algorithm);
    done.push_back({id, *forecast, MaseScale(x, m)});
  }
  for (const Done& d : done) {
    nlohmann::json levels = nlohmann::json::object();
    for (double level : {0.8, 0.95}) {
      std::vector<double> lower, upper;
      for (size_t k = 0; k < d.forecast.size(); ++k) {
        const double half = calibration.HalfWidth(static_cast<int>(k), level) * d.scale;
        lower.push_back(d.forecast[k] - half);
        upper.push_back(d.forecast[k] + half);
      }
      levels[level == 0.8 ? "80" : "95"] = {{"lower", lower}, {"upper", upper}};
    }
    intervals[d.id] = levels;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::ofstream(argv[3]) << nlohmann::json{{"forecasts", forecasts}, {"intervals", intervals}, {"models", models},
                                          {"seconds", seconds}}
                                .dump();
  return 0;
}
