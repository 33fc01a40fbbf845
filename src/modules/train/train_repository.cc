#include "modules/train/train_repository.h"

#include "core/clock.h"
#include "db/row_reader.h"
#include "db/sort_columns.h"

namespace dataml::train {
namespace {

constexpr const char* kTrainingSelect =
    "SELECT t.id, t.tenant_id, t.predictor_name, t.version, t.base_training_id, t.domain, "
    "t.problem_type, t.dataset_id, d.dataset_name, t.algorithm, t.columns, t.hyperparameters, "
    "t.shap_enabled, t.num_workers, t.preprocess_id, t.job_id, t.model_key, t.created_by, "
    "t.created_at, t.modified_at, t.status, t.error, t.summary, t.manifest, t.forecast, j.backend AS job_backend, "
    "j.backend_status AS job_backend_status FROM trainings t LEFT JOIN datasets d ON d.id = t.dataset_id "
    "LEFT JOIN jobs j ON j.id = t.job_id ";

Training TrainingFromRow(const soci::row& row) {
  Training t;
  t.id = db::GetInt(row, "id");
  t.tenant_id = db::GetString(row, "tenant_id");
  t.predictor_name = db::GetString(row, "predictor_name");
  t.version = db::GetInt(row, "version");
  t.base_training_id = db::GetOptionalInt(row, "base_training_id");
  t.domain = db::GetString(row, "domain");
  const std::string problem = db::GetString(row, "problem_type");
  const auto problem_type = ParseProblemType(problem);
  // Only our own names are written; another is a newer server's row (Guard turns this into a 500).
  if (!problem_type) throw std::runtime_error("training " + std::to_string(t.id) + " has an unknown problem type '" + problem + "'");
  t.problem_type = *problem_type;
  t.dataset_id = db::GetInt(row, "dataset_id");
  t.dataset_name = db::GetOptionalString(row, "dataset_name");
  t.algorithm = db::GetString(row, "algorithm");
  t.columns = nlohmann::json::parse(db::GetString(row, "columns"));
  t.hyperparameters = nlohmann::json::parse(db::GetString(row, "hyperparameters"));
  t.shap_enabled = db::GetBool(row, "shap_enabled");
  t.num_workers = db::GetInt(row, "num_workers");
  t.preprocess_id = db::GetInt(row, "preprocess_id");
  t.job_id = db::GetOptionalInt(row, "job_id");
  t.model_key = db::GetString(row, "model_key");
  t.created_by = db::GetString(row, "created_by");
  t.created_at = db::GetString(row, "created_at");
  t.modified_at = db::GetString(row, "modified_at");
  t.status = db::GetString(row, "status");
  t.error = db::GetOptionalString(row, "error");
  t.job_backend = db::GetOptionalString(row, "job_backend");
  t.job_backend_status = db::GetOptionalString(row, "job_backend_status");
  if (auto summary = db::GetOptionalString(row, "summary")) t.summary = nlohmann::json::parse(*summary);
  if (auto manifest = db::GetOptionalString(row, "manifest")) {
    auto parsed = ModelManifest::FromJson(nlohmann::json::parse(*manifest));
    // Only our own manifests are written; another is a newer server's (Guard makes it a 500).
    if (!parsed.ok()) throw std::runtime_error("training " + std::to_string(t.id) + ": " + parsed.status().message());
    t.manifest = std::move(parsed).ValueOrDie();
  }
  if (auto forecast = db::GetOptionalString(row, "forecast")) {
    auto parsed = ForecastSettings::FromJson(nlohmann::json::parse(*forecast));
    if (!parsed.ok()) throw std::runtime_error("training " + std::to_string(t.id) + ": " + parsed.status().message());
    t.forecast = std::move(parsed).ValueOrDie();
  }
  return t;
}

int64_t Execute(soci::statement& st) {
  st.execute(true);
  return st.get_affected_rows();
}

}  // namespace

Result<int64_t> TrainRepository::InsertTraining(Training t, std::optional<PreprocessRow> p) {
  return db_.Transact<int64_t>([&](soci::session& sql) -> Result<int64_t> {
    if (p) {
      long long pid = 0, dataset = p->dataset_id;
      std::string schema = p->input_schema.dump();
      std::string pending = "pending";
      sql << "INSERT INTO preprocesses (tenant_id, dataset_id, input_schema, artifact_key, "
             "is_fitted, created_at) VALUES (:t, :d, :s, :k, 0, :c) RETURNING id",
          soci::use(p->tenant_id), soci::use(dataset), soci::use(schema), soci::use(pending),
          soci::use(p->created_at), soci::into(pid);
      std::string key = PreprocessKey(p->tenant_id, pid);
      sql << "UPDATE preprocesses SET artifact_key = :k WHERE id = :id", soci::use(key), soci::use(pid);
      t.preprocess_id = pid;
    }
    long long id = 0, version = t.version, dataset = t.dataset_id, preprocess = t.preprocess_id;
    long long base = t.base_training_id.value_or(0);
    soci::indicator base_ind = t.base_training_id ? soci::i_ok : soci::i_null;
    int shap = t.shap_enabled ? 1 : 0;
    long long workers = t.num_workers;
    std::string problem_name = ProblemTypeName(t.problem_type);
    std::string key = t.predictor_name;
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string columns = t.columns.dump(), hp = t.hyperparameters.dump(), pending = "pending";
    std::string forecast = t.forecast ? t.forecast->ToJson().dump() : std::string();
    soci::indicator forecast_ind = t.forecast ? soci::i_ok : soci::i_null;
    sql << "INSERT INTO trainings (tenant_id, predictor_name, predictor_key, version, "
           "base_training_id, domain, problem_type, dataset_id, algorithm, columns, "
           "hyperparameters, shap_enabled, num_workers, preprocess_id, model_key, created_by, created_at, "
           "modified_at, forecast) VALUES (:t, :n, :k, :v, :b, :dom, :pt, :d, :a, :c, :h, :s, :w, :p, :m, :by, "
           ":ca, :ma, :f) RETURNING id",
        soci::use(t.tenant_id), soci::use(t.predictor_name), soci::use(key), soci::use(version),
        soci::use(base, base_ind), soci::use(t.domain), soci::use(problem_name), soci::use(dataset),
        soci::use(t.algorithm), soci::use(columns), soci::use(hp), soci::use(shap), soci::use(workers),
        soci::use(preprocess), soci::use(pending), soci::use(t.created_by), soci::use(t.created_at),
        soci::use(t.modified_at), soci::use(forecast, forecast_ind), soci::into(id);
    std::string model_key = ModelKey(t.tenant_id, id);
    sql << "UPDATE trainings SET model_key = :k WHERE id = :id", soci::use(model_key), soci::use(id);
    return static_cast<int64_t>(id);
  });
}

void TrainRepository::ApplyTrainJobStatus(soci::session& sql, const jobs::StatusChange& change) {
  const std::optional<int64_t> training = TrainingOfSubject(change.subject);
  if (!training) return;  // not a training's job
  long long id = *training, job = change.job_id;
  std::string error = change.error.value_or("");
  soci::indicator error_ind = change.error ? soci::i_ok : soci::i_null;
  // An older job of the training (none today: one train job each) never overrides a newer one.
  sql << "UPDATE trainings SET status = :s, error = :e, job_id = :j WHERE id = :id AND "
         "(job_id IS NULL OR job_id <= :j2)",
      soci::use(change.status), soci::use(error, error_ind), soci::use(job), soci::use(id), soci::use(job);
}

Status TrainRepository::AttachJob(int64_t training_id, int64_t job_id) {
  return db_.Run([&](soci::session& sql) {
    long long id = training_id, job = job_id;
    sql << "UPDATE trainings SET job_id = :j WHERE id = :id AND job_id IS NULL", soci::use(job), soci::use(id);
    return Status::OK();
  });
}

Status TrainRepository::MarkTrained(int64_t training_id, const nlohmann::json& summary, const ModelManifest& manifest) {
  return db_.RunInTransaction([&](soci::session& sql) {
    long long id = training_id;
    std::string now = NowIso8601Utc();
    std::string summary_text = summary.dump(), manifest_text = manifest.ToJson().dump();
    sql << "UPDATE trainings SET modified_at = :m, summary = :s, manifest = :f WHERE id = :id", soci::use(now),
        soci::use(summary_text), soci::use(manifest_text), soci::use(id);
    sql << "UPDATE preprocesses SET is_fitted = 1 WHERE id = (SELECT preprocess_id FROM trainings "
           "WHERE id = :id)",
        soci::use(id);
    return Status::OK();
  });
}

Status TrainRepository::SetPreprocess(int64_t training_id, int64_t preprocess_id) {
  return db_.Run([&](soci::session& sql) {
    long long id = training_id, pid = preprocess_id;
    std::string now = NowIso8601Utc();
    sql << "UPDATE trainings SET preprocess_id = :p, modified_at = :m WHERE id = :id", soci::use(pid),
        soci::use(now), soci::use(id);
    return Status::OK();
  });
}

Result<std::optional<int64_t>> TrainRepository::DeleteTraining(const std::string& tenant_id,
                                                              int64_t training_id) {
  return db_.Transact<std::optional<int64_t>>([&](soci::session& sql) -> Result<std::optional<int64_t>> {
    long long id = training_id, pid = 0;
    soci::indicator ind = soci::i_null;
    sql << "SELECT preprocess_id FROM trainings WHERE id = :id AND tenant_id = :t", soci::use(id),
        soci::use(tenant_id), soci::into(pid, ind);
    if (ind != soci::i_ok) return std::optional<int64_t>();
    sql << "DELETE FROM feature_importances WHERE training_id = :id", soci::use(id);
    sql << "DELETE FROM trainings WHERE id = :id", soci::use(id);
    long long users = 0;
    sql << "SELECT COUNT(*) FROM trainings WHERE preprocess_id = :p", soci::use(pid), soci::into(users);
    if (users > 0) return std::optional<int64_t>();
    sql << "DELETE FROM preprocesses WHERE id = :p", soci::use(pid);
    return std::optional<int64_t>(pid);
  });
}

Result<std::optional<Training>> TrainRepository::FindWhere(const std::optional<std::string>& tenant_id,
                                                           int64_t id) {
  return db_.Query<std::optional<Training>>([&](soci::session& sql) -> Result<std::optional<Training>> {
    long long key = id;
    soci::rowset<soci::row> rows =
        tenant_id ? (sql.prepare << kTrainingSelect << "WHERE t.id = :id AND t.tenant_id = :t",
                     soci::use(key), soci::use(*tenant_id))
                  : (sql.prepare << kTrainingSelect << "WHERE t.id = :id", soci::use(key));
    for (const soci::row& row : rows) return std::optional<Training>(TrainingFromRow(row));
    return std::optional<Training>();
  });
}

Result<std::optional<Training>> TrainRepository::Find(const std::string& tenant_id, int64_t id) {
  return FindWhere(tenant_id, id);
}

Result<std::optional<ModelVersion>> TrainRepository::FindVersion(const std::string& tenant_id, int64_t id) {
  return db_.Query<std::optional<ModelVersion>>([&](soci::session& sql) -> Result<std::optional<ModelVersion>> {
    long long key = id;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT t.id, t.predictor_name, t.preprocess_id, t.modified_at, t.status "
                        "FROM trainings t WHERE t.id = :id AND t.tenant_id = :t",
         soci::use(key), soci::use(tenant_id));
    for (const soci::row& row : rows) {
      ModelVersion v;
      v.id = db::GetInt(row, "id");
      v.predictor_name = db::GetString(row, "predictor_name");
      v.preprocess_id = db::GetInt(row, "preprocess_id");
      v.modified_at = db::GetString(row, "modified_at");
      v.status = db::GetString(row, "status");
      return std::optional<ModelVersion>(std::move(v));
    }
    return std::optional<ModelVersion>();
  });
}

