#include "http/input.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace dataml::http {
namespace {

std::optional<int64_t> ParseInt64(const std::string& text) {
  int64_t value = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (begin != end && *begin == '+') ++begin;
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || ptr != end || begin == end) return std::nullopt;
  return value;
}

const char* kIntParsingMsg = "Input should be a valid integer, unable to parse string as an integer";

// `status` with `part(error)` put in front of every field error's location. Only
// Status::Invalid carries field errors, so rebuilding with it keeps the code and the message.
template <typename Part>
Status Located(Status status, Part part) {
  if (status.field_errors().empty()) return status;
  std::vector<FieldError> errors = status.field_errors();
  for (FieldError& e : errors) e.loc.insert(e.loc.begin(), std::string(part(e)));
  return Status::Invalid(std::move(errors));
}

}  // namespace

Status InBody(Status status) {
  return Located(std::move(status), [](const FieldError&) { return "body"; });
}

Status InQuery(Status status) {
  return Located(std::move(status), [](const FieldError&) { return "query"; });
}

Status InQueryOrBody(Status status, std::initializer_list<std::string_view> query_fields) {
  return Located(std::move(status), [query_fields](const FieldError& e) {
    for (std::string_view field : query_fields) {
      if (!e.loc.empty() && e.loc.front() == field) return "query";
    }
    return "body";
  });
}

Result<nlohmann::json> ParseJsonObject(const Request& request) {
  nlohmann::json parsed = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return Status::Invalid({{{"body"}, "JSON decode error", "json_invalid"}});
  }
  if (!parsed.is_object()) {
    return Status::Invalid(
        {{{"body"}, "Input should be a valid dictionary or object to extract fields from",
          "model_attributes_type"}});
  }
  return parsed;
}

std::vector<std::string> JsonFields::Loc(const std::string& name) const {
  std::vector<std::string> loc = loc_;
  loc.push_back(name);
  return loc;
}

const nlohmann::json* JsonFields::Find(const std::string& name, bool required) {
  auto it = object_.find(name);
  if (it == object_.end() || it->is_null()) {
    if (required) errors_.Add(Loc(name), "Field required", "missing");
    return nullptr;
  }
  return &*it;
}

std::optional<std::string> JsonFields::String(const std::string& name, bool required,
                                              size_t max_length) {
  const nlohmann::json* value = Find(name, required);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) {
    errors_.Add(Loc(name), "Input should be a valid string", "string_type");
    return std::nullopt;
  }
  std::string text = value->get<std::string>();
  if (text.size() > max_length) {
    errors_.Add(Loc(name), "String should have at most " + std::to_string(max_length) + " characters",
                "string_too_long");
    return std::nullopt;
  }
  return text;
}

std::optional<int64_t> JsonFields::Int(const std::string& name, bool required) {
  const nlohmann::json* value = Find(name, required);
  if (value == nullptr) return std::nullopt;
  // Above int64's range nlohmann keeps an unsigned number (or a double); neither fits.
  if (value->is_number_unsigned() && value->get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max())) {
    errors_.Add(Loc(name), "Input should be less than or equal to 9223372036854775807", "less_than_equal");
    return std::nullopt;
  }
  if (value->is_number_integer()) return value->get<int64_t>();
  if (value->is_number_float()) {  // FastAPI (lax mode) takes 12.0 for 12, not 12.5
    double number = value->get<double>();
    // 2^63 is the first double past int64's range.
    if (std::isfinite(number) && std::trunc(number) == number && number >= -9223372036854775808.0 &&
        number < 9223372036854775808.0) {
      return static_cast<int64_t>(number);
    }
    errors_.Add(Loc(name), "Input should be a valid integer, got a number with a fractional part", "int_from_float");
    return std::nullopt;
  }
  if (value->is_string()) {  // FastAPI (lax mode) accepts "12" for an int
    if (auto parsed = ParseInt64(value->get<std::string>())) return parsed;
    errors_.Add(Loc(name), kIntParsingMsg, "int_parsing");
    return std::nullopt;
  }
  errors_.Add(Loc(name), "Input should be a valid integer", "int_type");
  return std::nullopt;
}

