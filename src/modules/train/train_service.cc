#include "modules/train/train_service.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <set>

#include <spdlog/spdlog.h>

#include "core/clock.h"
#include "engine/ml/preprocess.h"
#include "engine/ml/trainer.h"
#include "engine/ml/training_table.h"
#include "jobs/backend.h"
#include "jobs/job_callback.h"

namespace dataml::train {
namespace {

constexpr int64_t kMaxClasses = 100;
constexpr int64_t kMaxNumWorkers = 64;  // ranks of one training
constexpr uint64_t kShapSeed = 42;

std::string VersionKey(const std::string& tenant_id, int64_t id) { return tenant_id + "/" + std::to_string(id); }
constexpr const char* kTrainResultPath = "/api/v1/train/result";
constexpr const char* kShapResultPath = "/api/v1/train/shap-result";

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool IsRole(const std::string& role) {
  return role == kRoleId || role == kRoleTarget || role == kRoleFeature || role == kRoleIgnore ||
         role == kRoleTimestamp;
}

FieldError ColumnsError(std::string msg) { return {{"columns"}, std::move(msg), "value_error"}; }

nlohmann::json ColumnJson(const engine::ColumnSpec& spec, const std::string& role) {
  return {{"column_name", spec.name}, {"data_type", engine::DataTypeName(spec.type)}, {"attribute_name", role}};
}

// Every dataset column with its role: as the request says, else Feature (Ignore for Forecast).
Result<nlohmann::json> AssignRoles(const engine::TableSchema& schema, const std::vector<ColumnRoleInput>& inputs,
                                   ProblemType problem) {
  const bool forecast = problem == ProblemType::kForecast;
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < schema.size(); ++i) index.emplace(schema[i].name, i);
  // A forecaster reads the columns it is given; a tabular model every column not set aside.
  std::vector<std::string> roles(schema.size(), forecast ? kRoleIgnore : kRoleFeature);
  std::set<std::string> seen;
  std::vector<FieldError> errors;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const ColumnRoleInput& in = inputs[i];
    const std::string position = std::to_string(i);
    auto it = index.find(in.column_name);
    if (it == index.end()) {
      errors.push_back({{"columns", position, "column_name"}, "Column '" + in.column_name + "' is not in the dataset", "value_error"});
      continue;
    }
    if (!seen.insert(in.column_name).second) {
      errors.push_back({{"columns", position, "column_name"}, "Column '" + in.column_name + "' is given twice", "value_error"});
      continue;
    }
    if (!IsRole(in.attribute_name)) {
      errors.push_back({{"columns", position, "attribute_name"},
                        "Input should be 'Id', 'Target', 'Feature', 'Ignore' or 'Timestamp'", "enum"});
      continue;
    }
    const engine::ColumnSpec& spec = schema[it->second];
    if (in.data_type && Lower(*in.data_type) != Lower(engine::DataTypeName(spec.type))) {
      errors.push_back({{"columns", position, "data_type"},
                        "Column '" + spec.name + "' is " + engine::DataTypeName(spec.type) + " in the dataset, not " + *in.data_type,
                        "value_error"});
      continue;
    }
    roles[it->second] = in.attribute_name;
  }
  if (!errors.empty()) return Status::Invalid(std::move(errors));
  nlohmann::json columns = nlohmann::json::array();
  for (size_t i = 0; i < schema.size(); ++i) columns.push_back(ColumnJson(schema[i], roles[i]));
  size_t targets = WithRole(columns, kRoleTarget).size(), ids = WithRole(columns, kRoleId).size();
  size_t timestamps = WithRole(columns, kRoleTimestamp).size();
  if (targets != 1) errors.push_back(ColumnsError("Exactly one column must be the Target; found " + std::to_string(targets)));
  if (ids > 1) errors.push_back(ColumnsError("At most one column may be the Id; found " + std::to_string(ids)));
  if (forecast && timestamps != 1) {
    errors.push_back(ColumnsError("A Forecast training needs exactly one Timestamp column; found " + std::to_string(timestamps)));
  }
  if (!forecast && timestamps > 1) {
    errors.push_back(ColumnsError("At most one column may be the Timestamp; found " + std::to_string(timestamps)));
  }
  if (!forecast && WithRole(columns, kRoleFeature).empty()) errors.push_back(ColumnsError("At least one column must be a Feature"));
  if (!errors.empty()) return Status::Invalid(std::move(errors));
  return columns;
}

