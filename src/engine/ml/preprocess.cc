#include "engine/ml/preprocess.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "engine/data/parquet_rows.h"
#include "engine/ml/group_statistics.h"

namespace dataml::engine::ml {
namespace {

constexpr int kFormatVersion = 1;
constexpr double kMicrosPerDay = 86400.0 * 1e6;
constexpr const char* kOther = "__other__";
constexpr const char* kMissingCategory = "__missing__";

enum class Kind { kNumeric, kBoolean, kDate, kDateTime, kCategorical };

Kind KindOf(DataType type) {
  switch (type) {
    case DataType::kInteger:
    case DataType::kFloat: return Kind::kNumeric;
    case DataType::kBoolean: return Kind::kBoolean;
    case DataType::kDate: return Kind::kDate;
    case DataType::kDateTime: return Kind::kDateTime;
    case DataType::kString: return Kind::kCategorical;
  }
  return Kind::kCategorical;
}

// Derived calendar features of a date, in feature order after "days".
const std::vector<std::string>& DateParts(Kind kind) {
  static const std::vector<std::string> kDate = {"days", "year", "month", "day", "dayofweek"};
  static const std::vector<std::string> kDateTime = {"days",  "year",      "month",
                                                      "day",   "dayofweek", "hour"};
  return kind == Kind::kDate ? kDate : kDateTime;
}

// Writes days, year, month, day, day of week (Monday = 0) and, for DateTime, hour.
void DateFeatures(double days, Kind kind, double* out) {
  const double whole = std::floor(days);
  int y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(static_cast<int64_t>(whole), y, m, d);
  out[0] = days;
  out[1] = y;
  out[2] = m;
  out[3] = d;
  // 1970-01-01 was a Thursday (3 with Monday = 0).
  out[4] = static_cast<double>(((static_cast<int64_t>(whole) % 7) + 7 + 3) % 7);
  if (kind == Kind::kDateTime) out[5] = std::floor((days - whole) * 24.0 + 1e-9);
}

std::string FormatDouble(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  return ec == std::errc() ? std::string(buf, end) : std::to_string(v);
}

// One column's cells as numbers (NaN = missing) or as text, whichever its type needs.
struct ColumnData {
  std::vector<double> numbers;
  std::vector<std::optional<std::string>> texts;
};

Result<const arrow::ChunkedArray*> FindColumn(const arrow::Table& table, const std::string& name) {
  auto column = table.GetColumnByName(name);
  if (!column) return Status::InvalidArgument("the data has no column '" + name + "'");
  return column.get();
}

// Numbers for numeric, boolean and date types.
Result<std::vector<double>> NumbersOf(const arrow::ChunkedArray& column, const std::string& name) {
  std::vector<double> out;
  out.reserve(static_cast<size_t>(column.length()));
  for (const auto& chunk : column.chunks()) {
    const arrow::Array& a = *chunk;
    for (int64_t i = 0; i < a.length(); ++i) {
      if (a.IsNull(i)) {
        out.push_back(std::nan(""));
        continue;
      }
      switch (a.type_id()) {
        case arrow::Type::INT64:
          out.push_back(static_cast<double>(static_cast<const arrow::Int64Array&>(a).Value(i)));
          break;
        case arrow::Type::INT32:
          out.push_back(static_cast<const arrow::Int32Array&>(a).Value(i));
          break;
        case arrow::Type::DOUBLE: out.push_back(static_cast<const arrow::DoubleArray&>(a).Value(i)); break;
        case arrow::Type::FLOAT: out.push_back(static_cast<const arrow::FloatArray&>(a).Value(i)); break;
        case arrow::Type::BOOL:
          out.push_back(static_cast<const arrow::BooleanArray&>(a).Value(i) ? 1.0 : 0.0);
          break;
        case arrow::Type::DATE32: out.push_back(static_cast<const arrow::Date32Array&>(a).Value(i)); break;
        case arrow::Type::TIMESTAMP:
          out.push_back(static_cast<double>(static_cast<const arrow::TimestampArray&>(a).Value(i)) /
                        kMicrosPerDay);
          break;
        default:
          return Status::InvalidArgument("column '" + name + "' holds " + a.type()->ToString() +
                                         " values where numbers were expected");
      }
    }
  }
  return out;
}

// Text of every cell, for categorical features and class labels.
Result<std::vector<std::optional<std::string>>> TextsOf(const arrow::ChunkedArray& column,
                                                        const std::string& name) {
  std::vector<std::optional<std::string>> out;
  out.reserve(static_cast<size_t>(column.length()));
  for (const auto& chunk : column.chunks()) {
    const arrow::Array& a = *chunk;
    for (int64_t i = 0; i < a.length(); ++i) {
      if (a.IsNull(i)) {
        out.emplace_back(std::nullopt);
        continue;
      }
      switch (a.type_id()) {
        case arrow::Type::STRING: out.emplace_back(static_cast<const arrow::StringArray&>(a).GetString(i)); break;
        case arrow::Type::LARGE_STRING:
          out.emplace_back(static_cast<const arrow::LargeStringArray&>(a).GetString(i));
          break;
        case arrow::Type::BOOL:
          out.emplace_back(static_cast<const arrow::BooleanArray&>(a).Value(i) ? "true" : "false");
          break;
        case arrow::Type::INT64:
          out.emplace_back(std::to_string(static_cast<const arrow::Int64Array&>(a).Value(i)));
          break;
        case arrow::Type::DOUBLE:
          out.emplace_back(FormatDouble(static_cast<const arrow::DoubleArray&>(a).Value(i)));
          break;
        case arrow::Type::DATE32:
          out.emplace_back(FormatDate(static_cast<const arrow::Date32Array&>(a).Value(i)));
          break;
        case arrow::Type::TIMESTAMP:
          out.emplace_back(FormatTimestampMicros(static_cast<const arrow::TimestampArray&>(a).Value(i)));
          break;
        default:
          return Status::InvalidArgument("column '" + name + "' holds unsupported " +
                                         a.type()->ToString() + " values");
      }
    }
  }
  return out;
}

// Integer and Float labels in numeric order ("2" before "10"), keyed by their exact value: the
// texts are what TextsOf wrote (decimal, or the shortest round-trip form of a double).
void SortNumerically(std::vector<std::string>& labels, DataType type) {
  if (type != DataType::kInteger && type != DataType::kFloat) return;
  struct Keyed {
    bool parsed;
    int64_t integer;
    double real;
    std::string text;
  };
  std::vector<Keyed> keyed;
  for (std::string& label : labels) {
    Keyed k{false, 0, 0.0, std::move(label)};
    const char* end = k.text.data() + k.text.size();
    if (type == DataType::kInteger) {
      auto r = std::from_chars(k.text.data(), end, k.integer);
      k.parsed = r.ec == std::errc() && r.ptr == end;
    } else {
      auto r = std::from_chars(k.text.data(), end, k.real);
      k.parsed = r.ec == std::errc() && r.ptr == end && !std::isnan(k.real);
    }
    keyed.push_back(std::move(k));
  }
  // Unparsable texts (none are expected) go last, in text order: a total order either way.
  std::sort(keyed.begin(), keyed.end(), [type](const Keyed& a, const Keyed& b) {
    if (a.parsed != b.parsed) return a.parsed;
    if (!a.parsed) return a.text < b.text;
    return type == DataType::kInteger ? a.integer < b.integer : a.real < b.real;
  });
  labels.clear();
  for (Keyed& k : keyed) labels.push_back(std::move(k.text));
}

// Whether `count` is above zero on any worker of `group`.
Result<bool> AnyOnAWorker(int64_t count, WorkerGroup& group) {
  std::vector<int64_t> total = {count};
  DATAML_RETURN_NOT_OK(group.Sum(total));
  return total[0] > 0;
}

}  // namespace

struct Preprocess::Encoder {
  InputColumn column;
  Kind kind = Kind::kNumeric;
  double fill = 0.0;          // numbers: the value a missing cell takes
  bool missing_flag = false;  // emit "<c>.missing" / "<c>=__missing__"
  std::vector<std::string> categories;
  std::unordered_map<std::string, size_t> category_index;  // rebuilt, not stored
  bool other = false;
  std::vector<double> mean, scale;  // per numeric feature (not flags, not one-hots)