std::optional<bool> JsonFields::Bool(const std::string& name, bool required) {
  const nlohmann::json* value = Find(name, required);
  if (value == nullptr) return std::nullopt;
  if (value->is_boolean()) return value->get<bool>();
  errors_.Add(Loc(name), "Input should be a valid boolean", "bool_type");
  return std::nullopt;
}

const nlohmann::json* JsonFields::Array(const std::string& name, bool required, size_t max_items) {
  const nlohmann::json* value = Find(name, required);
  if (value == nullptr) return nullptr;
  if (!value->is_array()) {
    errors_.Add(Loc(name), "Input should be a valid list", "list_type");
    return nullptr;
  }
  if (value->size() > max_items) {
    errors_.Add(Loc(name), "List should have at most " + std::to_string(max_items) + " items",
                "too_long");
    return nullptr;
  }
  return value;
}

std::optional<std::string> ParamFields::String(const std::string& name, bool required,
                                               size_t max_length) {
  auto it = params_.find(name);
  if (it == params_.end()) {
    if (required) errors_.Add({where_, name}, "Field required", "missing");
    return std::nullopt;
  }
  if (it->second.size() > max_length) {
    errors_.Add({where_, name},
                "String should have at most " + std::to_string(max_length) + " characters",
                "string_too_long");
    return std::nullopt;
  }
  return it->second;
}

std::optional<int64_t> ParamFields::Int(const std::string& name, bool required,
                                        std::optional<int64_t> min, std::optional<int64_t> max) {
  auto text = String(name, required, 32);
  if (!text) return std::nullopt;
  auto value = ParseInt64(*text);
  if (!value) {
    errors_.Add({where_, name}, kIntParsingMsg, "int_parsing");
    return std::nullopt;
  }
  if (min && *value < *min) {
    errors_.Add({where_, name}, "Input should be greater than or equal to " + std::to_string(*min),
                "greater_than_equal");
    return std::nullopt;
  }
  if (max && *value > *max) {
    errors_.Add({where_, name}, "Input should be less than or equal to " + std::to_string(*max),
                "less_than_equal");
    return std::nullopt;
  }
  return value;
}

Result<Page> ReadPage(const Request& request) {
  FieldErrors errors;
  ParamFields query(request.query, "query", errors);
  Page page;
  page.skip = query.Int("skip", false, 0, std::numeric_limits<int32_t>::max()).value_or(0);
  page.limit = query.Int("limit", false, 1, 1000).value_or(100);
  Result<SortKey> sort = ReadSort(request);
  if (sort.ok()) {
    page.sort = std::move(*sort);
  } else {
    errors.Merge(sort.status());
  }
  DATAML_RETURN_NOT_OK(errors.ToStatus());
  return page;
}

Result<SortKey> ReadSort(const Request& request) {
  FieldErrors errors;
  ParamFields query(request.query, "query", errors);
  SortKey sort;
  sort.field = query.String("order_by", false, 64).value_or("");
  if (auto order = query.String("order", false, 16)) {
    if (*order == "asc" || *order == "desc") {
      sort.direction = *order == "desc" ? SortKey::Direction::kDescending : SortKey::Direction::kAscending;
    } else {
      errors.Add({"query", "order"}, "Input should be 'asc' or 'desc'", "literal_error");
    }
  }
  DATAML_RETURN_NOT_OK(errors.ToStatus());
  return sort;
}

Result<int64_t> QueryId(const Request& request, const std::string& name) {
  FieldErrors errors;
  auto id = ParamFields(request.query, "query", errors).Int(name, true);
  DATAML_RETURN_NOT_OK(errors.ToStatus());
  return *id;
}

Result<int64_t> PathId(const Request& request, const std::string& name) {
  auto it = request.path_params.find(name);
  std::optional<int64_t> value;
  if (it != request.path_params.end()) value = ParseInt64(it->second);
  if (!value) return Status::Invalid({{{"path", name}, kIntParsingMsg, "int_parsing"}});
  return *value;
}

}  // namespace dataml::http