Result<std::optional<Training>> TrainRepository::FindInAnyTenant(int64_t id) {
  return FindWhere(std::nullopt, id);
}

Result<std::vector<Training>> TrainRepository::List(const std::string& tenant_id, int64_t skip, int64_t limit,
                                                     const SortKey& sort) {
  static const db::SortColumns kSort({{"id", "t.id"},
                                      {"predictor_name", "t.predictor_name", db::SortColumn::kText},
                                      {"problem_type", "t.problem_type"},
                                      {"algorithm", "t.algorithm"},
                                      {"dataset_name", "d.dataset_name", db::SortColumn::kText},
                                      {"training_status", "t.status"},
                                      {"version", "t.version"},
                                      {"created_by", "t.created_by", db::SortColumn::kText},
                                      {"created_at", "t.created_at"},
                                      {"modified_at", "t.modified_at"}},
                                     "t.id", "t.id DESC");
  DATAML_ASSIGN_OR_RETURN(std::string order_by, kSort.OrderBy(sort));
  return db_.Query<std::vector<Training>>([&](soci::session& sql) -> Result<std::vector<Training>> {
    long long s = skip, l = limit;
    soci::rowset<soci::row> rows =
        (sql.prepare << kTrainingSelect << "WHERE t.tenant_id = :t" << order_by << " LIMIT :l OFFSET :s",
         soci::use(tenant_id), soci::use(l), soci::use(s));
    std::vector<Training> out;
    for (const soci::row& row : rows) out.push_back(TrainingFromRow(row));
    return out;
  });
}

