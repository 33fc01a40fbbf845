// How a client asked a list to be ordered: by one of the fields the list offers, ascending or
// descending. No field and no direction is the list's own default order (by id for most lists,
// newest first for trainings, jobs and predictions); a direction alone orders by the list's id.
#pragma once

#include <string>

namespace dataml {

struct SortKey {
  enum class Direction { kUnset, kAscending, kDescending };
  std::string field;
  Direction direction = Direction::kUnset;  // unset with a field: ascending

  bool descending() const { return direction == Direction::kDescending; }
};

}  // namespace dataml
