// Helpers shared by unit tests that need a real (SQLite) metadata database.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "core/crypto.h"
#include "db/database.h"
#include "db/migrations.h"

namespace dataml::testing {

// A migrated SQLite database in a fresh temporary directory, removed afterwards.
class TempDatabase {
 public:
  TempDatabase() {
    InitCrypto();
    dir_ = std::filesystem::temp_directory_path() / ("dataml-unit-" + RandomToken(8));
    std::filesystem::create_directories(dir_);
    auto db = db::Database::Open("sqlite://" + (dir_ / "test.db").string(), 2);
    EXPECT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(db).ValueOrDie();
    Status migrated = db::Migrate(*db_);
    EXPECT_TRUE(migrated.ok()) << migrated.message();
  }
  ~TempDatabase() {
    db_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  db::Database& db() { return *db_; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<db::Database> db_;
};

}  // namespace dataml::testing
