#include "db/database.h"

#include <gtest/gtest.h>

#include "db/migrations.h"
#include "db/row_reader.h"
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
  EXPECT_EQ(*SchemaVersion(temp.db()), 10);  // the newest migration (the jobs' tenant index)
  EXPECT_TRUE(Migrate(temp.db()).ok());
  EXPECT_EQ(*SchemaVersion(temp.db()), 10);
}

TEST(DatabaseTest, TrainingsTakeTheirNewestTrainJobsStatusSummaryAndManifest) {
  dataml::testing::TempDatabase temp;
  Status done = temp.db().RunInTransaction([](soci::session& sql) {
    sql << "INSERT INTO tenants (id, name, created_at) VALUES ('t1', 'acme', 'now')";
    for (int id : {1, 2, 3}) {
      sql << "INSERT INTO trainings (id, tenant_id, predictor_name, predictor_key, version, domain, problem_type, "
             "dataset_id, algorithm, columns, hyperparameters, shap_enabled, preprocess_id, model_key, created_by, "
             "created_at, modified_at) VALUES (:id, 't1', 'p', 'p' || CAST(:id2 AS TEXT), 1, 'd', 'Regression', 1, "
             "'auto', '[]', '{}', 0, 1, 'm' || CAST(:id3 AS TEXT), 'alice', 'now', 'now')",
          soci::use(id), soci::use(id), soci::use(id);
    }
    auto job = [&](const char* subject, const char* status, const char* result, const char* error) {
      soci::indicator r = result ? soci::i_ok : soci::i_null, e = error ? soci::i_ok : soci::i_null;
      std::string result_text = result ? result : "", error_text = error ? error : "", s = subject, st = status;
      sql << "INSERT INTO jobs (tenant_id, kind, subject, payload, status, backend, result, error, created_by, "
             "created_at) VALUES ('t1', 'train', :s, '{}', :st, 'local', :r, :e, 'alice', 'now')",
          soci::use(s), soci::use(st), soci::use(result_text, r), soci::use(error_text, e);
    };
    job("training:1", "failed", nullptr, "an older try");
    job("training:1", "completed", R"({"summary": {"algorithm": "Linear", "metrics": {"rmse": 2}}})", nullptr);
    job("training:2", "failed", nullptr, "out of memory");
    BackfillTrainingStatus(sql);
    return Status::OK();
  });
  ASSERT_TRUE(done.ok()) << done.message();
  auto read = [&](int id) {
    return *temp.db().Query<std::vector<std::optional<std::string>>>([&](soci::session& sql) {
      soci::rowset<soci::row> rows =
          (sql.prepare << "SELECT status, error, summary, manifest, CAST(job_id AS TEXT) AS job FROM trainings "
                          "WHERE id = :id",
           soci::use(id));
      std::vector<std::optional<std::string>> out;
      for (const soci::row& row : rows) {
        for (const char* c : {"status", "error", "summary", "manifest", "job"}) out.push_back(GetOptionalString(row, c));
      }
      return Result<std::vector<std::optional<std::string>>>(out);
    });
  };
  auto completed = read(1);
  EXPECT_EQ(completed[0], "completed");
  EXPECT_FALSE(completed[1]) << "the newest job's error, not an older one's";
  EXPECT_EQ(nlohmann::json::parse(*completed[2])["algorithm"], "Linear");
  EXPECT_EQ(nlohmann::json::parse(*completed[3]),
            (nlohmann::json{{"format_version", 1}, {"problem_type", "Regression"}, {"algorithm", "Linear"},
                            {"artifacts", {{"model", "m1"}}}}));
  EXPECT_EQ(completed[4], "2");
  auto failed = read(2);
  EXPECT_EQ(failed[0], "failed");
  EXPECT_EQ(failed[1], "out of memory");
  EXPECT_FALSE(failed[2]);
  EXPECT_FALSE(failed[3]);
  auto without_job = read(3);
  EXPECT_EQ(without_job[0], "queued");
  EXPECT_FALSE(without_job[4]);
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
