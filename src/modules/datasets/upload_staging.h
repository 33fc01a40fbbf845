// The files of one upload on their way in: streamed from the multipart body to staging blobs
// (tenants/<tenant>/staging/<random>/), then validated. Whatever is not committed into the dataset is removed with the staging.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "engine/data/csv_validator.h"
#include "http/request.h"
#include "modules/datasets/staging_area.h"
#include "storage/blob_store.h"

namespace dataml::datasets {

// Reads a multipart body part by part (http::Request::read_multipart).
using MultipartSource = std::function<bool(const http::PartStart&, const http::PartData&)>;

struct StagedFile {
  std::string file_name;  // display name: the client's file name without any path
  std::string raw_key;
  std::string parquet_key;
  int64_t raw_bytes = 0;
  engine::ValidationResult validation;
  bool has_parquet() const { return validation.report.missing_columns.empty(); }
};

// Sees each file's records as received while it is validated (the lake's bronze table).
class RecordsObserver {
 public:
  virtual ~RecordsObserver() = default;
  virtual Status Records(const StagedFile& file, const engine::RawRecords& records) = 0;
  // After the last Records() of a file that had any.
  virtual Status FileDone(const StagedFile& file) = 0;
};

class UploadStaging {
 public:
  static Result<std::unique_ptr<UploadStaging>> Make(const storage::BlobStore& store,
                                                     const std::string& tenant_id);

  // Streams every part named "files" that carries a file name to its own temporary file.
  // 422 (at "files") when the body is not multipart or holds no file; 400 when it is cut short.
  Status Receive(const MultipartSource& read, size_t max_files);
  // Validates each file against `schema`; with none, the first file's inferred schema becomes
  // `schema` and the others are checked against it. 422 naming the file when one cannot be
  // read as CSV at all.
  Status Validate(std::optional<engine::TableSchema>& schema, RecordsObserver* observer = nullptr);
  std::vector<StagedFile>& files() { return files_; }

 private:
  UploadStaging(const storage::BlobStore& store, std::unique_ptr<StagingArea> area)
      : store_(store), area_(std::move(area)) {}
  const storage::BlobStore& store_;
  std::unique_ptr<StagingArea> area_;
  std::vector<StagedFile> files_;
};

// "C:\\data\\x.csv" or "../../x.csv" -> "x.csv"; control characters dropped; never empty.
std::string DisplayFileName(const std::string& client_name);

}  // namespace dataml::datasets
