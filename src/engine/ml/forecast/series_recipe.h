// How a Forecast model's series are made from a table: the Id, Timestamp and Target columns,
// the static Features, and the rules that make each series regular. A Forecast model's
// preprocess blob; read by the training and by every forecast from a dataset, so a series is
// read the same way each time.
#pragma once

#include <arrow/table.h>
#include <nlohmann/json.hpp>

#include <optional>
#include <vector>

#include "core/result.h"
#include "engine/ml/forecast/series.h"
#include "engine/ml/preprocess.h"

namespace dataml::engine::ml::forecast {

struct SeriesRecipe {
  static constexpr int kFormatVersion = 1;
  std::optional<InputColumn> id;    // without one, the table is one series
  InputColumn timestamp;            // Date or DateTime
  InputColumn target;               // Integer or Float
  std::vector<InputColumn> features;  // static: one value per series
  SeriesRules rules;

  // The columns a table must hold.
  std::vector<std::string> ColumnNames() const;
  bool date_column() const { return timestamp.type == DataType::kDate; }
  // The table's series (ReadSeries), after checking that every Feature is constant within each
  // series. InvalidArgument naming the series, the dates or the Feature otherwise.
  Result<std::vector<Series>> Read(const arrow::Table& table) const;
  // A history to forecast from: the series of a table that holds the Id, Timestamp and Target
  // columns (the Features are the training's).
  Result<std::vector<Series>> ReadHistory(const arrow::Table& table) const;

  nlohmann::json ToJson() const;  // with "problem_type": "Forecast", as every preprocess says
  // InvalidArgument when malformed or of another format version.
  static Result<SeriesRecipe> FromJson(const nlohmann::json& json);
};

}  // namespace dataml::engine::ml::forecast
