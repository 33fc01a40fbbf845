// An Iceberg table's schema as the platform types it: every field a top-level column of one of
// our six types, with its Iceberg field id. Tables we create use string, long, double, boolean,
// date and timestamptz; tables other writers made may also use int, float and timestamp, read
// as our Integer, Float and DateTime. Anything else (nested, decimal, uuid, binary...) is not a
// table the platform can type.
#pragma once

#include <arrow/type_fwd.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "engine/data/column_spec.h"

namespace dataml::engine::lake {

struct LakeColumn {
  int id = 0;
  std::string name;
  DataType type = DataType::kString;
  bool required = false;
  std::string iceberg_type;  // as the table's metadata names it ("long", "int", ...)

  bool operator==(const LakeColumn&) const = default;
};

struct LakeSchema {
  int schema_id = 0;
  std::vector<LakeColumn> columns;

  // nullptr when there is no such column (names compare exactly, as Iceberg's do).
  const LakeColumn* Find(const std::string& name) const;
  int last_column_id() const;
};

// The Iceberg type our type is written as: string, long, double, boolean, date, timestamptz.
const char* IcebergTypeFor(DataType type);
// The SQL name 11.3 answers with: varchar, bigint, double, boolean, date, timestamp (and
// "integer", "real" for int and float).
std::string SqlTypeName(const LakeColumn& column);

// A new table's schema (id 0): the columns in order, field ids from 1, all optional.
LakeSchema NewLakeSchema(const TableSchema& columns);
nlohmann::json LakeSchemaToJson(const LakeSchema& schema);
// InvalidArgument naming the fields whose types the platform cannot type.
Result<LakeSchema> LakeSchemaFromJson(const nlohmann::json& schema);
// The Arrow schema of the table's data files: our Arrow types, each field with its Iceberg id
// as "PARQUET:field_id" metadata (readers match columns by id).
std::shared_ptr<arrow::Schema> ArrowSchemaFor(const LakeSchema& schema);

}  // namespace dataml::engine::lake