Result<int64_t> TrainRepository::Count(const std::string& tenant_id) {
  return db_.Query<int64_t>([&](soci::session& sql) -> Result<int64_t> {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM trainings WHERE tenant_id = :t", soci::use(tenant_id), soci::into(n);
    return static_cast<int64_t>(n);
  });
}

Result<std::optional<Training>> TrainRepository::LatestVersion(const std::string& tenant_id,
                                                               const std::string& predictor_key) {
  return db_.Query<std::optional<Training>>([&](soci::session& sql) -> Result<std::optional<Training>> {
    soci::rowset<soci::row> rows =
        (sql.prepare << kTrainingSelect
                     << "WHERE t.tenant_id = :t AND t.predictor_key = :k ORDER BY t.version DESC LIMIT 1",
         soci::use(tenant_id), soci::use(predictor_key));
    for (const soci::row& row : rows) return std::optional<Training>(TrainingFromRow(row));
    return std::optional<Training>();
  });
}

Result<int64_t> TrainRepository::CountContinuations(const std::string& tenant_id, int64_t training_id) {
  return db_.Query<int64_t>([&](soci::session& sql) -> Result<int64_t> {
    long long n = 0, id = training_id;
    sql << "SELECT COUNT(*) FROM trainings WHERE tenant_id = :t AND base_training_id = :b",
        soci::use(tenant_id), soci::use(id), soci::into(n);
    return static_cast<int64_t>(n);
  });
}