Result<engine::ml::Preprocess> LoadPreprocess(const storage::BlobStore& store, const std::string& key) {
  DATAML_ASSIGN_OR_RETURN(std::string text, store.Read(key));
  return engine::ml::Preprocess::FromJson(nlohmann::json::parse(text, nullptr, false));
}

// Roles and types that an incremental training must keep from the model it continues.
nlohmann::json ModelInputs(const nlohmann::json& columns) {
  nlohmann::json out = nlohmann::json::array();
  for (const nlohmann::json& c : columns) {
    const std::string role = c.value("attribute_name", "");
    if (role == kRoleTarget || role == kRoleFeature) out.push_back(c);
  }
  return out;
}

// Only a summary of this shape is stored (the model summary reads it back).
Status CheckSummary(const nlohmann::json& result, ProblemType problem) {
  auto invalid = [](const char* field, const char* msg) {
    return Status::Invalid({{{"result", "summary", field}, msg, "value_error"}});
  };
  if (!result.contains("summary") || !result["summary"].is_object()) {
    return Status::Invalid({{{"result", "summary"}, "Field required", "missing"}});
  }
  const nlohmann::json& s = result["summary"];
  auto known_algorithm = [&](const std::string& name) {
    if (problem != ProblemType::kForecast) return engine::ml::ParseAlgorithm(name).has_value();
    return name == "auto" || engine::ml::forecast::ParseForecastAlgorithm(name).has_value();
  };
  if (!s.contains("algorithm") || !s["algorithm"].is_string() || !known_algorithm(s["algorithm"].get<std::string>())) {
    return invalid("algorithm", "Must name a known algorithm");
  }
  if (!s.contains("model") || !s["model"].is_string()) return invalid("model", "Must be a string");
  if (!s.contains("metrics") || !s["metrics"].is_object()) return invalid("metrics", "Must be an object");
  for (const char* list : {"classes", "candidates"}) {
    if (s.contains(list) && !s[list].is_array()) return invalid(list, "Must be a list");
  }
  for (const char* object : {"rows", "timings", "hyperparameters", "xgboost_parameters"}) {
    if (s.contains(object) && !s[object].is_object()) return invalid(object, "Must be an object");
  }
  // The model summary's chart points, null where they do not apply.
  if (s.contains("curves") && !s["curves"].is_null() &&
      !(s["curves"].is_object() && s["curves"].value("roc", nlohmann::json()).is_array() &&
        s["curves"].value("pr", nlohmann::json()).is_array())) {
    return invalid("curves", "Must be null or an object of the lists roc and pr");
  }
  if (s.contains("residuals") && !s["residuals"].is_null() && !s["residuals"].is_array()) {
    return invalid("residuals", "Must be null or a list");
  }
  if (problem == ProblemType::kForecast) {
    // The model summary shows these as they are: a forecaster's, not a classifier's.
    for (const char* number : {"horizon", "season_length", "series"}) {
      if (!s.contains(number) || !s[number].is_number_integer()) return invalid(number, "Must be an integer");
    }
    if (!s.contains("frequency") || !s["frequency"].is_string()) return invalid("frequency", "Must be a string");
  }
  return Status::OK();
}

}  // namespace

