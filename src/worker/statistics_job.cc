#include "worker/statistics_job.h"

#include "engine/data/column_statistics.h"
#include "engine/data/data_type.h"

namespace dataml::worker {
namespace {

Result<engine::ColumnSpec> ParseColumn(const nlohmann::json& column) {
  engine::ColumnSpec spec;
  spec.name = column.at("column_name").get<std::string>();
  const std::string type_name = column.at("data_type").get<std::string>();
  auto type = engine::ParseDataTypeName(type_name);
  if (!type)
    return Status::InvalidArgument("column '" + spec.name + "' has unknown data type '" +
                                   type_name + "'");
  spec.type = *type;
  if (auto it = column.find("default_value"); it != column.end() && it->is_string()) {
    spec.default_value = it->get<std::string>();
  }
  return spec;
}

}  // namespace

Result<nlohmann::json> RunStatisticsJob(const nlohmann::json& payload,
                                        const WorkerContext& context) {
  std::vector<std::string> paths;
  engine::TableSchema schema;
  try {
    for (const nlohmann::json& key : payload.at("parquet_keys")) {
      DATAML_ASSIGN_OR_RETURN(auto path, context.store.PathFor(key.get<std::string>()));
      paths.push_back(path.string());
    }
    for (const nlohmann::json& column : payload.at("schema")) {
      DATAML_ASSIGN_OR_RETURN(engine::ColumnSpec spec, ParseColumn(column));
      schema.push_back(std::move(spec));
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(std::string("malformed statistics job payload: ") + e.what());
  }
  return engine::ComputeColumnStatistics(paths, schema);
}

}  // namespace dataml::worker
