#include "worker/forecast_train_job.h"

#include <chrono>

#include "engine/ml/forecast/forecast_training.h"
#include "engine/ml/training_table.h"

namespace dataml::worker {
namespace {

using engine::ml::InputColumn;

Result<InputColumn> ToInputColumn(const job_specs::Column& c) {
  auto type = engine::ParseDataTypeName(c.data_type);
  if (!type) return Status::InvalidArgument("column '" + c.name + "' has an unknown data type");
  return InputColumn{c.name, *type};
}

Result<engine::ml::forecast::ForecastTrainingRequest> ToRequest(const job_specs::TrainSpec& spec) {
  namespace fc = engine::ml::forecast;
  if (!spec.series) return Status::InvalidArgument("a Forecast training without its series");
  const job_specs::SeriesSpec& series = *spec.series;
  fc::ForecastTrainingRequest request;
  fc::SeriesRecipe& recipe = request.recipe;
  if (series.id) {
    DATAML_ASSIGN_OR_RETURN(recipe.id, ToInputColumn(*series.id));
  }
  DATAML_ASSIGN_OR_RETURN(recipe.timestamp, ToInputColumn(series.timestamp));
  DATAML_ASSIGN_OR_RETURN(recipe.target, ToInputColumn(spec.target));
  for (const job_specs::Column& f : spec.features) {
    DATAML_ASSIGN_OR_RETURN(InputColumn column, ToInputColumn(f));
    recipe.features.push_back(std::move(column));
  }
  auto frequency = fc::ParseFrequency(series.frequency);
  if (!frequency) return Status::InvalidArgument("unknown frequency '" + series.frequency + "'");
  recipe.rules.frequency = *frequency;
  if (series.aggregate) {
    recipe.rules.aggregate = fc::ParseAggregate(*series.aggregate);
    if (!recipe.rules.aggregate) return Status::InvalidArgument("unknown aggregate '" + *series.aggregate + "'");
  }
  if (series.fill) {
    recipe.rules.fill = fc::ParseFill(*series.fill);
    if (!recipe.rules.fill) return Status::InvalidArgument("unknown fill '" + *series.fill + "'");
  }
  if (spec.algorithm != "auto") {
    request.algorithm = fc::ParseForecastAlgorithm(spec.algorithm);
    if (!request.algorithm) return Status::InvalidArgument("unknown forecasting algorithm '" + spec.algorithm + "'");
  }
  request.horizon = series.horizon;
  DATAML_ASSIGN_OR_RETURN(request.hyperparameters, fc::ForecastHyperparameters::FromJson(spec.hyperparameters));
  return request;
}

}  // namespace

Result<nlohmann::json> RunForecastTrainJob(const job_specs::TrainSpec& spec, const WorkerContext& context) {
  const auto started = std::chrono::steady_clock::now();
  DATAML_ASSIGN_OR_RETURN(auto request, ToRequest(spec));
  DATAML_ASSIGN_OR_RETURN(engine::FileSet paths, StoredFiles(context, spec.parquet_keys));
  DATAML_ASSIGN_OR_RETURN(auto table, engine::ml::ReadTrainingTable(paths, request.recipe.ColumnNames()));
  const double read_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  DATAML_ASSIGN_OR_RETURN(auto outcome, engine::ml::forecast::RunForecastTraining(*table, request));
  DATAML_RETURN_NOT_OK(context.store.Write(spec.model_key, outcome.model_json));
  DATAML_RETURN_NOT_OK(context.store.Write(spec.preprocess_key, request.recipe.ToJson().dump()));
  nlohmann::json summary = std::move(outcome.summary);
  summary["timings"]["read_seconds"] = read_seconds;
  summary["timings"]["total_seconds"] =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return nlohmann::json{{"metrics", summary["metrics"]},
                        {"checkpoint", spec.model_key},
                        {"path", spec.model_key},
                        {"error", nullptr},
                        {"model_key", spec.model_key},
                        {"preprocess_key", spec.preprocess_key},
                        {"summary", std::move(summary)}};
}

}  // namespace dataml::worker
