#include "jobs/jobs_repository.h"

#include "db/row_reader.h"
#include "db/sort_columns.h"

namespace dataml::jobs {
namespace {

constexpr const char* kColumns =
    "id, tenant_id, kind, subject, payload, status, backend, backend_ref, backend_status, rendezvous, result, "
    "error, attempts, "
    "created_by, created_at, started_at, finished_at";

Job FromRow(const soci::row& row) {
  Job job;
  job.id = db::GetInt(row, "id");
  job.tenant_id = db::GetString(row, "tenant_id");
  job.kind = db::GetString(row, "kind");
  job.subject = db::GetString(row, "subject");
  job.payload = nlohmann::json::parse(db::GetString(row, "payload"));
  job.status = db::GetString(row, "status");
  job.backend = db::GetString(row, "backend");
  job.backend_ref = db::GetOptionalString(row, "backend_ref");
  job.backend_status = db::GetOptionalString(row, "backend_status");
  if (auto rendezvous = db::GetOptionalString(row, "rendezvous")) job.rendezvous = nlohmann::json::parse(*rendezvous);
  if (auto result = db::GetOptionalString(row, "result"))
    job.result = nlohmann::json::parse(*result);
  job.error = db::GetOptionalString(row, "error");
  job.attempts = db::GetInt(row, "attempts");
  job.created_by = db::GetString(row, "created_by");
  job.created_at = db::GetString(row, "created_at");
  job.started_at = db::GetOptionalString(row, "started_at");
  job.finished_at = db::GetOptionalString(row, "finished_at");
  return job;
}

std::optional<Job> FirstJob(soci::rowset<soci::row>& rows) {
  for (const soci::row& row : rows) return FromRow(row);
  return std::nullopt;
}

// A JobFilter as bound parameters: each field is matched unless its "any" flag is 1.
struct FilterParams {
  explicit FilterParams(const JobFilter& filter)
      : any_status(filter.status ? 0 : 1),
        any_kind(filter.kind ? 0 : 1),
        status(filter.status.value_or("")),
        kind(filter.kind.value_or("")) {}

  int any_status;
  int any_kind;
  std::string status;
  std::string kind;
};

constexpr const char* kFilterWhere =
    " FROM jobs WHERE tenant_id = :t AND (:anys = 1 OR status = :s) AND (:anyk = 1 OR kind = :k)";

// Runs a prepared statement; returns how many rows it changed.
long long Execute(soci::statement& statement) {
  statement.execute(true);
  return statement.get_affected_rows();
}

}  // namespace

void JobsRepository::OnStatusChange(const std::string& kind, StatusListener listener) {
  listeners_[kind].push_back(std::move(listener));
}

void JobsRepository::Notify(soci::session& sql, int64_t id) const {
  if (listeners_.empty()) return;
  long long key = id;
  StatusChange change;
  change.job_id = id;
  std::string error;
  soci::indicator error_ind = soci::i_null;
  sql << "SELECT kind, subject, status, error FROM jobs WHERE id = :id", soci::use(key), soci::into(change.kind),
      soci::into(change.subject), soci::into(change.status), soci::into(error, error_ind);
  if (error_ind == soci::i_ok) change.error = error;
  auto found = listeners_.find(change.kind);
  if (found == listeners_.end()) return;
  for (const StatusListener& listener : found->second) listener(sql, change);
}

Result<Job> JobsRepository::Insert(const Job& in) {
  return db_.Query<Job>([&](soci::session& sql) -> Result<Job> {
    Job job = in;
    std::string payload = job.payload.dump();
    long long id = 0;
    sql << "INSERT INTO jobs (tenant_id, kind, subject, payload, status, backend, attempts, "
           "created_by, created_at) VALUES (:t, :k, :s, :p, :st, :b, 0, :by, :at) RETURNING id",
        soci::use(job.tenant_id), soci::use(job.kind), soci::use(job.subject), soci::use(payload),
        soci::use(job.status), soci::use(job.backend), soci::use(job.created_by),
        soci::use(job.created_at), soci::into(id);
    job.id = id;
    return job;
  });
}

Result<std::optional<Job>> JobsRepository::Find(const std::string& tenant_id, int64_t id) {
  return db_.Query<std::optional<Job>>([&](soci::session& sql) -> Result<std::optional<Job>> {
    long long key = id;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT " << kColumns << " FROM jobs WHERE tenant_id = :t AND id = :id",
         soci::use(tenant_id), soci::use(key));
    return FirstJob(rows);
  });
}

