// What validating one CSV file found: counts, header problems and, per column and kind of
// error, how many cells failed and the first few of them.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace dataml::engine {

struct CellSample {
  // Record number in the file, the header being record 1; blank lines are not records, and a
  // record with quoted line breaks counts once (so this is not always the text line number).
  int64_t row = 0;
  std::string value;
};

struct ErrorGroup {
  std::string column;    // empty for whole-row problems
  std::string kind;      // type_mismatch | invalid_utf8 | ragged_row
  std::string expected;  // the data type, or "N fields" for ragged rows
  int64_t count = 0;
  std::vector<CellSample> samples;
};

struct ValidationReport {
  int64_t total_fields = 0;   // columns in the file's header
  int64_t total_records = 0;  // data records read, good or bad
  int64_t valid_records = 0;  // records written to the validated data
  std::vector<std::string> missing_columns;  // template columns absent from the header
  std::vector<std::string> extra_columns;    // header columns not in the template (not kept)
  std::vector<ErrorGroup> errors;

  int64_t invalid_records() const { return total_records - valid_records; }
  bool clean() const { return missing_columns.empty() && extra_columns.empty() && errors.empty(); }
  // null when clean, else {missing_columns, extra_columns, invalid_records, errors: [...]}.
  nlohmann::json ToJson() const;
};

// Collects error groups in a stable order, keeping at most `max_samples` samples per group.
class ErrorCollector {
 public:
  explicit ErrorCollector(size_t max_samples) : max_samples_(max_samples) {}
  void Add(const std::string& column, const std::string& kind, const std::string& expected,
           int64_t row, std::string_view value);
  std::vector<ErrorGroup> Take();

 private:
  size_t max_samples_;
  std::vector<ErrorGroup> groups_;
  std::map<std::pair<std::string, std::string>, size_t> index_;
};

}  // namespace dataml::engine
