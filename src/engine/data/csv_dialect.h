// What the first bytes of a CSV file say about it: delimiter, header names, BOM.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace dataml::engine {

struct CsvDialect {
  char delimiter = ',';
  bool has_bom = false;
  std::vector<std::string> header;  // names as written (unquoted), in file order
};

// Chooses among ',', ';', '\t' and '|' the delimiter that splits the first lines (outside
// quotes) into the same, largest number of fields, and reads the header record. `head` is the
// start of the file (a few tens of KiB). InvalidArgument for an empty file, a header that is
// not valid UTF-8, or empty or duplicate (case-insensitive) header names, and for a header that
// does not end within `head` when `head` is not the whole file.
Result<CsvDialect> SniffCsvDialect(std::string_view head, bool whole_file = true);

}  // namespace dataml::engine
