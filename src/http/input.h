// Reading and checking request input with FastAPI-compatible 422 reports. A reader collects
// every problem it finds, so the client learns all of them at once.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/field_errors.h"
#include "core/result.h"
#include "core/sort_key.h"
#include "http/request.h"

namespace dataml::http {

// The body as a JSON object: 422 json_invalid when it does not parse, model_attributes_type
// when it is not an object.
Result<nlohmann::json> ParseJsonObject(const Request& request);

// Typed access to the fields of one JSON object; `loc` is where the object sits ({"body"}).
class JsonFields {
 public:
  JsonFields(const nlohmann::json& object, std::vector<std::string> loc, FieldErrors& errors)
      : object_(object), loc_(std::move(loc)), errors_(errors) {}

  // Strings are trimmed of nothing; `max_length` counts bytes. A JSON null counts as absent.
  std::optional<std::string> String(const std::string& name, bool required, size_t max_length = 1024);
  std::optional<int64_t> Int(const std::string& name, bool required);
  std::optional<bool> Bool(const std::string& name, bool required);
  // Arrays of any element type; elements are checked by the caller.
  const nlohmann::json* Array(const std::string& name, bool required, size_t max_items = 10000);
  std::vector<std::string> Loc(const std::string& name) const;
  FieldErrors& errors() { return errors_; }

 private:
  const nlohmann::json* Find(const std::string& name, bool required);

  const nlohmann::json& object_;
  std::vector<std::string> loc_;
  FieldErrors& errors_;
};

// Typed access to query (or form) parameters, reported under loc "query" (or "body").
class ParamFields {
 public:
  ParamFields(const std::multimap<std::string, std::string>& params, std::string where,
              FieldErrors& errors)
      : params_(params), where_(std::move(where)), errors_(errors) {}

  std::optional<std::string> String(const std::string& name, bool required, size_t max_length = 1024);
  std::optional<int64_t> Int(const std::string& name, bool required,
                             std::optional<int64_t> min = std::nullopt,
                             std::optional<int64_t> max = std::nullopt);

 private:
  const std::multimap<std::string, std::string>& params_;
  std::string where_;
  FieldErrors& errors_;
};

// ?order_by=<field>&order=asc|desc. The field is checked by the list that sorts (it alone knows
// its fields).
Result<SortKey> ReadSort(const Request& request);

// A list's window and order: skip/limit with FastAPI's usual defaults (0 and 100) and bounds
// (limit 1..1000), and the sort above; every problem with any of them in one 422.
struct Page {
  int64_t skip = 0;
  int64_t limit = 100;
  SortKey sort;
};
Result<Page> ReadPage(const Request& request);

// A required query parameter that must be an integer id (e.g. ?dataset_id=12); 422 otherwise.
Result<int64_t> QueryId(const Request& request, const std::string& name);

// A path parameter that must be an integer id; 422 int_parsing otherwise (ids that do not
// exist, zero and negatives included, then answer 404).
Result<int64_t> PathId(const Request& request, const std::string& name);

// Where a service's input came from. A service reports field errors relative to its own input
// ({"email"}, {"hyperparameters", "max_depth"}); the handler that read that input puts the
// request's part in front ({"body", "email"}). Any other status passes through unchanged.
Status InBody(Status status);
Status InQuery(Status status);
// For an input read from both: errors on a field named in `query_fields` (by the first part of
// its location) go under "query", every other one under "body".
Status InQueryOrBody(Status status, std::initializer_list<std::string_view> query_fields);

template <typename T>
Result<T> InBody(Result<T> result) {
  if (result.ok()) return result;
  return InBody(result.status());
}

template <typename T>
Result<T> InQuery(Result<T> result) {
  if (result.ok()) return result;
  return InQuery(result.status());
}

template <typename T>
Result<T> InQueryOrBody(Result<T> result, std::initializer_list<std::string_view> query_fields) {
  if (result.ok()) return result;
  return InQueryOrBody(result.status(), query_fields);
}

}  // namespace dataml::http
