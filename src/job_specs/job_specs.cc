#include "job_specs/job_specs.h"

#include <stdexcept>

namespace dataml::job_specs {
namespace {

// Decoding reads with nlohmann's checked accessors (at, get), whose exceptions Decode turns into
// the job's error; what they cannot check is thrown the same way.
struct Malformed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

nlohmann::json EncodeColumn(const Column& c) {
  nlohmann::json j = {{"column_name", c.name}, {"data_type", c.data_type}};
  if (c.default_value) j["default_value"] = *c.default_value;
  return j;
}

Column DecodeColumn(const nlohmann::json& j) {
  Column c;
  c.name = j.at("column_name").get<std::string>();
  c.data_type = j.at("data_type").get<std::string>();
  if (auto d = j.find("default_value"); d != j.end() && !d->is_null()) c.default_value = d->get<std::string>();
  return c;
}

nlohmann::json EncodeColumns(const std::vector<Column>& columns) {
  nlohmann::json out = nlohmann::json::array();
  for (const Column& c : columns) out.push_back(EncodeColumn(c));
  return out;
}

std::vector<Column> DecodeColumns(const nlohmann::json& j) {
  if (!j.is_array()) throw Malformed("expected a list of columns");
  std::vector<Column> out;
  for (const nlohmann::json& c : j) out.push_back(DecodeColumn(c));
  return out;
}

std::optional<std::string> OptionalString(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<std::string>();
}

nlohmann::json EncodeCallback(const Callback& c) { return {{"path", c.path}, {"fields", c.fields}}; }

Callback DecodeCallback(const nlohmann::json& j) {
  Callback c;
  c.path = j.at("path").get<std::string>();
  // The worker posts to it with the job's token: only an API route of the same server.
  if (c.path.rfind("/api/v1/", 0) != 0) throw Malformed("the callback path is not an API route");
  c.fields = j.value("fields", nlohmann::json::object());
  if (!c.fields.is_object()) throw Malformed("the callback fields are not an object");
  return c;
}

template <typename Spec, typename Read>
Result<Spec> DecodeWith(const nlohmann::json& payload, Read read) {
  try {
    if (!payload.is_object()) throw Malformed("expected an object");
    return read(payload);
  } catch (const std::exception& e) {  // nlohmann's type and out-of-range errors, or Malformed
    return Status::InvalidArgument(std::string("malformed ") + Spec::kKind + " job spec: " + e.what());
  }
}

}  // namespace

nlohmann::json Encode(const StatisticsSpec& spec) {
  return {{"dataset_id", spec.dataset_id}, {"parquet_keys", spec.parquet_keys}, {"schema", EncodeColumns(spec.schema)}};
}

template <>
Result<StatisticsSpec> Decode<StatisticsSpec>(const nlohmann::json& payload) {
  return DecodeWith<StatisticsSpec>(payload, [](const nlohmann::json& j) {
    StatisticsSpec spec;
    spec.dataset_id = j.at("dataset_id").get<int64_t>();
    spec.parquet_keys = j.at("parquet_keys").get<std::vector<std::string>>();
    spec.schema = DecodeColumns(j.at("schema"));
    return spec;
  });
}

nlohmann::json Encode(const TrainSpec& spec) {
  nlohmann::json j = {{"problem_type", ProblemTypeName(spec.problem_type)},
                      {"algorithm", spec.algorithm},
                      {"hyperparameters", spec.hyperparameters},
                      {"features", EncodeColumns(spec.features)},
                      {"target", EncodeColumn(spec.target)},
                      {"parquet_keys", spec.parquet_keys},
                      {"model_key", spec.model_key},
                      {"preprocess_key", spec.preprocess_key},
                      {"callback", EncodeCallback(spec.callback)}};
  if (spec.base_model_key) j["base_model_key"] = *spec.base_model_key;
  if (spec.num_workers != 1) j["num_workers"] = spec.num_workers;
  if (spec.series) {
    const SeriesSpec& s = *spec.series;
    j["series"] = {{"id", s.id ? EncodeColumn(*s.id) : nlohmann::json()},
                   {"timestamp", EncodeColumn(s.timestamp)},
                   {"frequency", s.frequency},
                   {"horizon", s.horizon},
                   {"aggregate", s.aggregate ? nlohmann::json(*s.aggregate) : nlohmann::json()},
                   {"fill", s.fill ? nlohmann::json(*s.fill) : nlohmann::json()}};
  }
  return j;
}

template <>
Result<TrainSpec> Decode<TrainSpec>(const nlohmann::json& payload) {
  return DecodeWith<TrainSpec>(payload, [](const nlohmann::json& j) {
    TrainSpec spec;
    const auto problem = ParseProblemType(j.at("problem_type").get<std::string>());
    if (!problem) throw Malformed("unknown problem_type '" + j.at("problem_type").get<std::string>() + "'");
    spec.problem_type = *problem;
    spec.algorithm = j.at("algorithm").get<std::string>();
    spec.hyperparameters = j.at("hyperparameters");
    if (!spec.hyperparameters.is_object()) throw Malformed("the hyperparameters are not an object");
    spec.features = DecodeColumns(j.at("features"));
    spec.target = DecodeColumn(j.at("target"));
    spec.parquet_keys = j.at("parquet_keys").get<std::vector<std::string>>();
    spec.model_key = j.at("model_key").get<std::string>();
    spec.preprocess_key = j.at("preprocess_key").get<std::string>();
    spec.base_model_key = OptionalString(j, "base_model_key");
    spec.num_workers = j.value("num_workers", 1);
    if (spec.num_workers < 1) throw Malformed("num_workers must be at least 1");
    if (j.contains("series") && !j["series"].is_null()) {
      const nlohmann::json& s = j["series"];
      SeriesSpec series;
      if (!s.at("id").is_null()) series.id = DecodeColumn(s["id"]);
      series.timestamp = DecodeColumn(s.at("timestamp"));
      series.frequency = s.at("frequency").get<std::string>();
      series.horizon = s.at("horizon").get<int>();
      if (series.horizon < 1) throw Malformed("the horizon must be at least 1");
      series.aggregate = OptionalString(s, "aggregate");
      series.fill = OptionalString(s, "fill");
      spec.series = std::move(series);
    }
    if ((spec.problem_type == ProblemType::kForecast) != spec.series.has_value())
      throw Malformed("a Forecast training, and only one, has series");
    spec.callback = DecodeCallback(j.at("callback"));
    return spec;
  });
}

nlohmann::json Encode(const ShapSpec& spec) {
  return {{"model_key", spec.model_key},     {"preprocess_key", spec.preprocess_key},
          {"parquet_keys", spec.parquet_keys}, {"sample_rows", spec.sample_rows},
          {"seed", spec.seed},               {"callback", EncodeCallback(spec.callback)}};
}

template <>
Result<ShapSpec> Decode<ShapSpec>(const nlohmann::json& payload) {
  return DecodeWith<ShapSpec>(payload, [](const nlohmann::json& j) {
    ShapSpec spec;
    spec.model_key = j.at("model_key").get<std::string>();
    spec.preprocess_key = j.at("preprocess_key").get<std::string>();
    spec.parquet_keys = j.at("parquet_keys").get<std::vector<std::string>>();
    spec.sample_rows = j.at("sample_rows").get<int64_t>();
    if (spec.sample_rows < 1) throw Malformed("sample_rows must be positive");
    spec.seed = j.at("seed").get<uint64_t>();
    spec.callback = DecodeCallback(j.at("callback"));
    return spec;
  });
}

nlohmann::json Encode(const BatchPredictionSpec& spec) {
  nlohmann::json j = {{"model_key", spec.model_key},       {"preprocess_key", spec.preprocess_key},
                      {"parquet_keys", spec.parquet_keys}, {"result_key", spec.result_key},
                      {"score", spec.score},               {"callback", EncodeCallback(spec.callback)}};
  if (spec.id_column) j["id_column"] = *spec.id_column;
  if (spec.lake_data_key) j["lake_data_key"] = *spec.lake_data_key;
  j["prediction_id"] = spec.prediction_id;
  return j;
}

template <>
Result<BatchPredictionSpec> Decode<BatchPredictionSpec>(const nlohmann::json& payload) {
  return DecodeWith<BatchPredictionSpec>(payload, [](const nlohmann::json& j) {
    BatchPredictionSpec spec;
    spec.model_key = j.at("model_key").get<std::string>();
    spec.preprocess_key = j.at("preprocess_key").get<std::string>();
    spec.parquet_keys = j.at("parquet_keys").get<std::vector<std::string>>();
    spec.result_key = j.at("result_key").get<std::string>();
    spec.id_column = OptionalString(j, "id_column");
    spec.score = j.value("score", false);
    spec.lake_data_key = OptionalString(j, "lake_data_key");
    spec.prediction_id = j.value("prediction_id", int64_t{0});
    spec.callback = DecodeCallback(j.at("callback"));
    return spec;
  });
}

Result<std::optional<Callback>> CallbackOf(const nlohmann::json& payload) {
  if (!payload.is_object()) return std::optional<Callback>();
  auto it = payload.find("callback");
  if (it == payload.end()) return std::optional<Callback>();
  try {
    return std::optional<Callback>(DecodeCallback(*it));
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("malformed job callback: ") + e.what());
  }
}

int WorkersOf(const std::string& kind, const nlohmann::json& payload) {
  if (kind != TrainSpec::kKind || !payload.is_object()) return 1;
  auto it = payload.find("num_workers");
  return it != payload.end() && it->is_number_integer() && it->get<int>() > 1 ? it->get<int>() : 1;
}

}  // namespace dataml::job_specs
