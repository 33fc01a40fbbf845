// Gold tables of predictions: a batch prediction's results file as a data file of
// gold.predictions_<train_id>: prediction_id, predicted_at, then the results columns (the id
// column as text, the prediction, the class probabilities).
#pragma once

#include <arrow/io/interfaces.h>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "engine/data/file_set.h"
#include "engine/lake/data_file.h"
#include "engine/lake/lake_schema.h"

namespace dataml::engine::lake {

struct PredictionColumns {
  std::vector<std::string> header;  // the results CSV's (BatchResultHeader)
  std::optional<std::string> id_column;
  bool classification = false;      // the prediction is a label (text), else a number
};

// The gold table's schema for results with these columns.
LakeSchema GoldSchema(const PredictionColumns& columns);
// Reads the results CSV and writes it to `out` as a data file of GoldSchema(columns).
Result<DataFile> WriteGoldDataFile(const FileRef& results_csv, const PredictionColumns& columns,
                                   int64_t prediction_id, int64_t predicted_at_micros,
                                   std::shared_ptr<arrow::io::OutputStream> out);

// A data file's manifest facts as JSON (bounds hex-encoded), for a worker to report.
nlohmann::json DataFileToJson(const DataFile& file);
// InvalidArgument for JSON that is not one.
Result<DataFile> DataFileFromJson(const nlohmann::json& json);

}  // namespace dataml::engine::lake
