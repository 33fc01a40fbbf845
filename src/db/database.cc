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

std::string PercentDecode(const std::string& in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size() && std::isxdigit(static_cast<unsigned char>(in[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(in[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(in.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(in[i]);
    }
  }
  return out;
}

// libpq keyword values are single-quoted with \ and \' escaped.
std::string Quote(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\\' || c == '\'') out.push_back('\\');
    out.push_back(c);
  }
  return out + "'";
}

}  // namespace

// SOCI 4.0 re-parses the connection string as space-separated key=value pairs, which mangles
// a URI; so the URI is turned into libpq keywords here.
Result<std::string> PostgresUriToKeywords(const std::string& uri) {
  size_t scheme_end = uri.find("://");
  if (scheme_end == std::string::npos) return Status::InvalidArgument("malformed PostgreSQL URL");
  std::string rest = uri.substr(scheme_end + 3);
  std::string query;
  if (size_t q = rest.find('?'); q != std::string::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string authority = rest, dbname;
  if (size_t slash = rest.find('/'); slash != std::string::npos) {
    authority = rest.substr(0, slash);
    dbname = PercentDecode(rest.substr(slash + 1));
  }
  std::string userinfo, hostport = authority;
  if (size_t at = authority.rfind('@'); at != std::string::npos) {
    userinfo = authority.substr(0, at);
    hostport = authority.substr(at + 1);
  }
  std::vector<std::pair<std::string, std::string>> keywords;
  if (!userinfo.empty()) {
    size_t colon = userinfo.find(':');
    keywords.emplace_back("user", PercentDecode(userinfo.substr(0, colon)));
    if (colon != std::string::npos) keywords.emplace_back("password", PercentDecode(userinfo.substr(colon + 1)));
  }
  if (!hostport.empty()) {
    std::string host = hostport, port;
    if (hostport.front() == '[') {  // [IPv6]:port
      size_t close = hostport.find(']');
      host = hostport.substr(1, close - 1);
      if (close + 1 < hostport.size() && hostport[close + 1] == ':') port = hostport.substr(close + 2);
    } else if (size_t colon = hostport.rfind(':'); colon != std::string::npos) {
      host = hostport.substr(0, colon);
      port = hostport.substr(colon + 1);
    }
    if (!host.empty()) keywords.emplace_back("host", PercentDecode(host));
    if (!port.empty()) keywords.emplace_back("port", port);
  }
  if (!dbname.empty()) keywords.emplace_back("dbname", dbname);
  size_t pos = 0;
  while (pos < query.size()) {
    size_t amp = query.find('&', pos);
    std::string pair = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    if (size_t eq = pair.find('='); eq != std::string::npos) {
      keywords.emplace_back(PercentDecode(pair.substr(0, eq)), PercentDecode(pair.substr(eq + 1)));
    }
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  std::string out;
  for (const auto& [key, value] : keywords) {
    if (!out.empty()) out += ' ';
    out += key + "=" + Quote(value);
  }
  return out;
}

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
    DATAML_ASSIGN_OR_RETURN(connect, PostgresUriToKeywords(url));
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