Result<std::optional<Job>> JobsRepository::FindInAnyTenant(int64_t id) {
  return db_.Query<std::optional<Job>>([&](soci::session& sql) -> Result<std::optional<Job>> {
    long long key = id;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT " << kColumns << " FROM jobs WHERE id = :id", soci::use(key));
    return FirstJob(rows);
  });
}

Result<std::optional<Job>> JobsRepository::Latest(const std::string& tenant_id,
                                                  const std::string& kind,
                                                  const std::string& subject) {
  return db_.Query<std::optional<Job>>([&](soci::session& sql) -> Result<std::optional<Job>> {
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT " << kColumns
                     << " FROM jobs WHERE tenant_id = :t AND kind = :k AND subject = :s "
                        "ORDER BY id DESC LIMIT 1",
         soci::use(tenant_id), soci::use(kind), soci::use(subject));
    return FirstJob(rows);
  });
}

Result<std::vector<Job>> JobsRepository::List(const std::string& tenant_id, const JobFilter& filter,
                                              int64_t skip, int64_t limit, const SortKey& sort) {
  static const db::SortColumns kSort({{"id", "id"},
                                      {"kind", "kind"},
                                      {"status", "status"},
                                      {"backend", "backend"},
                                      {"attempts", "attempts"},
                                      {"created_by", "created_by", db::SortColumn::kText},
                                      {"created_at", "created_at"},
                                      {"started_at", "started_at", db::SortColumn::kNullable},
                                      {"finished_at", "finished_at", db::SortColumn::kNullable}},
                                     "id", "id DESC");
  DATAML_ASSIGN_OR_RETURN(std::string order_by, kSort.OrderBy(sort));
  return db_.Query<std::vector<Job>>([&](soci::session& sql) -> Result<std::vector<Job>> {
    FilterParams p(filter);
    long long s = skip, l = limit;
    // By default ordered by the (tenant_id, id) index, so a page costs its rows, not the tenant's
    // jobs; another order sorts the tenant's (filtered) jobs.
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT " << kColumns << kFilterWhere << order_by << " LIMIT :l OFFSET :o",
         soci::use(tenant_id), soci::use(p.any_status), soci::use(p.status), soci::use(p.any_kind),
         soci::use(p.kind), soci::use(l), soci::use(s));
    std::vector<Job> out;
    for (const soci::row& row : rows) out.push_back(FromRow(row));
    return out;
  });
}

Result<int64_t> JobsRepository::Count(const std::string& tenant_id, const JobFilter& filter) {
  return db_.Query<int64_t>([&](soci::session& sql) -> Result<int64_t> {
    FilterParams p(filter);
    long long n = 0;
    sql << "SELECT COUNT(*)" << kFilterWhere, soci::use(tenant_id), soci::use(p.any_status), soci::use(p.status),
        soci::use(p.any_kind), soci::use(p.kind), soci::into(n);
    return static_cast<int64_t>(n);
  });
}

Result<int64_t> JobsRepository::CountActive(const std::string& tenant_id,
                                            const std::string& subject) {
  return db_.Query<int64_t>([&](soci::session& sql) -> Result<int64_t> {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM jobs WHERE tenant_id = :t AND subject = :s AND status IN "
           "('queued', 'running')",
        soci::use(tenant_id), soci::use(subject), soci::into(n);
    return n;
  });
}

Result<std::map<std::string, int64_t>> JobsRepository::CountByStatus() {
  using Counts = std::map<std::string, int64_t>;
  return db_.Query<Counts>([&](soci::session& sql) -> Result<Counts> {
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT status, COUNT(*) AS n FROM jobs GROUP BY status");
    Counts counts;
    for (const soci::row& row : rows) counts[db::GetString(row, "status")] = db::GetInt(row, "n");
    return counts;
  });
}

Result<std::vector<int64_t>> JobsRepository::ActiveIds(const std::string& tenant_id,
                                                     const std::string& subject) {
  return db_.Query<std::vector<int64_t>>([&](soci::session& sql) -> Result<std::vector<int64_t>> {
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT id FROM jobs WHERE tenant_id = :t AND subject = :s AND status IN "
                        "('queued', 'running') ORDER BY id",
         soci::use(tenant_id), soci::use(subject));
    std::vector<int64_t> out;
    for (const soci::row& row : rows) out.push_back(db::GetInt(row, "id"));
    return out;
  });
}

