#include "modules/inference/inference_json.h"

namespace dataml::inference {
namespace {

template <typename T>
nlohmann::json OrNull(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json();
}

}  // namespace

nlohmann::json ToJson(const RealtimePrediction& p) {
  nlohmann::json answer = {{"train_id", p.train_id},
                           {"preprocess_id", p.preprocess_id},
                           {"predictor_name", p.predictor_name},
                           {"target", p.target},
                           {"prediction", p.row.prediction}};
  if (!p.row.probabilities.empty()) {
    nlohmann::json probabilities = nlohmann::json::object();
    for (const auto& [label, probability] : p.row.probabilities) probabilities[label] = probability;
    answer["probabilities"] = std::move(probabilities);
  }
  if (p.id) answer["id"] = {{p.id->first, p.id->second}};
  if (p.explanation) {
    nlohmann::json contributions = nlohmann::json::array();
    for (const auto& [column, value] : p.explanation->contributions) {
      contributions.push_back({{"column", column}, {"contribution", value}});
    }
    answer["explanation"] = {{"bias", p.explanation->bias},
                             {"contributions", std::move(contributions)},
                             {"method", kExplanationMethod}};
  }
  return answer;
}

nlohmann::json ToJson(const PredictionForm& form) {
  nlohmann::json headers = nlohmann::json::array();
  for (const FormColumn& c : form.columns) {
    headers.push_back({{"column_name", c.column_name},
                       {"data_type", c.data_type},
                       {"default_value", OrNull(c.default_value)},
                       {"attribute_name", c.attribute_name}});
  }
  return {{"id", form.train_id},
          {"headers", std::move(headers)},
          {"target", form.target},
          {"preprocess_id", form.preprocess_id},
          {"problem_type", ProblemTypeName(form.problem_type)},
          {"ready", form.ready},
          {"frequency", OrNull(form.frequency)},
          {"horizon", OrNull(form.horizon)}};
}

nlohmann::json ToJson(const SeriesForecast& forecast) {
  nlohmann::json points = nlohmann::json::array();
  for (const engine::ml::ForecastedPeriod& p : forecast.points) {
    points.push_back({{"date", p.date},
                      {"value", p.value},
                      {"lower", p.lower},
                      {"upper", p.upper},
                      {"confidence", forecast.confidence}});
  }
  return {{"forecast", std::move(points)},
          {"train_id", forecast.train_id},
          {"unique_id", forecast.unique_id},
          {"frequency", forecast.frequency},
          {"dataset_id", OrNull(forecast.dataset_id)}};
}

nlohmann::json ToJson(const BatchPrediction& prediction) {
  const PredictionRecord& r = prediction.record;
  const BatchProgress& b = prediction.progress;
  return {{"prediction_id", r.id},
          {"train_id", r.training_id},
          {"dataset_id", OrNull(r.dataset_id)},
          {"prediction_type", r.prediction_type},
          {"status", b.status},
          {"job_id", OrNull(r.job_id)},
          {"result_path", OrNull(b.result_key)},
          {"file_id", OrNull(b.file_id)},
          {"no_of_records", r.no_of_records},
          {"scored_records", OrNull(b.scored_records)},
          {"accuracy", b.accuracy},
          {"rmse", b.rmse},
          {"error", OrNull(b.error)},
          {"created_by", r.created_by},
          {"created_at", r.created_at},
          {"finished_at", OrNull(r.finished_at)}};
}

nlohmann::json ToJson(const PredictionList& list) {
  nlohmann::json data = nlohmann::json::array();
  for (const PredictionEntry& e : list.entries) {
    const PredictionRecord& r = e.record;
    nlohmann::json entry = {
        {"prediction_id", r.id},
        {"train_id", r.training_id},
        {"date", r.created_at},
        {"dataset_id", OrNull(r.dataset_id)},
        {"predictor_name", list.predictor_name},
        {"prediction_type", r.prediction_type},
        {"input_data", r.input_data},
        {"output", r.output ? nlohmann::json::parse(*r.output, nullptr, false) : nlohmann::json()},
        {"status", prediction_status::kCompleted},
        {"no_of_records", r.no_of_records},
        {"accuracy", nullptr},
        {"problem_type", ProblemTypeName(list.problem_type)},
        {"domain_name", list.domain},
        {"created_by", r.created_by}};
    if (e.batch) {
      const BatchProgress& b = *e.batch;
      entry["status"] = b.status;
      entry["accuracy"] = b.accuracy;
      entry["rmse"] = b.rmse;
      entry["scored_records"] = OrNull(b.scored_records);
      entry["result_path"] = OrNull(b.result_key);
      entry["file_id"] = OrNull(b.file_id);
      entry["job_id"] = OrNull(r.job_id);
      entry["error"] = OrNull(b.error);
      entry["finished_at"] = OrNull(r.finished_at);
    }
    data.push_back(std::move(entry));
  }
  return {{"total", list.total}, {"data", std::move(data)}};
}

}  // namespace dataml::inference
