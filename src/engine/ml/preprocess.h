// The fitted preprocessing of a model (its "preprocess"): how a table's columns become the
// numeric features XGBoost sees, and how class labels map to class indices and back. It is
// fitted on the training rows only, stored as JSON beside the model, and applied unchanged at
// prediction time, so that a model never sees features built differently from its training.
//
// Encodings, per column type:
//   Integer, Float     the value; missing -> the training median, plus a "<c>.missing" flag
//                      when the training rows had missing values
//   Boolean            0/1; missing -> the training majority, plus the flag as above
//   Date, DateTime     days since 1970-01-01, year, month, day, day of week (DateTime: hour);
//                      missing as for numbers
//   String             one-hot over the most frequent values (at most kMaxCategories); other
//                      values, including ones never seen in training, go to "<c>=__other__";
//                      missing to "<c>=__missing__" (each only when training needed it)
// With standardize() (the linear booster needs it), numeric features are z-scored with the
// training mean and standard deviation; one-hot columns and flags are left as they are.
#pragma once

#include <arrow/table.h>
#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/problem_type.h"
#include "core/result.h"
#include "engine/data/data_type.h"
#include "engine/ml/feature_matrix.h"
#include "engine/ml/worker_group.h"

namespace dataml::engine::ml {

struct InputColumn {
  std::string name;
  DataType type = DataType::kString;
  bool operator==(const InputColumn&) const = default;
};

inline constexpr size_t kMaxCategories = 50;

class Preprocess {
 public:
  // The distinct values of a Classification target, as text in class-index order (numbers in
  // numeric order); InvalidArgument for fewer than two. With `group`, `table` is this worker's
  // shard and the classes are those of every worker's.
  static Result<std::vector<std::string>> FitClasses(const arrow::Table& table, const InputColumn& target,
                                                     WorkerGroup* group = nullptr);
  // The target of every row as a class index of `classes` (or the value, for Regression); NaN
  // when missing; InvalidArgument for a class not in `classes`, or `unknown_as` when given (a
  // batch prediction scores such a row as wrong instead of failing).
  static Result<std::vector<float>> EncodeLabels(const arrow::Table& table, const InputColumn& target,
                                                 ProblemType problem, const std::vector<std::string>& classes,
                                                 std::optional<float> unknown_as = std::nullopt);

  // Fits the target's classes on all of `table` (so that every label has an index; or takes
  // `classes` from FitClasses) and the features on the rows `fit_rows` of it (the training split).
  // With `group`, every worker fits on its shard and all get the preprocess of their rows taken
  // together (group_statistics.h: exact, up to its note on categories).
  static Result<Preprocess> Fit(const arrow::Table& table, const std::vector<InputColumn>& features,
                                const InputColumn& target, ProblemType problem,
                                const std::vector<size_t>& fit_rows,
                                const std::vector<std::string>* classes = nullptr,
                                WorkerGroup* group = nullptr);
  // A preprocess saved by ToJson; InvalidArgument when it is malformed.
  static Result<Preprocess> FromJson(const nlohmann::json& json);
  nlohmann::json ToJson() const;

  // The features of every row of `table`, which must hold the feature columns.
  Result<FeatureMatrix> Transform(const arrow::Table& table) const;
  // One row given as JSON values by column name (a real-time prediction), into `out`
  // (feature_names().size() floats). Each input's value must fit its type: a number (or its
  // text) for Integer and Float, true/false (or their text) for Boolean, "YYYY-MM-DD" for Date,
  // ISO-8601 for DateTime, text (or a number, read as its text) for String; an absent or null
  // value is missing and filled as in training. Keys that are not inputs are ignored here.
  // InvalidArgument naming the column for a value of the wrong type.
  Status TransformRow(const nlohmann::json& values, float* out) const;

  // The target of every row: the class index (classification) or the value (regression); NaN
  // when missing. InvalidArgument for a class this preprocess has never seen, or `unknown_as`.
  Result<std::vector<float>> EncodeTarget(const arrow::Table& table,
                                          std::optional<float> unknown_as = std::nullopt) const;

  ProblemType problem_type() const { return problem_; }
  const std::vector<InputColumn>& inputs() const { return inputs_; }
  const InputColumn& target() const { return target_; }
  // Class labels in index order (empty for regression), as text: "false"/"true", "3", "Yes".
  const std::vector<std::string>& classes() const { return classes_; }
  const std::vector<std::string>& feature_names() const { return feature_names_; }
  // For each feature, the input column it was derived from (to sum SHAP values back).
  const std::vector<std::string>& feature_sources() const { return feature_sources_; }

  bool standardized() const { return standardize_; }
  void set_standardize(bool on) { standardize_ = on; }

  // Whether a model trained with `other` can use this preprocess instead: same inputs, target,
  // classes and features. The message says what differs.
  Status CheckCompatible(const Preprocess& other) const;

  struct Encoder;  // one per input column (defined in preprocess.cc)

 private:
  Status BuildFeatureNames();

  ProblemType problem_ = ProblemType::kClassification;
  std::vector<InputColumn> inputs_;
  InputColumn target_;
  std::vector<std::string> classes_;
  std::vector<Encoder> encoders_;
  std::vector<std::string> feature_names_;
  std::vector<std::string> feature_sources_;
  bool standardize_ = false;

 public:
  Preprocess();
  ~Preprocess();
  Preprocess(const Preprocess&);
  Preprocess(Preprocess&&) noexcept;
  Preprocess& operator=(const Preprocess&);
  Preprocess& operator=(Preprocess&&) noexcept;
};

}  // namespace dataml::engine::ml