Result<std::vector<int64_t>> JobsRepository::Queued(const std::string& backend, int64_t limit) {
  return db_.Query<std::vector<int64_t>>([&](soci::session& sql) -> Result<std::vector<int64_t>> {
    long long l = limit;
    soci::rowset<soci::row> rows =
        (sql.prepare
             << "SELECT id FROM jobs WHERE status = 'queued' AND backend = :b ORDER BY id LIMIT :l",
         soci::use(backend), soci::use(l));
    std::vector<int64_t> ids;
    for (const soci::row& row : rows) ids.push_back(db::GetInt(row, "id"));
    return ids;
  });
}

Result<bool> JobsRepository::Claim(int64_t id, const Lease& lease, const std::string& started_at) {
  return db_.Transact<bool>([&](soci::session& sql) -> Result<bool> {
    long long key = id, expires = lease.expires_at;
    soci::statement st =
        (sql.prepare
             << "UPDATE jobs SET status = 'running', lease_owner = :o, lease_expires_at = :e, "
                "started_at = :s, attempts = attempts + 1 WHERE id = :id AND status = 'queued'",
         soci::use(lease.owner), soci::use(expires), soci::use(started_at), soci::use(key));
    if (Execute(st) != 1) return false;
    Notify(sql, id);
    return true;
  });
}

Status JobsRepository::SetBackendStatus(int64_t id, const std::string& backend_status) {
  return db_.Run([&](soci::session& sql) -> Status {
    long long key = id;
    sql << "UPDATE jobs SET backend_status = :s WHERE id = :id", soci::use(backend_status), soci::use(key);
    return Status::OK();
  });
}

Result<bool> JobsRepository::SetRendezvous(int64_t id, const nlohmann::json& rendezvous) {
  return db_.Query<bool>([&](soci::session& sql) -> Result<bool> {
    long long key = id;
    std::string text = rendezvous.dump();
    soci::statement st = (sql.prepare << "UPDATE jobs SET rendezvous = :r WHERE id = :id AND status = 'running' AND "
                                         "rendezvous IS NULL",
                          soci::use(text), soci::use(key));
    return Execute(st) == 1;
  });
}

Status JobsRepository::SetBackendRef(int64_t id, const std::string& backend_ref) {
  return db_.Run([&](soci::session& sql) -> Status {
    long long key = id;
    sql << "UPDATE jobs SET backend_ref = :r WHERE id = :id", soci::use(backend_ref),
        soci::use(key);
    return Status::OK();
  });
}

Result<bool> JobsRepository::Requeue(int64_t id, const std::string& owner) {
  return db_.Transact<bool>([&](soci::session& sql) -> Result<bool> {
    long long key = id;
    soci::statement st =
        (sql.prepare << "UPDATE jobs SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL, "
                        "started_at = NULL WHERE id = :id AND status = 'running' AND lease_owner = :o",
         soci::use(key), soci::use(owner));
    if (Execute(st) != 1) return false;
    Notify(sql, id);
    return true;
  });
}

Status JobsRepository::RenewLease(int64_t id, const Lease& lease) {
  return db_.Run([&](soci::session& sql) -> Status {
    long long key = id, expires = lease.expires_at;
    sql << "UPDATE jobs SET lease_expires_at = :e WHERE id = :id AND status = 'running' AND "
           "lease_owner = :o",
        soci::use(expires), soci::use(key), soci::use(lease.owner);
    return Status::OK();
  });
}

Result<bool> JobsRepository::Finish(int64_t id, const Outcome& outcome) {
  return db_.Transact<bool>([&](soci::session& sql) -> Result<bool> {
    long long key = id;
    std::string result = outcome.result ? outcome.result->dump() : "";
    std::string error = outcome.error.value_or("");
    soci::indicator result_ind = outcome.result ? soci::i_ok : soci::i_null;
    soci::indicator error_ind = outcome.error ? soci::i_ok : soci::i_null;
    soci::statement st =
        (sql.prepare
             << "UPDATE jobs SET status = :st, result = :r, error = :e, finished_at = :f, "
                "lease_owner = NULL, lease_expires_at = NULL WHERE id = :id AND status = 'running'",
         soci::use(outcome.status), soci::use(result, result_ind), soci::use(error, error_ind),
         soci::use(outcome.finished_at), soci::use(key));
    if (Execute(st) != 1) return false;
    Notify(sql, id);
    return true;
  });
}

