#include "modules/templates/templates_repository.h"

#include "db/row_reader.h"
#include "db/sort_columns.h"

namespace dataml::templates {
namespace {

constexpr const char* kColumns =
    "id, tenant_id, template_name, template_schema, created_by, modified_by, created_at, modified_at";

Template FromRow(const soci::row& row) {
  Template t;
  t.id = db::GetInt(row, "id");
  t.tenant_id = db::GetString(row, "tenant_id");
  t.template_name = db::GetString(row, "template_name");
  t.columns = ColumnsFromJson(nlohmann::json::parse(db::GetString(row, "template_schema")));
  t.created_by = db::GetString(row, "created_by");
  t.modified_by = db::GetString(row, "modified_by");
  t.created_at = db::GetString(row, "created_at");
  t.modified_at = db::GetString(row, "modified_at");
  return t;
}

}  // namespace

Result<Template> TemplatesRepository::Insert(const Template& in) {
  return db_.Query<Template>([&](soci::session& sql) -> Result<Template> {
    Template t = in;
    std::string schema = ColumnsToJson(t.columns).dump();
    int n = static_cast<int>(t.columns.size());
    long long id = 0;
    sql << "INSERT INTO templates (tenant_id, template_name, template_schema, no_of_columns, "
           "created_by, modified_by, created_at, modified_at) VALUES (:t, :n, :s, :c, :cb, :mb, "
           ":ca, :ma) RETURNING id",
        soci::use(t.tenant_id), soci::use(t.template_name), soci::use(schema), soci::use(n),
        soci::use(t.created_by), soci::use(t.modified_by), soci::use(t.created_at),
        soci::use(t.modified_at), soci::into(id);
    t.id = id;
    return t;
  });
}

Status TemplatesRepository::Update(const Template& t) {
  return db_.Run([&](soci::session& sql) -> Status {
    std::string schema = ColumnsToJson(t.columns).dump();
    int n = static_cast<int>(t.columns.size());
    long long id = t.id;
    sql << "UPDATE templates SET template_name = :n, template_schema = :s, no_of_columns = :c, "
           "modified_by = :mb, modified_at = :ma WHERE tenant_id = :t AND id = :id",
        soci::use(t.template_name), soci::use(schema), soci::use(n), soci::use(t.modified_by),
        soci::use(t.modified_at), soci::use(t.tenant_id), soci::use(id);
    return Status::OK();
  });
}

Result<std::optional<Template>> TemplatesRepository::Find(const std::string& tenant_id, int64_t id) {
  return db_.Query<std::optional<Template>>([&](soci::session& sql) -> Result<std::optional<Template>> {
    long long key = id;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT " << kColumns << " FROM templates WHERE tenant_id = :t AND id = :id",
         soci::use(tenant_id), soci::use(key));
    for (const soci::row& row : rows) return std::optional<Template>(FromRow(row));
    return std::optional<Template>();
  });
}

Result<std::optional<Template>> TemplatesRepository::FindByName(const std::string& tenant_id,
                                                                const std::string& name) {
  return db_.Query<std::optional<Template>>([&](soci::session& sql) -> Result<std::optional<Template>> {
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT " << kColumns
                     << " FROM templates WHERE tenant_id = :t AND lower(template_name) = lower(:n)",
         soci::use(tenant_id), soci::use(name));
    for (const soci::row& row : rows) return std::optional<Template>(FromRow(row));
    return std::optional<Template>();
  });
}

Result<std::vector<Template>> TemplatesRepository::List(const std::string& tenant_id, int64_t skip,
                                                        int64_t limit, const SortKey& sort) {
  static const db::SortColumns kSort({{"id", "id"},
                                      {"template_name", "template_name", db::SortColumn::kText},
                                      {"created_by", "created_by", db::SortColumn::kText},
                                      {"modified_by", "modified_by", db::SortColumn::kText},
                                      {"created_at", "created_at"},
                                      {"modified_at", "modified_at"}},
                                     "id", "id");
  DATAML_ASSIGN_OR_RETURN(std::string order_by, kSort.OrderBy(sort));
  return db_.Query<std::vector<Template>>([&](soci::session& sql) -> Result<std::vector<Template>> {
    long long s = skip, l = limit;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT " << kColumns
                     << " FROM templates WHERE tenant_id = :t" << order_by << " LIMIT :l OFFSET :s",
         soci::use(tenant_id), soci::use(l), soci::use(s));
    std::vector<Template> out;
    for (const soci::row& row : rows) out.push_back(FromRow(row));
    return out;
  });
}

Result<int64_t> TemplatesRepository::Count(const std::string& tenant_id) {
  return db_.Query<int64_t>([&](soci::session& sql) -> Result<int64_t> {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM templates WHERE tenant_id = :t", soci::use(tenant_id), soci::into(n);
    return n;
  });
}

Status TemplatesRepository::Delete(const std::string& tenant_id, int64_t id) {
  return db_.Run([&](soci::session& sql) -> Status {
    long long key = id;
    sql << "DELETE FROM templates WHERE tenant_id = :t AND id = :id", soci::use(tenant_id),
        soci::use(key);
    return Status::OK();
  });
}

Result<int64_t> TemplatesRepository::CountDatasetsUsing(const std::string& tenant_id, int64_t id) {
  return db_.Query<int64_t>([&](soci::session& sql) -> Result<int64_t> {
    long long key = id, n = 0;
    sql << "SELECT COUNT(*) FROM datasets WHERE tenant_id = :t AND template_id = :id",
        soci::use(tenant_id), soci::use(key), soci::into(n);
    return n;
  });
}

}  // namespace dataml::templates
