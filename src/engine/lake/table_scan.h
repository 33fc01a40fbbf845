// Reading a snapshot of an Iceberg table: its manifests, its live data files, a column of them.
// Locations in metadata are only followed through `resolve`, which maps them to paths on the
// filesystem and refuses any outside the table's warehouse, whatever a metadata file says.
#pragma once

#include <arrow/chunked_array.h>
#include <arrow/filesystem/filesystem.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "engine/lake/data_file.h"
#include "engine/lake/lake_schema.h"
#include "engine/lake/table_metadata.h"

namespace dataml::engine::lake {

struct LakeFiles {
  std::shared_ptr<arrow::fs::FileSystem> fs;
  std::function<Result<std::string>(const std::string& location)> resolve;
};

Result<std::string> ReadLocation(const LakeFiles& files, const std::string& location);
// The snapshot's live data files, in manifest order.
Result<std::vector<DataFile>> SnapshotDataFiles(const LakeFiles& files, const Snapshot& snapshot);
// `column` of every data file, matched by field id (by name in files written without ids), in
// our Arrow type; a file without the column (added later) gives nulls. With `dictionary`, a
// string column comes as Parquet stored it, dictionary<int32, utf8> chunks, not decoded to one
// string a row (what counting distinct values wants).
Result<std::shared_ptr<arrow::ChunkedArray>> ReadLakeColumn(const LakeFiles& files,
                                                            const std::vector<DataFile>& data_files,
                                                            const LakeColumn& column, bool dictionary = false);

}  // namespace dataml::engine::lake
