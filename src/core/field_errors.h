// Collects every problem with a request's fields, so a client learns all of them at once.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace dataml {

class FieldErrors {
 public:
  void Add(std::vector<std::string> loc, std::string msg, std::string type) {
    errors_.push_back({std::move(loc), std::move(msg), std::move(type)});
  }
  void Merge(const Status& status) {
    for (const FieldError& e : status.field_errors()) errors_.push_back(e);
  }
  bool empty() const { return errors_.empty(); }
  Status ToStatus() const { return errors_.empty() ? Status::OK() : Status::Invalid(errors_); }

 private:
  std::vector<FieldError> errors_;
};

}  // namespace dataml
