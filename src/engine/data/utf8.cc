#include "engine/data/utf8.h"

#include <arrow/util/utf8.h>

namespace dataml::engine {

bool IsValidUtf8(std::string_view text) {
  // Arrow's validator reads lookup tables that InitializeUTF8() fills; before that it can
  // accept invalid input.
  static const bool initialised = [] {
    arrow::util::InitializeUTF8();
    return true;
  }();
  (void)initialised;
  return arrow::util::ValidateUTF8(text);
}

}  // namespace dataml::engine
