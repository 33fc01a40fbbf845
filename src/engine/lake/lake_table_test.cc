// The lake engine end to end over an in-memory filesystem: a data file with field ids and
// bounds, its manifest and manifest list, a metadata file with the snapshot, then a scan of the
// snapshot and its statistics.
#include <arrow/api.h>
#include <arrow/filesystem/mockfs.h>
#include <arrow/io/memory.h>
#include <gtest/gtest.h>
#include <parquet/arrow/reader.h>

#include "core/crypto.h"
#include "engine/lake/column_stats.h"
#include "engine/lake/data_file.h"
#include "engine/lake/lake_schema.h"
#include "engine/lake/manifest.h"
#include "engine/lake/table_metadata.h"
#include "engine/lake/table_scan.h"

namespace dataml::engine::lake {
namespace {

const TableSchema kColumns = {{"id", DataType::kInteger, std::nullopt},
                              {"name", DataType::kString, std::nullopt},
                              {"amount", DataType::kFloat, std::nullopt},
                              {"day", DataType::kDate, std::nullopt}};

std::shared_ptr<arrow::RecordBatch> Rows(const std::vector<int64_t>& ids, const std::vector<std::optional<double>>& amounts) {
  arrow::Int64Builder id;
  arrow::StringBuilder name;
  arrow::DoubleBuilder amount;
  arrow::Date32Builder day;
  for (size_t i = 0; i < ids.size(); ++i) {
    EXPECT_TRUE(id.Append(ids[i]).ok());
    EXPECT_TRUE(name.Append("n" + std::to_string(ids[i] % 3)).ok());
    EXPECT_TRUE((amounts[i] ? amount.Append(*amounts[i]) : amount.AppendNull()).ok());
    EXPECT_TRUE(day.Append(static_cast<int32_t>(19000 + ids[i])).ok());
  }
  auto schema = arrow::schema({arrow::field("id", arrow::int64()), arrow::field("name", arrow::utf8()),
                               arrow::field("amount", arrow::float64()), arrow::field("day", arrow::date32())});
  return arrow::RecordBatch::Make(schema, static_cast<int64_t>(ids.size()),
                                  {*id.Finish(), *name.Finish(), *amount.Finish(), *day.Finish()});
}

class LakeTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    InitCrypto();
    fs_ = std::make_shared<arrow::fs::internal::MockFileSystem>(arrow::fs::TimePoint{});
    ASSERT_TRUE(fs_->CreateDir("t/data", /*recursive=*/true).ok());
    ASSERT_TRUE(fs_->CreateDir("t/metadata", /*recursive=*/true).ok());
    files_ = {fs_, [](const std::string& location) -> Result<std::string> {
                if (location.rfind("mem://lake/", 0) != 0) return Status::NotFound("outside");
                return location.substr(11);
              }};
  }

  void Put(const std::string& path, const std::string& bytes) {
    auto out = fs_->OpenOutputStream(path);
    ASSERT_TRUE(out.ok());
    ASSERT_TRUE((*out)->Write(bytes).ok());
    ASSERT_TRUE((*out)->Close().ok());
  }

  // Writes one data file of `batch`, as an append's first step.
  DataFile WriteFile(const LakeSchema& schema, const std::string& path, const arrow::RecordBatch& batch) {
    auto out = fs_->OpenOutputStream(path);
    EXPECT_TRUE(out.ok());
    auto writer = DataFileWriter::Open(schema, *out);
    EXPECT_TRUE(writer.ok());
    Status written = (*writer)->Write(batch);
    EXPECT_TRUE(written.ok()) << written.message();
    auto file = (*writer)->Finish();
    EXPECT_TRUE(file.ok()) << file.status().message();
    file->location = "mem://lake/" + path;
    file->file_size_in_bytes = fs_->GetFileInfo(path)->size();
    return *file;
  }

  // Commits `files` as the next snapshot of `metadata`, as the datalake service does.
  Snapshot Append(TableMetadata& metadata, const std::vector<DataFile>& files, const std::string& tag) {
    auto schema = *metadata.CurrentSchema();
    Snapshot s;
    s.snapshot_id = NewSnapshotId();
    auto parent = metadata.CurrentSnapshot();
    if (parent) s.parent_snapshot_id = parent->snapshot_id;
    s.sequence_number = metadata.last_sequence_number() + 1;
    s.timestamp_ms = metadata.NextTimestamp(1000);
    auto manifest = WriteManifest(schema, s.snapshot_id, s.sequence_number, files);
    EXPECT_TRUE(manifest.ok()) << manifest.status().message();
    Put("t/metadata/m-" + tag + ".avro", *manifest);
    ManifestFile entry;
    entry.manifest_path = "mem://lake/t/metadata/m-" + tag + ".avro";
    entry.manifest_length = static_cast<int64_t>(manifest->size());
    entry.sequence_number = entry.min_sequence_number = s.sequence_number;
    entry.added_snapshot_id = s.snapshot_id;
    entry.added_files_count = static_cast<int32_t>(files.size());
    std::vector<ManifestFile> manifests{entry};
    if (parent) {
      auto previous = ReadManifestList(*ReadLocation(files_, parent->manifest_list));
      EXPECT_TRUE(previous.ok());
      manifests.insert(manifests.end(), previous->begin(), previous->end());
    }
    auto list = WriteManifestList(s.snapshot_id, s.parent_snapshot_id, s.sequence_number, manifests);
    EXPECT_TRUE(list.ok());
    Put("t/metadata/snap-" + tag + ".avro", *list);
    s.manifest_list = "mem://lake/t/metadata/snap-" + tag + ".avro";
    s.summary = {{"operation", "append"}};
    metadata.AddSnapshot(s, "mem://lake/t/metadata/previous.json");
    return s;
  }

