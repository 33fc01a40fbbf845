// Datasets and their files as stored in the metadata database.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "engine/data/column_spec.h"

namespace dataml::datasets {

inline constexpr const char* kUploadedFile = "upload";
inline constexpr const char* kPredictionFile = "prediction";  // a batch prediction's results

struct DatasetFile {
  int64_t id = 0;
  int64_t dataset_id = 0;
  std::string tenant_id;
  std::string file_name;
  std::string kind = kUploadedFile;        // only uploads are the dataset's data
  std::string raw_key;                     // storage key of the upload as received (or the file written)
  std::optional<std::string> parquet_key;  // validated rows; none when the file was unusable
  int64_t raw_bytes = 0;
  int64_t total_fields = 0;
  int64_t total_records = 0;
  int64_t valid_records = 0;
  nlohmann::json error_report;  // null when clean
  std::string created_by;
  std::string created_at;
  std::string modified_at;
};

struct Dataset {
  int64_t id = 0;
  std::string tenant_id;
  std::string dataset_name;
  std::optional<int64_t> template_id;
  std::optional<std::string> template_name;
  std::string usage;  // "t" training, "p" prediction
  std::string data_source = "csv";
  std::optional<std::string> iceberg_table_name;
  engine::TableSchema schema;  // every file is validated against it
  std::string created_by;
  std::string created_at;
  std::string modified_at;
  // Aggregates over the files.
  int64_t file_count = 0;
  int64_t total_records = 0;
  int64_t valid_records = 0;

  bool is_valid() const { return valid_records > 0; }
  // "85%": the share of records that passed validation.
  std::string usability() const;
};

std::string UsageLabel(const std::string& usage);  // "Training" / "Prediction"
std::string DatasetKey(const std::string& tenant_id, int64_t dataset_id);
std::string FileKey(const std::string& tenant_id, int64_t dataset_id, int64_t file_id, const char* leaf);

nlohmann::json SchemaToJson(const engine::TableSchema& schema);
engine::TableSchema SchemaFromJson(const nlohmann::json& json);
nlohmann::json ToListJson(const Dataset& d);
nlohmann::json ToJson(const DatasetFile& f);

}  // namespace dataml::datasets