Result<bool> JobsRepository::Cancel(const std::string& tenant_id, int64_t id,
                                    const std::string& error, const std::string& finished_at) {
  return db_.Transact<bool>([&](soci::session& sql) -> Result<bool> {
    long long key = id;
    soci::statement st =
        (sql.prepare << "UPDATE jobs SET status = 'cancelled', error = :e, finished_at = :f, "
                        "lease_owner = NULL, lease_expires_at = NULL WHERE id = :id AND "
                        "tenant_id = :t AND status IN ('queued', 'running')",
         soci::use(error), soci::use(finished_at), soci::use(key), soci::use(tenant_id));
    if (Execute(st) != 1) return false;
    Notify(sql, id);
    return true;
  });
}

Result<std::vector<int64_t>> JobsRepository::Cancelled(const std::vector<int64_t>& ids) {
  std::vector<int64_t> out;
  if (ids.empty()) return out;
  return db_.Query<std::vector<int64_t>>([&](soci::session& sql) -> Result<std::vector<int64_t>> {
    for (int64_t id : ids) {
      long long key = id;
      std::string status;
      soci::indicator ind = soci::i_null;
      sql << "SELECT status FROM jobs WHERE id = :id", soci::use(key), soci::into(status, ind);
      if (ind == soci::i_ok && status == "cancelled") out.push_back(id);
    }
    return out;
  });
}

Result<std::vector<ExpiredJob>> JobsRepository::Expired(const std::string& backend, int64_t now) {
  return db_.Query<std::vector<ExpiredJob>>([&](soci::session& sql) -> Result<std::vector<ExpiredJob>> {
    long long at = now;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT id, backend_ref FROM jobs WHERE status = 'running' AND backend = :b AND "
                        "(lease_expires_at IS NULL OR lease_expires_at < :now) ORDER BY id",
         soci::use(backend), soci::use(at));
    std::vector<ExpiredJob> out;
    for (const soci::row& row : rows) out.push_back({db::GetInt(row, "id"), db::GetOptionalString(row, "backend_ref")});
    return out;
  });
}

Result<bool> JobsRepository::TakeOver(int64_t id, const Lease& lease, int64_t now) {
  return db_.Query<bool>([&](soci::session& sql) -> Result<bool> {
    long long key = id, expires = lease.expires_at, at = now;
    soci::statement st =
        (sql.prepare << "UPDATE jobs SET lease_owner = :o, lease_expires_at = :e WHERE id = :id AND "
                        "status = 'running' AND (lease_expires_at IS NULL OR lease_expires_at < :now)",
         soci::use(lease.owner), soci::use(expires), soci::use(key), soci::use(at));
    return Execute(st) == 1;
  });
}

Result<int64_t> JobsRepository::FailExpired(const std::string& backend, int64_t now,
                                            const std::string& error,
                                            const std::string& finished_at) {
  return db_.Transact<int64_t>([&](soci::session& sql) -> Result<int64_t> {
    long long at = now;
    // One by one, each under the same conditions, so that each change is told and a job that
    // another server renewed meanwhile is left alone.
    std::vector<long long> ids;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT id FROM jobs WHERE status = 'running' AND backend = :b AND "
                        "(lease_expires_at IS NULL OR lease_expires_at < :now) ORDER BY id",
         soci::use(backend), soci::use(at));
    for (const soci::row& row : rows) ids.push_back(db::GetInt(row, "id"));
    int64_t failed = 0;
    for (long long key : ids) {
      soci::statement st =
          (sql.prepare << "UPDATE jobs SET status = 'failed', error = :e, finished_at = :f, lease_owner = NULL, "
                          "lease_expires_at = NULL WHERE id = :id AND status = 'running' AND "
                          "(lease_expires_at IS NULL OR lease_expires_at < :now)",
           soci::use(error), soci::use(finished_at), soci::use(key), soci::use(at));
      if (Execute(st) != 1) continue;
      Notify(sql, key);
      ++failed;
    }
    return failed;
  });
}

}  // namespace dataml::jobs
