// The forecast engine's methods over a set of series (bench.py writes them): each series'
// forecast, the model chosen, and the time taken (fits, backtests and forecasts; not reading or
// writing).
//
// Usage: forecast_eval <ets|theta|auto> <series.json> <forecasts.json>
//   auto: per series the lowest backtest MASE of SeasonalNaive, ETS and Theta (3 windows of h)
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <iostream>
#include <string>

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
  const auto started = std::chrono::steady_clock::now();
  for (const auto& s : input["series"]) {
    const std::string id = s["id"].get<std::string>();
    const std::vector<double> x = s["x"].get<std::vector<double>>();
    const int h = s["h"].get<int>(), m = s["m"].get<int>();
    ForecastAlgorithm algorithm = method == "ets" ? ForecastAlgorithm::kEts : ForecastAlgorithm::kTheta;
    if (method == "auto") {
      auto choice = ChooseByBacktest(x, h, 3, m, {ForecastAlgorithm::kSeasonalNaive, ForecastAlgorithm::kEts,
                                                  ForecastAlgorithm::kTheta});
      if (!choice.ok()) {
        std::cerr << "series " << id << ": " << choice.status().message() << "\n";
        return 1;
      }
      algorithm = choice->algorithm;
    }
    auto forecast = MethodOf(algorithm)(x, m, h);
    if (!forecast.ok()) {
      std::cerr << "series " << id << ": " << forecast.status().message() << "\n";
      return 1;
    }
    forecasts[id] = *forecast;
    models[id] = ForecastAlgorithmName(algorithm);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::ofstream(argv[3]) << nlohmann::json{{"forecasts", forecasts}, {"models", models}, {"seconds", seconds}}.dump();
  return 0;
}
