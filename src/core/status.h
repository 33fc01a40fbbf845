// Errors as values: every fallible core function returns a Status or a Result<T>.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace dataml {

// Codes map one-to-one onto the HTTP statuses of the API document (see http/response.cc).
enum class StatusCode {
  kOk,
  kInvalidArgument,     // 422: the request is well-formed but its values are not acceptable
  kBadRequest,          // 400: the request itself cannot be understood
  kUnauthenticated,     // 401
  kPermissionDenied,    // 403
  kNotFound,            // 404
  kAlreadyExists,       // 409
  kFailedPrecondition,  // 409: the resource is in a state that forbids the operation
  kPayloadTooLarge,     // 413
  kTooManyRequests,     // 429
  kUnavailable,         // 503
  kInternal,            // 500
};

// One problem with one input field, in the shape FastAPI reports validation errors:
// loc is the path to the field within the input that was checked (e.g. {"email"}, or
// {"columns", "2", "data_type"}), type a machine-readable kind. The HTTP layer puts where the
// input came from in front ({"body", "email"}).
struct FieldError {
  std::vector<std::string> loc;
  std::string msg;
  std::string type;
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status OK() { return {}; }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status BadRequest(std::string m) { return {StatusCode::kBadRequest, std::move(m)}; }
  static Status Unauthenticated(std::string m) { return {StatusCode::kUnauthenticated, std::move(m)}; }
  static Status PermissionDenied(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
  static Status FailedPrecondition(std::string m) { return {StatusCode::kFailedPrecondition, std::move(m)}; }
  static Status PayloadTooLarge(std::string m) { return {StatusCode::kPayloadTooLarge, std::move(m)}; }
  static Status TooManyRequests(std::string m) { return {StatusCode::kTooManyRequests, std::move(m)}; }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
  // A 422 that lists every offending field, as FastAPI does.
  static Status Invalid(std::vector<FieldError> errors);

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::vector<FieldError>& field_errors() const { return field_errors_; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::vector<FieldError> field_errors_;
};

}  // namespace dataml

#define DATAML_CONCAT_INNER(a, b) a##b
#define DATAML_CONCAT(a, b) DATAML_CONCAT_INNER(a, b)

#define DATAML_RETURN_NOT_OK(expr)              \
  do {                                          \
    ::dataml::Status _dataml_status = (expr);   \
    if (!_dataml_status.ok()) return _dataml_status; \
  } while (false)

#define DATAML_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).ValueOrDie()

// DATAML_ASSIGN_OR_RETURN(auto user, repo.Find(id)); returns the error Status early.
#define DATAML_ASSIGN_OR_RETURN(lhs, expr) \
  DATAML_ASSIGN_OR_RETURN_IMPL(DATAML_CONCAT(_dataml_result_, __LINE__), lhs, expr)
