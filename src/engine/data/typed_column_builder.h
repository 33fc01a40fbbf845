// Turns one column of raw CSV cells into a typed Arrow array: empty cells take the column's
// default (or null), other cells must parse as the column's type. Check() finds the bad cells
// of a batch; Build() then emits the values of the records every column accepted.
#pragma once

#include <arrow/api.h>

#include <memory>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "engine/data/column_spec.h"
#include "engine/data/validation_report.h"

namespace dataml::engine {

std::shared_ptr<arrow::DataType> ArrowTypeFor(DataType type);

class TypedColumnBuilder {
 public:
  // InvalidArgument when the default value does not parse as the column's type.
  static Result<std::unique_ptr<TypedColumnBuilder>> Make(const ColumnSpec& column);

  const std::shared_ptr<arrow::DataType>& arrow_type() const { return arrow_type_; }
  // Parses every cell; clears keep[i] for a bad one and reports it under records[i].
  void Check(const arrow::BinaryArray& cells, const std::vector<int64_t>& records,
             std::vector<uint8_t>& keep, ErrorCollector& errors);
  // The typed values of the records with keep[i] set, from the cells last given to Check().
  Result<std::shared_ptr<arrow::Array>> Build(const arrow::BinaryArray& cells,
                                              const std::vector<uint8_t>& keep);

 private:
  TypedColumnBuilder(ColumnSpec column, std::shared_ptr<arrow::DataType> arrow_type)
      : column_(std::move(column)), arrow_type_(std::move(arrow_type)) {}
  // Parses a non-empty cell into values_[i]; false when it is not a valid value.
  bool ParseInto(std::string_view cell, size_t i);

  ColumnSpec column_;
  std::shared_ptr<arrow::DataType> arrow_type_;
  std::vector<int64_t> values_;   // Integer, Date (days), DateTime (micros), Boolean (0/1)
  std::vector<double> doubles_;   // Float
  std::vector<uint8_t> valid_;    // 0: null
  int64_t default_int_ = 0;
  double default_double_ = 0;
};

// Infers a column's type from sample cells (see InferCsvSchema).
class TypeInference {
 public:
  void Observe(std::string_view cell);
  DataType Result() const;

 private:
  bool any_ = false;
  bool boolean_ = true, integer_ = true, floating_ = true, date_ = true, datetime_ = true;
};

}  // namespace dataml::engine
