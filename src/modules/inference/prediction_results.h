// What the inference services answer, as typed values. inference_json.h gives them the JSON
// shape of the API (the handlers' responses, and the output the predictions log keeps).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/problem_type.h"
#include "engine/ml/predictor.h"
#include "modules/inference/prediction.h"

namespace dataml::inference {

// How a real-time prediction is explained: TreeSHAP contributions to the margin.
inline constexpr const char* kExplanationMethod = "TreeSHAP (margin)";

// 9.1: one row's prediction.
struct RealtimePrediction {
  int64_t train_id = 0;
  int64_t preprocess_id = 0;
  std::string predictor_name;
  std::string target;             // the target column's name
  engine::ml::RowPrediction row;  // the prediction, and a classifier's probabilities
  // The model's Id column and the request's value for it (null when absent), echoed back.
  std::optional<std::pair<std::string, nlohmann::json>> id;
  std::optional<engine::ml::RowExplanation> explanation;  // when asked for
};

// 9.3: one input of a model's form.
struct FormColumn {
  std::string column_name;
  std::string data_type;
  std::optional<std::string> default_value;  // the dataset's
  std::string attribute_name;                // Id or Feature
};

// 9.3: what a client needs to draw a form for a model.
struct PredictionForm {
  int64_t train_id = 0;
  std::vector<FormColumn> columns;  // in the model's column order
  std::string target;
  int64_t preprocess_id = 0;
  ProblemType problem_type = ProblemType::kClassification;
  bool ready = false;  // the model completed
  // A Forecast model's (its form is the series' Id; 9.4 asks for these).
  std::optional<std::string> frequency;
  std::optional<int64_t> horizon;
};

// 9.4: a series' forecast.
struct SeriesForecast {
  int64_t train_id = 0;
  std::string unique_id;
  std::string frequency;
  double confidence = 0.95;  // the level of every point's interval
  std::optional<int64_t> dataset_id;  // the history it was forecast from, when not the training's
  std::vector<engine::ml::ForecastedPeriod> points;
};

// Where a batch prediction stands: its own record once it ended, its job's state until then.
struct BatchProgress {
  std::string status;  // submitted, running, completed, failed, terminated
  std::optional<std::string> error;
  std::optional<int64_t> file_id;         // the results file, unless deleted since
  std::optional<std::string> result_key;  // likewise
  std::optional<int64_t> scored_records;  // rows that had a target to score against
  nlohmann::json accuracy;                // a number as the worker reported it, or null
  nlohmann::json rmse;                    // likewise
};

// 9.2, 9.5: a batch prediction.
struct BatchPrediction {
  PredictionRecord record;
  BatchProgress progress;
};

// 9.6: one prediction of a model, real-time or batch.
struct PredictionEntry {
  PredictionRecord record;
  std::optional<BatchProgress> batch;  // batch predictions only
};

// 9.6: a page of a model's predictions, newest first.
struct PredictionList {
  int64_t total = 0;
  std::string predictor_name;  // the model's
  ProblemType problem_type = ProblemType::kClassification;
  std::string domain;
  std::vector<PredictionEntry> entries;
};

}  // namespace dataml::inference