Result<int64_t> TrainRepository::CountUsingDataset(const std::string& tenant_id, int64_t dataset_id) {
  return db_.Query<int64_t>([&](soci::session& sql) -> Result<int64_t> {
    long long n = 0, d = dataset_id;
    sql << "SELECT COUNT(*) FROM trainings WHERE tenant_id = :t AND dataset_id = :d",
        soci::use(tenant_id), soci::use(d), soci::into(n);
    return static_cast<int64_t>(n);
  });
}

Result<std::optional<PreprocessRow>> TrainRepository::FindPreprocess(const std::string& tenant_id, int64_t id) {
  return db_.Query<std::optional<PreprocessRow>>([&](soci::session& sql) -> Result<std::optional<PreprocessRow>> {
    long long key = id;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT id, tenant_id, dataset_id, input_schema, artifact_key, is_fitted, "
                        "created_at FROM preprocesses WHERE id = :id AND tenant_id = :t",
         soci::use(key), soci::use(tenant_id));
    for (const soci::row& row : rows) {
      PreprocessRow p;
      p.id = db::GetInt(row, "id");
      p.tenant_id = db::GetString(row, "tenant_id");
      p.dataset_id = db::GetInt(row, "dataset_id");
      p.input_schema = nlohmann::json::parse(db::GetString(row, "input_schema"));
      p.artifact_key = db::GetString(row, "artifact_key");
      p.is_fitted = db::GetBool(row, "is_fitted");
      p.created_at = db::GetString(row, "created_at");
      return std::optional<PreprocessRow>(std::move(p));
    }
    return std::optional<PreprocessRow>();
  });
}

