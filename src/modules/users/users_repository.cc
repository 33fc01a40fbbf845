#include "modules/users/users_repository.h"

#include "core/clock.h"
#include "db/row_reader.h"
#include "db/sort_columns.h"

namespace dataml::users {
namespace {

constexpr const char* kColumns =
    "id, tenant_id, username, email, first_name, last_name, password_hash, is_active, "
    "is_superuser, password_changed_at, created_at, modified_at";

UserWithPassword FromRow(const soci::row& row) {
  UserWithPassword out;
  User& u = out.user;
  u.id = db::GetInt(row, "id");
  u.tenant_id = db::GetString(row, "tenant_id");
  u.username = db::GetString(row, "username");
  u.email = db::GetString(row, "email");
  u.first_name = db::GetOptionalString(row, "first_name");
  u.last_name = db::GetOptionalString(row, "last_name");
  u.is_active = db::GetBool(row, "is_active");
  u.is_superuser = db::GetBool(row, "is_superuser");
  u.password_changed_at = db::GetInt(row, "password_changed_at");
  u.created_at = db::GetString(row, "created_at");
  u.modified_at = db::GetString(row, "modified_at");
  out.password_hash = db::GetString(row, "password_hash");
  return out;
}

Result<std::optional<UserWithPassword>> FindOne(db::Database& db, const std::string& where,
                                                const std::string& key) {
  return db.Query<std::optional<UserWithPassword>>(
      [&](soci::session& sql) -> Result<std::optional<UserWithPassword>> {
        soci::rowset<soci::row> rows =
            (sql.prepare << "SELECT " << kColumns << " FROM users WHERE " << where, soci::use(key));
        for (const soci::row& row : rows) return std::optional<UserWithPassword>(FromRow(row));
        return std::optional<UserWithPassword>();
      });
}

soci::indicator Ind(const std::optional<std::string>& value) {
  return value ? soci::i_ok : soci::i_null;
}

}  // namespace

Result<User> UsersRepository::Insert(const NewUser& n) {
  return db_.Query<User>([&](soci::session& sql) -> Result<User> {
    std::string now = NowIso8601Utc();
    long long changed_at = NowUnixSeconds();
    int superuser = n.is_superuser ? 1 : 0;
    std::string first = n.first_name.value_or(""), last = n.last_name.value_or("");
    soci::indicator first_ind = Ind(n.first_name), last_ind = Ind(n.last_name);
    long long id = 0;
    sql << "INSERT INTO users (tenant_id, username, email, first_name, last_name, password_hash, "
           "is_active, is_superuser, password_changed_at, created_at, modified_at) VALUES (:t, :u, "
           ":e, :f, :l, :p, 1, :s, :c, :now, :now2) RETURNING id",
        soci::use(n.tenant_id), soci::use(n.username), soci::use(n.email),
        soci::use(first, first_ind), soci::use(last, last_ind), soci::use(n.password_hash),
        soci::use(superuser), soci::use(changed_at), soci::use(now), soci::use(now),
        soci::into(id);
    User u;
    u.id = id;
    u.tenant_id = n.tenant_id;
    u.username = n.username;
    u.email = n.email;
    u.first_name = n.first_name;
    u.last_name = n.last_name;
    u.is_superuser = n.is_superuser;
    u.password_changed_at = changed_at;
    u.created_at = u.modified_at = now;
    return u;
  });
}

Result<std::optional<UserWithPassword>> UsersRepository::FindById(int64_t id) {
  return FindOne(db_, "id = CAST(:k AS BIGINT)", std::to_string(id));
}

Result<std::optional<UserWithPassword>> UsersRepository::FindByUsername(const std::string& username) {
  return FindOne(db_, "lower(username) = lower(:k)", username);
}

Result<bool> UsersRepository::UsernameTaken(const std::string& username) {
  auto found = FindByUsername(username);
  if (!found.ok()) return found.status();
  return found->has_value();
}

Result<bool> UsersRepository::EmailTaken(const std::string& email, int64_t except_user_id) {
  return db_.Query<bool>([&](soci::session& sql) -> Result<bool> {
    long long count = 0;
    long long except = except_user_id;
    sql << "SELECT COUNT(*) FROM users WHERE email = :e AND id <> :id", soci::use(email),
        soci::use(except), soci::into(count);
    return count > 0;
  });
}

Result<std::vector<User>> UsersRepository::List(const std::string& tenant_id, int64_t skip,
                                                int64_t limit, const SortKey& sort) {
  static const db::SortColumns kSort({{"id", "id"},
                                      {"username", "username", db::SortColumn::kText},
                                      {"email", "email", db::SortColumn::kText},
                                      {"first_name", "first_name", db::SortColumn::kText},
                                      {"last_name", "last_name", db::SortColumn::kText},
                                      {"is_active", "is_active"},
                                      {"created_at", "created_at"},
                                      {"modified_at", "modified_at"}},
                                     "id", "id");
  DATAML_ASSIGN_OR_RETURN(std::string order_by, kSort.OrderBy(sort));
  return db_.Query<std::vector<User>>([&](soci::session& sql) -> Result<std::vector<User>> {
    long long s = skip, l = limit;
    int all = tenant_id.empty() ? 1 : 0;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT " << kColumns
                     << " FROM users WHERE (:all = 1 OR tenant_id = :t)" << order_by << " LIMIT :l OFFSET :s",
         soci::use(all), soci::use(tenant_id), soci::use(l), soci::use(s));
    std::vector<User> out;
    for (const soci::row& row : rows) out.push_back(FromRow(row).user);
    return out;
  });
}

