#include "modules/inference/inference_service.h"


#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/clock.h"
#include "core/text.h"
#include "engine/ml/training_table.h"
#include "modules/inference/inference_json.h"

namespace dataml::inference {
namespace {

std::string Role(const nlohmann::json& column) { return column.value("attribute_name", ""); }

std::string Dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

}  // namespace

Result<std::shared_ptr<const LoadedModel>> InferenceService::Load(const train::Training& t) {
  DATAML_ASSIGN_OR_RETURN(train::PreprocessRow row, train_.GetPreprocess(t.tenant_id, t.preprocess_id));
  DATAML_ASSIGN_OR_RETURN(std::string preprocess_text, store_.Read(row.artifact_key));
  // The manifest says what the model is and where it is.
  if (!t.manifest) return Status::FailedPrecondition("Training " + std::to_string(t.id) + " has no model yet");
  DATAML_ASSIGN_OR_RETURN(std::string model_text, store_.Read(t.manifest->model_key));
  DATAML_ASSIGN_OR_RETURN(auto predictor, engine::ml::LoadPredictor(preprocess_text, model_text));
  DATAML_ASSIGN_OR_RETURN(datasets::Dataset dataset, datasets_.Get(t.tenant_id, t.dataset_id));
  auto loaded = std::make_shared<LoadedModel>(LoadedModel{std::move(predictor), "", std::nullopt, {}, {}});
  loaded->target = loaded->predictor->target().name;
  for (const nlohmann::json& c : t.columns) {
    if (Role(c) == train::kRoleId) loaded->id_column = c.value("column_name", "");
  }
  for (const auto& input : loaded->predictor->inputs()) loaded->inputs.insert(input.name);
  for (const auto& spec : dataset.schema) {
    if (spec.default_value && loaded->inputs.contains(spec.name)) loaded->defaults[spec.name] = *spec.default_value;
  }
  return std::shared_ptr<const LoadedModel>(std::move(loaded));
}

Result<std::shared_ptr<const LoadedModel>> InferenceService::Cached(const std::string& tenant_id,
                                                                    const train::ModelVersion& t) {
  return cache_.Get({t.id, t.preprocess_id, t.modified_at}, [&]() -> Result<std::shared_ptr<const LoadedModel>> {
    DATAML_ASSIGN_OR_RETURN(train::Training full, train_.Completed(tenant_id, t.id));
    return Load(full);
  });
}

Result<PredictionForm> InferenceService::Form(const std::string& tenant_id, int64_t train_id) {
  DATAML_ASSIGN_OR_RETURN(train::Training t, train_.Get(tenant_id, train_id));
  DATAML_ASSIGN_OR_RETURN(datasets::Dataset dataset, datasets_.Get(tenant_id, t.dataset_id));
  std::map<std::string, std::optional<std::string>> defaults;
  for (const auto& spec : dataset.schema) defaults[spec.name] = spec.default_value;
  PredictionForm form;
  form.train_id = train_id;
  const bool forecast = t.problem_type == ProblemType::kForecast;
  if (t.forecast) {
    form.frequency = t.forecast->frequency;
    form.horizon = t.forecast->horizon;
  }
  for (const nlohmann::json& c : t.columns) {
    std::string role = Role(c), name = c.value("column_name", "");
    if (role == train::kRoleTarget) form.target = name;
    // A forecast names a series (its Id); a row prediction takes the Id and the Features.
    if (role != train::kRoleId && (forecast || role != train::kRoleFeature)) continue;
    auto d = defaults.find(name);
    std::optional<std::string> default_value = d != defaults.end() ? d->second : std::nullopt;
    form.columns.push_back(
        {std::move(name), c.value("data_type", ""), std::move(default_value), std::move(role)});
  }
  form.preprocess_id = t.preprocess_id;
  form.problem_type = t.problem_type;
  form.ready = t.completed();
  return form;
}

Result<std::shared_ptr<const RealtimePrediction>> InferenceService::Predict(const std::string& tenant_id,
                                                                            const Principal& caller,
                                                                            const PredictInput& in) {
  DATAML_ASSIGN_OR_RETURN(train::ModelVersion t, train_.CompletedVersion(tenant_id, in.train_id));
  if (in.preprocess_id != t.preprocess_id) {
    return Status::Invalid({{{"preprocess_id"},
                             "Preprocess " + std::to_string(in.preprocess_id) + " is not the one training " +
                                 std::to_string(in.train_id) + " uses (" + std::to_string(t.preprocess_id) + ")",
                             "value_error"}});
  }
  DATAML_ASSIGN_OR_RETURN(auto model, Cached(tenant_id, t));
  if (model->predictor->problem_type() == ProblemType::kForecast) {
    return Status::Invalid({{{"train_id"},
                             "Training " + std::to_string(t.id) +
                                 " is a Forecast model: it forecasts series with /api/v1/inference/forecast",
                             "value_error"}});
  }
  if (in.target && *in.target != model->target) {
    return Status::Invalid({{{"target"}, "The model predicts '" + model->target + "'", "value_error"}});
  }
  // Every key must be an input of the model, or its Id column (echoed back).
  std::vector<FieldError> errors;
  for (const auto& [name, value] : in.features.items()) {
    if (!model->inputs.contains(name) && name != model->id_column) {
      errors.push_back({{"features", name}, "Not an input of the model", "extra_forbidden"});
    }
  }
  if (!errors.empty()) return Status::Invalid(std::move(errors));
  // Absent inputs take the dataset's default, as an empty cell would have at upload (the
  // features are copied only when the model has defaults).
  nlohmann::json with_defaults;
  const nlohmann::json* features = &in.features;
  if (!model->defaults.empty()) {
    with_defaults = in.features;
    for (const auto& [name, value] : model->defaults) {
      if (!with_defaults.contains(name) || with_defaults[name].is_null()) with_defaults[name] = value;
    }
    features = &with_defaults;
  }
  auto row = model->predictor->PredictRow(*features);
  if (!row.ok()) {
    return Status::Invalid({{{"features"}, row.status().message(), "value_error"}});
  }

  auto prediction = std::make_shared<RealtimePrediction>();
  prediction->train_id = t.id;
  prediction->preprocess_id = t.preprocess_id;
  prediction->predictor_name = std::move(t.predictor_name);
  prediction->target = model->target;
  prediction->row = std::move(row).ValueOrDie();
  if (model->id_column) {
    auto id = in.features.find(*model->id_column);
    prediction->id.emplace(*model->id_column, id != in.features.end() ? *id : nlohmann::json());
  }
  if (in.explain) {
    DATAML_ASSIGN_OR_RETURN(prediction->explanation, model->predictor->ExplainRow(*features, kExplainTop));
  }
  PredictionRecord record;
  record.tenant_id = tenant_id;
  record.training_id = t.id;
  record.prediction_type = kRealtime;
  record.input_data = Dump(in.features);
  record.created_by = caller.username;
  record.created_at = NowIso8601Utc();
  log_.Record(std::move(record), prediction);
  return std::shared_ptr<const RealtimePrediction>(std::move(prediction));
}

Result<std::shared_ptr<arrow::Table>> InferenceService::ForecastHistory(const std::string& tenant_id,
                                                                       const train::Training& t, int64_t dataset_id) {
  auto invalid = [](std::string msg) { return Status::Invalid({{{"dataset_id"}, std::move(msg), "value_error"}}); };
  auto dataset = datasets_.Get(tenant_id, dataset_id);
  if (!dataset.ok()) {
    if (dataset.status().code() == StatusCode::kNotFound) return invalid("Dataset " + std::to_string(dataset_id) + " not found");
    return dataset.status();
  }
  std::vector<std::string> names;
  for (const nlohmann::json& c : t.columns) {
    const std::string role = Role(c), name = c.value("column_name", ""), type = c.value("data_type", "");
    if (role != train::kRoleId && role != train::kRoleTimestamp && role != train::kRoleTarget) continue;
    auto found = std::find_if(dataset->schema.begin(), dataset->schema.end(), [&](const auto& s) { return s.name == name; });
    if (found == dataset->schema.end()) return invalid("The dataset has no column '" + name + "' (the model's " + role + ")");
    if (engine::DataTypeName(found->type) != type) {
      return invalid("The dataset's column '" + name + "' is " + engine::DataTypeName(found->type) +
                     "; the model reads it as " + type);
    }
    names.push_back(name);
  }
  DATAML_ASSIGN_OR_RETURN(std::vector<std::string> keys, datasets_.ValidatedParquetKeys(tenant_id, dataset_id));
  if (keys.empty()) return invalid("The dataset has no validated rows to forecast from");
  DATAML_ASSIGN_OR_RETURN(engine::FileSet parquet, datasets_.StoredFiles(keys));
  auto table = engine::ml::ReadTrainingTable(parquet, names);
  if (!table.ok()) {
    // The detail names server paths: logged, not shown.
    spdlog::error("cannot read dataset {} for a forecast: {}", dataset_id, table.status().message());
    return Status::Internal("Cannot read the dataset's validated data");
  }
  return std::move(table).ValueOrDie();
}

Result<SeriesForecast> InferenceService::Forecast(const std::string& tenant_id, const Principal& caller,
                                                  const ForecastInput& in) {
  DATAML_ASSIGN_OR_RETURN(train::Training t, train_.Get(tenant_id, in.train_id));
  if (t.problem_type != ProblemType::kForecast || !t.forecast) {
    return Status::Invalid({{{"train_id"},
                             "Training " + std::to_string(t.id) + " is a " + ProblemTypeName(t.problem_type) +
                                 " model; a forecast needs a Forecast model",
                             "value_error"}});
  }
  DATAML_ASSIGN_OR_RETURN(train::ModelVersion version, train_.CompletedVersion(tenant_id, in.train_id));
  std::vector<FieldError> errors;
  if (in.preprocess_id != version.preprocess_id) {
    errors.push_back({{"preprocess_id"},
                      "Preprocess " + std::to_string(in.preprocess_id) + " is not the one training " +
                          std::to_string(t.id) + " uses (" + std::to_string(version.preprocess_id) + ")",
                      "value_error"});
  }
  if (ToLowerAscii(in.frequency) != ToLowerAscii(t.forecast->frequency)) {
    errors.push_back({{"frequency"}, "The model forecasts by " + t.forecast->frequency + ", not " + in.frequency,
                      "value_error"});
  }
  if (in.steps < 1 || in.steps > t.forecast->horizon) {
    errors.push_back({{"steps"},
                      "Input should be 1 to the model's horizon, " + std::to_string(t.forecast->horizon),
                      "value_error"});
  }
  if (!errors.empty()) return Status::Invalid(std::move(errors));
  DATAML_ASSIGN_OR_RETURN(auto model, Cached(tenant_id, version));
  std::shared_ptr<arrow::Table> history;
  if (in.dataset_id) {
    DATAML_ASSIGN_OR_RETURN(history, ForecastHistory(tenant_id, t, *in.dataset_id));
  }
  engine::ml::ForecastQuery query{in.unique_id, static_cast<int>(in.steps), in.confidence, history.get()};
  auto points = model->predictor->Forecast(query);
  if (!points.ok()) {
    if (points.status().code() != StatusCode::kInvalidArgument) return points.status();
    // What is wrong is the dataset's series (the request's fields were checked above).
    return Status::Invalid({{{in.dataset_id ? "dataset_id" : "unique_id"}, points.status().message(), "value_error"}});
  }
  SeriesForecast out{t.id, in.unique_id, t.forecast->frequency, in.confidence, in.dataset_id, std::move(points).ValueOrDie()};
  PredictionRecord record;
  record.tenant_id = tenant_id;
  record.training_id = t.id;
  record.prediction_type = kForecast;
  record.dataset_id = in.dataset_id;
  record.input_data = Dump(in.request);
  record.output = Dump(ToJson(out));
  record.no_of_records = in.steps;
  record.created_by = caller.username;
  record.created_at = NowIso8601Utc();
  log_.Record(std::move(record));
  return out;
}

Result<PredictionList> InferenceService::Predictions(const std::string& tenant_id, int64_t train_id, int64_t skip,
                                                     int64_t limit, const SortKey& sort) {
  DATAML_ASSIGN_OR_RETURN(train::Training t, train_.Get(tenant_id, train_id));
  log_.Flush();  // the caller's own predictions are in the list it asks for
  DATAML_ASSIGN_OR_RETURN(auto records, repo_.List(tenant_id, train_id, skip, limit, sort));
  PredictionList list;
  DATAML_ASSIGN_OR_RETURN(list.total, repo_.Count(tenant_id, train_id));
  list.predictor_name = std::move(t.predictor_name);
  list.problem_type = t.problem_type;
  list.domain = std::move(t.domain);
  list.entries.reserve(records.size());
  for (PredictionRecord& r : records) {
    PredictionEntry entry{std::move(r), std::nullopt};
    if (entry.record.prediction_type == kBatch) {
      DATAML_ASSIGN_OR_RETURN(entry.batch, batch_.Describe(entry.record));
    }
    list.entries.push_back(std::move(entry));
  }
  return list;
}

}  // namespace dataml::inference
