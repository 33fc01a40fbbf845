// A typed column that validated data must follow (from a template or inferred from a file).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/data/data_type.h"

namespace dataml::engine {

struct ColumnSpec {
  std::string name;
  DataType type = DataType::kString;
  std::optional<std::string> default_value;  // fills empty cells; must parse as `type`

  bool operator==(const ColumnSpec&) const = default;
};

using TableSchema = std::vector<ColumnSpec>;

}  // namespace dataml::engine