Status TrainRepository::PutFeatureImportance(const FeatureImportance& fi) {
  return db_.RunInTransaction([&](soci::session& sql) {
    long long id = fi.training_id, rows = fi.sample_rows;
    sql << "DELETE FROM feature_importances WHERE training_id = :id", soci::use(id);
    sql << "INSERT INTO feature_importances (training_id, tenant_id, sample_rows, "
           "created_by, created_at) VALUES (:id, :t, :r, :by, :c)",
        soci::use(id), soci::use(fi.tenant_id), soci::use(rows),
        soci::use(fi.created_by), soci::use(fi.created_at);
    return Status::OK();
  });
}

Result<std::optional<FeatureImportance>> TrainRepository::FindFeatureImportance(const std::string& tenant_id,
                                                                                int64_t training_id) {
  return db_.Query<std::optional<FeatureImportance>>(
      [&](soci::session& sql) -> Result<std::optional<FeatureImportance>> {
        long long id = training_id;
        soci::rowset<soci::row> rows =
            (sql.prepare << "SELECT f.training_id, f.tenant_id, j.id AS job_id, f.sample_rows, j.result, "
                            "f.created_by, f.created_at, j.status AS job_status, j.error AS job_error "
                            "FROM feature_importances f LEFT JOIN jobs j ON j.id = (SELECT MAX(x.id) FROM "
                            "jobs x WHERE x.tenant_id = f.tenant_id AND x.kind = 'shap' AND x.subject = "
                            "'training:' || CAST(f.training_id AS TEXT)) "
                            "WHERE f.training_id = :id AND f.tenant_id = :t",
             soci::use(id), soci::use(tenant_id));
        for (const soci::row& row : rows) {
          FeatureImportance fi;
          fi.training_id = db::GetInt(row, "training_id");
          fi.tenant_id = db::GetString(row, "tenant_id");
          fi.job_id = db::GetOptionalInt(row, "job_id");
          fi.sample_rows = db::GetInt(row, "sample_rows");
          if (auto r = db::GetOptionalString(row, "result")) fi.result = nlohmann::json::parse(*r);
          fi.created_by = db::GetString(row, "created_by");
          fi.created_at = db::GetString(row, "created_at");
          fi.job_status = db::GetOptionalString(row, "job_status");
          fi.job_error = db::GetOptionalString(row, "job_error");
          return std::optional<FeatureImportance>(std::move(fi));
        }
        return std::optional<FeatureImportance>();
      });
}

Result<bool> TrainRepository::DeleteFeatureImportance(const std::string& tenant_id, int64_t training_id) {
  return db_.Query<bool>([&](soci::session& sql) -> Result<bool> {
    long long id = training_id;
    soci::statement st = (sql.prepare << "DELETE FROM feature_importances WHERE training_id = :id AND tenant_id = :t",
                          soci::use(id), soci::use(tenant_id));
    return Execute(st) == 1;
  });
}

}  // namespace dataml::train
