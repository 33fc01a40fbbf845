#include "modules/auth/auth_repository.h"

#include "core/clock.h"
#include "db/row_reader.h"

namespace dataml::auth {

Status AuthRepository::InsertRefreshToken(int64_t user_id, const std::string& family_id,
                                          const std::string& token_hash, int64_t expires_at) {
  return db_.Run([&](soci::session& sql) -> Status {
    long long u = user_id, e = expires_at;
    std::string now = NowIso8601Utc();
    sql << "INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at, revoked, "
           "rotated, created_at) VALUES (:u, :f, :h, :e, 0, 0, :now)",
        soci::use(u), soci::use(family_id), soci::use(token_hash), soci::use(e), soci::use(now);
    return Status::OK();
  });
}

Result<std::optional<RefreshTokenRow>> AuthRepository::FindRefreshToken(const std::string& token_hash) {
  return db_.Query<std::optional<RefreshTokenRow>>(
      [&](soci::session& sql) -> Result<std::optional<RefreshTokenRow>> {
        soci::rowset<soci::row> rows =
            (sql.prepare << "SELECT id, user_id, family_id, expires_at, revoked, rotated FROM "
                            "refresh_tokens WHERE token_hash = :h",
             soci::use(token_hash));
        for (const soci::row& row : rows) {
          RefreshTokenRow t;
          t.id = db::GetInt(row, "id");
          t.user_id = db::GetInt(row, "user_id");
          t.family_id = db::GetString(row, "family_id");
          t.expires_at = db::GetInt(row, "expires_at");
          t.revoked = db::GetBool(row, "revoked");
          t.rotated = db::GetBool(row, "rotated");
          return std::optional<RefreshTokenRow>(t);
        }
        return std::optional<RefreshTokenRow>();
      });
}

Result<bool> AuthRepository::MarkRotated(int64_t token_id) {
  return db_.Query<bool>([&](soci::session& sql) -> Result<bool> {
    long long id = token_id;
    soci::statement st = (sql.prepare << "UPDATE refresh_tokens SET rotated = 1 WHERE id = :id AND "
                                         "rotated = 0 AND revoked = 0",
                          soci::use(id));
    st.execute(true);
    return st.get_affected_rows() == 1;
  });
}

Status AuthRepository::RevokeFamily(const std::string& family_id) {
  return db_.Run([&](soci::session& sql) -> Status {
    sql << "UPDATE refresh_tokens SET revoked = 1 WHERE family_id = :f", soci::use(family_id);
    return Status::OK();
  });
}

Result<bool> AuthRepository::SessionIsLive(const std::string& family_id) {
  return db_.Query<bool>([&](soci::session& sql) -> Result<bool> {
    long long live = 0;
    sql << "SELECT COUNT(*) FROM refresh_tokens WHERE family_id = :f AND revoked = 0", soci::use(family_id),
        soci::into(live);
    return live > 0;
  });
}

Status AuthRepository::RevokeToken(int64_t token_id) {
  return db_.Run([&](soci::session& sql) -> Status {
    long long id = token_id;
    sql << "UPDATE refresh_tokens SET revoked = 1 WHERE id = :id", soci::use(id);
    return Status::OK();
  });
}

Status AuthRepository::RevokeAllForUser(int64_t user_id) {
  return db_.Run([&](soci::session& sql) -> Status {
    long long u = user_id;
    sql << "UPDATE refresh_tokens SET revoked = 1 WHERE user_id = :u", soci::use(u);
    return Status::OK();
  });
}

namespace {

LoginFailures ReadFailures(soci::session& sql, const std::string& key) {
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT failures, first_failure_at, locked_until FROM login_failures WHERE "
                      "username = :u",
       soci::use(key));
  LoginFailures f;
  for (const soci::row& row : rows) {
    f.failures = db::GetInt(row, "failures");
    f.first_failure_at = db::GetInt(row, "first_failure_at");
    f.locked_until = db::GetInt(row, "locked_until");
  }
  return f;
}

}  // namespace

Result<LoginFailures> AuthRepository::GetLoginFailures(const std::string& key) {
  return db_.Query<LoginFailures>(
      [&](soci::session& sql) -> Result<LoginFailures> { return ReadFailures(sql, key); });
}

Result<LoginFailures> AuthRepository::RecordLoginFailure(const std::string& key, int64_t now,
                                                         int64_t window_seconds, int64_t max_failures,
                                                         int64_t lockout_seconds) {
  return db_.Transact<LoginFailures>([&](soci::session& sql) -> Result<LoginFailures> {
    LoginFailures f = ReadFailures(sql, key);
    if (f.failures == 0 || now - f.first_failure_at > window_seconds) {
      f.failures = 0;
      f.first_failure_at = now;
    }
    f.failures += 1;
    if (f.failures >= max_failures) {
      f.locked_until = now + lockout_seconds;
      f.failures = 0;  // the lock is the penalty; after it the count starts afresh
      f.first_failure_at = now;
    }
    long long n = f.failures, first = f.first_failure_at, locked = f.locked_until;
    sql << "INSERT INTO login_failures (username, failures, first_failure_at, locked_until) VALUES "
           "(:u, :n, :f, :l) ON CONFLICT (username) DO UPDATE SET failures = excluded.failures, "
           "first_failure_at = excluded.first_failure_at, locked_until = excluded.locked_until",
        soci::use(key), soci::use(n), soci::use(first), soci::use(locked);
    return f;
  });
}

Status AuthRepository::ClearLoginFailures(const std::string& key) {
  return db_.Run([&](soci::session& sql) -> Status {
    sql << "DELETE FROM login_failures WHERE username = :u", soci::use(key);
    return Status::OK();
  });
}

}  // namespace dataml::auth
