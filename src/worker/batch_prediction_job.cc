#include "worker/batch_prediction_job.h"

#include <chrono>
#include <filesystem>

#include "engine/ml/batch_prediction.h"

namespace dataml::worker {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

nlohmann::json OrNull(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

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
  return nlohmann::json{{"result_key", result_key},
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
