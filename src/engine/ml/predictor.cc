#include "engine/ml/predictor.h"

#include "engine/ml/forecast_predictor.h"
#include "engine/ml/tabular_predictor.h"

namespace dataml::engine::ml {

Result<std::vector<ForecastedPeriod>> Predictor::Forecast(const ForecastQuery&) const {
  return Status::InvalidArgument(std::string("a ") + ProblemTypeName(problem_type()) +
                                 " model predicts rows; it does not forecast series");
}

Result<std::shared_ptr<const Predictor>> LoadPredictor(const std::string& preprocess_text, const std::string& model_text) {
  const nlohmann::json preprocess = nlohmann::json::parse(preprocess_text, nullptr, false);
  if (!preprocess.is_object()) return Status::InvalidArgument("preprocess: not a JSON object");
  if (ParseProblemType(preprocess.value("problem_type", "")) == ProblemType::kForecast) {
    DATAML_ASSIGN_OR_RETURN(auto predictor, ForecastPredictor::Make(preprocess, model_text));
    return std::shared_ptr<const Predictor>(std::move(predictor));
  }
  DATAML_ASSIGN_OR_RETURN(Preprocess tabular, Preprocess::FromJson(preprocess));
  DATAML_ASSIGN_OR_RETURN(TabularPredictor predictor, TabularPredictor::Make(std::move(tabular), model_text));
  return std::shared_ptr<const Predictor>(std::make_shared<TabularPredictor>(std::move(predictor)));
}

}  // namespace dataml::engine::ml
