// Batch prediction: a model over a dataset's validated Parquet files, read in record batches (so
// memory follows the batch, not the dataset), written as a results CSV, and scored against the
// target when the files hold it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "engine/data/file_set.h"
#include "engine/ml/predictor.h"

namespace dataml::engine::ml {

struct BatchPredictionOptions {
  std::optional<std::string> id_column;  // copied as the first column of every result row
  bool score = false;                    // the files hold the model's target: accuracy or RMSE
  int64_t batch_rows = 65536;
  unsigned threads = 0;  // for evaluating the trees; 0: every core
};

struct BatchPredictionSummary {
  int64_t rows = 0;
  int64_t scored_rows = 0;         // rows whose target value was present (when scoring)
  std::optional<double> accuracy;  // classification; a class the model never saw counts as wrong
  std::optional<double> rmse;      // regression
  double read_seconds = 0;
  double transform_seconds = 0;
  double predict_seconds = 0;
  double write_seconds = 0;
};

// The results CSV's header: [id column,] "prediction"[, "probability_<class>" per class].
std::vector<std::string> BatchResultHeader(const Predictor& model, const std::optional<std::string>& id_column);

// Predicts every row of `inputs` (in file order) into CSV on `out`, which it closes (the caller
// publishes it when this succeeds). Labels are the model's class
// texts; probabilities and regression values are float32, shortest round-trip text.
// InvalidArgument when a file lacks a column the model (or the options) need.
Result<BatchPredictionSummary> PredictBatch(const Predictor& model, const FileSet& inputs,
                                            const BatchPredictionOptions& options, arrow::io::OutputStream& out);

}  // namespace dataml::engine::ml
