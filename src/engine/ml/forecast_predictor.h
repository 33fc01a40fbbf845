// A Forecast model as a Predictor: its series recipe (the preprocess blob) and its forecaster
// (the model blob). It forecasts series; it does not predict rows.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "engine/ml/forecast/forecaster.h"
#include "engine/ml/forecast/series_recipe.h"
#include "engine/ml/predictor.h"

namespace dataml::engine::ml {

class ForecastPredictor final : public Predictor {
 public:
  // InvalidArgument when either is malformed or they do not belong together.
  static Result<std::shared_ptr<const ForecastPredictor>> Make(const nlohmann::json& recipe, const std::string& model_text);

  ProblemType problem_type() const override { return ProblemType::kForecast; }
  const std::vector<InputColumn>& inputs() const override { return recipe_.features; }
  const InputColumn& target() const override { return recipe_.target; }
  const std::vector<std::string>& classes() const override { return no_classes_; }

  Result<RowPrediction> PredictRow(const nlohmann::json& features) const override;
  Result<RowExplanation> ExplainRow(const nlohmann::json& features, size_t top) const override;
  Result<std::vector<float>> PredictTable(const arrow::Table& table, unsigned threads,
                                          TableTimings* timings = nullptr) const override;
  Result<std::vector<float>> EncodeTarget(const arrow::Table& table, float unknown_as) const override;
  Result<std::vector<ForecastedPeriod>> Forecast(const ForecastQuery& query) const override;

  const forecast::SeriesRecipe& recipe() const { return recipe_; }
  const forecast::ForecastModel& model() const { return model_; }

 private:
  ForecastPredictor(forecast::SeriesRecipe recipe, forecast::ForecastModel model)
      : recipe_(std::move(recipe)), model_(std::move(model)) {}

  Status NotRows() const;

  forecast::SeriesRecipe recipe_;
  forecast::ForecastModel model_;
  std::vector<std::string> no_classes_;
};

}  // namespace dataml::engine::ml
