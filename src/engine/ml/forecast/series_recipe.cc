#include "engine/ml/forecast/series_recipe.h"

#include <map>

#include "core/problem_type.h"

namespace dataml::engine::ml::forecast {
namespace {

Result<std::vector<std::optional<std::string>>> TextOf(const arrow::Table& table, const std::string& name) {
  auto column = table.GetColumnByName(name);
  if (!column) return Status::InvalidArgument("the data has no column '" + name + "'");
  return ColumnAsText(column, name);
}

std::string Shown(const std::optional<std::string>& v) { return v ? "'" + *v + "'" : std::string("empty"); }

// Each series' static feature values (by its key), after checking that a Feature does not
// change within a series: a forecast has no future values of it.
Result<std::map<std::string, std::vector<std::optional<std::string>>>> StaticValues(
    const arrow::Table& table, const std::optional<InputColumn>& id, const std::vector<InputColumn>& features) {
  std::map<std::string, std::vector<std::optional<std::string>>> out;
  if (features.empty()) return out;
  std::vector<std::optional<std::string>> keys(static_cast<size_t>(table.num_rows()), std::string());
  if (id) {
    DATAML_ASSIGN_OR_RETURN(keys, TextOf(table, id->name));
  }
  for (size_t f = 0; f < features.size(); ++f) {
    const InputColumn& feature = features[f];
    DATAML_ASSIGN_OR_RETURN(auto values, TextOf(table, feature.name));
    for (size_t row = 0; row < values.size(); ++row) {
      std::vector<std::optional<std::string>>& seen = out.try_emplace(keys[row].value_or("")).first->second;
      if (seen.size() == f) {
        seen.push_back(values[row]);
      } else if (seen[f] != values[row]) {
        const std::string series = id ? "series '" + keys[row].value_or("") + "'" : std::string("the series");
        return Status::InvalidArgument("Feature '" + feature.name + "' changes within " + series + " (" +
                                       Shown(seen[f]) + ", then " + Shown(values[row]) +
                                       "); a Forecast Feature must be constant in each series (a forecast has no "
                                       "future values of it): give it the Ignore role");
      }
    }
  }
  return out;
}

nlohmann::json ColumnJson(const InputColumn& c) {
  return {{"column_name", c.name}, {"data_type", DataTypeName(c.type)}};
}

InputColumn ColumnOf(const nlohmann::json& j) {
  auto type = ParseDataTypeName(j.at("data_type").get<std::string>());
  if (!type) throw std::invalid_argument("unknown data type");
  return {j.at("column_name").get<std::string>(), *type};
}

}  // namespace

std::vector<std::string> SeriesRecipe::ColumnNames() const {
  std::vector<std::string> out;
  if (id) out.push_back(id->name);
  out.push_back(timestamp.name);
  out.push_back(target.name);
  for (const InputColumn& f : features) out.push_back(f.name);
  return out;
}

Result<std::vector<Series>> SeriesRecipe::Read(const arrow::Table& table) const {
  DATAML_ASSIGN_OR_RETURN(auto statics, StaticValues(table, id, features));
  DATAML_ASSIGN_OR_RETURN(std::vector<Series> series, ReadHistory(table));
  for (Series& s : series) {
    auto it = statics.find(s.key);
    if (it != statics.end()) s.statics = it->second;
  }
  return series;
}

Result<std::vector<Series>> SeriesRecipe::ReadHistory(const arrow::Table& table) const {
  SeriesColumns columns;
  if (id) columns.id = id->name;
  columns.timestamp = timestamp.name;
  columns.target = target.name;
  return ReadSeries(table, columns, rules);
}

nlohmann::json SeriesRecipe::ToJson() const {
  nlohmann::json features_json = nlohmann::json::array();
  for (const InputColumn& f : features) features_json.push_back(ColumnJson(f));
  return {{"format", "dataml-series-recipe"},
          {"format_version", kFormatVersion},
          {"problem_type", ProblemTypeName(ProblemType::kForecast)},
          {"id", id ? ColumnJson(*id) : nlohmann::json()},
          {"timestamp", ColumnJson(timestamp)},
          {"target", ColumnJson(target)},
          {"features", std::move(features_json)},
          {"frequency", FrequencyName(rules.frequency)},
          {"aggregate", rules.aggregate ? nlohmann::json(AggregateName(*rules.aggregate)) : nlohmann::json()},
          {"fill", rules.fill ? nlohmann::json(FillName(*rules.fill)) : nlohmann::json()}};
}

Result<SeriesRecipe> SeriesRecipe::FromJson(const nlohmann::json& json) {
  SeriesRecipe r;
  try {
    if (json.value("format", "") != "dataml-series-recipe" || json.at("format_version").get<int>() != kFormatVersion)
      return Status::InvalidArgument("series recipe: not a recipe of this format version");
    if (!json.at("id").is_null()) r.id = ColumnOf(json["id"]);
    r.timestamp = ColumnOf(json.at("timestamp"));
    r.target = ColumnOf(json.at("target"));
    for (const nlohmann::json& f : json.at("features")) r.features.push_back(ColumnOf(f));
    auto frequency = ParseFrequency(json.at("frequency").get<std::string>());
    if (!frequency) return Status::InvalidArgument("series recipe: unknown frequency");
    r.rules.frequency = *frequency;
    if (!json.at("aggregate").is_null()) {
      r.rules.aggregate = ParseAggregate(json["aggregate"].get<std::string>());
      if (!r.rules.aggregate) return Status::InvalidArgument("series recipe: unknown aggregate");
    }
    if (!json.at("fill").is_null()) {
      r.rules.fill = ParseFill(json["fill"].get<std::string>());
      if (!r.rules.fill) return Status::InvalidArgument("series recipe: unknown fill");
    }
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("series recipe: ") + e.what());
  }
  return r;
}

}  // namespace dataml::engine::ml::forecast
