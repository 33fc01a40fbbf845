// Versioned schema migrations, applied in order at start-up. One list serves both SQLite and
// PostgreSQL; the few dialect differences are written as placeholders (see migrations.cc).
#pragma once

#include "db/database.h"

namespace dataml::db {

// Brings the schema to the newest version. Safe to run from several servers at once.
Status Migrate(Database& db);
// The version the schema is at now (0 for an empty database).
Result<int64_t> SchemaVersion(Database& db);

// Migration 7's data step (exposed for its test): trainings take their newest train job's
// status, error, summary and manifest.
void BackfillTrainingStatus(soci::session& sql);

}  // namespace dataml::db
