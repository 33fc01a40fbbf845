#include "db/database.h"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <spdlog/spdlog.h>

#include <filesystem>

namespace dataml::db {
namespace {

Status TranslateError(const soci::soci_error& e) {
  if (e.get_error_category() == soci::soci_error::constraint_violation) {
    return Status::AlreadyExists(std::string("conflicts with an existing record: ") +
                                 e.get_error_message());
  }
  std::string message = e.get_error_message();
  // SQLite reports some constraint failures without a category.
  if (message.find("UNIQUE constraint failed") != std::string::npos ||
      message.find("duplicate key value") != std::string::npos) {
    return Status::AlreadyExists("conflicts with an existing record: " + message);
  }
  spdlog::error("database error: {}", e.what());
  return Status::Internal("database error");
}

Status Guard(soci::session& sql, const std::function<Status(soci::session&)>& fn) {
  try {
    return fn(sql);
  } catch (const soci::soci_error& e) {
    return TranslateError(e);
  } catch (const std::exception& e) {
    spdlog::error("unexpected error in database call: {}", e.what());
    return Status::Internal("database error");
  }
}

}  // namespace

Database::Database(Dialect dialect, size_t pool_size)
    : dialect_(dialect), pool_size_(pool_size), pool_(std::make_unique<soci::connection_pool>(pool_size)) {}

Database::~Database() = default;

Result<std::unique_ptr<Database>> Database::Open(const std::string& url, size_t pool_size) {
  if (pool_size == 0) return Status::InvalidArgument("database pool size must be positive");
  std::unique_ptr<Database> db;
  std::string connect;
  if (url.rfind("sqlite://", 0) == 0) {
    std::string path = url.substr(std::string("sqlite://").size());
    if (path.empty()) return Status::InvalidArgument("sqlite URL has no path");
    std::error_code ec;
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    db.reset(new Database(Dialect::kSqlite, pool_size));
    connect = "db=" + path + " timeout=30";
  } else if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    db.reset(new Database(Dialect::kPostgres, pool_size));
    connect = url;  // libpq accepts URIs as connection strings
  } else {
    return Status::InvalidArgument("unsupported database URL (use sqlite:// or postgresql://)");
  }
  DATAML_RETURN_NOT_OK(db->Connect(connect));
  return db;
}

Status Database::Connect(const std::string& connect_string) {
  try {
    for (size_t i = 0; i < pool_size_; ++i) {
      soci::session& sql = pool_->at(i);
      if (dialect_ == Dialect::kSqlite) {
        sql.open(*soci::factory_sqlite3(), connect_string);
        // WAL lets readers run beside one writer; busy_timeout waits for a writer instead of failing.
        sql << "PRAGMA journal_mode=WAL";
        sql << "PRAGMA busy_timeout=30000";
        sql << "PRAGMA foreign_keys=ON";
        sql << "PRAGMA synchronous=NORMAL";
      } else {
        sql.open(*soci::factory_postgresql(), connect_string);
      }
    }
  } catch (const soci::soci_error& e) {
    return Status::Unavailable(std::string("cannot connect to the database: ") + e.what());
  }
  return Status::OK();
}

Status Database::Run(const std::function<Status(soci::session&)>& fn) {
  soci::session sql(*pool_);
  return Guard(sql, fn);
}

Status Database::RunInTransaction(const std::function<Status(soci::session&)>& fn) {
  soci::session sql(*pool_);
  // SQLite: take the write lock up front, so two writers queue on busy_timeout instead of one
  // failing when it upgrades a read lock.
  const char* begin = dialect_ == Dialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN";
  Status status = Guard(sql, [&](soci::session& s) {
    s << begin;
    return Status::OK();
  });
  if (!status.ok()) return status;
  status = Guard(sql, fn);
  Status end = Guard(sql, [&](soci::session& s) {
    s << (status.ok() ? "COMMIT" : "ROLLBACK");
    return Status::OK();
  });
  return status.ok() ? end : status;
}

}  // namespace dataml::db
