#include "core/status.h"

namespace dataml {

Status Status::Invalid(std::vector<FieldError> errors) {
  std::string summary = errors.empty() ? "invalid input" : errors.front().msg;
  Status status(StatusCode::kInvalidArgument, std::move(summary));
  status.field_errors_ = std::move(errors);
  return status;
}

}  // namespace dataml
