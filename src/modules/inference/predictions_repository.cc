#include "modules/inference/predictions_repository.h"

#include "db/row_reader.h"
#include "db/sort_columns.h"

namespace dataml::inference {
namespace {

constexpr const char* kColumns =
    "id, tenant_id, training_id, prediction_type, dataset_id, input_data, output, no_of_records, created_by, "
    "created_at, status, job_id, file_id, result_key, metrics, error, finished_at";

PredictionRecord FromRow(const soci::row& row) {
  PredictionRecord r;
  r.id = db::GetInt(row, "id");
  r.tenant_id = db::GetString(row, "tenant_id");
  r.training_id = db::GetInt(row, "training_id");
  r.prediction_type = db::GetString(row, "prediction_type");
  r.dataset_id = db::GetOptionalInt(row, "dataset_id");
  r.input_data = db::GetString(row, "input_data");
  r.output = db::GetOptionalString(row, "output");
  r.no_of_records = db::GetInt(row, "no_of_records");
  r.created_by = db::GetString(row, "created_by");
  r.created_at = db::GetString(row, "created_at");
  r.status = db::GetString(row, "status");
  r.job_id = db::GetOptionalInt(row, "job_id");
  r.file_id = db::GetOptionalInt(row, "file_id");
  r.result_key = db::GetOptionalString(row, "result_key");
  r.metrics = db::GetOptionalString(row, "metrics");
  r.error = db::GetOptionalString(row, "error");
  r.finished_at = db::GetOptionalString(row, "finished_at");
  return r;
}

// SOCI binds an optional as a value plus an indicator that outlive the statement.
struct OptionalText {
  explicit OptionalText(const std::optional<std::string>& v) : value(v.value_or("")), ind(v ? soci::i_ok : soci::i_null) {}
  std::string value;
  soci::indicator ind;
};
struct OptionalInt {
  explicit OptionalInt(const std::optional<int64_t>& v) : value(v.value_or(0)), ind(v ? soci::i_ok : soci::i_null) {}
  long long value;
  soci::indicator ind;
};

// By id, in `tenant_id` when given.
Result<std::optional<PredictionRecord>> FindOne(db::Database& db, const std::optional<std::string>& tenant_id,
                                                int64_t id) {
  return db.Query<std::optional<PredictionRecord>>([&](soci::session& sql) -> Result<std::optional<PredictionRecord>> {
    long long key = id;
    const std::string tenant = tenant_id.value_or("");
    soci::rowset<soci::row> rows =
        tenant_id ? (sql.prepare << "SELECT " << kColumns << " FROM predictions WHERE id = :id AND tenant_id = :t",
                     soci::use(key), soci::use(tenant))
                  : (sql.prepare << "SELECT " << kColumns << " FROM predictions WHERE id = :id", soci::use(key));
    for (const soci::row& row : rows) return std::optional<PredictionRecord>(FromRow(row));
    return std::optional<PredictionRecord>();
  });
}

}  // namespace

int64_t PredictionsRepository::Insert(soci::session& sql, const PredictionRecord& r) {
  long long training = r.training_id, records = r.no_of_records, id = 0;
  OptionalInt dataset(r.dataset_id);
  OptionalText output(r.output);
  sql << "INSERT INTO predictions (tenant_id, training_id, prediction_type, dataset_id, input_data, output, "
         "no_of_records, created_by, created_at, status) VALUES (:t, :tr, :pt, :d, :i, :o, :n, :by, :c, :s) "
         "RETURNING id",
      soci::use(r.tenant_id), soci::use(training), soci::use(r.prediction_type),
      soci::use(dataset.value, dataset.ind), soci::use(r.input_data), soci::use(output.value, output.ind),
      soci::use(records), soci::use(r.created_by), soci::use(r.created_at), soci::use(r.status), soci::into(id);
  return id;
}

void PredictionsRepository::InsertMany(soci::session& sql, const std::vector<PredictionRecord>& records) {
  if (records.empty()) return;
  const size_t n = records.size();
  std::vector<std::string> tenants(n), types(n), inputs(n), outputs(n), by(n), at(n), statuses(n);
  std::vector<long long> trainings(n), datasets(n), counts(n);
  std::vector<soci::indicator> dataset_ind(n), output_ind(n);
  for (size_t i = 0; i < n; ++i) {
    const PredictionRecord& r = records[i];
    tenants[i] = r.tenant_id;
    trainings[i] = r.training_id;
    types[i] = r.prediction_type;
    datasets[i] = r.dataset_id.value_or(0);
    dataset_ind[i] = r.dataset_id ? soci::i_ok : soci::i_null;
    inputs[i] = r.input_data;
    outputs[i] = r.output.value_or("");
    output_ind[i] = r.output ? soci::i_ok : soci::i_null;
    counts[i] = r.no_of_records;
    by[i] = r.created_by;
    at[i] = r.created_at;
    statuses[i] = r.status;
  }
  sql << "INSERT INTO predictions (tenant_id, training_id, prediction_type, dataset_id, input_data, output, "
         "no_of_records, created_by, created_at, status) VALUES (:t, :tr, :pt, :d, :i, :o, :n, :by, :c, :s)",
      soci::use(tenants), soci::use(trainings), soci::use(types), soci::use(datasets, dataset_ind), soci::use(inputs),
      soci::use(outputs, output_ind), soci::use(counts), soci::use(by), soci::use(at), soci::use(statuses);
}

Result<int64_t> PredictionsRepository::Insert(const PredictionRecord& r) {
  return db_.Query<int64_t>([&](soci::session& sql) -> Result<int64_t> { return Insert(sql, r); });
}

Status PredictionsRepository::SetJob(int64_t id, int64_t job_id) {
  return db_.Run([&](soci::session& sql) {
    long long key = id, job = job_id;
    sql << "UPDATE predictions SET job_id = :j WHERE id = :id", soci::use(job), soci::use(key);
    return Status::OK();
  });
}

Status PredictionsRepository::Finish(const PredictionRecord& r) {
  return db_.Run([&](soci::session& sql) {
    long long key = r.id, records = r.no_of_records;
    OptionalInt job(r.job_id), file(r.file_id);
    OptionalText result_key(r.result_key), metrics(r.metrics), error(r.error), finished(r.finished_at);
    sql << "UPDATE predictions SET status = :s, job_id = :j, file_id = :f, result_key = :k, metrics = :m, "
           "error = :e, finished_at = :fa, no_of_records = :n WHERE id = :id",
        soci::use(r.status), soci::use(job.value, job.ind), soci::use(file.value, file.ind),
        soci::use(result_key.value, result_key.ind), soci::use(metrics.value, metrics.ind),
        soci::use(error.value, error.ind), soci::use(finished.value, finished.ind), soci::use(records), soci::use(key);
    return Status::OK();
  });
}

Status PredictionsRepository::Delete(int64_t id) {
  return db_.Run([&](soci::session& sql) {
    long long key = id;
    sql << "DELETE FROM predictions WHERE id = :id", soci::use(key);
    return Status::OK();
  });
}

Status PredictionsRepository::PruneRealtime(const std::string& tenant_id, int64_t training_id, int64_t keep) {
  return db_.Run([&](soci::session& sql) {
    long long training = training_id, offset = keep - 1;
    // Everything older than the keep-th newest (nothing when there are fewer: id < NULL).
    sql << "DELETE FROM predictions WHERE tenant_id = :t AND training_id = :tr AND prediction_type <> 'batch' "
           "AND id < (SELECT id FROM predictions WHERE tenant_id = :t2 AND training_id = :tr2 AND "
           "prediction_type <> 'batch' ORDER BY id DESC LIMIT 1 OFFSET :k)",
        soci::use(tenant_id), soci::use(training), soci::use(tenant_id), soci::use(training), soci::use(offset);
    return Status::OK();
  });
}

Result<std::optional<PredictionRecord>> PredictionsRepository::Find(const std::string& tenant_id, int64_t id) {
  return FindOne(db_, tenant_id, id);
}

Result<std::optional<PredictionRecord>> PredictionsRepository::FindInAnyTenant(int64_t id) {
  return FindOne(db_, std::nullopt, id);
}

Result<std::vector<PredictionRecord>> PredictionsRepository::List(const std::string& tenant_id, int64_t training_id,
                                                                  int64_t skip, int64_t limit, const SortKey& sort) {
  // Named as the log names them: prediction_id is the record's id, date its created_at.
  static const db::SortColumns kSort({{"prediction_id", "id"},
                                      {"date", "created_at"},
                                      {"prediction_type", "prediction_type"},
                                      {"status", "status"},
                                      {"no_of_records", "no_of_records"},
                                      {"created_by", "created_by", db::SortColumn::kText}},
                                     "id", "id DESC");
  DATAML_ASSIGN_OR_RETURN(std::string order_by, kSort.OrderBy(sort));
  return db_.Query<std::vector<PredictionRecord>>([&](soci::session& sql) -> Result<std::vector<PredictionRecord>> {
    long long training = training_id, s = skip, l = limit;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT " << kColumns
                     << " FROM predictions WHERE tenant_id = :t AND training_id = :tr" << order_by << " LIMIT :l OFFSET :s",
         soci::use(tenant_id), soci::use(training), soci::use(l), soci::use(s));
    std::vector<PredictionRecord> out;
    for (const soci::row& row : rows) out.push_back(FromRow(row));
    return out;
  });
}

Result<int64_t> PredictionsRepository::Count(const std::string& tenant_id, int64_t training_id) {
  return db_.Query<int64_t>([&](soci::session& sql) -> Result<int64_t> {
    long long n = 0, training = training_id;
    sql << "SELECT COUNT(*) FROM predictions WHERE tenant_id = :t AND training_id = :tr", soci::use(tenant_id),
        soci::use(training), soci::into(n);
    return static_cast<int64_t>(n);
  });
}

}  // namespace dataml::inference
