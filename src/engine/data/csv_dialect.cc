#include "engine/data/csv_dialect.h"

#include "engine/data/utf8.h"

#include <array>
#include <map>
#include <set>

#include "core/text.h"

namespace dataml::engine {
namespace {

constexpr std::array<char, 4> kCandidates = {',', ';', '\t', '|'};
constexpr size_t kSniffLines = 20;

// Splits up to `max_records` RFC 4180 records of `text` by `delimiter`; a record cut off by the
// end of `text` is dropped unless it is the only one.
std::vector<std::vector<std::string>> SplitRecords(std::string_view text, char delimiter,
                                                   size_t max_records, bool* last_complete = nullptr) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> fields;
  std::string field;
  bool in_quotes = false;
  bool complete = false;
  for (size_t i = 0; i < text.size() && records.size() < max_records; ++i) {
    char c = text[i];
    complete = false;
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        field.push_back(c);
      }
    } else if (c == '"' && field.empty()) {
      in_quotes = true;
    } else if (c == delimiter) {
      fields.push_back(std::move(field));
      field.clear();
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      fields.push_back(std::move(field));
      field.clear();
      records.push_back(std::move(fields));
      fields.clear();
      complete = true;
    } else {
      field.push_back(c);
    }
  }
  if (last_complete != nullptr) *last_complete = complete || records.size() == max_records;
  if (!complete && records.size() < max_records && (!fields.empty() || !field.empty())) {
    fields.push_back(std::move(field));
    if (records.empty()) {
      records.push_back(std::move(fields));
      if (last_complete != nullptr) *last_complete = false;
    }
  }
  return records;
}

}  // namespace

Result<CsvDialect> SniffCsvDialect(std::string_view head, bool whole_file) {
  CsvDialect dialect;
  if (head.substr(0, 3) == "\xEF\xBB\xBF") {
    dialect.has_bom = true;
    head.remove_prefix(3);
  }
  if (Trim(head).empty()) return Status::InvalidArgument("the file is empty");

  // Score: records whose field count equals the header's, then the field count itself.
  size_t best_score = 0, best_fields = 0;
  for (char candidate : kCandidates) {
    auto records = SplitRecords(head, candidate, kSniffLines);
    if (records.empty()) continue;
    size_t fields = records.front().size();
    if (fields < 2) continue;
    size_t consistent = 0;
    for (const auto& r : records) consistent += r.size() == fields ? 1 : 0;
    if (consistent > best_score || (consistent == best_score && fields > best_fields)) {
      best_score = consistent;
      best_fields = fields;
      dialect.delimiter = candidate;
    }
  }
  bool header_complete = false;
  auto records = SplitRecords(head, dialect.delimiter, 1, &header_complete);
  if (records.empty()) return Status::InvalidArgument("the file has no header line");
  if (!header_complete && !whole_file) {
    return Status::InvalidArgument("the header line is longer than " + std::to_string(head.size()) +
                                   " bytes (or opens a quote it never closes)");
  }
  dialect.header = records.front();

  std::set<std::string> seen;
  for (size_t i = 0; i < dialect.header.size(); ++i) {
    std::string& name = dialect.header[i];
    if (!IsValidUtf8(name)) {
      return Status::InvalidArgument("header field " + std::to_string(i + 1) + " is not valid UTF-8");
    }
    name = Trim(name);
    if (HasControlCharacters(name)) {
      return Status::InvalidArgument("header field " + std::to_string(i + 1) +
                                     " holds a line break or control character");
    }
    if (name.empty()) {
      return Status::InvalidArgument("header field " + std::to_string(i + 1) + " is empty: every column needs a name");
    }
    if (!seen.insert(ToLowerAscii(name)).second) {
      return Status::InvalidArgument("duplicate column name in header: '" + name + "'");
    }
  }
  return dialect;
}

}  // namespace dataml::engine
