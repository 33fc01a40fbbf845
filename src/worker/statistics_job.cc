#include "worker/statistics_job.h"

#include "engine/data/column_statistics.h"
#include "engine/data/data_type.h"

namespace dataml::worker {
namespace {

Result<engine::ColumnSpec> ToColumnSpec(const job_specs::Column& column) {
  engine::ColumnSpec spec;
  spec.name = column.name;
  auto type = engine::ParseDataTypeName(column.data_type);
  if (!type) {
    return Status::InvalidArgument("column '" + spec.name + "' has unknown data type '" + column.data_type + "'");
  }
  spec.type = *type;
  spec.default_value = column.default_value;
  return spec;
}

}  // namespace

Result<nlohmann::json> RunStatisticsJob(const job_specs::StatisticsSpec& spec, const WorkerContext& context) {
  DATAML_ASSIGN_OR_RETURN(engine::FileSet paths, StoredFiles(context, spec.parquet_keys));
  engine::TableSchema schema;
  for (const job_specs::Column& column : spec.schema) {
    DATAML_ASSIGN_OR_RETURN(engine::ColumnSpec converted, ToColumnSpec(column));
    schema.push_back(std::move(converted));
  }
  return engine::ComputeColumnStatistics(paths, schema);
}

}  // namespace dataml::worker
