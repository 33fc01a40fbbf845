// The one conversion from an Arrow status to ours, for the layers that call Arrow (storage,
// engine). Header-only so that core itself does not link Arrow.
#pragma once

#include <arrow/result.h>
#include <arrow/status.h>

#include <string>
#include <utility>

#include "core/result.h"

namespace dataml {

// Internal("<what>: <arrow's message>"), or OK. Arrow's own errors here are I/O or format
// failures of files the server wrote, so they are the server's fault unless a caller says else.
inline Status FromArrow(const arrow::Status& s, const std::string& what) {
  if (s.ok()) return Status::OK();
  return Status::Internal(what + ": " + s.ToString());
}

template <typename T>
Result<T> FromArrow(arrow::Result<T> r, const std::string& what) {
  if (!r.ok()) return FromArrow(r.status(), what);
  return std::move(r).ValueUnsafe();
}

}  // namespace dataml
