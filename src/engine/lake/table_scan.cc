#include "engine/lake/table_scan.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <parquet/arrow/reader.h>
#include <parquet/arrow/schema.h>

#include "core/arrow_status.h"
#include "engine/data/memory_pool.h"
#include "engine/data/typed_column_builder.h"
#include "engine/lake/manifest.h"

namespace dataml::engine::lake {
namespace {

// The index of the file's column with `column`'s field id; by name when the file has no ids.
int FindColumn(const arrow::Schema& schema, const LakeColumn& column) {
  bool any_ids = false;
  for (int i = 0; i < schema.num_fields(); ++i) {
    const auto& metadata = schema.field(i)->metadata();
    if (metadata == nullptr) continue;
    auto id = metadata->Get("PARQUET:field_id");
    if (!id.ok()) continue;
    any_ids = true;
    if (*id == std::to_string(column.id)) return i;
  }
  return any_ids ? -1 : schema.GetFieldIndex(column.name);
}

}  // namespace

Result<std::string> ReadLocation(const LakeFiles& files, const std::string& location) {
  DATAML_ASSIGN_OR_RETURN(std::string path, files.resolve(location));
  DATAML_ASSIGN_OR_RETURN(auto file, FromArrow(files.fs->OpenInputFile(path), "cannot open " + path));
  DATAML_ASSIGN_OR_RETURN(int64_t size, FromArrow(file->GetSize(), "cannot read " + path));
  DATAML_ASSIGN_OR_RETURN(auto buffer, FromArrow(file->ReadAt(0, size), "cannot read " + path));
  return buffer->ToString();
}

Result<std::vector<DataFile>> SnapshotDataFiles(const LakeFiles& files, const Snapshot& snapshot) {
  DATAML_ASSIGN_OR_RETURN(std::string list_bytes, ReadLocation(files, snapshot.manifest_list));
  DATAML_ASSIGN_OR_RETURN(std::vector<ManifestFile> manifests, ReadManifestList(list_bytes));
  std::vector<DataFile> out;
  for (const ManifestFile& m : manifests) {
    if (m.content != 0) return Status::InvalidArgument("the table has delete files, which the platform does not read");
    DATAML_ASSIGN_OR_RETURN(std::string manifest_bytes, ReadLocation(files, m.manifest_path));
    DATAML_ASSIGN_OR_RETURN(std::vector<DataFile> data_files, ReadManifest(manifest_bytes));
    for (DataFile& f : data_files) {
      if (f.format != "PARQUET" && f.format != "parquet") {
        return Status::InvalidArgument("the table has " + f.format + " data files; the platform reads Parquet");
      }
      out.push_back(std::move(f));
    }
  }
  return out;
}

Result<std::shared_ptr<arrow::ChunkedArray>> ReadLakeColumn(const LakeFiles& files,
                                                            const std::vector<DataFile>& data_files,
                                                            const LakeColumn& column, bool dictionary) {
  const bool as_dictionary = dictionary && column.type == DataType::kString;
  const auto type = as_dictionary ? arrow::dictionary(arrow::int32(), arrow::utf8()) : ArrowTypeFor(column.type);
  arrow::ArrayVector chunks;
  for (const DataFile& f : data_files) {
    DATAML_ASSIGN_OR_RETURN(std::string path, files.resolve(f.location));
    DATAML_ASSIGN_OR_RETURN(auto input, FromArrow(files.fs->OpenInputFile(path), "cannot open " + path));
    parquet::arrow::FileReaderBuilder builder;
    DATAML_RETURN_NOT_OK(FromArrow(builder.Open(input), "cannot read " + path));
    parquet::ArrowReaderProperties properties;
    if (as_dictionary) {
      // Leaf columns of a flat schema are its fields: the one with the column's id (or name).
      const parquet::SchemaDescriptor* leaves = builder.raw_reader()->metadata()->schema();
      for (int i = 0; i < leaves->num_columns(); ++i) {
        const auto* node = leaves->Column(i)->schema_node().get();
        if (node->field_id() == column.id || (node->field_id() < 0 && node->name() == column.name)) {
          properties.set_read_dictionary(i, true);
        }
      }
    }
    builder.memory_pool(DataMemoryPool())->properties(properties);
    DATAML_ASSIGN_OR_RETURN(auto reader, FromArrow(builder.Build(), "cannot read " + path));
    std::shared_ptr<arrow::Schema> schema;
    DATAML_RETURN_NOT_OK(FromArrow(reader->GetSchema(&schema), "cannot read " + path));
    const int index = FindColumn(*schema, column);
    if (index < 0) {
      DATAML_ASSIGN_OR_RETURN(auto nulls, FromArrow(arrow::MakeArrayOfNull(type, f.record_count), "cannot read " + path));
      chunks.push_back(std::move(nulls));
      continue;
    }
    std::shared_ptr<arrow::ChunkedArray> values;
    DATAML_RETURN_NOT_OK(FromArrow(reader->ReadColumn(index, &values), "cannot read " + path));
    if (as_dictionary && values->type()->id() == arrow::Type::DICTIONARY) {
      // Each row group brings its own dictionary; the chunks keep them.
      for (const auto& chunk : values->chunks()) chunks.push_back(chunk);
      continue;
    }
    if (!values->type()->Equals(*type)) {
      // Other writers' narrower types (int, float, timestamp without zone) widen to ours.
      auto cast = arrow::compute::Cast(values, type);
      DATAML_ASSIGN_OR_RETURN(auto datum, FromArrow(std::move(cast), "cannot read column " + column.name));
      values = datum.chunked_array();
    }
    for (const auto& chunk : values->chunks()) chunks.push_back(chunk);
  }
  return FromArrow(arrow::ChunkedArray::Make(std::move(chunks), type), "cannot read column " + column.name);
}

}  // namespace dataml::engine::lake
