#include "engine/ml/forecast_predictor.h"

#include <algorithm>

namespace dataml::engine::ml {

Result<std::shared_ptr<const ForecastPredictor>> ForecastPredictor::Make(const nlohmann::json& recipe_json,
                                                                         const std::string& model_text) {
  DATAML_ASSIGN_OR_RETURN(forecast::SeriesRecipe recipe, forecast::SeriesRecipe::FromJson(recipe_json));
  DATAML_ASSIGN_OR_RETURN(forecast::ForecastModel model,
                          forecast::ForecastModel::FromJson(nlohmann::json::parse(model_text, nullptr, false)));
  if (model.frequency != recipe.rules.frequency)
    return Status::InvalidArgument("the forecast model and its series recipe have different frequencies");
  if (!recipe.id && model.series.size() != 1)
    return Status::InvalidArgument("a forecast model without an Id column must hold one series");
  return std::shared_ptr<const ForecastPredictor>(new ForecastPredictor(std::move(recipe), std::move(model)));
}

Status ForecastPredictor::NotRows() const {
  return Status::InvalidArgument("a Forecast model forecasts series; it does not predict rows");
}

Result<RowPrediction> ForecastPredictor::PredictRow(const nlohmann::json&) const { return NotRows(); }
Result<RowExplanation> ForecastPredictor::ExplainRow(const nlohmann::json&, size_t) const { return NotRows(); }
Result<std::vector<float>> ForecastPredictor::PredictTable(const arrow::Table&, unsigned, TableTimings*) const {
  return NotRows();
}
Result<std::vector<float>> ForecastPredictor::EncodeTarget(const arrow::Table&, float) const { return NotRows(); }

Result<std::vector<ForecastedPeriod>> ForecastPredictor::Forecast(const ForecastQuery& query) const {
  // Without an Id column the model is one series, which any name names.
  const forecast::FittedSeries* fitted = recipe_.id ? model_.Find(query.series) : &model_.series.front();
  if (fitted == nullptr) return Status::NotFound("Series '" + query.series + "' is not one the model was trained on");
  std::optional<forecast::Series> history;
  if (query.history != nullptr) {
    DATAML_ASSIGN_OR_RETURN(std::vector<forecast::Series> all, recipe_.ReadHistory(*query.history));
    auto it = recipe_.id ? std::find_if(all.begin(), all.end(), [&](const auto& s) { return s.key == fitted->key; })
                         : all.begin();
    if (it == all.end()) return Status::NotFound("Series '" + query.series + "' is not in the dataset");
    history = std::move(*it);
  }
  DATAML_ASSIGN_OR_RETURN(auto points, model_.Forecast(*fitted, query.steps, query.level, history ? &*history : nullptr));
  std::vector<ForecastedPeriod> out;
  for (const forecast::ForecastPoint& p : points) {
    out.push_back({forecast::PeriodText(p.period, recipe_.date_column()), p.value, p.lower, p.upper});
  }
  return out;
}

}  // namespace dataml::engine::ml
