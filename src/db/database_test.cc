#include "db/database.h"

#include <gtest/gtest.h>

#include "db/migrations.h"
#include "test_support.h"

namespace dataml::db {
namespace {

TEST(PostgresUriTest, BecomesQuotedKeywords) {
  auto kw = PostgresUriToKeywords("postgresql://bob:p%40ss'w@db.local:5433/meta?sslmode=require");
  ASSERT_TRUE(kw.ok());
  EXPECT_EQ(*kw, R"(user='bob' password='p@ss\'w' host='db.local' port='5433' dbname='meta' sslmode='require')");
  EXPECT_EQ(*PostgresUriToKeywords("postgres://127.0.0.1/x"), "host='127.0.0.1' dbname='x'");
  EXPECT_EQ(*PostgresUriToKeywords("postgresql://u@[::1]:5432/d"), "user='u' host='::1' port='5432' dbname='d'");
  EXPECT_FALSE(PostgresUriToKeywords("nonsense").ok());
}

TEST(DatabaseTest, RejectsUnknownUrls) {
  EXPECT_EQ(Database::Open("mysql://x", 1).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Database::Open("sqlite://", 1).status().code(), StatusCode::kInvalidArgument);
}

TEST(DatabaseTest, MigrationsAreIdempotent) {
  dataml::testing::TempDatabase temp;
  EXPECT_EQ(*SchemaVersion(temp.db()), 6);  // the newest migration (ray backend and distributed training)
  EXPECT_TRUE(Migrate(temp.db()).ok());
  EXPECT_EQ(*SchemaVersion(temp.db()), 6);
}

TEST(DatabaseTest, TransactionsRollBackOnError) {
  dataml::testing::TempDatabase temp;
  Status failed = temp.db().RunInTransaction([](soci::session& sql) {
    sql << "INSERT INTO tenants (id, name, created_at) VALUES ('t1', 'one', 'now')";
    return Status::InvalidArgument("changed my mind");
  });
  EXPECT_EQ(failed.code(), StatusCode::kInvalidArgument);
  auto count = temp.db().Query<long long>([](soci::session& sql) -> Result<long long> {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM tenants", soci::into(n);
    return n;
  });
  EXPECT_EQ(*count, 0);
}

TEST(DatabaseTest, ConstraintViolationsBecomeAlreadyExists) {
  dataml::testing::TempDatabase temp;
  auto insert = [&] {
    return temp.db().Run([](soci::session& sql) {
      sql << "INSERT INTO tenants (id, name, created_at) VALUES ('t1', 'one', 'now')";
      return Status::OK();
    });
  };
  EXPECT_TRUE(insert().ok());
  EXPECT_EQ(insert().code(), StatusCode::kAlreadyExists);
  Status bad_sql = temp.db().Run([](soci::session& sql) {
    sql << "SELECT * FROM no_such_table";
    return Status::OK();
  });
  EXPECT_EQ(bad_sql.code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace dataml::db
