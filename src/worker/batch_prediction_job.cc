#include "worker/batch_prediction_job.h"

#include <chrono>
#include <filesystem>

#include "engine/lake/gold.h"
#include "engine/ml/batch_prediction.h"

namespace dataml::worker {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

nlohmann::json OrNull(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

// The results as a data file of the tenant's gold table, which the server commits: its schema
// and manifest facts go back in the job's result.
Result<nlohmann::json> WriteGoldFile(const job_specs::BatchPredictionSpec& spec, const WorkerContext& context,
                                     const engine::ml::Predictor& predictor) {
  engine::lake::PredictionColumns columns;
  columns.header = engine::ml::BatchResultHeader(predictor, spec.id_column);
  columns.id_column = spec.id_column;
  columns.classification = predictor.problem_type() == ProblemType::kClassification;
  const int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  DATAML_ASSIGN_OR_RETURN(auto blob, context.store.OpenWrite(*spec.lake_data_key));
  DATAML_ASSIGN_OR_RETURN(engine::lake::DataFile file,
                          engine::lake::WriteGoldDataFile({context.store.filesystem(), spec.result_key}, columns,
                                                          spec.prediction_id, now, blob->shared_stream()));
  DATAML_RETURN_NOT_OK(blob->Publish());
  DATAML_ASSIGN_OR_RETURN(file.file_size_in_bytes, context.store.Size(*spec.lake_data_key));
  nlohmann::json out = engine::lake::DataFileToJson(file);
  out["key"] = *spec.lake_data_key;
  out["schema"] = engine::lake::LakeSchemaToJson(engine::lake::GoldSchema(columns));
  return out;
}

}  // namespace

Result<nlohmann::json> RunBatchPredictionJob(const job_specs::BatchPredictionSpec& spec, const WorkerContext& context) {
  const auto started = std::chrono::steady_clock::now();
  DATAML_ASSIGN_OR_RETURN(engine::FileSet paths, StoredFiles(context, spec.parquet_keys));
  const std::string& model_key = spec.model_key;
  const std::string& preprocess_key = spec.preprocess_key;
  const std::string& result_key = spec.result_key;
  engine::ml::BatchPredictionOptions options;
  options.id_column = spec.id_column;
  options.score = spec.score;

  DATAML_ASSIGN_OR_RETURN(std::string preprocess_text, context.store.Read(preprocess_key));
  DATAML_ASSIGN_OR_RETURN(std::string model_text, context.store.Read(model_key));
  DATAML_ASSIGN_OR_RETURN(auto predictor, engine::ml::LoadPredictor(preprocess_text, model_text));
  const double load_seconds = SecondsSince(started);

  // Published only when whole: the file a result names is never half written.
  DATAML_ASSIGN_OR_RETURN(auto writer, context.store.OpenWrite(result_key));
  DATAML_ASSIGN_OR_RETURN(auto summary, engine::ml::PredictBatch(*predictor, paths, options, writer->stream()));
  DATAML_RETURN_NOT_OK(writer->Publish());
  DATAML_ASSIGN_OR_RETURN(int64_t bytes, context.store.Size(result_key));
  nlohmann::json gold;
  if (spec.lake_data_key) {
    DATAML_ASSIGN_OR_RETURN(gold, WriteGoldFile(spec, context, *predictor));
  }
  return nlohmann::json{{"result_key", result_key},
                        {"lake_file", gold},
                        {"rows", summary.rows},
                        {"columns", engine::ml::BatchResultHeader(*predictor, options.id_column).size()},
                        {"bytes", bytes},
                        {"scored_rows", summary.scored_rows},
                        {"accuracy", OrNull(summary.accuracy)},
                        {"rmse", OrNull(summary.rmse)},
                        {"error", nullptr},
                        {"timings",
                         {{"load_seconds", load_seconds},
                          {"read_seconds", summary.read_seconds},
                          {"transform_seconds", summary.transform_seconds},
                          {"predict_seconds", summary.predict_seconds},
                          {"write_seconds", summary.write_seconds},
                          {"total_seconds", SecondsSince(started)}}}};
}

}  // namespace dataml::worker
