// The metadata database: a SOCI session pool over SQLite or PostgreSQL, with SOCI's
// exceptions turned into Status values at this boundary.
#pragma once

#include <soci/soci.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/result.h"

namespace dataml::db {

enum class Dialect { kSqlite, kPostgres };

class Database {
 public:
  // url: sqlite://<path> or postgresql://user:pass@host:port/db (any libpq URI).
  static Result<std::unique_ptr<Database>> Open(const std::string& url, size_t pool_size);
  ~Database();

  Dialect dialect() const { return dialect_; }
  const char* dialect_name() const { return dialect_ == Dialect::kSqlite ? "sqlite" : "postgresql"; }

  // Runs `fn` on a pooled session. Database errors thrown inside become a Status:
  // constraint violations AlreadyExists, anything else Internal.
  Status Run(const std::function<Status(soci::session&)>& fn);
  // Same, inside a transaction that commits when `fn` returns OK and rolls back otherwise.
  Status RunInTransaction(const std::function<Status(soci::session&)>& fn);

  // Convenience for functions producing a value: Run and RunInTransaction respectively.
  template <typename T>
  Result<T> Query(const std::function<Result<T>(soci::session&)>& fn) {
    return Capture<T>(fn, [this](const auto& body) { return Run(body); });
  }
  template <typename T>
  Result<T> Transact(const std::function<Result<T>(soci::session&)>& fn) {
    return Capture<T>(fn, [this](const auto& body) { return RunInTransaction(body); });
  }

 private:
  template <typename T, typename Runner>
  static Result<T> Capture(const std::function<Result<T>(soci::session&)>& fn, Runner run) {
    std::optional<T> out;
    Status status = run([&](soci::session& sql) -> Status {
      Result<T> r = fn(sql);
      if (!r.ok()) return r.status();
      out.emplace(std::move(r).ValueOrDie());
      return Status::OK();
    });
    if (!status.ok()) return status;
    return std::move(*out);
  }

  Database(Dialect dialect, size_t pool_size);
  Status Connect(const std::string& connect_string);

  Dialect dialect_;
  size_t pool_size_;
  std::unique_ptr<soci::connection_pool> pool_;
};

// postgresql://user:pass@host:port/db?sslmode=require -> "user='user' password='pass' ...".
Result<std::string> PostgresUriToKeywords(const std::string& uri);

}  // namespace dataml::db