  std::shared_ptr<arrow::fs::internal::MockFileSystem> fs_;
  LakeFiles files_;
};

TEST(LakeSchemaTest, OurTypesRoundTripAndOthersAreNamed) {
  LakeSchema schema = NewLakeSchema(kColumns);
  EXPECT_EQ(schema.columns[0].id, 1);
  EXPECT_EQ(schema.columns[2].iceberg_type, "double");
  auto back = LakeSchemaFromJson(LakeSchemaToJson(schema));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->columns, schema.columns);
  EXPECT_EQ(SqlTypeName(*schema.Find("id")), "bigint");
  EXPECT_EQ(SqlTypeName(*schema.Find("name")), "varchar");
  auto other = LakeSchemaFromJson(nlohmann::json::parse(R"json({"schema-id":0,"type":"struct","fields":[
      {"id":1,"name":"a","required":true,"type":"int"},
      {"id":2,"name":"b","required":false,"type":"decimal(9,2)"},
      {"id":3,"name":"c","required":false,"type":{"type":"list","element-id":4,"element":"long","element-required":true}}]})json"));
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.status().message().find("b (decimal(9,2))"), std::string::npos);
  EXPECT_NE(other.status().message().find("c (list)"), std::string::npos);
  auto arrow_schema = ArrowSchemaFor(schema);
  EXPECT_EQ(*arrow_schema->field(3)->metadata()->Get("PARQUET:field_id"), "4");
}

TEST(TableMetadataTest, ANewTableHasTheSpecsRequiredFieldsAndParsesBack) {
  TableMetadata m = TableMetadata::New("/data/t", NewLakeSchema(kColumns), {{"owner", "ada"}}, 1234);
  nlohmann::json j = nlohmann::json::parse(m.Serialize());
  for (const char* field : {"format-version", "table-uuid", "location", "last-sequence-number", "last-updated-ms",
                            "last-column-id", "schemas", "current-schema-id", "partition-specs", "default-spec-id",
                            "last-partition-id", "sort-orders", "default-sort-order-id"}) {
    EXPECT_TRUE(j.contains(field)) << field;
  }
  EXPECT_EQ(j["format-version"], 2);
  EXPECT_EQ(j["last-column-id"], 4);
  EXPECT_EQ(j["last-partition-id"], 999);
  auto parsed = TableMetadata::Parse(m.Serialize());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->property("owner"), "ada");
  EXPECT_FALSE(parsed->CurrentSnapshot());
  EXPECT_FALSE(TableMetadata::Parse("{\"format-version\": 3}").ok());
  EXPECT_FALSE(TableMetadata::Parse("not json").ok());
}

TEST(TableMetadataTest, MetadataFileVersionsCountUp) {
  std::string first = NextMetadataLocation("/data/t", std::nullopt);
  EXPECT_EQ(first.rfind("/data/t/metadata/00000-", 0), 0u);
  EXPECT_TRUE(first.ends_with(".metadata.json"));
  std::string second = NextMetadataLocation("/data/t", first);
  EXPECT_EQ(second.rfind("/data/t/metadata/00001-", 0), 0u);
}

