// A trained model as every prediction path sees it (real time, batch, forecasts), whatever kind
// it is: tabular models (boosted trees, forests, linear; tabular_predictor.h) and forecasters
// (forecast_predictor.h) implement it. A path that is not the model's (rows of a forecaster, a
// forecast of a tabular model) is InvalidArgument. Built once from a model's artifacts by LoadPredictor and shared;
// const, so safe to use from many threads.
#pragma once

#include <arrow/table.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/problem_type.h"
#include "core/result.h"
#include "engine/ml/preprocess.h"

namespace dataml::engine::ml {

struct RowPrediction {
  // Classification: the class label ("true", "Yes", "3"); Regression: the value.
  nlohmann::json prediction;
  // Classification: label -> probability, in class order; empty for regression.
  std::vector<std::pair<std::string, double>> probabilities;
};

struct RowExplanation {
  double bias = 0;  // the expected margin (of the predicted class for multiclass)
  // Per input column, one-hot and derived features summed back, largest |value| first.
  std::vector<std::pair<std::string, double>> contributions;
};

// Where a table's prediction spent its time, added to by each call.
struct TableTimings {
  double transform_seconds = 0;
  double predict_seconds = 0;
};

// A forecast of one series: `steps` periods after its history (the training's, or the series as
// `history` holds it now, read under the model's rules) with intervals at `level`.
struct ForecastQuery {
  std::string series;  // its Id value as text (any, for a model of one series without an Id)
  int steps = 1;
  double level = 0.95;
  const arrow::Table* history = nullptr;
};

struct ForecastedPeriod {
  std::string date;  // the period's first instant: YYYY-MM-DD for a Date column, else ISO-8601 UTC
  double value = 0, lower = 0, upper = 0;
};

class Predictor {
 public:
  virtual ~Predictor() = default;

  virtual ProblemType problem_type() const = 0;
  // The columns a row or a table must hold, and the target's.
  virtual const std::vector<InputColumn>& inputs() const = 0;
  virtual const InputColumn& target() const = 0;
  // Class labels in output order (empty unless Classification).
  virtual const std::vector<std::string>& classes() const = 0;

  // One row given as JSON values by column name (Preprocess::TransformRow's rules).
  virtual Result<RowPrediction> PredictRow(const nlohmann::json& features) const = 0;
  // The row's SHAP contributions (for the predicted class), the `top` largest by magnitude.
  virtual Result<RowExplanation> ExplainRow(const nlohmann::json& features, size_t top) const = 0;

  // Every row of `table` (which holds inputs()): OutputWidth() values a row, the class
  // probabilities in classes() order (Classification) or the value (Regression).
  virtual Result<std::vector<float>> PredictTable(const arrow::Table& table, unsigned threads,
                                                  TableTimings* timings = nullptr) const = 0;
  size_t OutputWidth() const { return problem_type() == ProblemType::kClassification ? classes().size() : 1; }
  // The target of every row of `table` as PredictTable's outputs read it: the class index or
  // the value; NaN when missing; `unknown_as` for a class the model never saw.
  virtual Result<std::vector<float>> EncodeTarget(const arrow::Table& table, float unknown_as) const = 0;

  // Forecast models: NotFound for a series the model (or the history) does not have,
  // InvalidArgument for steps past the horizon or a history that cannot be read.
  virtual Result<std::vector<ForecastedPeriod>> Forecast(const ForecastQuery& query) const;
};

// The predictor of a model from its stored artifacts: the preprocess (JSON text; its
// problem_type says which kind of model) and the model (XGBoost's JSON, or a forecaster's).
// InvalidArgument when they are malformed or do not belong together.
Result<std::shared_ptr<const Predictor>> LoadPredictor(const std::string& preprocess_text, const std::string& model_text);

}  // namespace dataml::engine::ml
