// The "statistics" job kind: per-column statistics of a dataset's validated Parquet files.
#pragma once

#include "job_specs/job_specs.h"
#include "worker/worker.h"

namespace dataml::worker {

// InvalidArgument for a column of an unknown data type.
Result<nlohmann::json> RunStatisticsJob(const job_specs::StatisticsSpec& spec, const WorkerContext& context);

}  // namespace dataml::worker
