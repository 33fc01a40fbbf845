#include "engine/lake/gold.h"

#include <arrow/api.h>
#include <arrow/csv/api.h>

#include "core/arrow_status.h"
#include "engine/data/memory_pool.h"

namespace dataml::engine::lake {
namespace {

std::string Hex(const std::string& bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

Result<std::string> Unhex(const std::string& hex) {
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) return Status::InvalidArgument("a bound is not hex");
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = digit(hex[i]), lo = digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return Status::InvalidArgument("a bound is not hex");
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

template <typename V, typename Encode>
nlohmann::json IdMap(const std::map<int, V>& values, Encode encode) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [id, v] : values) out[std::to_string(id)] = encode(v);
  return out;
}

template <typename V, typename Decode>
Status ReadIdMap(const nlohmann::json& json, const char* name, std::map<int, V>& out, Decode decode) {
  if (!json.contains(name)) return Status::OK();
  if (!json[name].is_object()) return Status::InvalidArgument(std::string(name) + " is not an object");
  for (const auto& [key, value] : json[name].items()) {
    int id = 0;
    try {
      id = std::stoi(key);
    } catch (const std::exception&) {
      return Status::InvalidArgument(std::string(name) + " has a key that is not a field id");
    }
    DATAML_ASSIGN_OR_RETURN(out[id], decode(value));
  }
  return Status::OK();
}

bool IsText(const PredictionColumns& columns, const std::string& name) {
  return name == columns.id_column || (name == "prediction" && columns.classification);
}

}  // namespace

LakeSchema GoldSchema(const PredictionColumns& columns) {
  TableSchema schema = {{"prediction_id", DataType::kInteger, std::nullopt},
                        {"predicted_at", DataType::kDateTime, std::nullopt}};
  for (const std::string& name : columns.header) {
    schema.push_back({name, IsText(columns, name) ? DataType::kString : DataType::kFloat, std::nullopt});
  }
  return NewLakeSchema(schema);
}

Result<DataFile> WriteGoldDataFile(const FileRef& results_csv, const PredictionColumns& columns,
                                   int64_t prediction_id, int64_t predicted_at_micros,
                                   std::shared_ptr<arrow::io::OutputStream> out) {
  DATAML_ASSIGN_OR_RETURN(auto input, OpenStream(results_csv));
  auto read = arrow::csv::ReadOptions::Defaults();
  read.use_threads = false;
  read.column_names = columns.header;
  read.skip_rows = 1;
  auto parse = arrow::csv::ParseOptions::Defaults();
  parse.newlines_in_values = true;
  auto convert = arrow::csv::ConvertOptions::Defaults();
  convert.strings_can_be_null = false;
  for (const std::string& name : columns.header) {
    convert.column_types[name] = IsText(columns, name) ? arrow::utf8() : arrow::float64();
  }
  auto opened = arrow::csv::StreamingReader::Make(arrow::io::IOContext(DataMemoryPool()), input, read, parse, convert);
  DATAML_ASSIGN_OR_RETURN(auto reader, FromArrow(std::move(opened), "cannot read the results"));
  const LakeSchema schema = GoldSchema(columns);
  DATAML_ASSIGN_OR_RETURN(auto writer, DataFileWriter::Open(schema, std::move(out)));
  const auto timestamp = arrow::timestamp(arrow::TimeUnit::MICRO, "UTC");
  for (;;) {
    std::shared_ptr<arrow::RecordBatch> batch;
    DATAML_RETURN_NOT_OK(FromArrow(reader->ReadNext(&batch), "cannot read the results"));
    if (batch == nullptr) break;
    const int64_t rows = batch->num_rows();
    auto ids = arrow::MakeArrayFromScalar(arrow::Int64Scalar(prediction_id), rows, DataMemoryPool());
    auto at = arrow::MakeArrayFromScalar(arrow::TimestampScalar(predicted_at_micros, timestamp), rows, DataMemoryPool());
    DATAML_ASSIGN_OR_RETURN(auto id_array, FromArrow(std::move(ids), "cannot build the gold rows"));
    DATAML_ASSIGN_OR_RETURN(auto at_array, FromArrow(std::move(at), "cannot build the gold rows"));
    arrow::FieldVector fields = {arrow::field("prediction_id", arrow::int64()), arrow::field("predicted_at", timestamp)};
    arrow::ArrayVector arrays = {id_array, at_array};
    for (int c = 0; c < batch->num_columns(); ++c) {
      fields.push_back(batch->schema()->field(c));
      arrays.push_back(batch->column(c));
    }
    DATAML_RETURN_NOT_OK(writer->Write(*arrow::RecordBatch::Make(arrow::schema(fields), rows, arrays)));
  }
  return writer->Finish();
}

nlohmann::json DataFileToJson(const DataFile& file) {
  auto same = [](int64_t v) { return v; };
  return {{"record_count", file.record_count},
          {"file_size_in_bytes", file.file_size_in_bytes},
          {"value_counts", IdMap(file.value_counts, same)},
          {"null_value_counts", IdMap(file.null_value_counts, same)},
          {"lower_bounds", IdMap(file.lower_bounds, Hex)},
          {"upper_bounds", IdMap(file.upper_bounds, Hex)}};
}

Result<DataFile> DataFileFromJson(const nlohmann::json& json) {
  if (!json.is_object() || !json.contains("record_count") || !json["record_count"].is_number_integer() ||
      !json.contains("file_size_in_bytes") || !json["file_size_in_bytes"].is_number_integer()) {
    return Status::InvalidArgument("a data file needs record_count and file_size_in_bytes");
  }
  DataFile file;
  file.record_count = json["record_count"].get<int64_t>();
  file.file_size_in_bytes = json["file_size_in_bytes"].get<int64_t>();
  auto count = [](const nlohmann::json& v) -> Result<int64_t> {
    if (!v.is_number_integer()) return Status::InvalidArgument("a count is not an integer");
    return v.get<int64_t>();
  };
  auto bound = [](const nlohmann::json& v) -> Result<std::string> {
    if (!v.is_string()) return Status::InvalidArgument("a bound is not a string");
    return Unhex(v.get<std::string>());
  };
  DATAML_RETURN_NOT_OK(ReadIdMap(json, "value_counts", file.value_counts, count));
  DATAML_RETURN_NOT_OK(ReadIdMap(json, "null_value_counts", file.null_value_counts, count));
  DATAML_RETURN_NOT_OK(ReadIdMap(json, "lower_bounds", file.lower_bounds, bound));
  DATAML_RETURN_NOT_OK(ReadIdMap(json, "upper_bounds", file.upper_bounds, bound));
  return file;
}

}  // namespace dataml::engine::lake
