// Iceberg v2 manifests and manifest lists (Avro), for unpartitioned tables: what a snapshot's
// data files are, and which manifests make the snapshot.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "engine/lake/data_file.h"
#include "engine/lake/lake_schema.h"

namespace dataml::engine::lake {

// One entry of a manifest list.
struct ManifestFile {
  std::string manifest_path;
  int64_t manifest_length = 0;
  int32_t partition_spec_id = 0;
  int32_t content = 0;  // 0 data, 1 deletes
  int64_t sequence_number = 0;
  int64_t min_sequence_number = 0;
  int64_t added_snapshot_id = 0;
  int32_t added_files_count = 0;
  int32_t existing_files_count = 0;
  int32_t deleted_files_count = 0;
  int64_t added_rows_count = 0;
  int64_t existing_rows_count = 0;
  int64_t deleted_rows_count = 0;
};

// A manifest of `files`, all added by `snapshot_id` at `sequence_number`.
Result<std::string> WriteManifest(const LakeSchema& schema, int64_t snapshot_id, int64_t sequence_number,
                                  const std::vector<DataFile>& files);
// The files a manifest lists as live (added or existing; deleted entries are left out).
// InvalidArgument for a manifest of delete files, or one that is not a manifest.
Result<std::vector<DataFile>> ReadManifest(std::string_view bytes);

Result<std::string> WriteManifestList(int64_t snapshot_id, std::optional<int64_t> parent_snapshot_id,
                                      int64_t sequence_number, const std::vector<ManifestFile>& manifests);
Result<std::vector<ManifestFile>> ReadManifestList(std::string_view bytes);

}  // namespace dataml::engine::lake
