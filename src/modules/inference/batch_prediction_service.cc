#include "modules/inference/batch_prediction_service.h"

#include <spdlog/spdlog.h>

#include <map>

#include "core/clock.h"
#include "core/crypto.h"
#include "engine/lake/gold.h"
#include "jobs/job_callback.h"

namespace dataml::inference {
namespace {

std::string Role(const nlohmann::json& column) { return column.value("attribute_name", ""); }

std::string ResultFileName(int64_t prediction_id) { return "prediction_" + std::to_string(prediction_id) + ".csv"; }

// The job's own word on its prediction (the server wrote the payload; a worker cannot change it).
std::optional<int64_t> PredictionOfJob(const job_specs::BatchPredictionSpec& spec) {
  const nlohmann::json id = spec.callback.fields.value("prediction_id", nlohmann::json());
  if (!id.is_number_integer()) return std::nullopt;
  return id.get<int64_t>();
}

// A count a worker reported, 0 when absent or not a count.
int64_t CountOr0(const nlohmann::json& result, const char* name) {
  const nlohmann::json v = result.value(name, nlohmann::json());
  return v.is_number_integer() && v.get<int64_t>() >= 0 ? v.get<int64_t>() : 0;
}

// A stored JSON object; empty when absent or unreadable.
nlohmann::json ObjectOf(const std::optional<std::string>& text) {
  nlohmann::json j = text ? nlohmann::json::parse(*text, nullptr, false) : nlohmann::json::object();
  return j.is_object() ? j : nlohmann::json::object();
}

}  // namespace

Result<bool> BatchPredictionService::CheckFits(const train::Training& t, const datasets::Dataset& dataset) {
  std::map<std::string, engine::DataType> types;
  for (const auto& spec : dataset.schema) types[spec.name] = spec.type;
  std::vector<FieldError> errors;
  bool has_target = false;
  for (const nlohmann::json& c : t.columns) {
    const std::string role = Role(c), name = c.value("column_name", ""), model_type = c.value("data_type", "");
    auto found = types.find(name);
    if (role == train::kRoleTarget) {
      has_target = found != types.end() && engine::DataTypeName(found->second) == model_type;
    }
    if (role != train::kRoleFeature) continue;
    if (found == types.end()) {
      errors.push_back({{"dataset_id"},
                        "The dataset has no column '" + name + "' (" + model_type + "), an input of the model",
                        "value_error"});
      continue;
    }
    const std::string type = engine::DataTypeName(found->second);
    // Whole numbers feed a Float input as they are (a prediction file's column may hold only
    // whole numbers); every other difference would change what the model reads.
    if (type != model_type && !(type == "Integer" && model_type == "Float")) {
      errors.push_back({{"dataset_id"},
                        "The dataset's column '" + name + "' is " + type + "; the model reads it as " + model_type,
                        "value_error"});
    }
  }
  if (!errors.empty()) return Status::Invalid(std::move(errors));
  return has_target;
}

namespace {

datalake::TableRef GoldTable(const std::string& tenant_id, int64_t train_id) {
  return {tenant_id, datalake::kGold, "predictions_" + std::to_string(train_id)};
}

}  // namespace

Status BatchPredictionService::CommitGold(const PredictionRecord& r, const job_specs::BatchPredictionSpec& spec,
                                          const nlohmann::json& lake_file) {
  // The worker's word is checked: its file must be the one the spec named, its schema ours.
  if (!lake_file.is_object() || lake_file.value("key", std::string()) != *spec.lake_data_key ||
      !lake_file.contains("schema")) {
    return Status::InvalidArgument("the job reports another lake file than its spec names");
  }
  DATAML_ASSIGN_OR_RETURN(engine::lake::DataFile file, engine::lake::DataFileFromJson(lake_file));
  datalake::PendingAppend gold;
  gold.ref = GoldTable(r.tenant_id, r.training_id);
  DATAML_ASSIGN_OR_RETURN(gold.schema, engine::lake::LakeSchemaFromJson(lake_file["schema"]));
  gold.owner = r.created_by;
  DATAML_RETURN_NOT_OK(lake_.Prepare(gold, "result"));
  DATAML_RETURN_NOT_OK(lake_.AdoptDataFile(gold, *spec.lake_data_key, std::move(file)));
  Status committed = db_.RunInTransaction([&](soci::session& sql) { return lake_.Commit(sql, gold); });
  if (!committed.ok()) lake_.Discard(gold);
  return committed;
}

Result<BatchPrediction> BatchPredictionService::Start(const std::string& tenant_id, const Principal& caller,
                                                      int64_t train_id, int64_t dataset_id) {
  DATAML_ASSIGN_OR_RETURN(train::Training any, train_.Get(tenant_id, train_id));
  if (any.problem_type == ProblemType::kForecast) return train::RefuseForecast(any, "a batch prediction predicts rows");
  DATAML_ASSIGN_OR_RETURN(train::Training t, train_.Completed(tenant_id, train_id));
  DATAML_ASSIGN_OR_RETURN(datasets::Dataset dataset, datasets_.Get(tenant_id, dataset_id));
  DATAML_ASSIGN_OR_RETURN(bool score, CheckFits(t, dataset));
  DATAML_ASSIGN_OR_RETURN(std::vector<std::string> keys, datasets_.ValidatedParquetKeys(tenant_id, dataset_id));
  if (keys.empty()) return Status::FailedPrecondition("The dataset has no validated rows to predict");
  DATAML_ASSIGN_OR_RETURN(train::PreprocessRow preprocess, train_.GetPreprocess(tenant_id, t.preprocess_id));
  std::optional<std::string> id_column;
  for (const nlohmann::json& c : t.columns) {
    if (Role(c) != train::kRoleId) continue;
    const std::string name = c.value("column_name", "");
    for (const auto& spec : dataset.schema) {
      if (spec.name == name) id_column = name;
    }
  }

  PredictionRecord r;
  r.tenant_id = tenant_id;
  r.training_id = t.id;
  r.prediction_type = kBatch;
  r.dataset_id = dataset_id;
  r.input_data = "dataset_id:" + std::to_string(dataset_id);
  r.no_of_records = dataset.valid_records;
  r.created_by = caller.username;
  r.created_at = NowIso8601Utc();
  r.status = prediction_status::kSubmitted;
  DATAML_ASSIGN_OR_RETURN(r.id, repo_.Insert(r));

  job_specs::BatchPredictionSpec spec{t.model_key,
                                     preprocess.artifact_key,
                                     keys,
                                     datasets::GeneratedFileKey(tenant_id, dataset_id, ResultFileName(r.id)),
                                     id_column,
                                     score,
                                     {kBatchResultPath, {{"prediction_id", r.id}}},
                                     datalake::DatalakeService::TableKey(GoldTable(tenant_id, t.id)) + "/data/" +
                                         RandomUuid() + ".parquet",
                                     r.id};
  auto job = jobs_.Submit(tenant_id, datasets::DatasetSubject(dataset_id), spec, caller.username);
  if (!job.ok()) {
    (void)repo_.Delete(r.id);
    return job.status();
  }
  // The callback names its prediction, so a job that ends before this write is not missed.
  Status linked = repo_.SetJob(r.id, job->id);
  if (!linked.ok()) spdlog::error("prediction {}: cannot record its job {}: {}", r.id, job->id, linked.message());
  r.job_id = job->id;
  DATAML_ASSIGN_OR_RETURN(BatchProgress progress, Describe(r));
  return BatchPrediction{std::move(r), std::move(progress)};
}

Result<BatchProgress> BatchPredictionService::Describe(const PredictionRecord& r) {
  BatchProgress progress;
  progress.status = r.status;
  progress.error = r.error;
  if (progress.status == prediction_status::kSubmitted && r.job_id) {
    // Not ended yet by the worker's word: its job tells where it is.
    DATAML_ASSIGN_OR_RETURN(jobs::Job job, jobs_.Get(r.tenant_id, *r.job_id));
    if (job.status == jobs::status::kRunning || job.status == jobs::status::kCompleted) {
      progress.status = "running";
    }
    if (job.status == jobs::status::kCancelled) progress.status = "terminated";
    if (job.status == jobs::status::kFailed) progress.status = prediction_status::kFailed;
    if (!job.active()) progress.error = job.error;
  }
  // The results file may have been deleted since.
  progress.file_id = r.file_id;
  progress.result_key = r.result_key;
  if (r.file_id) {
    auto file = datasets_.GetFile(r.tenant_id, *r.file_id);
    if (!file.ok() && file.status().code() != StatusCode::kNotFound) return file.status();
    if (!file.ok()) {
      progress.file_id.reset();
      progress.result_key.reset();
    }
  }
  const nlohmann::json metrics = ObjectOf(r.metrics);
  const nlohmann::json scored = metrics.value("scored_rows", nlohmann::json());
  if (scored.is_number_integer()) progress.scored_records = scored.get<int64_t>();
  progress.accuracy = metrics.value("accuracy", nlohmann::json());
  progress.rmse = metrics.value("rmse", nlohmann::json());
  return progress;
}

Result<BatchPrediction> BatchPredictionService::Get(const std::string& tenant_id, int64_t prediction_id) {
  DATAML_ASSIGN_OR_RETURN(auto found, repo_.Find(tenant_id, prediction_id));
  if (!found || found->prediction_type != kBatch) {
    return Status::NotFound("Batch prediction " + std::to_string(prediction_id) + " not found");
  }
  DATAML_ASSIGN_OR_RETURN(BatchProgress progress, Describe(*found));
  return BatchPrediction{std::move(*found), std::move(progress)};
}

Result<int64_t> BatchPredictionService::RecordResult(int64_t job_id, std::optional<int64_t> prediction_id,
                                                     const nlohmann::json& result) {
  DATAML_ASSIGN_OR_RETURN(jobs::Job job, jobs_.GetForWorker(job_id));
  auto spec = job.kind == job_specs::BatchPredictionSpec::kKind ? job_specs::Decode<job_specs::BatchPredictionSpec>(job.payload)
                                                                : Result<job_specs::BatchPredictionSpec>(Status::NotFound(""));
  const std::optional<int64_t> own = spec.ok() ? PredictionOfJob(*spec) : std::nullopt;
  if (!own || (prediction_id && *prediction_id != *own)) {
    return Status::NotFound("Job " + std::to_string(job_id) + " is not this batch prediction's job");
  }
  DATAML_ASSIGN_OR_RETURN(auto found, repo_.FindInAnyTenant(*own));
  if (!found) return Status::NotFound("Batch prediction " + std::to_string(*own) + " not found");
  PredictionRecord r = std::move(*found);

  const nlohmann::json error = result.value("error", nlohmann::json());
  const bool failed = !error.is_null();
  // Nothing is written for an outcome the job can no longer take (it was terminated, or ended
  // the other way): FinishOnce's rule, checked before the prediction changes.
  if (job.status != jobs::status::kRunning && job.status != (failed ? jobs::status::kFailed : jobs::status::kCompleted)) {
    return Status::FailedPrecondition("Job " + std::to_string(job.id) + " is not running (status: " + job.status + ")");
  }
  if (r.status != prediction_status::kSubmitted) {
    // A replay of how it ended changes nothing; another ending is refused.
    if (r.status != (failed ? prediction_status::kFailed : prediction_status::kCompleted)) {
      return Status::FailedPrecondition("Batch prediction " + std::to_string(r.id) + " already ended: " + r.status);
    }
    DATAML_RETURN_NOT_OK(jobs::FinishOnce(jobs_, job, result).status());
    return r.id;
  }
  r.job_id = job.id;
  r.finished_at = NowIso8601Utc();
  if (failed) {
    if (!error.is_string() || error.get_ref<const std::string&>().empty()) {
      return Status::Invalid({{{"result", "error"}, "Input should be a non-empty string or null", "string_type"}});
    }
    r.status = prediction_status::kFailed;
    r.error = error.get<std::string>();
  } else {
    // A worker may run on another machine: its word is checked, not trusted.
    const std::string& expected_key = spec->result_key;
    const nlohmann::json rows = result.value("rows", nlohmann::json());
    if (result.value("result_key", nlohmann::json()) != expected_key || !rows.is_number_integer() ||
        rows.get<int64_t>() < 0) {
      return Status::Invalid({{{"result"}, "Expected the job's result_key and a row count", "value_error"}});
    }
    datasets::DatasetFile file;
    file.kind = datasets::kPredictionFile;
    file.file_name = ResultFileName(r.id);
    file.raw_key = expected_key;
    file.total_records = file.valid_records = rows.get<int64_t>();
    file.total_fields = CountOr0(result, "columns");
    file.created_by = r.created_by;
    auto registered = datasets_.AddGeneratedFile(r.tenant_id, r.dataset_id.value_or(0), std::move(file));
    if (!registered.ok() && registered.status().code() == StatusCode::kNotFound) {
      return Status::Invalid({{{"result"}, registered.status().message(), "value_error"}});
    }
    DATAML_RETURN_NOT_OK(registered.status());
    nlohmann::json metrics = {{"scored_rows", CountOr0(result, "scored_rows")}};
    for (const char* name : {"accuracy", "rmse"}) {
      const nlohmann::json v = result.value(name, nlohmann::json());
      if (v.is_number()) metrics[name] = v;
    }
    const nlohmann::json lake_file = result.value("lake_file", nlohmann::json());
    if (spec->lake_data_key && !lake_file.is_null()) {
      // The results stay usable when the lake refuses them (a table another writer changed):
      // the prediction completes, and says why its rows are not in gold.
      Status gold = CommitGold(r, *spec, lake_file);
      if (!gold.ok()) {
        spdlog::error("prediction {}: not appended to the lake: {}", r.id, gold.message());
        metrics["lake_error"] = gold.message();
      }
    }
    r.status = prediction_status::kCompleted;
    r.file_id = registered->id;
    r.result_key = expected_key;
    r.metrics = metrics.dump();
    r.no_of_records = rows.get<int64_t>();
  }
  DATAML_RETURN_NOT_OK(repo_.Finish(r));
  DATAML_RETURN_NOT_OK(jobs::FinishOnce(jobs_, job, result).status());
  return r.id;
}

}  // namespace dataml::inference
