#include "engine/data/typed_column_builder.h"
#include "engine/data/memory_pool.h"

#include "engine/data/utf8.h"

namespace dataml::engine {

std::shared_ptr<arrow::DataType> ArrowTypeFor(DataType type) {
  switch (type) {
    case DataType::kString: return arrow::utf8();
    case DataType::kInteger: return arrow::int64();
    case DataType::kFloat: return arrow::float64();
    case DataType::kBoolean: return arrow::boolean();
    case DataType::kDate: return arrow::date32();
    case DataType::kDateTime: return arrow::timestamp(arrow::TimeUnit::MICRO, "UTC");
  }
  return arrow::utf8();
}

Result<std::unique_ptr<TypedColumnBuilder>> TypedColumnBuilder::Make(const ColumnSpec& column) {
  std::unique_ptr<TypedColumnBuilder> b(new TypedColumnBuilder(column, ArrowTypeFor(column.type)));
  if (column.default_value && !column.default_value->empty() && column.type != DataType::kString) {
    b->values_.resize(1);
    b->doubles_.resize(1);
    if (!b->ParseInto(*column.default_value, 0)) {
      return Status::InvalidArgument("default value of column " + column.name + " is not a valid " +
                                     DataTypeName(column.type));
    }
    b->default_int_ = b->values_[0];
    b->default_double_ = b->doubles_[0];
  }
  return b;
}

bool TypedColumnBuilder::ParseInto(std::string_view cell, size_t i) {
  switch (column_.type) {
    case DataType::kString:
      return true;
    case DataType::kInteger: {
      auto v = ParseInteger(cell);
      if (v) values_[i] = *v;
      return v.has_value();
    }
    case DataType::kFloat: {
      auto v = ParseFloat(cell);
      if (v) doubles_[i] = *v;
      return v.has_value();
    }
    case DataType::kBoolean: {
      auto v = ParseBoolean(cell);
      if (v) values_[i] = *v ? 1 : 0;
      return v.has_value();
    }
    case DataType::kDate: {
      auto v = ParseDate(cell);
      if (v) values_[i] = *v;
      return v.has_value();
    }
    case DataType::kDateTime: {
      auto v = ParseDateTime(cell);
      if (v) values_[i] = *v;
      return v.has_value();
    }
  }
  return false;
}

void TypedColumnBuilder::Check(const arrow::BinaryArray& cells, const std::vector<int64_t>& records,
                               std::vector<uint8_t>& keep, ErrorCollector& errors) {
  const size_t n = static_cast<size_t>(cells.length());
  values_.assign(n, 0);
  doubles_.assign(n, 0);
  valid_.assign(n, 1);
  const bool has_default = column_.default_value.has_value() && !column_.default_value->empty();
  for (size_t i = 0; i < n; ++i) {
    std::string_view cell = cells.GetView(static_cast<int64_t>(i));
    if (cell.empty()) {
      if (!has_default) {
        valid_[i] = 0;
      } else {
        values_[i] = default_int_;
        doubles_[i] = default_double_;
      }
      continue;
    }
    if (column_.type == DataType::kString) {
      if (!IsValidUtf8(cell)) {
        keep[i] = 0;
        errors.Add(column_.name, "invalid_utf8", "UTF-8 text", records[i], cell);
      }
      continue;
    }
    if (!ParseInto(cell, i)) {
      keep[i] = 0;
      errors.Add(column_.name, "type_mismatch", DataTypeName(column_.type), records[i], cell);
    }
  }
}

Result<std::shared_ptr<arrow::Array>> TypedColumnBuilder::Build(const arrow::BinaryArray& cells,
                                                                const std::vector<uint8_t>& keep) {
  const size_t n = keep.size();
  std::shared_ptr<arrow::Array> out;
  arrow::Status st;
  auto emit = [&](auto& builder, auto value_of) {
    st = builder.Reserve(static_cast<int64_t>(n));
    for (size_t i = 0; i < n && st.ok(); ++i) {
      if (!keep[i]) continue;
      if (!valid_[i]) builder.UnsafeAppendNull();
      else builder.UnsafeAppend(value_of(i));
    }
    if (st.ok()) st = builder.Finish(&out);
  };
  switch (column_.type) {
    case DataType::kString: {
      arrow::StringBuilder builder(DataMemoryPool());
      const std::string default_text = column_.default_value.value_or("");
      for (size_t i = 0; i < n && st.ok(); ++i) {
        if (!keep[i]) continue;
        std::string_view cell = cells.GetView(static_cast<int64_t>(i));
        if (!valid_[i]) st = builder.AppendNull();
        else st = builder.Append(cell.empty() ? std::string_view(default_text) : cell);
      }
      if (st.ok()) st = builder.Finish(&out);
      break;
    }
    case DataType::kInteger: {
      arrow::Int64Builder builder(DataMemoryPool());
      emit(builder, [&](size_t i) { return values_[i]; });
      break;
    }
    case DataType::kFloat: {
      arrow::DoubleBuilder builder(DataMemoryPool());
      emit(builder, [&](size_t i) { return doubles_[i]; });
      break;
    }
    case DataType::kBoolean: {
      arrow::BooleanBuilder builder(DataMemoryPool());
      emit(builder, [&](size_t i) { return values_[i] != 0; });
      break;
    }
    case DataType::kDate: {
      arrow::Date32Builder builder(DataMemoryPool());
      emit(builder, [&](size_t i) { return static_cast<int32_t>(values_[i]); });
      break;
    }
    case DataType::kDateTime: {
      arrow::TimestampBuilder builder(arrow_type_, DataMemoryPool());
      emit(builder, [&](size_t i) { return values_[i]; });
      break;
    }
  }
  if (!st.ok()) return Status::Internal("building column " + column_.name + ": " + st.ToString());
  return out;
}

void TypeInference::Observe(std::string_view cell) {
  if (cell.empty()) return;
  any_ = true;
  // "0"/"1" stay integers: booleans are inferred only from words.
  if (boolean_) boolean_ = ParseBoolean(cell).has_value() && !ParseInteger(cell).has_value();
  if (integer_) integer_ = ParseInteger(cell).has_value();
  if (floating_) floating_ = ParseFloat(cell).has_value();
  if (date_) date_ = ParseDate(cell).has_value();
  if (datetime_) datetime_ = ParseDateTime(cell).has_value();
}

DataType TypeInference::Result() const {
  if (!any_) return DataType::kString;
  if (boolean_) return DataType::kBoolean;
  if (integer_) return DataType::kInteger;
  if (floating_) return DataType::kFloat;
  if (date_) return DataType::kDate;
  if (datetime_) return DataType::kDateTime;
  return DataType::kString;
}

}  // namespace dataml::engine
