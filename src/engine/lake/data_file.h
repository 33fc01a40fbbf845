// Data files of an Iceberg table: Parquet whose columns carry their field ids, and the
// per-column facts a manifest keeps about each (counts and bounds), gathered while writing.
#pragma once

#include <arrow/io/interfaces.h>
#include <arrow/record_batch.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "core/result.h"
#include "engine/lake/lake_schema.h"

namespace dataml::engine::lake {

// What a manifest says of one data file. Bounds use Iceberg's single-value binary encoding
// (little-endian numbers; strings are left out: a bound may be omitted, a wrong one may not).
struct DataFile {
  std::string location;
  std::string format = "PARQUET";
  int64_t record_count = 0;
  int64_t file_size_in_bytes = 0;
  std::map<int, int64_t> value_counts;
  std::map<int, int64_t> null_value_counts;
  std::map<int, std::string> lower_bounds;
  std::map<int, std::string> upper_bounds;
};

class DataFileWriter {
 public:
  static Result<std::unique_ptr<DataFileWriter>> Open(const LakeSchema& schema,
                                                      std::shared_ptr<arrow::io::OutputStream> out);
  ~DataFileWriter();
  // A batch with the schema's columns by name, in our Arrow types (ArrowTypeFor); other columns
  // are ignored. InvalidArgument naming a missing or mistyped column.
  Status Write(const arrow::RecordBatch& batch);
  // Closes the file; the counts and bounds (location and size are the caller's to fill).
  Result<DataFile> Finish();

 private:
  DataFileWriter() = default;
  struct State;
  std::unique_ptr<State> state_;
};

// Iceberg's single-value encodings of a bound.
std::string EncodeLong(int64_t v);
std::string EncodeInt(int32_t v);
std::string EncodeDouble(double v);
int64_t DecodeLong(const std::string& bytes);
int32_t DecodeInt(const std::string& bytes);
double DecodeDouble(const std::string& bytes);

}  // namespace dataml::engine::lake