TEST_F(LakeTableTest, AppendsAreSnapshotsWhoseScansAndStatisticsSeeEveryRow) {
  TableMetadata metadata = TableMetadata::New("mem://lake/t", NewLakeSchema(kColumns), {}, 1000);
  LakeSchema schema = *metadata.CurrentSchema();
  DataFile a = WriteFile(schema, "t/data/a.parquet", *Rows({1, 2, 3}, {1.0, std::nullopt, 3.0}));
  EXPECT_EQ(a.record_count, 3);
  EXPECT_EQ(a.null_value_counts.at(3), 1);
  EXPECT_EQ(DecodeLong(a.lower_bounds.at(1)), 1);
  EXPECT_EQ(DecodeLong(a.upper_bounds.at(1)), 3);
  EXPECT_EQ(DecodeDouble(a.upper_bounds.at(3)), 3.0);
  EXPECT_EQ(DecodeInt(a.lower_bounds.at(4)), 19001);
  EXPECT_FALSE(a.lower_bounds.count(2));  // strings: no bound rather than a truncated one
  Snapshot first = Append(metadata, {a}, "1");
  DataFile b = WriteFile(schema, "t/data/b.parquet", *Rows({4, 5}, {10.0, 2.0}));
  Snapshot second = Append(metadata, {b}, "2");

  auto reparsed = TableMetadata::Parse(metadata.Serialize());
  ASSERT_TRUE(reparsed.ok());
  EXPECT_EQ(reparsed->CurrentSnapshot()->snapshot_id, second.snapshot_id);
  EXPECT_EQ(reparsed->CurrentSnapshot()->parent_snapshot_id, first.snapshot_id);
  EXPECT_EQ(reparsed->last_sequence_number(), 2);
  nlohmann::json j = nlohmann::json::parse(metadata.Serialize());
  EXPECT_EQ(j["refs"]["main"]["snapshot-id"], second.snapshot_id);
  EXPECT_EQ(j["snapshot-log"].size(), 2u);

  auto files = SnapshotDataFiles(files_, second);
  ASSERT_TRUE(files.ok()) << files.status().message();
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ(SnapshotDataFiles(files_, first)->size(), 1u);  // time travel: the older snapshot
  auto amounts = ReadLakeColumn(files_, *files, *schema.Find("amount"));
  ASSERT_TRUE(amounts.ok()) << amounts.status().message();
  auto stats = ComputeNumericStats(**amounts);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->count, 4);
  EXPECT_DOUBLE_EQ(*stats->mean, 4.0);
  EXPECT_DOUBLE_EQ(*stats->median, 2.5);
  EXPECT_DOUBLE_EQ(*stats->min, 1.0);
  EXPECT_DOUBLE_EQ(*stats->max, 10.0);
  EXPECT_NEAR(*stats->std_dev, std::sqrt(((9.0 + 1 + 4 + 36) / 3)), 1e-12);
  auto names = ReadLakeColumn(files_, *files, *schema.Find("name"));
  EXPECT_EQ(*CountDistinct(**names), 3);
  auto dictionary = ReadLakeColumn(files_, *files, *schema.Find("name"), /*dictionary=*/true);
  ASSERT_TRUE(dictionary.ok()) << dictionary.status().message();
  EXPECT_EQ((*dictionary)->type()->id(), arrow::Type::DICTIONARY);
  EXPECT_EQ(*CountDistinct(**dictionary), 3);
  EXPECT_EQ(*CountDistinct(**ReadLakeColumn(files_, *files, *schema.Find("id"))), 5);
  EXPECT_EQ(*CountDistinct(**ReadLakeColumn(files_, *files, *schema.Find("amount"))), 4);  // nulls not counted
  EXPECT_FALSE(ComputeNumericStats(**names).ok());
}

TEST_F(LakeTableTest, DataFilesCarryFieldIdsThatOtherReadersMatchBy) {
  LakeSchema schema = NewLakeSchema(kColumns);
  WriteFile(schema, "t/data/a.parquet", *Rows({1}, {2.0}));
  auto input = fs_->OpenInputFile("t/data/a.parquet");
  auto reader = parquet::arrow::OpenFile(*input, arrow::default_memory_pool());
  ASSERT_TRUE(reader.ok());
  auto parquet_schema = (*reader)->parquet_reader()->metadata()->schema();
  for (int i = 0; i < parquet_schema->num_columns(); ++i) {
    EXPECT_EQ(parquet_schema->Column(i)->schema_node()->field_id(), i + 1);
  }
}

TEST_F(LakeTableTest, LocationsOutsideTheWarehouseAreNeverOpened) {
  Snapshot s;
  s.manifest_list = "/etc/passwd";
  EXPECT_FALSE(SnapshotDataFiles(files_, s).ok());
  DataFile outside;
  outside.location = "file:///etc/passwd";
  EXPECT_FALSE(ReadLakeColumn(files_, {outside}, {1, "id", DataType::kInteger, false, "long"}).ok());
}

TEST(ColumnStatsTest, DistinctCountsOfManyValuesIncludingTheSetsSentinelAndSignedZeros) {
  arrow::Int64Builder longs;
  for (int64_t i = 0; i < 100000; ++i) ASSERT_TRUE(longs.Append(i % 30011 - 15000).ok());
  ASSERT_TRUE(longs.Append(-1).ok());  // all bits set: the set's empty-slot pattern
  ASSERT_TRUE(longs.AppendNull().ok());
  EXPECT_EQ(*CountDistinct(arrow::ChunkedArray(*longs.Finish())), 30011);
  arrow::DoubleBuilder doubles;
  for (double v : {0.0, -0.0, 1.5, 1.5, -2.0}) ASSERT_TRUE(doubles.Append(v).ok());
  EXPECT_EQ(*CountDistinct(arrow::ChunkedArray(*doubles.Finish())), 3);
}

TEST(ColumnStatsTest, EmptyAndSingleValues) {
  auto empty = arrow::ChunkedArray::Make({}, arrow::float64());
  auto none = ComputeNumericStats(**empty);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->count, 0);
  EXPECT_FALSE(none->mean);
  arrow::Int64Builder b;
  ASSERT_TRUE(b.Append(7).ok());
  auto one = ComputeNumericStats(arrow::ChunkedArray(*b.Finish()));
  EXPECT_EQ(*one->median, 7);
  EXPECT_FALSE(one->std_dev);
}

}  // namespace
}  // namespace dataml::engine::lake
