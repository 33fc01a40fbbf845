#include "engine/lake/data_file.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <parquet/arrow/writer.h>
#include <parquet/properties.h>

#include <cstring>

#include "core/arrow_status.h"
#include "engine/data/memory_pool.h"
#include "engine/data/typed_column_builder.h"
#include "engine/data/arrow_compute.h"

namespace dataml::engine::lake {
namespace {

template <typename T>
std::string EncodeLittleEndian(T v) {
  // Every platform we build for is little-endian, as Iceberg's encoding is.
  std::string out(sizeof(T), '\0');
  std::memcpy(out.data(), &v, sizeof(T));
  return out;
}

template <typename T>
T DecodeLittleEndian(const std::string& bytes) {
  T v{};
  if (bytes.size() == sizeof(T)) std::memcpy(&v, bytes.data(), sizeof(T));
  return v;
}

// The bound of a min/max scalar, or nothing for types whose bounds we leave out.
std::optional<std::string> Bound(const LakeColumn& column, const arrow::Scalar& scalar) {
  if (!scalar.is_valid) return std::nullopt;
  switch (column.type) {
    case DataType::kInteger: return EncodeLong(static_cast<const arrow::Int64Scalar&>(scalar).value);
    case DataType::kFloat: return EncodeDouble(static_cast<const arrow::DoubleScalar&>(scalar).value);
    case DataType::kBoolean: return std::string(1, static_cast<const arrow::BooleanScalar&>(scalar).value ? 1 : 0);
    case DataType::kDate: return EncodeInt(static_cast<const arrow::Date32Scalar&>(scalar).value);
    case DataType::kDateTime: return EncodeLong(static_cast<const arrow::TimestampScalar&>(scalar).value);
    case DataType::kString: return std::nullopt;
  }
  return std::nullopt;
}

bool Less(const LakeColumn& column, const std::string& a, const std::string& b) {
  switch (column.type) {
    case DataType::kFloat: return DecodeDouble(a) < DecodeDouble(b);
    case DataType::kDate: return DecodeInt(a) < DecodeInt(b);
    case DataType::kBoolean: return a < b;
    default: return DecodeLong(a) < DecodeLong(b);
  }
}

}  // namespace

struct DataFileWriter::State {
  LakeSchema schema;
  std::shared_ptr<arrow::Schema> arrow_schema;
  std::shared_ptr<arrow::io::OutputStream> out;
  std::unique_ptr<parquet::arrow::FileWriter> writer;
  DataFile file;
};

Result<std::unique_ptr<DataFileWriter>> DataFileWriter::Open(const LakeSchema& schema,
                                                             std::shared_ptr<arrow::io::OutputStream> out) {
  std::unique_ptr<DataFileWriter> w(new DataFileWriter());
  w->state_ = std::make_unique<State>();
  State& s = *w->state_;
  s.schema = schema;
  s.arrow_schema = ArrowSchemaFor(schema);
  s.out = out;
  parquet::WriterProperties::Builder properties;
  properties.memory_pool(DataMemoryPool())->compression(parquet::Compression::SNAPPY)->max_row_group_length(1 << 20);
  parquet::ArrowWriterProperties::Builder arrow_properties;
  arrow_properties.store_schema();
  auto writer = parquet::arrow::FileWriter::Open(*s.arrow_schema, DataMemoryPool(), std::move(out),
                                                 properties.build(), arrow_properties.build());
  DATAML_ASSIGN_OR_RETURN(s.writer, FromArrow(std::move(writer), "cannot write a data file"));
  for (const LakeColumn& c : schema.columns) {
    s.file.value_counts[c.id] = 0;
    s.file.null_value_counts[c.id] = 0;
  }
  return w;
}

DataFileWriter::~DataFileWriter() = default;

Status DataFileWriter::Write(const arrow::RecordBatch& batch) {
  State& s = *state_;
  arrow::ArrayVector columns;
  for (const LakeColumn& c : s.schema.columns) {
    auto array = batch.GetColumnByName(c.name);
    if (array == nullptr) return Status::InvalidArgument("the rows have no column '" + c.name + "'");
    if (!array->type()->Equals(*ArrowTypeFor(c.type))) {
      return Status::InvalidArgument("column '" + c.name + "' is " + array->type()->ToString() + ", not " +
                                     ArrowTypeFor(c.type)->ToString());
    }
    s.file.value_counts[c.id] += array->length();
    s.file.null_value_counts[c.id] += array->null_count();
    if (c.type != DataType::kString && array->null_count() < array->length()) {
      DATAML_RETURN_NOT_OK(EnsureArrowCompute());
      auto minmax = arrow::compute::MinMax(array);
      DATAML_RETURN_NOT_OK(FromArrow(minmax.status(), "cannot compute bounds"));
      const auto& pair = static_cast<const arrow::StructScalar&>(*minmax->scalar());
      auto lower = Bound(c, *pair.value[0]);
      auto upper = Bound(c, *pair.value[1]);
      auto& lo = s.file.lower_bounds;
      auto& hi = s.file.upper_bounds;
      if (lower && (!lo.count(c.id) || Less(c, *lower, lo[c.id]))) lo[c.id] = *lower;
      if (upper && (!hi.count(c.id) || Less(c, hi[c.id], *upper))) hi[c.id] = *upper;
    }
    columns.push_back(std::move(array));
  }
  auto out = arrow::RecordBatch::Make(s.arrow_schema, batch.num_rows(), std::move(columns));
  s.file.record_count += batch.num_rows();
  return FromArrow(s.writer->WriteRecordBatch(*out), "cannot write a data file");
}

Result<DataFile> DataFileWriter::Finish() {
  State& s = *state_;
  DATAML_RETURN_NOT_OK(FromArrow(s.writer->Close(), "cannot write a data file"));
  if (!s.out->closed()) DATAML_RETURN_NOT_OK(FromArrow(s.out->Close(), "cannot write a data file"));
  return s.file;
}

std::string EncodeLong(int64_t v) { return EncodeLittleEndian(v); }
std::string EncodeInt(int32_t v) { return EncodeLittleEndian(v); }
std::string EncodeDouble(double v) { return EncodeLittleEndian(v); }
int64_t DecodeLong(const std::string& bytes) { return DecodeLittleEndian<int64_t>(bytes); }
int32_t DecodeInt(const std::string& bytes) { return DecodeLittleEndian<int32_t>(bytes); }
double DecodeDouble(const std::string& bytes) { return DecodeLittleEndian<double>(bytes); }

}  // namespace dataml::engine::lake
