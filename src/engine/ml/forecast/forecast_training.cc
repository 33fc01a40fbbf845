#include "engine/ml/forecast/forecast_training.h"

#include <chrono>

#include "engine/ml/forecast/forecaster.h"

namespace dataml::engine::ml::forecast {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

nlohmann::json ScoresJson(const BacktestScores& s) {
  if (s.series == 0) {
    return {{"mase", nullptr}, {"smape", nullptr}, {"mae", nullptr}, {"rmse", nullptr}, {"series_backtested", 0}};
  }
  return {{"mase", s.mase}, {"smape", s.smape}, {"mae", s.mae}, {"rmse", s.rmse}, {"series_backtested", s.series}};
}

}  // namespace

Result<ForecastTrainingOutcome> RunForecastTraining(const arrow::Table& table, const ForecastTrainingRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  DATAML_ASSIGN_OR_RETURN(std::vector<Series> series, request.recipe.Read(table));
  const double read_seconds = SecondsSince(started);
  const ForecastHyperparameters& hp = request.hyperparameters;
  ForecasterOptions options;
  options.algorithm = request.algorithm;
  options.horizon = request.horizon;
  options.season = hp.season_length.value_or(DefaultSeasonLength(request.recipe.rules.frequency));
  options.backtest_windows = hp.backtest_windows;
  options.threads = static_cast<unsigned>(hp.xgboost.nthread);
  options.booster = hp.xgboost;
  for (const InputColumn& f : request.recipe.features) {
    options.numeric_statics.push_back(f.type == DataType::kInteger || f.type == DataType::kFloat ||
                                      f.type == DataType::kBoolean);
  }
  const auto train_started = std::chrono::steady_clock::now();
  DATAML_ASSIGN_OR_RETURN(ForecasterTraining trained, TrainForecaster(series, options));

  int64_t periods = 0, filled = 0;
  for (const Series& s : series) {
    periods += static_cast<int64_t>(s.values.size());
    filled += s.filled;
  }
  nlohmann::json metrics = ScoresJson(trained.scores);
  metrics.erase("series_backtested");
  metrics["coverage"] = trained.coverage ? nlohmann::json(*trained.coverage) : nlohmann::json();
  nlohmann::json candidates = nlohmann::json::array();
  for (const CandidateScores& c : trained.candidates) {
    nlohmann::json entry = ScoresJson(c.scores);
    entry["algorithm"] = ForecastAlgorithmName(c.algorithm);
    entry["series_chosen"] = c.series_chosen;
    candidates.push_back(std::move(entry));
  }
  ForecastHyperparameters shown = hp;
  shown.season_length = options.season;
  ForecastTrainingOutcome out;
  out.model_json = trained.model.ToJson().dump();
  out.summary = {{"algorithm", trained.model.algorithm},
                 {"model", "forecast"},
                 {"metrics", std::move(metrics)},
                 {"candidates", std::move(candidates)},
                 {"frequency", FrequencyName(request.recipe.rules.frequency)},
                 {"horizon", request.horizon},
                 {"season_length", options.season},
                 {"backtest_windows", options.backtest_windows},
                 {"coverage_level", 0.95},
                 {"series", static_cast<int64_t>(series.size())},
                 {"series_too_short", trained.too_short},
                 {"rows", {{"read", table.num_rows()}, {"periods", periods}, {"filled", filled}}},
                 {"hyperparameters", shown.ToJson()},
                 {"timings", {{"read_series_seconds", read_seconds}, {"train_seconds", SecondsSince(train_started)}}}};
  return out;
}

}  // namespace dataml::engine::ml::forecast
