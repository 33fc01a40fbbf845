#include "modules/train/forecast_request.h"

#include <spdlog/spdlog.h>

#include "core/text.h"
#include "engine/ml/training_table.h"

namespace dataml::train {
namespace {

namespace fc = engine::ml::forecast;

FieldError Invalid(std::vector<std::string> loc, std::string msg) { return {std::move(loc), std::move(msg), "value_error"}; }

engine::ml::InputColumn ColumnOf(const nlohmann::json& c) {
  return {c.value("column_name", ""), engine::ParseDataTypeName(c.value("data_type", "")).value_or(engine::DataType::kString)};
}

}  // namespace

std::vector<std::string> ForecastAlgorithms() {
  std::vector<std::string> out = {"auto"};
  for (auto a : {fc::ForecastAlgorithm::kSeasonalNaive, fc::ForecastAlgorithm::kEts, fc::ForecastAlgorithm::kTheta,
                 fc::ForecastAlgorithm::kXGBoost, fc::ForecastAlgorithm::kEnsemble}) {
    out.push_back(fc::ForecastAlgorithmName(a));
  }
  return out;
}

Result<CheckedForecast> CheckForecastRequest(const ForecastFields& fields, const std::string& algorithm,
                                             const nlohmann::json& hyperparameters, const nlohmann::json& columns) {
  CheckedForecast out;
  std::vector<FieldError> errors;
  std::optional<fc::Frequency> frequency;
  if (!fields.frequency) {
    errors.push_back({{"frequency"}, "Field required for a Forecast training", "missing"});
  } else if (!(frequency = fc::ParseFrequency(*fields.frequency))) {
    errors.push_back({{"frequency"}, "Input should be 'Hour', 'Day', 'Week', 'Month', 'Quarter' or 'Year'", "enum"});
  }
  if (!fields.horizon) {
    errors.push_back({{"horizon"}, "Field required for a Forecast training", "missing"});
  } else if (*fields.horizon < 1 || *fields.horizon > kMaxForecastHorizon) {
    errors.push_back(Invalid({"horizon"}, "Input should be 1 to " + std::to_string(kMaxForecastHorizon)));
  }
  if (fields.aggregate && !fc::ParseAggregate(*fields.aggregate)) {
    errors.push_back({{"aggregate"}, "Input should be 'sum', 'mean' or 'last'", "enum"});
  }
  if (fields.fill && !fc::ParseFill(*fields.fill)) {
    errors.push_back({{"fill"}, "Input should be 'zero', 'previous' or 'linear'", "enum"});
  }
  out.algorithm = "auto";
  if (ToLowerAscii(algorithm) != "auto") {
    auto method = fc::ParseForecastAlgorithm(algorithm);
    if (!method) {
      std::string known;
      for (const std::string& name : ForecastAlgorithms()) known += (known.empty() ? "'" : ", '") + name + "'";
      errors.push_back({{"algorithm"}, "A Forecast training's algorithm should be one of " + known, "enum"});
    } else {
      out.algorithm = fc::ForecastAlgorithmName(*method);
    }
  }
  // Roles: AssignRoles saw to one Target, at most one Id and one Timestamp; their types are ours.
  const nlohmann::json target = WithRole(columns, kRoleTarget).front();
  const nlohmann::json timestamp = WithRole(columns, kRoleTimestamp).front();
  const std::string target_type = target.value("data_type", ""), time_type = timestamp.value("data_type", "");
  if (target_type != "Integer" && target_type != "Float") {
    errors.push_back(Invalid({"columns"}, "A Forecast Target must be an Integer or Float column; '" +
                                              target.value("column_name", "") + "' is " + target_type));
  }
  if (time_type != "Date" && time_type != "DateTime") {
    errors.push_back(Invalid({"columns"}, "A Forecast Timestamp must be a Date or DateTime column; '" +
                                              timestamp.value("column_name", "") + "' is " + time_type));
  }
  if (!errors.empty()) return Status::Invalid(std::move(errors));
  if (*frequency == fc::Frequency::kHour && time_type == "Date") {
    return Status::Invalid({Invalid({"frequency"}, "An Hour frequency needs a DateTime Timestamp; '" +
                                                       timestamp.value("column_name", "") + "' is a Date")});
  }
  DATAML_ASSIGN_OR_RETURN(out.hyperparameters, fc::ForecastHyperparameters::FromJson(hyperparameters));
  const int season = out.hyperparameters.season_length.value_or(fc::DefaultSeasonLength(*frequency));
  out.hyperparameters.season_length = season;

  fc::SeriesRecipe& recipe = out.recipe;
  const auto ids = WithRole(columns, kRoleId);
  if (!ids.empty()) recipe.id = ColumnOf(ids.front());
  recipe.timestamp = ColumnOf(timestamp);
  recipe.target = ColumnOf(target);
  for (const nlohmann::json& f : WithRole(columns, kRoleFeature)) recipe.features.push_back(ColumnOf(f));
  recipe.rules.frequency = *frequency;
  if (fields.aggregate) recipe.rules.aggregate = fc::ParseAggregate(*fields.aggregate);
  if (fields.fill) recipe.rules.fill = fc::ParseFill(*fields.fill);

  out.settings.frequency = fc::FrequencyName(*frequency);
  out.settings.horizon = *fields.horizon;
  out.settings.season_length = season;
  if (recipe.rules.aggregate) out.settings.aggregate = fc::AggregateName(*recipe.rules.aggregate);
  if (recipe.rules.fill) out.settings.fill = fc::FillName(*recipe.rules.fill);
  return out;
}

Status CheckSeries(const CheckedForecast& forecast, const engine::FileSet& parquet) {
  auto table = engine::ml::ReadTrainingTable(parquet, forecast.recipe.ColumnNames());
  if (!table.ok()) {
    // The detail names server paths: logged, not shown.
    spdlog::error("cannot read a dataset's series: {}", table.status().message());
    return Status::Internal("Cannot read the dataset's validated data");
  }
  auto series = forecast.recipe.Read(**table);
  if (!series.ok()) {
    if (series.status().code() != StatusCode::kInvalidArgument) return series.status();
    return Status::Invalid({Invalid({"dataset_id"}, series.status().message())});
  }
  return Status::OK();
}

}  // namespace dataml::train
