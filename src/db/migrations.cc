#include "db/migrations.h"

#include <spdlog/spdlog.h>

#include <functional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "db/row_reader.h"

namespace dataml::db {
namespace {

struct Migration {
  int64_t version;
  const char* name;
  std::vector<const char*> statements;
  // Data the statements cannot move portably (JSON inside a column), run after them.
  std::function<void(soci::session&)> backfill = nullptr;
};

}  // namespace

// Migration 7: each training takes its newest train job's status and error, and once completed
// its summary (from the job's result) and its model manifest (train::ModelManifest's form).
void BackfillTrainingStatus(soci::session& sql) {
  struct Row {
    long long id, job_id;
    std::string status;
    std::optional<std::string> error, result;
    std::string problem_type, model_key;
  };
  std::vector<Row> rows;
  soci::rowset<soci::row> found =
      (sql.prepare << "SELECT t.id, j.id AS job_id, j.status, j.error, j.result, t.problem_type, t.model_key "
                      "FROM trainings t JOIN jobs j ON j.id = (SELECT MAX(x.id) FROM jobs x WHERE x.tenant_id = "
                      "t.tenant_id AND x.kind = 'train' AND x.subject = 'training:' || CAST(t.id AS TEXT))");
  for (const soci::row& r : found) {
    rows.push_back({GetInt(r, "id"), GetInt(r, "job_id"), GetString(r, "status"), GetOptionalString(r, "error"),
                    GetOptionalString(r, "result"), GetString(r, "problem_type"), GetString(r, "model_key")});
  }
  for (Row& row : rows) {
    std::string summary, manifest;
    soci::indicator summary_ind = soci::i_null, manifest_ind = soci::i_null, error_ind = row.error ? soci::i_ok : soci::i_null;
    if (row.status == "completed" && row.result) {
      auto result = nlohmann::json::parse(*row.result, nullptr, false);
      if (result.is_object() && result.contains("summary") && result["summary"].is_object()) {
        summary = result["summary"].dump();
        summary_ind = soci::i_ok;
        manifest = nlohmann::json{{"format_version", 1},
                                  {"problem_type", row.problem_type},
                                  {"algorithm", result["summary"].value("algorithm", "")},
                                  {"artifacts", {{"model", row.model_key}}}}
                       .dump();
        manifest_ind = soci::i_ok;
      }
    }
    std::string error = row.error.value_or("");
    sql << "UPDATE trainings SET job_id = :j, status = :s, error = :e, summary = :y, manifest = :m WHERE id = :id",
        soci::use(row.job_id), soci::use(row.status), soci::use(error, error_ind), soci::use(summary, summary_ind),
        soci::use(manifest, manifest_ind), soci::use(row.id);
  }
}

namespace {

// {{ID}} is the auto-increment primary key of each dialect.
const std::vector<Migration>& AllMigrations() {
  static const std::vector<Migration> kMigrations = {
      {1,
       "identity, rbac, templates",
       {
           R"(CREATE TABLE tenants (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                created_at TEXT NOT NULL))",
           "CREATE UNIQUE INDEX ux_tenants_name ON tenants (lower(name))",
           R"(CREATE TABLE users (
                id {{ID}},
                tenant_id TEXT NOT NULL REFERENCES tenants (id),
                username TEXT NOT NULL,
                email TEXT NOT NULL,
                first_name TEXT,
                last_name TEXT,
                password_hash TEXT NOT NULL,
                is_active INTEGER NOT NULL DEFAULT 1,
                is_superuser INTEGER NOT NULL DEFAULT 0,
                password_changed_at BIGINT NOT NULL,
                created_at TEXT NOT NULL,
                modified_at TEXT NOT NULL))",
           "CREATE UNIQUE INDEX ux_users_username ON users (lower(username))",
           "CREATE UNIQUE INDEX ux_users_email ON users (email)",
           "CREATE INDEX ix_users_tenant ON users (tenant_id)",
           R"(CREATE TABLE refresh_tokens (
                id {{ID}},
                user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                family_id TEXT NOT NULL,
                token_hash TEXT NOT NULL UNIQUE,
                expires_at BIGINT NOT NULL,
                revoked INTEGER NOT NULL DEFAULT 0,
                rotated INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL))",
           "CREATE INDEX ix_refresh_tokens_family ON refresh_tokens (family_id)",
           "CREATE INDEX ix_refresh_tokens_user ON refresh_tokens (user_id)",
           R"(CREATE TABLE login_failures (
                username TEXT PRIMARY KEY,
                failures INTEGER NOT NULL,
                first_failure_at BIGINT NOT NULL,
                locked_until BIGINT NOT NULL))",
           R"(CREATE TABLE permissions (
                id {{ID}},
                tenant_id TEXT NOT NULL REFERENCES tenants (id),
                name TEXT NOT NULL,
                description TEXT NOT NULL,
                is_builtin INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL,
                UNIQUE (tenant_id, name)))",
           R"(CREATE TABLE roles (
                id {{ID}},
                tenant_id TEXT NOT NULL REFERENCES tenants (id),
                name TEXT NOT NULL,
                is_builtin INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL,
                UNIQUE (tenant_id, name)))",
           R"(CREATE TABLE role_permissions (
                role_id BIGINT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
                permission_id BIGINT NOT NULL REFERENCES permissions (id) ON DELETE CASCADE,
                PRIMARY KEY (role_id, permission_id)))",
           R"(CREATE TABLE user_roles (
                user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                role_id BIGINT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
                PRIMARY KEY (user_id, role_id)))",
           R"(CREATE TABLE templates (
                id {{ID}},
                tenant_id TEXT NOT NULL REFERENCES tenants (id),
                template_name TEXT NOT NULL,
                template_schema TEXT NOT NULL,
                no_of_columns INTEGER NOT NULL,
                created_by TEXT NOT NULL,
                modified_by TEXT NOT NULL,
                created_at TEXT NOT NULL,
                modified_at TEXT NOT NULL))",
           "CREATE UNIQUE INDEX ux_templates_name ON templates (tenant_id, lower(template_name))",
           // Datasets arrive with the dataset module; the table exists now because templates
           // must refuse deletion while a dataset uses them.
           R"(CREATE TABLE datasets (
                id {{ID}},
                tenant_id TEXT NOT NULL REFERENCES tenants (id),
                dataset_name TEXT NOT NULL,
                template_id BIGINT REFERENCES templates (id),
                usage TEXT NOT NULL,
                data_source TEXT NOT NULL,
                iceberg_table_name TEXT,
                is_valid INTEGER NOT NULL DEFAULT 0,
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL,
                modified_at TEXT NOT NULL,
                UNIQUE (tenant_id, dataset_name)))",
           "CREATE INDEX ix_datasets_template ON datasets (template_id)",
       }},
      {2,
       "dataset files and jobs",
       {
           // The schema every file of a dataset is validated against (template or inferred).
           "ALTER TABLE datasets ADD COLUMN dataset_schema TEXT",
           R"(CREATE TABLE dataset_files (
                id {{ID}},
                tenant_id TEXT NOT NULL REFERENCES tenants (id),
                dataset_id BIGINT NOT NULL REFERENCES datasets (id),
                file_name TEXT NOT NULL,
                raw_key TEXT NOT NULL,
                parquet_key TEXT,
                raw_bytes BIGINT NOT NULL,
                total_fields BIGINT NOT NULL,
                total_records BIGINT NOT NULL,
                valid_records BIGINT NOT NULL,
                error_report TEXT,
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL,
                modified_at TEXT NOT NULL))",
           "CREATE INDEX ix_dataset_files_dataset ON dataset_files (dataset_id)",
           R"(CREATE TABLE jobs (
                id {{ID}},
                tenant_id TEXT NOT NULL REFERENCES tenants (id),
                kind TEXT NOT NULL,
                subject TEXT NOT NULL,
                payload TEXT NOT NULL,
                status TEXT NOT NULL,
                backend TEXT NOT NULL,
                backend_ref TEXT,
                result TEXT,
                error TEXT,
                attempts INTEGER NOT NULL DEFAULT 0,
                lease_owner TEXT,
                lease_expires_at BIGINT,
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL,
                started_at TEXT,
                finished_at TEXT))",
           "CREATE INDEX ix_jobs_status ON jobs (status)",
           "CREATE INDEX ix_jobs_subject ON jobs (tenant_id, subject)",
       }},
      {3,
       "trainings, preprocesses and feature importance",
       {
           // A fitted preprocess; its artifact exists once the training that fits it has
           // completed (artifact_key), and models may share one (update, incremental).
           R"(CREATE TABLE preprocesses (
                id {{ID}},
                tenant_id TEXT NOT NULL REFERENCES tenants (id),
                dataset_id BIGINT NOT NULL,
                input_schema TEXT NOT NULL,
                artifact_key TEXT NOT NULL,
                is_fitted INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL))",
           // One model version of a predictor: an incremental training adds a version that
           // continues base_training_id. Its status is that of its newest "train" job (subject
           // "training:<id>"), found by subject so that no second write can be missed.
           R"(CREATE TABLE trainings (
                id {{ID}},
                tenant_id TEXT NOT NULL REFERENCES tenants (id),
                predictor_name TEXT NOT NULL,
                predictor_key TEXT NOT NULL,
                version INTEGER NOT NULL,
                base_training_id BIGINT,
                domain TEXT NOT NULL,
                problem_type TEXT NOT NULL,
                dataset_id BIGINT NOT NULL,
                algorithm TEXT NOT NULL,
                columns TEXT NOT NULL,
                hyperparameters TEXT NOT NULL,
                shap_enabled INTEGER NOT NULL,
                preprocess_id BIGINT NOT NULL,
                model_key TEXT NOT NULL,
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL,
                modified_at TEXT NOT NULL,
                UNIQUE (tenant_id, predictor_key, version)))",
           "CREATE INDEX ix_trainings_dataset ON trainings (tenant_id, dataset_id)",
           "CREATE INDEX ix_trainings_preprocess ON trainings (preprocess_id)",
           "CREATE INDEX ix_trainings_base ON trainings (base_training_id)",
           // Feature importance asked for (the values are its newest "shap" job's result).
           R"(CREATE TABLE feature_importances (
                training_id BIGINT PRIMARY KEY,
                tenant_id TEXT NOT NULL REFERENCES tenants (id),
                sample_rows BIGINT NOT NULL,
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL))",
       }},
      {4,
       "predictions log",
       {
           // Every prediction made with a model: real-time ones (written in batches off the
           // request path) and, later, batch prediction jobs.
           R"(CREATE TABLE predictions (
                id {{ID}},
                tenant_id TEXT NOT NULL REFERENCES tenants (id),
                training_id BIGINT NOT NULL,
                prediction_type TEXT NOT NULL,
                dataset_id BIGINT,
                input_data TEXT NOT NULL,
                output TEXT,
                no_of_records BIGINT NOT NULL,
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL))",
           "CREATE INDEX ix_predictions_training ON predictions (tenant_id, training_id, id)",
       }},
      {5,
       "batch predictions",
       {
           // Files a job wrote (batch prediction results) beside the uploads: listed and
           // downloadable with the dataset, but not its data (not counted, never trained on).
           "ALTER TABLE dataset_files ADD COLUMN kind TEXT NOT NULL DEFAULT 'upload'",
           // A batch prediction is a row from the start (status 'submitted'); its job's worker
           // reports the results file, the row count and the score, or the error.
           "ALTER TABLE predictions ADD COLUMN status TEXT NOT NULL DEFAULT 'completed'",
           "ALTER TABLE predictions ADD COLUMN job_id BIGINT",
           "ALTER TABLE predictions ADD COLUMN file_id BIGINT",
           "ALTER TABLE predictions ADD COLUMN result_key TEXT",
           "ALTER TABLE predictions ADD COLUMN metrics TEXT",
           "ALTER TABLE predictions ADD COLUMN error TEXT",
           "ALTER TABLE predictions ADD COLUMN finished_at TEXT",
       }},
      {6,
       "ray backend and distributed training",
       {
           // The backend's own word for a job's worker (Ray's PENDING, RUNNING, SUCCEEDED, ...),
           // as its dispatcher last saw it; null for backends without one (local).
           "ALTER TABLE jobs ADD COLUMN backend_status TEXT",
           // Where the workers of one job meet (a distributed training's tracker, posted by its
           // rank 0 for the others), as JSON; null until posted.
           "ALTER TABLE jobs ADD COLUMN rendezvous TEXT",
           // How many workers train the model together.
           "ALTER TABLE trainings ADD COLUMN num_workers INTEGER NOT NULL DEFAULT 1",
       }},
      {7,
       "trainings own their status, summary and model manifest",
       {
           // Kept with its train job's status by the jobs' status listener (in the same
           // transaction), instead of joined from the jobs table by subject.
           "ALTER TABLE trainings ADD COLUMN status TEXT NOT NULL DEFAULT 'queued'",
           "ALTER TABLE trainings ADD COLUMN error TEXT",
           "ALTER TABLE trainings ADD COLUMN job_id BIGINT",
           // The worker's summary (JSON), once completed.
           "ALTER TABLE trainings ADD COLUMN summary TEXT",
           // What the model is and where its artifacts are (JSON: format_version, problem_type,
           // algorithm, artifacts), once completed: what a predictor is loaded from.
           "ALTER TABLE trainings ADD COLUMN manifest TEXT",
           "CREATE INDEX ix_trainings_job ON trainings (job_id)",
       },
       BackfillTrainingStatus},
      {8,
       "forecast trainings keep their series settings",
       {
           // A Forecast training's frequency, horizon and series rules (JSON: frequency, horizon,
           // season_length, aggregate, fill); null for the other problem types.
           "ALTER TABLE trainings ADD COLUMN forecast TEXT",
       }},
      {9,
       "the datalake's Iceberg SQL catalog",
       {
           // Exactly the tables pyiceberg's SqlCatalog and Iceberg Java's JdbcCatalog (schema v1)
           // create, so both open ours as it is. catalog_name is the tenant's id.
           R"(CREATE TABLE iceberg_tables (
                catalog_name VARCHAR(255) NOT NULL,
                table_namespace VARCHAR(255) NOT NULL,
                table_name VARCHAR(255) NOT NULL,
                metadata_location VARCHAR(1000),
                previous_metadata_location VARCHAR(1000),
                iceberg_type VARCHAR(5),
                PRIMARY KEY (catalog_name, table_namespace, table_name)))",
           R"(CREATE TABLE iceberg_namespace_properties (
                catalog_name VARCHAR(255) NOT NULL,
                namespace VARCHAR(255) NOT NULL,
                property_key VARCHAR(255) NOT NULL,
                property_value VARCHAR(1000) NOT NULL,
                PRIMARY KEY (catalog_name, namespace, property_key)))",
           // Every tenant's lake has the medallion namespaces; new tenants get them on creation.
           "INSERT INTO iceberg_namespace_properties (catalog_name, namespace, property_key, property_value) "
           "SELECT id, 'bronze', 'exists', 'true' FROM tenants",
           "INSERT INTO iceberg_namespace_properties (catalog_name, namespace, property_key, property_value) "
           "SELECT id, 'silver', 'exists', 'true' FROM tenants",
           "INSERT INTO iceberg_namespace_properties (catalog_name, namespace, property_key, property_value) "
           "SELECT id, 'gold', 'exists', 'true' FROM tenants",
       }},
      {10,
       "a tenant's jobs listed newest first",
       {
           // GET /api/v1/jobs pages through one tenant's jobs by id, newest first.
           "CREATE INDEX ix_jobs_tenant ON jobs (tenant_id, id)",
       }},
  };
  return kMigrations;
}

