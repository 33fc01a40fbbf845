// The "statistics" job kind: per-column statistics of a dataset's validated Parquet files.
#pragma once

#include "worker/worker.h"

namespace dataml::worker {

// payload: {"parquet_keys": [storage keys], "schema": [{"column_name", "data_type",
// "default_value"}]}; InvalidArgument for a malformed payload.
Result<nlohmann::json> RunStatisticsJob(const nlohmann::json& payload,
                                        const WorkerContext& context);

}  // namespace dataml::worker