std::string SummaryString(const nlohmann::json& summary, const char* key) {
  auto it = summary.find(key);
  return it != summary.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Status TrainService::ArtifactsExist(const Training& t) {
  DATAML_ASSIGN_OR_RETURN(auto preprocess, repo_.FindPreprocess(t.tenant_id, t.preprocess_id));
  if (!preprocess) return Status::Internal("the training's preprocess is missing");
  for (const std::string& key : {t.model_key, preprocess->artifact_key}) {
    DATAML_ASSIGN_OR_RETURN(bool exists, store_.Exists(key));
    if (!exists) {
      return Status::Invalid({{{"result"}, "The job reports success but wrote no " + key, "value_error"}});
    }
  }
  return Status::OK();
}

Result<TrainingOptions> TrainService::Details(const std::string& tenant_id, int64_t dataset_id) {
  DATAML_ASSIGN_OR_RETURN(datasets::Dataset dataset, datasets_.Get(tenant_id, dataset_id));
  TrainingOptions options;
  options.dataset_id = dataset_id;
  options.dataset_is_valid = dataset.is_valid();
  options.dataset_schema = std::move(dataset.schema);
  options.roles = {kRoleId, kRoleTarget, kRoleFeature, kRoleIgnore, kRoleTimestamp};
  const std::vector<std::string> tabular = {"auto", "XGBoost", "RandomForest", "Linear"};
  for (ProblemType p : {ProblemType::kClassification, ProblemType::kRegression, ProblemType::kForecast}) {
    options.problem_types.push_back(ProblemTypeName(p));
    options.algorithms_by_problem_type[ProblemTypeName(p)] = p == ProblemType::kForecast ? ForecastAlgorithms() : tabular;
  }
  options.algorithms = tabular;
  for (const std::string& name : ForecastAlgorithms()) {
    if (std::find(tabular.begin(), tabular.end(), name) == tabular.end()) options.algorithms.push_back(name);
  }
  return options;
}

Result<int64_t> TrainService::NumWorkers(const CreateTrainingInput& in,
                                         std::optional<engine::ml::Algorithm> algorithm) const {
  // XGBoost's collective builds each tree (and each forest's trees) from every worker's rows; a
  // Linear model, "auto"'s candidate search and an incremental continuation run on one.
  std::string why_one;
  if (jobs_.backend() != jobs::kRayBackendName) {
    why_one = "needs the ray job backend (this server runs jobs on '" + jobs_.backend() + "')";
  } else if (in.is_incremental) {
    why_one = "is not for an incremental training";
  } else if (!algorithm || *algorithm == engine::ml::Algorithm::kLinear) {
    why_one = "needs algorithm XGBoost or RandomForest";
  }
  if (!in.num_workers) return why_one.empty() ? default_num_workers_ : 1;
  if (*in.num_workers < 1 || *in.num_workers > kMaxNumWorkers) {
    return Status::Invalid({{{"num_workers"}, "Input should be 1 to " + std::to_string(kMaxNumWorkers), "value_error"}});
  }
  if (*in.num_workers > 1 && !why_one.empty()) {
    return Status::Invalid({{{"num_workers"}, "Training on more than one worker " + why_one, "value_error"}});
  }
  return *in.num_workers;
}

Result<Training> TrainService::Create(const std::string& tenant_id, const Principal& caller,
                                      const CreateTrainingInput& in) {
  const std::optional<ProblemType> problem = ParseProblemType(in.problem_type);
  if (!problem) {
    return Status::Invalid({{{"problem_type"}, "Input should be 'Classification', 'Regression' or 'Forecast'", "enum"}});
  }
  if (*problem == ProblemType::kForecast) return CreateForecast(tenant_id, caller, in);
  std::vector<FieldError> forecast_only;
  for (auto [field, given] : {std::pair{"frequency", in.forecast.frequency.has_value()},
                              {"horizon", in.forecast.horizon.has_value()},
                              {"aggregate", in.forecast.aggregate.has_value()},
                              {"fill", in.forecast.fill.has_value()}}) {
    if (given) forecast_only.push_back({{field}, "Only a Forecast training takes " + std::string(field), "value_error"});
  }
  if (!forecast_only.empty()) return Status::Invalid(std::move(forecast_only));
  std::optional<engine::ml::Algorithm> algorithm;
  if (Lower(in.algorithm) != "auto") {
    algorithm = engine::ml::ParseAlgorithm(in.algorithm);
    if (!algorithm) {
      return Status::Invalid({{{"algorithm"},
                               "Input should be 'auto', 'XGBoost', 'RandomForest' or 'Linear'", "enum"}});
    }
  }
  DATAML_ASSIGN_OR_RETURN(engine::ml::Hyperparameters hp, engine::ml::Hyperparameters::FromJson(in.hyperparameters));
  DATAML_ASSIGN_OR_RETURN(const int64_t num_workers, NumWorkers(in, algorithm));
  DATAML_ASSIGN_OR_RETURN(datasets::Dataset dataset, datasets_.Get(tenant_id, in.dataset_id));
  DATAML_ASSIGN_OR_RETURN(std::vector<std::string> keys, datasets_.ValidatedParquetKeys(tenant_id, in.dataset_id));
  if (keys.empty()) {
    return Status::Invalid({{{"dataset_id"}, "The dataset has no validated rows to train on", "value_error"}});
  }
  DATAML_ASSIGN_OR_RETURN(nlohmann::json columns, AssignRoles(dataset.schema, in.columns, *problem));
  const nlohmann::json target = WithRole(columns, kRoleTarget).front();
  const std::string target_type = target["data_type"];
  if (problem == ProblemType::kRegression && target_type != "Integer" && target_type != "Float") {
    return Status::Invalid({{{"columns"},
                             "A Regression target must be an Integer or Float column; '" +
                                 target["column_name"].get<std::string>() + "' is " + target_type,
                             "value_error"}});
  }
  if (problem == ProblemType::kClassification) {
    DATAML_ASSIGN_OR_RETURN(engine::FileSet parquet, datasets_.StoredFiles(keys));
    auto counted = engine::ml::CountDistinctValues(parquet, target["column_name"].get<std::string>());
    if (!counted.ok()) {
      // The detail names server paths: logged, not shown.
      spdlog::error("cannot count the classes of dataset {}: {}", in.dataset_id, counted.status().message());
      return Status::Internal("Cannot read the dataset's validated data");
    }
    const int64_t classes = *counted;
    if (classes < 2 || classes > kMaxClasses) {
      return Status::Invalid({{{"columns"},
                               "The Target '" + target["column_name"].get<std::string>() + "' has " +
                                   std::to_string(classes) + " distinct value(s); Classification needs 2 to " +
                                   std::to_string(kMaxClasses),
                               "value_error"}});
    }
  }

  Training t;
  t.tenant_id = tenant_id;
  t.predictor_name = in.predictor_name;
  t.domain = in.domain;
  t.problem_type = *problem;
  t.dataset_id = in.dataset_id;
  t.columns = columns;
  t.hyperparameters = hp.ToJson();
  t.shap_enabled = in.shap_enabled;
  t.num_workers = num_workers;
  t.created_by = caller.username;
  t.created_at = t.modified_at = NowIso8601Utc();
  t.algorithm = algorithm ? engine::ml::AlgorithmName(*algorithm) : "auto";

  DATAML_ASSIGN_OR_RETURN(auto latest, repo_.LatestVersion(tenant_id, Lower(in.predictor_name)));
  std::optional<PreprocessRow> new_preprocess;
  std::optional<std::string> base_model_key;
  if (in.is_incremental) {
    if (!latest) {
      return Status::NotFound("Predictor '" + in.predictor_name +
                              "' not found; is_incremental continues an existing predictor");
    }
    if (!latest->completed()) {
      return Status::FailedPrecondition("The latest model of predictor '" + in.predictor_name +
                                        "' (training " + std::to_string(latest->id) + ") has not completed");
    }
    const std::string base_algorithm = SummaryString(*latest->summary, "algorithm");
    if (base_algorithm == "RandomForest") {
      return Status::Invalid({{{"is_incremental"},
                               "A RandomForest model cannot be continued: another round would add a second "
                               "forest on top of the first; train a new predictor instead",
                               "value_error"}});
    }
    if (algorithm && engine::ml::AlgorithmName(*algorithm) != base_algorithm) {
      return Status::Invalid({{{"algorithm"},
                               "Predictor '" + in.predictor_name + "' is a " + base_algorithm +
                                   " model; an incremental training continues it as such (omit algorithm or give " +
                                   base_algorithm + ")",
                               "value_error"}});
    }
    if (latest->problem_type != *problem) {
      return Status::Invalid({{{"problem_type"},
                               std::string("The predictor is a ") + ProblemTypeName(latest->problem_type) + " model",
                               "value_error"}});
    }
    if (ModelInputs(columns) != ModelInputs(latest->columns)) {
      return Status::Invalid({{{"columns"},
                               "Incremental training needs the predictor's Target and Feature columns with the same "
                               "data types; this dataset or these roles differ",
                               "value_error"}});
    }
    t.version = latest->version + 1;
    t.base_training_id = latest->id;
    t.preprocess_id = latest->preprocess_id;
    t.algorithm = base_algorithm;
    base_model_key = latest->model_key;
  } else {
    if (latest) return Status::AlreadyExists("A predictor named '" + in.predictor_name + "' already exists");
    new_preprocess = PreprocessRow{0, tenant_id, in.dataset_id, ModelInputs(columns), "", false, t.created_at};
  }

  auto job_column = [](const nlohmann::json& c) {
    return job_specs::Column{c.value("column_name", ""), c.value("data_type", ""), std::nullopt};
  };
  job_specs::TrainSpec spec;
  spec.problem_type = t.problem_type;
  spec.algorithm = t.algorithm;
  spec.hyperparameters = t.hyperparameters;
  for (const nlohmann::json& c : WithRole(columns, kRoleFeature)) spec.features.push_back(job_column(c));
  spec.target = job_column(target);
  spec.parquet_keys = keys;
  spec.base_model_key = base_model_key;
  spec.num_workers = static_cast<int>(num_workers);
  return Submit(std::move(t), std::move(new_preprocess), std::move(spec), caller);
}

Result<Training> TrainService::CreateForecast(const std::string& tenant_id, const Principal& caller,
                                              const CreateTrainingInput& in) {
  std::vector<FieldError> refused;
  if (in.is_incremental) {
    refused.push_back({{"is_incremental"},
                       "A Forecast model cannot be continued incrementally; train a new predictor on the longer "
                       "series",
                       "value_error"});
  }
  if (in.shap_enabled) {
    refused.push_back({{"shap_enabled"}, "SHAP explains row predictions; a Forecast model makes none", "value_error"});
  }
  if (in.num_workers && *in.num_workers != 1) {
    refused.push_back({{"num_workers"}, "A Forecast training runs on one worker", "value_error"});
  }
  if (!refused.empty()) return Status::Invalid(std::move(refused));
  DATAML_ASSIGN_OR_RETURN(datasets::Dataset dataset, datasets_.Get(tenant_id, in.dataset_id));
  DATAML_ASSIGN_OR_RETURN(std::vector<std::string> keys, datasets_.ValidatedParquetKeys(tenant_id, in.dataset_id));
  if (keys.empty()) {
    return Status::Invalid({{{"dataset_id"}, "The dataset has no validated rows to train on", "value_error"}});
  }
  DATAML_ASSIGN_OR_RETURN(nlohmann::json columns, AssignRoles(dataset.schema, in.columns, ProblemType::kForecast));
  DATAML_ASSIGN_OR_RETURN(CheckedForecast forecast,
                          CheckForecastRequest(in.forecast, in.algorithm, in.hyperparameters, columns));
  DATAML_ASSIGN_OR_RETURN(auto latest, repo_.LatestVersion(tenant_id, Lower(in.predictor_name)));
  if (latest) return Status::AlreadyExists("A predictor named '" + in.predictor_name + "' already exists");
  DATAML_ASSIGN_OR_RETURN(engine::FileSet parquet, datasets_.StoredFiles(keys));
  DATAML_RETURN_NOT_OK(CheckSeries(forecast, parquet));

  Training t;
  t.tenant_id = tenant_id;
  t.predictor_name = in.predictor_name;
  t.domain = in.domain;
  t.problem_type = ProblemType::kForecast;
  t.dataset_id = in.dataset_id;
  t.columns = columns;
  t.hyperparameters = forecast.hyperparameters.ToJson();
  t.created_by = caller.username;
  t.created_at = t.modified_at = NowIso8601Utc();
  t.algorithm = forecast.algorithm;
  t.forecast = forecast.settings;
  nlohmann::json inputs = nlohmann::json::array();
  for (const nlohmann::json& c : columns) {
    if (c.value("attribute_name", "") != kRoleIgnore) inputs.push_back(c);
  }
  PreprocessRow preprocess{0, tenant_id, in.dataset_id, std::move(inputs), "", false, t.created_at};

  auto job_column = [](const engine::ml::InputColumn& c) {
    return job_specs::Column{c.name, engine::DataTypeName(c.type), std::nullopt};
  };
  const engine::ml::forecast::SeriesRecipe& recipe = forecast.recipe;
  job_specs::TrainSpec spec;
  spec.problem_type = ProblemType::kForecast;
  spec.algorithm = t.algorithm;
  spec.hyperparameters = t.hyperparameters;
  for (const auto& f : recipe.features) spec.features.push_back(job_column(f));
  spec.target = job_column(recipe.target);
  spec.parquet_keys = keys;
  job_specs::SeriesSpec series;
  if (recipe.id) series.id = job_column(*recipe.id);
  series.timestamp = job_column(recipe.timestamp);
  series.frequency = forecast.settings.frequency;
  series.horizon = static_cast<int>(forecast.settings.horizon);
  series.aggregate = forecast.settings.aggregate;
  series.fill = forecast.settings.fill;
  spec.series = std::move(series);
  return Submit(std::move(t), std::move(preprocess), std::move(spec), caller);
}

Result<Training> TrainService::Submit(Training t, std::optional<PreprocessRow> new_preprocess, job_specs::TrainSpec spec,
                                      const Principal& caller) {
  const std::string tenant_id = t.tenant_id, predictor_name = t.predictor_name;
  auto inserted = repo_.InsertTraining(std::move(t), std::move(new_preprocess));
  if (!inserted.ok() && inserted.status().code() == StatusCode::kAlreadyExists) {
    // Another request created this name (or version) first.
    return Status::AlreadyExists("A predictor named '" + predictor_name + "' already exists");
  }
  DATAML_ASSIGN_OR_RETURN(int64_t id, std::move(inserted));
  DATAML_ASSIGN_OR_RETURN(Training stored, Get(tenant_id, id));
  DATAML_ASSIGN_OR_RETURN(auto preprocess, repo_.FindPreprocess(tenant_id, stored.preprocess_id));
  spec.model_key = stored.model_key;
  spec.preprocess_key = preprocess->artifact_key;
  spec.callback = {kTrainResultPath, {{"train_id", id}, {"preprocess_id", std::to_string(stored.preprocess_id)}}};
  auto job = jobs_.Submit(tenant_id, TrainingSubject(id), spec, caller.username);
  if (!job.ok()) {
    (void)repo_.DeleteTraining(tenant_id, id);
    return job.status();
  }
  DATAML_RETURN_NOT_OK(repo_.AttachJob(id, job->id));
  return Get(tenant_id, id);
}

Result<Training> TrainService::Get(const std::string& tenant_id, int64_t id) {
  DATAML_ASSIGN_OR_RETURN(auto found, repo_.Find(tenant_id, id));
  if (!found) return Status::NotFound("Training job not found");
  return *found;
}

Result<TrainingList> TrainService::List(const std::string& tenant_id, int64_t skip, int64_t limit,
                                        const SortKey& sort) {
  TrainingList out;
  DATAML_ASSIGN_OR_RETURN(out.trainings, repo_.List(tenant_id, skip, limit, sort));
  DATAML_ASSIGN_OR_RETURN(out.total, repo_.Count(tenant_id));
  return out;
}

Result<Training> TrainService::Completed(const std::string& tenant_id, int64_t id) {
  DATAML_ASSIGN_OR_RETURN(Training t, Get(tenant_id, id));
  if (!t.completed()) {
    return Status::FailedPrecondition("Training " + std::to_string(id) + " has not completed (status: " +
                                      TrainingStatus(t) + ")");
  }
  return t;
}

Status TrainService::Delete(const std::string& tenant_id, int64_t id) {
  DATAML_ASSIGN_OR_RETURN(Training t, Get(tenant_id, id));
  // A newer version still being trained reads this model; finished ones carry their own copy.
  DATAML_ASSIGN_OR_RETURN(int64_t continuations, repo_.CountContinuations(tenant_id, id));
  if (continuations > 0) {
    DATAML_ASSIGN_OR_RETURN(TrainingList all, List(tenant_id, 0, std::numeric_limits<int32_t>::max()));
    for (const Training& other : all.trainings) {
      if (other.base_training_id == id && other.active()) {
        return Status::FailedPrecondition("Training " + std::to_string(other.id) +
                                          " continues this model and has not finished; try again when it ends");
      }
    }
  }
  // Every train and shap job of the training (found by subject, so one whose row has not yet
  // learnt of it is stopped too).
  DATAML_RETURN_NOT_OK(jobs_.CancelActive(tenant_id, TrainingSubject(id), "terminated: the training was deleted"));
  DATAML_ASSIGN_OR_RETURN(std::optional<int64_t> unused_preprocess, repo_.DeleteTraining(tenant_id, id));
  versions_.Invalidate(VersionKey(tenant_id, id));
  DATAML_RETURN_NOT_OK(store_.RemoveTree(ModelPrefix(tenant_id, id)));
  if (unused_preprocess) DATAML_RETURN_NOT_OK(store_.RemoveTree(PreprocessPrefix(tenant_id, *unused_preprocess)));
  return Status::OK();
}

Result<Training> TrainService::UpdatePreprocess(const std::string& tenant_id, int64_t id, int64_t preprocess_id) {
  DATAML_ASSIGN_OR_RETURN(Training any, Get(tenant_id, id));
  if (any.problem_type == ProblemType::kForecast) {
    return RefuseForecast(any, "its series rules are part of the model, not a preprocess to swap");
  }
  DATAML_ASSIGN_OR_RETURN(Training t, Completed(tenant_id, id));
  DATAML_ASSIGN_OR_RETURN(auto candidate_row, repo_.FindPreprocess(tenant_id, preprocess_id));
  if (!candidate_row) return Status::NotFound("Preprocess not found");
  if (!candidate_row->is_fitted) {
    return Status::FailedPrecondition("Preprocess " + std::to_string(preprocess_id) +
                                      " is not fitted yet: its training has not completed");
  }
  if (preprocess_id == t.preprocess_id) return t;
  DATAML_ASSIGN_OR_RETURN(auto current_row, repo_.FindPreprocess(tenant_id, t.preprocess_id));
  if (!current_row) return Status::Internal("the model's preprocess is missing");
  DATAML_ASSIGN_OR_RETURN(auto current, LoadPreprocess(store_, current_row->artifact_key));
  DATAML_ASSIGN_OR_RETURN(auto candidate, LoadPreprocess(store_, candidate_row->artifact_key));
  Status compatible = current.CheckCompatible(candidate);
  if (!compatible.ok()) {
    return Status::Invalid({{{"preprocess_id"},
                             "Preprocess " + std::to_string(preprocess_id) + " does not fit training " +
                                 std::to_string(id) + ": " + compatible.message(),
                             "value_error"}});
  }
  DATAML_RETURN_NOT_OK(repo_.SetPreprocess(id, preprocess_id));
  versions_.Invalidate(VersionKey(tenant_id, id));
  return Get(tenant_id, id);
}

Result<ModelVersion> TrainService::CompletedVersion(const std::string& tenant_id, int64_t id) {
  // Only completed versions are cached: they change only through this service (update, delete).
  DATAML_ASSIGN_OR_RETURN(auto version, versions_.GetOrLoad(VersionKey(tenant_id, id), [&]() -> Result<ModelVersion> {
    DATAML_ASSIGN_OR_RETURN(auto found, repo_.FindVersion(tenant_id, id));
    if (!found) return Status::NotFound("Training job not found");
    if (found->status != "completed") {
      // The full row gives the status as users see it in the message.
      return Completed(tenant_id, id).status();
    }
    return *found;
  }));
  return *version;
}

Result<PreprocessRow> TrainService::GetPreprocess(const std::string& tenant_id, int64_t preprocess_id) {
  DATAML_ASSIGN_OR_RETURN(auto row, repo_.FindPreprocess(tenant_id, preprocess_id));
  if (!row) return Status::NotFound("Preprocess not found");
  return *row;
}

Result<ModelSchema> TrainService::Schema(const std::string& tenant_id, int64_t id) {
  DATAML_ASSIGN_OR_RETURN(Training t, Get(tenant_id, id));
  ModelSchema schema{id, t.preprocess_id, nlohmann::json::array()};
  for (const nlohmann::json& c : t.columns) {
    const std::string role = c.value("attribute_name", "");
    if (role == kRoleId || role == kRoleFeature || role == kRoleTarget) schema.columns.push_back(c);
  }
  return schema;
}

Result<jobs::Job> TrainService::SubmitShap(const Training& t, const std::string& created_by, int64_t sample_rows) {
  DATAML_ASSIGN_OR_RETURN(auto preprocess, repo_.FindPreprocess(t.tenant_id, t.preprocess_id));
  if (!preprocess) return Status::Internal("the model's preprocess is missing");
  DATAML_ASSIGN_OR_RETURN(std::vector<std::string> keys, datasets_.ValidatedParquetKeys(t.tenant_id, t.dataset_id));
  job_specs::ShapSpec spec{t.model_key, preprocess->artifact_key, keys, sample_rows, kShapSeed,
                           {kShapResultPath, {{"training_id", t.id}}}};
  // The row first: the job it shows is found by subject, so the job may finish at any time.
  DATAML_RETURN_NOT_OK(repo_.PutFeatureImportance(
      {t.id, t.tenant_id, std::nullopt, sample_rows, std::nullopt, created_by, NowIso8601Utc(), std::nullopt, std::nullopt}));
  auto job = jobs_.Submit(t.tenant_id, TrainingSubject(t.id), spec, created_by);
  if (!job.ok()) (void)repo_.DeleteFeatureImportance(t.tenant_id, t.id);
  return job;
}

Result<jobs::Job> TrainService::GenerateFeatureImportance(const std::string& tenant_id, const Principal& caller,
                                                          int64_t id, int64_t sample_rows) {
  DATAML_ASSIGN_OR_RETURN(Training any, Get(tenant_id, id));
  if (any.problem_type == ProblemType::kForecast) return RefuseForecast(any, "SHAP explains row predictions");
  DATAML_ASSIGN_OR_RETURN(Training t, Completed(tenant_id, id));
  DATAML_ASSIGN_OR_RETURN(auto fi, repo_.FindFeatureImportance(tenant_id, id));
  if (fi && (fi->job_status == "queued" || fi->job_status == "running")) {
    return Status::FailedPrecondition("A feature importance job is already running for training " + std::to_string(id));
  }
  return SubmitShap(t, caller.username, sample_rows);
}

Result<FeatureImportance> TrainService::GetFeatureImportance(const std::string& tenant_id, int64_t id) {
  DATAML_RETURN_NOT_OK(Get(tenant_id, id).status());
  DATAML_ASSIGN_OR_RETURN(auto fi, repo_.FindFeatureImportance(tenant_id, id));
  if (!fi) {
    return Status::NotFound("No feature importance for training " + std::to_string(id) +
                            "; generate it with /api/v1/train/generate-feature-importance");
  }
  return *fi;
}

Status TrainService::DeleteFeatureImportance(const std::string& tenant_id, int64_t id) {
  DATAML_ASSIGN_OR_RETURN(FeatureImportance fi, GetFeatureImportance(tenant_id, id));
  if (fi.job_id && (fi.job_status == "queued" || fi.job_status == "running")) {
    Status cancelled = jobs_.Cancel(tenant_id, *fi.job_id, "terminated: the feature importance was deleted");
    if (!cancelled.ok() && cancelled.code() != StatusCode::kFailedPrecondition) return cancelled;
  }
  DATAML_ASSIGN_OR_RETURN(bool deleted, repo_.DeleteFeatureImportance(tenant_id, id));
  if (!deleted) return Status::NotFound("No feature importance for training " + std::to_string(id));
  return Status::OK();
}

Result<jobs::Job> TrainService::JobOfTraining(int64_t job_id, int64_t training_id, const char* kind) {
  DATAML_ASSIGN_OR_RETURN(jobs::Job job, jobs_.GetForWorker(job_id));
  if (job.kind != kind || job.subject != TrainingSubject(training_id)) {
    return Status::NotFound("Job " + std::to_string(job_id) + " is not a " + kind + " job of training " +
                            std::to_string(training_id));
  }
  return job;
}


Result<int64_t> TrainService::RecordTrainingResult(int64_t job_id, std::optional<int64_t> given_id,
                                                   const nlohmann::json& result) {
  int64_t training_id = 0;
  if (given_id) {
    training_id = *given_id;
  } else {
    DATAML_ASSIGN_OR_RETURN(jobs::Job job, jobs_.GetForWorker(job_id));
    const std::string prefix = TrainingSubject(0).substr(0, TrainingSubject(0).size() - 1);
    if (job.subject.rfind(prefix, 0) != 0) return Status::NotFound("Job " + std::to_string(job_id) + " trains no model");
    training_id = std::strtoll(job.subject.c_str() + prefix.size(), nullptr, 10);
  }
  DATAML_ASSIGN_OR_RETURN(jobs::Job job, JobOfTraining(job_id, training_id, "train"));
  DATAML_ASSIGN_OR_RETURN(auto training, repo_.FindInAnyTenant(training_id));
  if (!training) return Status::NotFound("Training job not found");
  const bool failed = !result.value("error", nlohmann::json()).is_null();
  if (!failed) {
    // A worker may run on another machine: its word is checked, not trusted.
    DATAML_RETURN_NOT_OK(CheckSummary(result, training->problem_type));
    DATAML_RETURN_NOT_OK(ArtifactsExist(*training));
    // The model is recorded before its job completes, so a completed training always has it;
    // idempotent, so a replay repairs a first attempt that failed after this.
    const nlohmann::json& summary = result.at("summary");
    ModelManifest manifest{training->problem_type, SummaryString(summary, "algorithm"), training->model_key};
    DATAML_RETURN_NOT_OK(repo_.MarkTrained(training_id, summary, manifest));
  }
  DATAML_ASSIGN_OR_RETURN(bool first, jobs::FinishOnce(jobs_, job, result));
  if (failed) return training_id;
  versions_.Invalidate(VersionKey(training->tenant_id, training_id));
  if (first && training->shap_enabled) {
    // The training is accepted whatever happens here; a user can still start SHAP by hand.
    DATAML_ASSIGN_OR_RETURN(Training completed, Get(training->tenant_id, training_id));
    auto shap = SubmitShap(completed, completed.created_by, kDefaultShapSampleRows);
    if (!shap.ok()) spdlog::error("training {}: cannot start its SHAP job: {}", training_id, shap.status().message());
  }
  return training_id;
}

Status TrainService::RecordShapResult(int64_t job_id, int64_t training_id, const nlohmann::json& result) {
  DATAML_ASSIGN_OR_RETURN(jobs::Job job, JobOfTraining(job_id, training_id, "shap"));
  const bool failed = !result.value("error", nlohmann::json()).is_null();
  if (!failed && !(result.contains("feature_importance") && result["feature_importance"].is_object())) {
    return Status::Invalid({{{"result", "feature_importance"}, "Field required", "missing"}});
  }
  return jobs::FinishOnce(jobs_, job, result).status();
}

Result<int64_t> TrainService::CountUsingDataset(const std::string& tenant_id, int64_t dataset_id) {
  return repo_.CountUsingDataset(tenant_id, dataset_id);
}

}  // namespace dataml::train