std::string Render(const char* statement, Dialect dialect) {
  std::string sql(statement);
  const std::string id_placeholder = "{{ID}}";
  const std::string id_type = dialect == Dialect::kSqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT"
                                                          : "BIGSERIAL PRIMARY KEY";
  for (size_t pos = sql.find(id_placeholder); pos != std::string::npos;
       pos = sql.find(id_placeholder, pos)) {
    sql.replace(pos, id_placeholder.size(), id_type);
  }
  return sql;
}

Status EnsureVersionTable(soci::session& sql) {
  sql << "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT "
         "NULL, applied_at TEXT NOT NULL)";
  return Status::OK();
}

int64_t CurrentVersion(soci::session& sql) {
  long long version = 0;
  soci::indicator ind = soci::i_ok;
  sql << "SELECT MAX(version) FROM schema_migrations", soci::into(version, ind);
  return ind == soci::i_null ? 0 : version;
}

}  // namespace

Status Migrate(Database& db) {
  DATAML_RETURN_NOT_OK(db.Run(EnsureVersionTable));
  return db.RunInTransaction([&](soci::session& sql) -> Status {
    if (db.dialect() == Dialect::kPostgres) {
      // Several servers may start together on one database: one migrates, the others wait.
      sql << "SELECT pg_advisory_xact_lock(727274)";
    }
    int64_t current = CurrentVersion(sql);
    for (const Migration& m : AllMigrations()) {
      if (m.version <= current) continue;
      spdlog::info("applying migration {} ({})", m.version, m.name);
      for (const char* statement : m.statements) sql << Render(statement, db.dialect());
      if (m.backfill) m.backfill(sql);
      std::string now = NowIso8601Utc();
      std::string name = m.name;
      long long version = m.version;
      sql << "INSERT INTO schema_migrations (version, name, applied_at) VALUES (:v, :n, :a)",
          soci::use(version), soci::use(name), soci::use(now);
    }
    return Status::OK();
  });
}

Result<int64_t> SchemaVersion(Database& db) {
  return db.Query<int64_t>([](soci::session& sql) -> Result<int64_t> {
    DATAML_RETURN_NOT_OK(EnsureVersionTable(sql));
    return CurrentVersion(sql);
  });
}

}  // namespace dataml::db
