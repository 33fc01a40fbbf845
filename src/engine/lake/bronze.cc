#include "engine/lake/bronze.h"

#include <arrow/api.h>

#include "core/arrow_status.h"
#include "engine/data/utf8.h"

namespace dataml::engine::lake {
namespace {

// The length of the valid UTF-8 sequence starting at text[i], or 0 (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF).
size_t ValidSequenceAt(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return 1;
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF;  // the second byte's range
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  return n;
}

}  // namespace

LakeSchema BronzeSchema(const TableSchema& columns) {
  TableSchema text;
  for (const ColumnSpec& c : columns) text.push_back({c.name, DataType::kString, std::nullopt});
  text.push_back({"_source_file", DataType::kString, std::nullopt});
  text.push_back({"_record", DataType::kInteger, std::nullopt});
  text.push_back({"_loaded_at", DataType::kDateTime, std::nullopt});
  return NewLakeSchema(text);
}

std::string ReplaceInvalidUtf8(std::string_view text) {
  if (IsValidUtf8(text)) return std::string(text);
  std::string out;
  out.reserve(text.size() + 8);
  for (size_t i = 0; i < text.size();) {
    size_t n = ValidSequenceAt(text, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

Result<std::shared_ptr<arrow::RecordBatch>> BronzeBatch(const RawRecords& records, const std::string& source_file,
                                                        int64_t loaded_at_micros) {
  const int64_t rows = static_cast<int64_t>(records.record_numbers.size());
  arrow::FieldVector fields;
  arrow::ArrayVector columns;
  for (size_t c = 0; c < records.schema.size(); ++c) {
    const arrow::BinaryArray& cells = *records.cells[c];
    arrow::StringBuilder text;
    DATAML_RETURN_NOT_OK(FromArrow(text.Reserve(rows), "cannot build a bronze batch"));
    for (int64_t r = 0; r < rows; ++r) {
      DATAML_RETURN_NOT_OK(FromArrow(text.Append(ReplaceInvalidUtf8(cells.GetView(r))), "cannot build a bronze batch"));
    }
    DATAML_ASSIGN_OR_RETURN(auto array, FromArrow(text.Finish(), "cannot build a bronze batch"));
    fields.push_back(arrow::field(records.schema[c].name, arrow::utf8()));
    columns.push_back(std::move(array));
  }
  arrow::StringBuilder file;
  arrow::Int64Builder record;
  arrow::TimestampBuilder loaded(arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"), arrow::default_memory_pool());
  for (int64_t r = 0; r < rows; ++r) {
    DATAML_RETURN_NOT_OK(FromArrow(file.Append(source_file), "cannot build a bronze batch"));
    DATAML_RETURN_NOT_OK(FromArrow(record.Append(records.record_numbers[static_cast<size_t>(r)]), "cannot build a bronze batch"));
    DATAML_RETURN_NOT_OK(FromArrow(loaded.Append(loaded_at_micros), "cannot build a bronze batch"));
  }
  fields.push_back(arrow::field("_source_file", arrow::utf8()));
  fields.push_back(arrow::field("_record", arrow::int64()));
  fields.push_back(arrow::field("_loaded_at", arrow::timestamp(arrow::TimeUnit::MICRO, "UTC")));
  DATAML_ASSIGN_OR_RETURN(auto f, FromArrow(file.Finish(), "cannot build a bronze batch"));
  DATAML_ASSIGN_OR_RETURN(auto n, FromArrow(record.Finish(), "cannot build a bronze batch"));
  DATAML_ASSIGN_OR_RETURN(auto t, FromArrow(loaded.Finish(), "cannot build a bronze batch"));
  columns.push_back(std::move(f));
  columns.push_back(std::move(n));
  columns.push_back(std::move(t));
  return arrow::RecordBatch::Make(arrow::schema(fields), rows, std::move(columns));
}

}  // namespace dataml::engine::lake