  size_t NumericWidth() const {
    if (kind == Kind::kDate || kind == Kind::kDateTime) return DateParts(kind).size();
    return kind == Kind::kCategorical ? 0 : 1;
  }
  size_t Width() const {
    if (kind == Kind::kCategorical) return categories.size() + (other ? 1 : 0) + (missing_flag ? 1 : 0);
    return NumericWidth() + (missing_flag ? 1 : 0);
  }
  void Index() {
    category_index.clear();
    for (size_t i = 0; i < categories.size(); ++i) category_index.emplace(categories[i], i);
  }

  // Raw numeric features of one cell (before standardizing); NaN input means missing.
  void NumericFeatures(double value, double* out) const {
    const bool missing = std::isnan(value);
    const double v = missing ? fill : value;
    if (kind == Kind::kDate || kind == Kind::kDateTime) {
      DateFeatures(v, kind, out);
    } else {
      out[0] = v;
    }
    if (missing_flag) out[NumericWidth()] = missing ? 1.0 : 0.0;
  }

  void CategoricalFeatures(const std::optional<std::string>& text, float* out) const {
    std::fill(out, out + Width(), 0.0f);
    if (!text) {
      if (missing_flag) out[categories.size() + (other ? 1 : 0)] = 1.0f;
      return;
    }
    auto it = category_index.find(*text);
    if (it != category_index.end()) {
      out[it->second] = 1.0f;
    } else if (other) {
      out[categories.size()] = 1.0f;
    }
    // An unseen value without an "other" column leaves every indicator at zero.
  }
};

Preprocess::Preprocess() = default;
Preprocess::~Preprocess() = default;
Preprocess::Preprocess(const Preprocess&) = default;
Preprocess::Preprocess(Preprocess&&) noexcept = default;
Preprocess& Preprocess::operator=(const Preprocess&) = default;
Preprocess& Preprocess::operator=(Preprocess&&) noexcept = default;

Result<std::vector<std::string>> Preprocess::FitClasses(const arrow::Table& table, const InputColumn& target,
                                                        WorkerGroup* group) {
  auto column = table.GetColumnByName(target.name);
  if (!column) return Status::InvalidArgument("the data has no column '" + target.name + "'");
  // The distinct values first (Arrow's hash kernel), so only those are turned into text.
  auto unique = arrow::compute::Unique(arrow::Datum(column));
  if (!unique.ok()) return Status::Internal("cannot list the classes: " + unique.status().ToString());
  DATAML_ASSIGN_OR_RETURN(auto labels, TextsOf(arrow::ChunkedArray(*unique), target.name));
  std::vector<std::string> classes;
  for (auto& label : labels) {
    if (label) classes.push_back(std::move(*label));
  }
  SoloGroup solo;
  DATAML_ASSIGN_OR_RETURN(classes, DistinctUnion(std::move(classes), group != nullptr ? *group : solo));
  SortNumerically(classes, target.type);
  if (classes.size() < 2) {
    return Status::InvalidArgument("the target column '" + target.name + "' needs at least two classes, found " +
                                   std::to_string(classes.size()));
  }
  return classes;
}

Result<std::vector<float>> Preprocess::EncodeLabels(const arrow::Table& table, const InputColumn& target,
                                                    ProblemType problem, const std::vector<std::string>& classes,
                                                    std::optional<float> unknown_as) {
  DATAML_ASSIGN_OR_RETURN(const arrow::ChunkedArray* column, FindColumn(table, target.name));
  std::vector<float> out;
  out.reserve(static_cast<size_t>(column->length()));
  if (problem == ProblemType::kRegression) {
    DATAML_ASSIGN_OR_RETURN(auto numbers, NumbersOf(*column, target.name));
    for (double v : numbers) out.push_back(static_cast<float>(v));
    return out;
  }
  auto unknown = [&](const std::string& label) {
    return Status::InvalidArgument("the target column '" + target.name + "' holds the class '" + label +
                                   "', which the model was not trained on");
  };
  const arrow::Type::type id = column->type()->id();
  if (id == arrow::Type::INT64 || id == arrow::Type::BOOL) {
    // By value, without turning every cell into text: the classes are these values' texts.
    std::unordered_map<int64_t, float> index;
    for (size_t i = 0; i < classes.size(); ++i) {
      int64_t key = 0;
      const std::string& c = classes[i];
      if (id == arrow::Type::BOOL) {
        key = c == "true" ? 1 : 0;
      } else if (std::from_chars(c.data(), c.data() + c.size(), key).ec != std::errc()) {
        continue;
      }
      index.emplace(key, static_cast<float>(i));
    }
    for (const auto& chunk : column->chunks()) {
      for (int64_t r = 0; r < chunk->length(); ++r) {
        if (chunk->IsNull(r)) {
          out.push_back(kMissing);
          continue;
        }
        int64_t key = id == arrow::Type::BOOL ? static_cast<const arrow::BooleanArray&>(*chunk).Value(r)
                                              : static_cast<const arrow::Int64Array&>(*chunk).Value(r);
        auto it = index.find(key);
        if (it != index.end()) {
          out.push_back(it->second);
        } else if (unknown_as) {
          out.push_back(*unknown_as);
        } else {
          return unknown(id == arrow::Type::BOOL ? (key ? "true" : "false") : std::to_string(key));
        }
      }
    }
    return out;
  }
  std::unordered_map<std::string, float> index;
  for (size_t i = 0; i < classes.size(); ++i) index.emplace(classes[i], static_cast<float>(i));
  DATAML_ASSIGN_OR_RETURN(auto labels, TextsOf(*column, target.name));
  for (const auto& label : labels) {
    if (!label) {
      out.push_back(kMissing);
      continue;
    }
    auto it = index.find(*label);
    if (it != index.end()) {
      out.push_back(it->second);
    } else if (unknown_as) {
      out.push_back(*unknown_as);
    } else {
      return unknown(*label);
    }
  }
  return out;
}

Result<Preprocess> Preprocess::Fit(const arrow::Table& table, const std::vector<InputColumn>& features,
                                   const InputColumn& target, ProblemType problem,
                                   const std::vector<size_t>& fit_rows, const std::vector<std::string>* classes,
                                   WorkerGroup* group) {
  if (features.empty()) return Status::InvalidArgument("a model needs at least one feature column");
  if (problem == ProblemType::kForecast)
    return Status::InvalidArgument("a Forecast model has no tabular preprocess");
  SoloGroup solo;
  WorkerGroup& workers = group != nullptr ? *group : solo;
  Preprocess p;
  p.problem_ = problem;
  p.inputs_ = features;
  p.target_ = target;

  if (problem == ProblemType::kClassification) {
    if (classes != nullptr) {
      p.classes_ = *classes;
    } else {
      DATAML_ASSIGN_OR_RETURN(p.classes_, FitClasses(table, target, &workers));
    }
  } else if (target.type != DataType::kInteger && target.type != DataType::kFloat) {
    return Status::InvalidArgument("a Regression target must be an Integer or Float column; '" +
                                   target.name + "' is " + DataTypeName(target.type));
  }

  for (const InputColumn& input : features) {
    DATAML_ASSIGN_OR_RETURN(const arrow::ChunkedArray* column, FindColumn(table, input.name));
    Encoder e;
    e.column = input;
    e.kind = KindOf(input.type);
    if (e.kind == Kind::kCategorical) {
      DATAML_ASSIGN_OR_RETURN(auto texts, TextsOf(*column, input.name));
      std::unordered_map<std::string, int64_t> counts;
      int64_t missing = 0;
      for (size_t row : fit_rows) {
        if (texts[row]) {
          ++counts[*texts[row]];
        } else {
          ++missing;
        }
      }
      DATAML_ASSIGN_OR_RETURN(e.missing_flag, AnyOnAWorker(missing, workers));
      DATAML_ASSIGN_OR_RETURN(FrequentValues kept, MostFrequent(counts, kMaxCategories, workers));
      // Values outside the kept ones exist in training, so "other" carries signal; without them
      // it would be a column of zeros.
      e.other = kept.more;
      for (auto& [value, count] : kept.values) e.categories.push_back(std::move(value));
      e.Index();
    } else {
      DATAML_ASSIGN_OR_RETURN(auto numbers, NumbersOf(*column, input.name));
      std::vector<double> present;
      present.reserve(fit_rows.size());
      for (size_t row : fit_rows) {
        if (!std::isnan(numbers[row])) present.push_back(numbers[row]);
      }
      const int64_t missing = static_cast<int64_t>(fit_rows.size() - present.size());
      DATAML_ASSIGN_OR_RETURN(e.missing_flag, AnyOnAWorker(missing, workers));
      if (e.kind == Kind::kBoolean) {
        std::vector<int64_t> ones_and_present = {std::count(present.begin(), present.end(), 1.0),
                                                 static_cast<int64_t>(present.size())};
        DATAML_RETURN_NOT_OK(workers.Sum(ones_and_present));
        e.fill = ones_and_present[0] * 2 > ones_and_present[1] ? 1.0 : 0.0;
      } else {
        DATAML_ASSIGN_OR_RETURN(e.fill, Median(std::move(present), workers));
      }
      // Mean and spread of each numeric feature over the training rows, for standardizing:
      // sums of values and squares, and the row count last.
      const size_t width = e.NumericWidth();
      std::vector<double> sums(2 * width + 1, 0.0), buf(e.Width());
      for (size_t row : fit_rows) {
        e.NumericFeatures(numbers[row], buf.data());
        for (size_t k = 0; k < width; ++k) {
          sums[k] += buf[k];
          sums[width + k] += buf[k] * buf[k];
        }
      }
      sums[2 * width] = static_cast<double>(fit_rows.size());
      DATAML_RETURN_NOT_OK(workers.Sum(sums));
      const double n = std::max(1.0, sums[2 * width]);
      for (size_t k = 0; k < width; ++k) {
        double mean = sums[k] / n;
        double var = std::max(0.0, sums[width + k] / n - mean * mean);
        e.mean.push_back(mean);
        e.scale.push_back(var > 1e-24 ? std::sqrt(var) : 1.0);
      }
    }
    p.encoders_.push_back(std::move(e));
  }
  DATAML_RETURN_NOT_OK(p.BuildFeatureNames());
  return p;
}

Status Preprocess::BuildFeatureNames() {
  feature_names_.clear();
  feature_sources_.clear();
  for (const Encoder& e : encoders_) {
    const std::string& c = e.column.name;
    auto add = [&](std::string name) {
      feature_names_.push_back(std::move(name));
      feature_sources_.push_back(c);
    };
    switch (e.kind) {
      case Kind::kNumeric:
      case Kind::kBoolean: add(c); break;
      case Kind::kDate:
      case Kind::kDateTime:
        for (const std::string& part : DateParts(e.kind)) add(c + "." + part);
        break;
      case Kind::kCategorical:
        for (const std::string& value : e.categories) add(c + "=" + value);
        if (e.other) add(c + "=" + kOther);
        if (e.missing_flag) add(c + "=" + kMissingCategory);
        break;
    }
    if (e.kind != Kind::kCategorical && e.missing_flag) add(c + ".missing");
    if (e.kind != Kind::kCategorical &&
        (e.mean.size() != e.NumericWidth() || e.scale.size() != e.NumericWidth())) {
      return Status::InvalidArgument("preprocess: column '" + c + "' has malformed scaling");
    }
  }
  if (feature_names_.empty()) return Status::InvalidArgument("preprocess: no features");
  return Status::OK();
}

Result<FeatureMatrix> Preprocess::Transform(const arrow::Table& table) const {
  const size_t rows = static_cast<size_t>(table.num_rows());
  FeatureMatrix x(rows, feature_names_.size());
  size_t offset = 0;
  std::vector<double> buf;
  for (const Encoder& e : encoders_) {
    DATAML_ASSIGN_OR_RETURN(const arrow::ChunkedArray* column, FindColumn(table, e.column.name));
    const size_t width = e.Width();
    if (e.kind == Kind::kCategorical) {
      DATAML_ASSIGN_OR_RETURN(auto texts, TextsOf(*column, e.column.name));
      for (size_t r = 0; r < rows; ++r) e.CategoricalFeatures(texts[r], &x.at(r, offset));
    } else {
      DATAML_ASSIGN_OR_RETURN(auto numbers, NumbersOf(*column, e.column.name));
      buf.assign(width, 0.0);
      const size_t numeric = e.NumericWidth();
      for (size_t r = 0; r < rows; ++r) {
        e.NumericFeatures(numbers[r], buf.data());
        for (size_t k = 0; k < width; ++k) {
          double v = buf[k];
          if (standardize_ && k < numeric) v = (v - e.mean[k]) / e.scale[k];
          x.at(r, offset + k) = static_cast<float>(v);
        }
      }
    }
    offset += width;
  }
  return x;
}

namespace {

Status WrongType(const InputColumn& column, const nlohmann::json& value) {
  return Status::InvalidArgument("feature '" + column.name + "' must be " + DataTypeName(column.type) +
                                 ", got " + value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

// A JSON value as the number a numeric, boolean or date column holds (NaN when missing).
Result<double> NumberOfValue(const InputColumn& column, const nlohmann::json& value) {
  if (value.is_null()) return std::nan("");
  const bool text = value.is_string();
  const std::string_view s = text ? std::string_view(value.get_ref<const std::string&>()) : std::string_view();
  switch (column.type) {
    case DataType::kInteger:
      if (value.is_number_integer()) return static_cast<double>(value.get<int64_t>());
      if (value.is_number_float() && std::floor(value.get<double>()) == value.get<double>()) return value.get<double>();
      if (text) {
        if (s.empty()) return std::nan("");
        if (auto v = ParseInteger(s)) return static_cast<double>(*v);
      }
      break;
    case DataType::kFloat:
      if (value.is_number() && std::isfinite(value.get<double>())) return value.get<double>();
      if (text) {
        if (s.empty()) return std::nan("");
        if (auto v = ParseFloat(s)) return *v;
      }
      break;
    case DataType::kBoolean:
      if (value.is_boolean()) return value.get<bool>() ? 1.0 : 0.0;
      if (text) {
        if (s.empty()) return std::nan("");
        if (auto v = ParseBoolean(s)) return *v ? 1.0 : 0.0;
      }
      break;
    case DataType::kDate:
      if (text) {
        if (s.empty()) return std::nan("");
        if (auto v = ParseDate(s)) return static_cast<double>(*v);
      }
      break;
    case DataType::kDateTime:
      if (text) {
        if (s.empty()) return std::nan("");
        if (auto v = ParseDateTime(s)) return static_cast<double>(*v) / kMicrosPerDay;
      }
      break;
    case DataType::kString: break;
  }
  return WrongType(column, value);
}

}  // namespace

Status Preprocess::TransformRow(const nlohmann::json& values, float* out) const {
  if (!values.is_object()) return Status::InvalidArgument("features must be an object");
  size_t offset = 0;
  std::vector<double> buf;
  for (const Encoder& e : encoders_) {
    auto it = values.find(e.column.name);
    const nlohmann::json value = it == values.end() ? nlohmann::json() : *it;
    const size_t width = e.Width();
    if (e.kind == Kind::kCategorical) {
      std::optional<std::string> text;
      if (value.is_string()) {
        text = value.get<std::string>();
      } else if (value.is_number() || value.is_boolean()) {
        text = value.dump();  // an id-like number sent as a number
      } else if (!value.is_null()) {
        return WrongType(e.column, value);
      }
      e.CategoricalFeatures(text, out + offset);
    } else {
      DATAML_ASSIGN_OR_RETURN(double number, NumberOfValue(e.column, value));
      buf.assign(width, 0.0);
      e.NumericFeatures(number, buf.data());
      const size_t numeric = e.NumericWidth();
      for (size_t k = 0; k < width; ++k) {
        double v = buf[k];
        if (standardize_ && k < numeric) v = (v - e.mean[k]) / e.scale[k];
        out[offset + k] = static_cast<float>(v);
      }
    }
    offset += width;
  }
  return Status::OK();
}

Result<std::vector<float>> Preprocess::EncodeTarget(const arrow::Table& table, std::optional<float> unknown_as) const {
  return EncodeLabels(table, target_, problem_, classes_, unknown_as);
}

Status Preprocess::CheckCompatible(const Preprocess& other) const {
  if (problem_ != other.problem_) return Status::InvalidArgument("the problem types differ");
  if (!(target_ == other.target_)) return Status::InvalidArgument("the target columns differ");
  if (!(inputs_ == other.inputs_))
    return Status::InvalidArgument("the input columns or their data types differ");
  if (classes_ != other.classes_) return Status::InvalidArgument("the target classes differ");
  if (feature_names_ != other.feature_names_ || standardize_ != other.standardize_) {
    return Status::InvalidArgument(
        "the preprocessing produces different features (other categories, missing-value flags or "
        "scaling)");
  }
  return Status::OK();
}

nlohmann::json Preprocess::ToJson() const {
  nlohmann::json inputs = nlohmann::json::array();
  for (const Encoder& e : encoders_) {
    nlohmann::json j = {{"column_name", e.column.name},
                        {"data_type", DataTypeName(e.column.type)},
                        {"missing_flag", e.missing_flag}};
    if (e.kind == Kind::kCategorical) {
      j["categories"] = e.categories;
      j["other"] = e.other;
    } else {
      j["fill"] = e.fill;
      j["mean"] = e.mean;
      j["scale"] = e.scale;
    }
    inputs.push_back(std::move(j));
  }
  return {{"format_version", kFormatVersion},
          {"problem_type", ProblemTypeName(problem_)},
          {"target", {{"column_name", target_.name}, {"data_type", DataTypeName(target_.type)}}},
          {"classes", classes_},
          {"standardize", standardize_},
          {"inputs", std::move(inputs)},
          {"feature_names", feature_names_}};
}

Result<Preprocess> Preprocess::FromJson(const nlohmann::json& json) {
  Preprocess p;
  try {
    if (json.at("format_version").get<int>() != kFormatVersion)
      return Status::InvalidArgument("preprocess: unsupported format version");
    const std::string problem = json.at("problem_type").get<std::string>();
    const auto type = ParseProblemType(problem);
    if (!type || *type == ProblemType::kForecast)
      return Status::InvalidArgument("preprocess: unknown problem type '" + problem + "'");
    p.problem_ = *type;
    auto type_of = [](const nlohmann::json& j) -> Result<DataType> {
      auto type = ParseDataTypeName(j.at("data_type").get<std::string>());
      if (!type) return Status::InvalidArgument("preprocess: unknown data type");
      return *type;
    };
    p.target_.name = json.at("target").at("column_name").get<std::string>();
    DATAML_ASSIGN_OR_RETURN(p.target_.type, type_of(json.at("target")));
    p.classes_ = json.at("classes").get<std::vector<std::string>>();
    p.standardize_ = json.at("standardize").get<bool>();
    for (const nlohmann::json& j : json.at("inputs")) {
      Encoder e;
      e.column.name = j.at("column_name").get<std::string>();
      DATAML_ASSIGN_OR_RETURN(e.column.type, type_of(j));
      e.kind = KindOf(e.column.type);
      e.missing_flag = j.at("missing_flag").get<bool>();
      if (e.kind == Kind::kCategorical) {
        e.categories = j.at("categories").get<std::vector<std::string>>();
        e.other = j.at("other").get<bool>();
        e.Index();
      } else {
        e.fill = j.at("fill").get<double>();
        e.mean = j.at("mean").get<std::vector<double>>();
        e.scale = j.at("scale").get<std::vector<double>>();
      }
      p.inputs_.push_back(e.column);
      p.encoders_.push_back(std::move(e));
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(std::string("preprocess: malformed: ") + e.what());
  }
  DATAML_RETURN_NOT_OK(p.BuildFeatureNames());
  if (p.problem_ == ProblemType::kClassification && p.classes_.size() < 2)
    return Status::InvalidArgument("preprocess: a classifier needs at least two classes");
  return p;
}

}  // namespace dataml::engine::ml
