#include "worker/batch_prediction_job.h"

#include <chrono>
#include <filesystem>

#include "engine/ml/batch_prediction.h"
#include "storage/blob_io.h"

namespace dataml::worker {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

nlohmann::json OrNull(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

}  // namespace

Result<nlohmann::json> RunBatchPredictionJob(const nlohmann::json& payload, const WorkerContext& context) {
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::string> paths;
  std::string model_key, preprocess_key, result_key;
  engine::ml::BatchPredictionOptions options;
  try {
    DATAML_ASSIGN_OR_RETURN(paths, storage::BlobPaths(context.store, payload.at("parquet_keys")));
    model_key = payload.at("model_key").get<std::string>();
    preprocess_key = payload.at("preprocess_key").get<std::string>();
    result_key = payload.at("result_key").get<std::string>();
    if (payload.contains("id_column")) options.id_column = payload["id_column"].get<std::string>();
    options.score = payload.value("score", false);
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(std::string("malformed batch prediction job payload: ") + e.what());
  }

  DATAML_ASSIGN_OR_RETURN(std::string preprocess_text, storage::ReadBlob(context.store, preprocess_key));
  DATAML_ASSIGN_OR_RETURN(auto preprocess,
                          engine::ml::Preprocess::FromJson(nlohmann::json::parse(preprocess_text, nullptr, false)));
  DATAML_ASSIGN_OR_RETURN(std::string model_json, storage::ReadBlob(context.store, model_key));
  DATAML_ASSIGN_OR_RETURN(auto runtime, engine::ml::ModelRuntime::Make(std::move(preprocess), model_json));
  const double load_seconds = SecondsSince(started);

  // Written under a temporary name and renamed: the file a result names is always whole.
  DATAML_ASSIGN_OR_RETURN(auto temp, context.store.TempPathFor(result_key));
  auto summary = engine::ml::PredictBatch(runtime, paths, options, temp.string());
  if (!summary.ok()) {
    std::error_code ec;
    std::filesystem::remove(temp, ec);
    return summary.status();
  }
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(temp, ec);
  DATAML_RETURN_NOT_OK(context.store.Commit(temp, result_key));
  return nlohmann::json{{"result_key", result_key},
                        {"rows", summary->rows},
                        {"columns", engine::ml::BatchResultHeader(runtime, options.id_column).size()},
                        {"bytes", ec ? 0 : bytes},
                        {"scored_rows", summary->scored_rows},
                        {"accuracy", OrNull(summary->accuracy)},
                        {"rmse", OrNull(summary->rmse)},
                        {"error", nullptr},
                        {"timings",
                         {{"load_seconds", load_seconds},
                          {"read_seconds", summary->read_seconds},
                          {"transform_seconds", summary->transform_seconds},
                          {"predict_seconds", summary->predict_seconds},
                          {"write_seconds", summary->write_seconds},
                          {"total_seconds", SecondsSince(started)}}}};
}

}  // namespace dataml::worker
