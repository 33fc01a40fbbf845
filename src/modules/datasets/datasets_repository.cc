#include "modules/datasets/datasets_repository.h"

#include "core/clock.h"
#include "db/row_reader.h"
#include "db/sort_columns.h"

namespace dataml::datasets {
namespace {

constexpr const char* kDatasetSelect =
    "SELECT d.id, d.tenant_id, d.dataset_name, d.template_id, t.template_name, d.usage, "
    "d.data_source, d.iceberg_table_name, d.dataset_schema, d.created_by, d.created_at, "
    "d.modified_at, COALESCE(f.file_count, 0) AS file_count, COALESCE(f.total_records, 0) AS "
    "total_records, COALESCE(f.valid_records, 0) AS valid_records FROM datasets d LEFT JOIN "
    "templates t ON t.id = d.template_id LEFT JOIN (SELECT dataset_id, COUNT(*) AS file_count, "
    "SUM(total_records) AS total_records, SUM(valid_records) AS valid_records FROM dataset_files "
    "WHERE kind = 'upload' GROUP BY dataset_id) f ON f.dataset_id = d.id ";

constexpr const char* kFileColumns =
    "id, dataset_id, tenant_id, file_name, kind, raw_key, parquet_key, raw_bytes, total_fields, "
    "total_records, valid_records, error_report, created_by, created_at, modified_at";

Dataset DatasetFromRow(const soci::row& row) {
  Dataset d;
  d.id = db::GetInt(row, "id");
  d.tenant_id = db::GetString(row, "tenant_id");
  d.dataset_name = db::GetString(row, "dataset_name");
  d.template_id = db::GetOptionalInt(row, "template_id");
  d.template_name = db::GetOptionalString(row, "template_name");
  d.usage = db::GetString(row, "usage");
  d.data_source = db::GetString(row, "data_source");
  d.iceberg_table_name = db::GetOptionalString(row, "iceberg_table_name");
  d.schema = SchemaFromJson(nlohmann::json::parse(db::GetOptionalString(row, "dataset_schema").value_or("[]")));
  d.created_by = db::GetString(row, "created_by");
  d.created_at = db::GetString(row, "created_at");
  d.modified_at = db::GetString(row, "modified_at");
  d.file_count = db::GetInt(row, "file_count");
  d.total_records = db::GetInt(row, "total_records");
  d.valid_records = db::GetInt(row, "valid_records");
  return d;
}

DatasetFile FileFromRow(const soci::row& row) {
  DatasetFile f;
  f.id = db::GetInt(row, "id");
  f.dataset_id = db::GetInt(row, "dataset_id");
  f.tenant_id = db::GetString(row, "tenant_id");
  f.file_name = db::GetString(row, "file_name");
  f.kind = db::GetString(row, "kind");
  f.raw_key = db::GetString(row, "raw_key");
  f.parquet_key = db::GetOptionalString(row, "parquet_key");
  f.raw_bytes = db::GetInt(row, "raw_bytes");
  f.total_fields = db::GetInt(row, "total_fields");
  f.total_records = db::GetInt(row, "total_records");
  f.valid_records = db::GetInt(row, "valid_records");
  auto report = db::GetOptionalString(row, "error_report");
  f.error_report = report ? nlohmann::json::parse(*report) : nlohmann::json(nullptr);
  f.created_by = db::GetString(row, "created_by");
  f.created_at = db::GetString(row, "created_at");
  f.modified_at = db::GetString(row, "modified_at");
  return f;
}

Result<std::vector<DatasetFile>> QueryFiles(db::Database& db, const std::string& where,
                                            const std::string& tenant_id, const std::string& key) {
  return db.Query<std::vector<DatasetFile>>([&](soci::session& sql) -> Result<std::vector<DatasetFile>> {
    soci::rowset<soci::row> rows = (sql.prepare << "SELECT " << kFileColumns
                                                << " FROM dataset_files WHERE tenant_id = :t AND " << where
                                                << " ORDER BY id",
                                    soci::use(tenant_id), soci::use(key));
    std::vector<DatasetFile> out;
    for (const soci::row& row : rows) out.push_back(FileFromRow(row));
    return out;
  });
}

}  // namespace

int64_t DatasetsRepository::InsertDataset(soci::session& sql, const Dataset& d) {
  long long id = 0;
  long long template_id = d.template_id.value_or(0);
  soci::indicator template_ind = d.template_id ? soci::i_ok : soci::i_null;
  std::string iceberg = d.iceberg_table_name.value_or("");
  soci::indicator iceberg_ind = d.iceberg_table_name ? soci::i_ok : soci::i_null;
  std::string schema = SchemaToJson(d.schema).dump();
  sql << "INSERT INTO datasets (tenant_id, dataset_name, template_id, usage, data_source, "
         "iceberg_table_name, is_valid, created_by, created_at, modified_at, dataset_schema) VALUES "
         "(:t, :n, :tpl, :u, :src, :ice, 0, :by, :ca, :ma, :s) RETURNING id",
      soci::use(d.tenant_id), soci::use(d.dataset_name), soci::use(template_id, template_ind),
      soci::use(d.usage), soci::use(d.data_source), soci::use(iceberg, iceberg_ind),
      soci::use(d.created_by), soci::use(d.created_at), soci::use(d.modified_at), soci::use(schema),
      soci::into(id);
  return id;
}

int64_t DatasetsRepository::InsertFile(soci::session& sql, const DatasetFile& f) {
  long long id = 0;
  long long dataset_id = f.dataset_id, raw_bytes = f.raw_bytes, fields = f.total_fields,
            total = f.total_records, valid = f.valid_records;
  std::string report = f.error_report.is_null() ? "" : f.error_report.dump();
  soci::indicator report_ind = f.error_report.is_null() ? soci::i_null : soci::i_ok;
  // Keys are set once the id is known (SetFileKeys); until then they hold a placeholder.
  std::string pending = "pending";
  sql << "INSERT INTO dataset_files (tenant_id, dataset_id, file_name, kind, raw_key, parquet_key, "
         "raw_bytes, total_fields, total_records, valid_records, error_report, created_by, "
         "created_at, modified_at) VALUES (:t, :d, :n, :kind, :rk, NULL, :b, :tf, :tr, :vr, :er, :by, :ca, "
         ":ma) RETURNING id",
      soci::use(f.tenant_id), soci::use(dataset_id), soci::use(f.file_name), soci::use(f.kind), soci::use(pending),
      soci::use(raw_bytes), soci::use(fields), soci::use(total), soci::use(valid),
      soci::use(report, report_ind), soci::use(f.created_by), soci::use(f.created_at),
      soci::use(f.modified_at), soci::into(id);
  return id;
}

void DatasetsRepository::SetFileKeys(soci::session& sql, int64_t file_id, const std::string& raw_key,
                                     const std::optional<std::string>& parquet_key) {
  long long id = file_id;
  std::string pk = parquet_key.value_or("");
  soci::indicator pk_ind = parquet_key ? soci::i_ok : soci::i_null;
  sql << "UPDATE dataset_files SET raw_key = :rk, parquet_key = :pk WHERE id = :id",
      soci::use(raw_key), soci::use(pk, pk_ind), soci::use(id);
}

void DatasetsRepository::RefreshDataset(soci::session& sql, int64_t dataset_id) {
  long long id = dataset_id;
  std::string now = NowIso8601Utc();
  sql << "UPDATE datasets SET modified_at = :now, is_valid = CASE WHEN (SELECT COALESCE(SUM("
         "valid_records), 0) FROM dataset_files WHERE dataset_id = :id AND kind = 'upload') > 0 THEN 1 ELSE 0 END WHERE "
         "id = :id2",
      soci::use(now), soci::use(id), soci::use(id);
}

void DatasetsRepository::DeleteFile(soci::session& sql, int64_t file_id) {
  long long id = file_id;
  sql << "DELETE FROM dataset_files WHERE id = :id", soci::use(id);
}

void DatasetsRepository::DeleteDataset(soci::session& sql, int64_t dataset_id) {
  long long id = dataset_id;
  sql << "DELETE FROM dataset_files WHERE dataset_id = :id", soci::use(id);
  sql << "DELETE FROM datasets WHERE id = :id", soci::use(id);
}

Result<bool> DatasetsRepository::NameTaken(const std::string& tenant_id, const std::string& name) {
  return db_.Query<bool>([&](soci::session& sql) -> Result<bool> {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM datasets WHERE tenant_id = :t AND dataset_name = :n",
        soci::use(tenant_id), soci::use(name), soci::into(n);
    return n > 0;
  });
}

Result<std::optional<Dataset>> DatasetsRepository::Find(const std::string& tenant_id, int64_t id) {
  return db_.Query<std::optional<Dataset>>([&](soci::session& sql) -> Result<std::optional<Dataset>> {
    long long key = id;
    soci::rowset<soci::row> rows = (sql.prepare << kDatasetSelect << "WHERE d.tenant_id = :t AND d.id = :id",
                                    soci::use(tenant_id), soci::use(key));
    for (const soci::row& row : rows) return std::optional<Dataset>(DatasetFromRow(row));
    return std::optional<Dataset>();
  });
}

Result<std::vector<Dataset>> DatasetsRepository::List(const std::string& tenant_id, bool only_valid,
                                                      int64_t skip, int64_t limit, const SortKey& sort) {
  static const db::SortColumns kSort({{"id", "d.id"},
                                      {"dataset_name", "d.dataset_name", db::SortColumn::kText},
                                      {"dataset_usage", "d.usage"},
                                      {"template_name", "t.template_name", db::SortColumn::kText},
                                      {"file_count", "COALESCE(f.file_count, 0)"},
                                      {"total_records", "COALESCE(f.total_records, 0)"},
                                      {"valid_records", "COALESCE(f.valid_records, 0)"},
                                      {"created_by", "d.created_by", db::SortColumn::kText},
                                      {"created_at", "d.created_at"},
                                      {"modified_at", "d.modified_at"}},
                                     "d.id", "d.id");
  DATAML_ASSIGN_OR_RETURN(std::string order_by, kSort.OrderBy(sort));
  return db_.Query<std::vector<Dataset>>([&](soci::session& sql) -> Result<std::vector<Dataset>> {
    long long s = skip, l = limit;
    int valid = only_valid ? 1 : 0;
    soci::rowset<soci::row> rows =
        (sql.prepare << kDatasetSelect
                     << "WHERE d.tenant_id = :t AND (:v = 0 OR d.is_valid = 1)" << order_by << " LIMIT :l OFFSET :s",
         soci::use(tenant_id), soci::use(valid), soci::use(l), soci::use(s));
    std::vector<Dataset> out;
    for (const soci::row& row : rows) out.push_back(DatasetFromRow(row));
    return out;
  });
}

Result<int64_t> DatasetsRepository::Count(const std::string& tenant_id, bool only_valid) {
  return db_.Query<int64_t>([&](soci::session& sql) -> Result<int64_t> {
    long long n = 0;
    int valid = only_valid ? 1 : 0;
    sql << "SELECT COUNT(*) FROM datasets WHERE tenant_id = :t AND (:v = 0 OR is_valid = 1)",
        soci::use(tenant_id), soci::use(valid), soci::into(n);
    return n;
  });
}

Result<std::vector<DatasetFile>> DatasetsRepository::Files(const std::string& tenant_id, int64_t dataset_id) {
  return QueryFiles(db_, "dataset_id = CAST(:k AS BIGINT)", tenant_id, std::to_string(dataset_id));
}

Result<std::optional<DatasetFile>> DatasetsRepository::FindFile(const std::string& tenant_id, int64_t file_id) {
  DATAML_ASSIGN_OR_RETURN(auto files, QueryFiles(db_, "id = CAST(:k AS BIGINT)", tenant_id, std::to_string(file_id)));
  if (files.empty()) return std::optional<DatasetFile>();
  return std::optional<DatasetFile>(files.front());
}

Result<std::optional<DatasetFile>> DatasetsRepository::FindFileByKey(const std::string& tenant_id,
                                                                     const std::string& key) {
  return db_.Query<std::optional<DatasetFile>>([&](soci::session& sql) -> Result<std::optional<DatasetFile>> {
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT " << kFileColumns
                     << " FROM dataset_files WHERE tenant_id = :t AND (raw_key = :k OR parquet_key = :k2)",
         soci::use(tenant_id), soci::use(key), soci::use(key));
    for (const soci::row& row : rows) return std::optional<DatasetFile>(FileFromRow(row));
    return std::optional<DatasetFile>();
  });
}

}  // namespace dataml::datasets
