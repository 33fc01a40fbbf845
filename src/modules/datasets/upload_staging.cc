#include "modules/datasets/upload_staging.h"

#include "engine/data/utf8.h"

namespace dataml::datasets {

std::string DisplayFileName(const std::string& client_name) {
  size_t slash = client_name.find_last_of("/\\");
  std::string base = slash == std::string::npos ? client_name : client_name.substr(slash + 1);
  std::string out;
  for (unsigned char c : base) {
    if (c >= 0x20 && c != 0x7f) out.push_back(static_cast<char>(c));
  }
  // Keep whole UTF-8 characters (continuation bytes are 10xxxxxx) and drop invalid names.
  if (out.size() > 255) {
    size_t cut = 255;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
  }
  if (!engine::IsValidUtf8(out)) out.clear();
  if (out.empty() || out == "." || out == "..") out = "upload.csv";
  return out;
}

Result<std::unique_ptr<UploadStaging>> UploadStaging::Make(const storage::BlobStore& store,
                                                           const std::string& tenant_id) {
  DATAML_ASSIGN_OR_RETURN(auto area, StagingArea::Make(store, tenant_id));
  return std::unique_ptr<UploadStaging>(new UploadStaging(store, std::move(area)));
}

Status UploadStaging::Receive(const MultipartSource& read, size_t max_files) {
  if (!read) return Status::Invalid({{{"files"}, "Expected a multipart/form-data body", "missing"}});
  std::unique_ptr<storage::BlobWriter> out;
  bool too_many = false, write_failed = false;
  auto close_current = [&] {
    if (out && !out->Publish().ok()) write_failed = true;
    out.reset();
  };
  bool complete = read(
      [&](const http::MultipartPart& part) {
        close_current();
        if (part.name != "files" || part.filename.empty()) return true;  // other fields: ignored
        if (files_.size() >= max_files) {
          too_many = true;
          return false;
        }
        StagedFile staged;
        staged.file_name = DisplayFileName(part.filename);
        staged.raw_key = area_->KeyFor(std::to_string(files_.size()) + ".csv");
        staged.parquet_key = area_->KeyFor(std::to_string(files_.size()) + ".parquet");
        auto opened = store_.OpenWrite(staged.raw_key);
        files_.push_back(std::move(staged));
        if (!opened.ok()) {
          write_failed = true;
          return false;
        }
        out = std::move(*opened);
        return true;
      },
      [&](const char* data, size_t length) {
        if (!out) return true;
        if (!out->stream().Write(data, static_cast<int64_t>(length)).ok()) {
          write_failed = true;
          return false;
        }
        files_.back().raw_bytes += static_cast<int64_t>(length);
        return true;
      });
  close_current();
  if (too_many) {
    return Status::Invalid({{{"files"}, "At most " + std::to_string(max_files) + " files per upload", "too_long"}});
  }
  if (write_failed) return Status::Internal("cannot store the uploaded file");
  if (!complete) {
    if (files_.empty()) {
      return Status::Invalid({{{"files"}, "Expected a multipart/form-data body with files", "missing"}});
    }
    return Status::BadRequest("The multipart body is malformed or was cut short");
  }
  if (files_.empty()) return Status::Invalid({{{"files"}, "Field required", "missing"}});
  return Status::OK();
}

Status UploadStaging::Validate(std::optional<engine::TableSchema>& schema, RecordsObserver* observer) {
  for (StagedFile& file : files_) {
    DATAML_ASSIGN_OR_RETURN(auto parquet, store_.OpenWrite(file.parquet_key));
    engine::ValidationOptions options;
    bool observed = false;
    if (observer != nullptr) {
      options.on_records = [&](const engine::RawRecords& records) {
        observed = true;
        return observer->Records(file, records);
      };
    }
    auto result = engine::ValidateCsvToParquet({store_.filesystem(), file.raw_key}, schema, parquet->shared_stream(),
                                               options);
    if (!result.ok()) {
      // A field error (the lake's schema check) names its own field.
      if (result.status().code() == StatusCode::kInvalidArgument && result.status().field_errors().empty()) {
        return Status::Invalid({{{"files"}, file.file_name + ": " + result.status().message(), "value_error"}});
      }
      return result.status();
    }
    file.validation = std::move(result).ValueOrDie();
    if (file.has_parquet()) DATAML_RETURN_NOT_OK(parquet->Publish());
    if (observed) DATAML_RETURN_NOT_OK(observer->FileDone(file));
    if (!schema) schema = file.validation.schema;
  }
  return Status::OK();
}

}  // namespace dataml::datasets