Result<int64_t> UsersRepository::Count(const std::string& tenant_id) {
  return db_.Query<int64_t>([&](soci::session& sql) -> Result<int64_t> {
    long long count = 0;
    int all = tenant_id.empty() ? 1 : 0;
    sql << "SELECT COUNT(*) FROM users WHERE (:all = 1 OR tenant_id = :t)", soci::use(all),
        soci::use(tenant_id), soci::into(count);
    return count;
  });
}

Status UsersRepository::Update(int64_t id, const UserChanges& c) {
  return db_.RunInTransaction([&](soci::session& sql) -> Status {
    long long uid = id;
    std::string now = NowIso8601Utc();
    if (c.first_name) {
      std::string v = c.first_name->value_or("");
      soci::indicator ind = Ind(*c.first_name);
      sql << "UPDATE users SET first_name = :v WHERE id = :id", soci::use(v, ind), soci::use(uid);
    }
    if (c.last_name) {
      std::string v = c.last_name->value_or("");
      soci::indicator ind = Ind(*c.last_name);
      sql << "UPDATE users SET last_name = :v WHERE id = :id", soci::use(v, ind), soci::use(uid);
    }
    if (c.email) {
      sql << "UPDATE users SET email = :v WHERE id = :id", soci::use(*c.email), soci::use(uid);
    }
    if (c.is_active) {
      int active = *c.is_active ? 1 : 0;
      sql << "UPDATE users SET is_active = :v WHERE id = :id", soci::use(active), soci::use(uid);
    }
    sql << "UPDATE users SET modified_at = :now WHERE id = :id", soci::use(now), soci::use(uid);
    return Status::OK();
  });
}

Status UsersRepository::SetPassword(int64_t id, const std::string& password_hash, int64_t changed_at) {
  return db_.Run([&](soci::session& sql) -> Status {
    long long uid = id, changed = changed_at;
    std::string now = NowIso8601Utc();
    sql << "UPDATE users SET password_hash = :h, password_changed_at = :c, modified_at = :now "
           "WHERE id = :id",
        soci::use(password_hash), soci::use(changed), soci::use(now), soci::use(uid);
    return Status::OK();
  });
}

Result<bool> UsersRepository::AnySuperuser() {
  return db_.Query<bool>([&](soci::session& sql) -> Result<bool> {
    long long count = 0;
    sql << "SELECT COUNT(*) FROM users WHERE is_superuser = 1", soci::into(count);
    return count > 0;
  });
}

}  // namespace dataml::users
