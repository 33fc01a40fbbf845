// Reading files from other writers (pyiceberg's deflate manifests, fastavro; testdata/README.md
// says how they were made) and hostile input, which must give InvalidArgument, never a crash.
#include <arrow/util/compression.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "engine/lake/avro.h"

namespace dataml::engine::lake {
namespace {

std::filesystem::path TestDataDir() {
  return std::filesystem::path(DATAML_SOURCE_DIR) / "src/engine/lake/testdata";
}

std::string ReadTestData(const std::string& name) {
  std::ifstream in(TestDataDir() / name, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  EXPECT_FALSE(bytes.str().empty()) << "missing " << (TestDataDir() / name);
  return bytes.str();
}

AvroFile ReadOk(std::string_view bytes) {
  Result<AvroFile> file = ReadAvroFile(bytes);
  EXPECT_TRUE(file.ok()) << file.status().message();
  return file.ok() ? *file : AvroFile{};
}

// The binary encoding written out by hand from the specification, independent of avro*.cc.
std::string Long(int64_t v) {
  uint64_t n = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  std::string out;
  for (; n >= 0x80; n >>= 7) out.push_back(static_cast<char>(n | 0x80));
  out.push_back(static_cast<char>(n));
  return out;
}
std::string Str(std::string_view s) {
  return Long(static_cast<int64_t>(s.size())) + std::string(s);
}
const std::string kSync(16, 'S');
std::string Header(std::string_view schema, std::string_view codec = "null") {
  return std::string("Obj\x01", 4) + Long(2) + Str("avro.schema") + Str(schema) +
         Str("avro.codec") + Str(codec) + Long(0) + kSync;
}
std::string Block(int64_t count, std::string_view data) { return Long(count) + Str(data) + kSync; }

std::string ReadError(std::string_view bytes) {
  Result<AvroFile> file = ReadAvroFile(bytes);
  if (file.ok()) return "";
  EXPECT_EQ(file.status().code(), StatusCode::kInvalidArgument) << file.status().message();
  return file.status().message();
}

// Whether reading `bytes` fails with InvalidArgument saying `part`.
testing::AssertionResult FailsWith(std::string_view bytes, std::string_view part) {
  Result<AvroFile> file = ReadAvroFile(bytes);
  if (file.ok()) return testing::AssertionFailure() << "read succeeded";
  const Status& status = file.status();
  if (status.code() == StatusCode::kInvalidArgument &&
      status.message().find(part) != std::string::npos) {
    return testing::AssertionSuccess();
  }
  return testing::AssertionFailure() << "failed with \"" << status.message() << "\"";
}

TEST(AvroReaderTest, ReadsPyicebergManifestList) {
  const AvroFile file = ReadOk(ReadTestData("pyiceberg_manifest_list.avro"));
  EXPECT_EQ(file.metadata.at("format-version"), "2");
  EXPECT_EQ(file.metadata.at("sequence-number"), "1");
  EXPECT_EQ(file.metadata.at("snapshot-id").find_first_not_of("0123456789"), std::string::npos);
  EXPECT_EQ(file.metadata.count("avro.codec"), 0u);  // deflate, consumed by the reader
  EXPECT_EQ(file.schema["name"], "manifest_file");
  ASSERT_EQ(file.records.size(), 1u);
  const AvroValue& manifest = file.records[0];
  EXPECT_TRUE(manifest.Find("manifest_path")->AsString()->ends_with("-m0.avro"));
  const size_t manifest_size = ReadTestData("pyiceberg_manifest.avro").size();
  EXPECT_EQ(*manifest.Find("manifest_length")->AsLong(), static_cast<int64_t>(manifest_size));
  EXPECT_EQ(*manifest.Find("added_files_count")->AsInt(), 1);
  EXPECT_EQ(*manifest.Find("added_rows_count")->AsLong(), 3);
  EXPECT_EQ(*manifest.Find("deleted_rows_count")->AsLong(), 0);
  EXPECT_EQ(*manifest.Find("added_snapshot_id")->AsLong(),
            std::stoll(file.metadata.at("snapshot-id")));
  EXPECT_TRUE(manifest.Find("partitions")->AsArray()->empty());
  EXPECT_TRUE(manifest.Find("key_metadata")->is_null());
}

TEST(AvroReaderTest, ReadsPyicebergManifest) {
  const AvroFile file = ReadOk(ReadTestData("pyiceberg_manifest.avro"));
  EXPECT_EQ(file.metadata.at("format-version"), "2");
  EXPECT_EQ(file.metadata.at("content"), "data");
  const auto table_schema = nlohmann::json::parse(file.metadata.at("schema"), nullptr, false);
  ASSERT_FALSE(table_schema.is_discarded());
  EXPECT_EQ(table_schema["fields"].size(), 6u);
  EXPECT_EQ(table_schema["fields"][4]["type"], "timestamptz");
  ASSERT_EQ(file.records.size(), 1u);
  const AvroValue& entry = file.records[0];
  EXPECT_EQ(*entry.Find("status")->AsInt(), 1);  // ADDED
  const AvroValue* data_file = entry.Find("data_file");
  ASSERT_NE(data_file, nullptr);
  EXPECT_EQ(*data_file->Find("file_format")->AsString(), "PARQUET");
  EXPECT_TRUE(data_file->Find("file_path")->AsString()->ends_with(".parquet"));
  EXPECT_EQ(*data_file->Find("record_count")->AsLong(), 3);
  EXPECT_TRUE(data_file->Find("partition")->AsRecordFields()->empty());
  // Null counts per column: only "name" (field 2) has a null.
  const auto null_counts = *data_file->Find("null_value_counts")->AsArray();
  ASSERT_EQ(null_counts.size(), 6u);
  EXPECT_EQ(*null_counts[1].Find("key")->AsInt(), 2);
  EXPECT_EQ(*null_counts[1].Find("value")->AsLong(), 1);
  // Bounds in Iceberg's single-value encoding: id 1..3 as little-endian longs, names as UTF-8.
  const auto lower = *data_file->Find("lower_bounds")->AsArray();
  ASSERT_EQ(lower.size(), 6u);
  EXPECT_EQ(*lower[0].Find("value")->AsBytes(), std::string("\x01\0\0\0\0\0\0\0", 8));
  EXPECT_EQ(*lower[1].Find("value")->AsBytes(), "alpha");
  EXPECT_EQ(*lower[3].Find("value")->AsBytes(), std::string("\x0bM\0\0", 4));  // 2024-01-01
}

// fastavro_all_types.avro's record k, as testdata/README.md's row(k) builds it.
AvroValue SampleRow(int k) {
  const std::string kb(1, static_cast<char>(k % 256));
  std::vector<AvroValue> arr;
  for (int j = 0; j < k % 5; ++j) arr.push_back(AvroValue::Long(j));
  AvroValue::Entries m;
  for (int j = 0; j < k % 3; ++j) {
    m.emplace_back("k" + std::to_string(j), AvroValue::String("v" + std::to_string(j)));
  }
  const AvroValue u = k % 3 == 0   ? AvroValue::Null()
                      : k % 3 == 1 ? AvroValue::String("u" + std::to_string(k))
                                   : AvroValue::Long(k);
  const AvroValue q =
      k % 2 ? AvroValue::Null()
            : AvroValue::Record({{"x", AvroValue::Double(1)}, {"y", AvroValue::Double(2)}});
  return AvroValue::Record({
      {"n", AvroValue::Null()},
      {"b", AvroValue::Bool(k % 2 == 0)},
      {"i", AvroValue::Int(-k)},
      {"l", AvroValue::Long(k * int64_t{1000000007})},
      {"f", AvroValue::Float(k + 0.5f)},
      {"d", AvroValue::Double(k / 4.0)},
      {"by", AvroValue::Bytes(kb + std::string("\0\xff", 2))},
      {"s", AvroValue::String("row " + std::to_string(k))},
      {"fx", AvroValue::Fixed(kb + kb + kb + kb)},
      {"e", AvroValue::String(k % 3 == 0   ? "RED"
                              : k % 3 == 1 ? "GREEN"
                                           : "BLUE")},
      {"arr", AvroValue::Array(std::move(arr))},
      {"m", AvroValue::Map(std::move(m))},
      {"u", u},
      {"p", AvroValue::Record({{"x", AvroValue::Double(k)}, {"y", AvroValue::Double(-k)}})},
      {"q", q},
      {"fx2", AvroValue::Fixed(std::string("\0\x01\x02\x03", 4))},
  });
}

TEST(AvroReaderTest, ReadsFastavroDeflateBlocksOfEveryType) {
  const AvroFile file = ReadOk(ReadTestData("fastavro_all_types.avro"));
  EXPECT_EQ(file.metadata.at("origin"), "fastavro");
  ASSERT_EQ(file.records.size(), 50u);  // in 8 deflate blocks
  for (int k = 0; k < 50; ++k) EXPECT_EQ(file.records[static_cast<size_t>(k)], SampleRow(k)) << k;
}

// A truncated file is an error, except where it ends at a block boundary: that is a valid file
// with fewer blocks.
void ExpectEveryTruncationIsAnErrorOrFewerBlocks(const std::string& bytes, size_t records) {
  const std::string sync = bytes.substr(bytes.size() - 16);
  for (size_t size = 0; size < bytes.size(); ++size) {
    const std::string_view prefix(bytes.data(), size);
    Result<AvroFile> file = ReadAvroFile(prefix);
    if (file.ok()) {
      EXPECT_TRUE(prefix.ends_with(sync)) << size;
      EXPECT_LT(file->records.size(), records) << size;
    } else {
      EXPECT_EQ(file.status().code(), StatusCode::kInvalidArgument) << size;
    }
  }
}

// Where the header ends and each block ends: just past each copy of the sync marker.
std::vector<size_t> SyncEnds(const std::string& bytes) {
  const std::string sync = bytes.substr(bytes.size() - 16);
  std::vector<size_t> ends;
  for (size_t at = bytes.find(sync); at != std::string::npos; at = bytes.find(sync, at + 1)) {
    ends.push_back(at + sync.size());
  }
  return ends;
}

TEST(AvroReaderTest, TruncationAtEveryOffsetIsReported) {
  const auto schema = nlohmann::json::parse(R"({"type": "record", "name": "r", "fields": [
      {"name": "s", "type": "string"}, {"name": "a", "type": {"type": "array", "items": "long"}},
      {"name": "u", "type": ["null", "double"]}]})");
  const AvroValue record = AvroValue::Record({{"s", AvroValue::String("abc")},
                                              {"a", AvroValue::Array({AvroValue::Long(300)})},
                                              {"u", AvroValue::Double(2)}});
  Result<std::string> small = WriteAvroFile(schema, {{"k", "v"}}, {record, record, record});
  ASSERT_TRUE(small.ok());
  ExpectEveryTruncationIsAnErrorOrFewerBlocks(*small, 3);
  ExpectEveryTruncationIsAnErrorOrFewerBlocks(ReadTestData("pyiceberg_manifest.avro"), 1);
}

TEST(AvroReaderTest, TruncationAtABlockBoundaryLeavesTheWholeBlocks) {
  const std::string bytes = ReadTestData("fastavro_all_types.avro");
  const std::vector<size_t> ends = SyncEnds(bytes);
  ASSERT_EQ(ends.size(), 9u);  // the header and 8 blocks of 7, 7, ..., 1 records
  for (size_t block = 0; block < ends.size(); ++block) {
    EXPECT_EQ(ReadOk(bytes.substr(0, ends[block])).records.size(), std::min<size_t>(7 * block, 50));
    EXPECT_NE(ReadError(bytes.substr(0, ends[block] - 1)), "");
  }
}

TEST(AvroReaderTest, CorruptedBytesAreReportedNotTrusted) {
  const std::string manifest = ReadTestData("pyiceberg_manifest.avro");
  // Flips in the header mostly exercise the JSON parser, so sample them; flip every block byte.
  const size_t header_end = SyncEnds(manifest).front();
  size_t tried = 0;
  size_t failed = 0;
  for (size_t at = 0; at < manifest.size(); at += at < header_end ? 7 : 1) {
    std::string corrupt = manifest;
    corrupt[at] = static_cast<char>(corrupt[at] ^ 0x5a);
    Result<AvroFile> file = ReadAvroFile(corrupt);
    ++tried;
    if (file.ok()) continue;
    ++failed;
    EXPECT_EQ(file.status().code(), StatusCode::kInvalidArgument) << at;
  }
  EXPECT_GT(failed, tried / 2);
}

TEST(AvroReaderTest, RejectsMalformedContainers) {
  const std::string ok = Header(R"("long")") + Block(1, Long(5));
  EXPECT_EQ(ReadOk(ok).records, std::vector<AvroValue>{AvroValue::Long(5)});
  EXPECT_EQ(ReadError(""), "Avro data ends inside a 4-byte value");
  EXPECT_EQ(ReadError("PAR1" + ok.substr(4)), "not an Avro file (bad magic)");
  std::string wrong_sync = ok;
  wrong_sync.back() = 'X';
  EXPECT_EQ(ReadError(wrong_sync), "Avro block 0: sync marker does not match the header's");
  EXPECT_TRUE(FailsWith(Header(R"("long")", "snappy"), "\"snappy\" is not supported"));
  EXPECT_EQ(ReadError(Header("{not json")), "Avro header's avro.schema is not JSON");
  EXPECT_TRUE(FailsWith(Header(R"({"type": "decimal"})"), "unknown type"));
  const std::string no_schema = std::string("Obj\x01", 4) + Long(0) + kSync;
  EXPECT_EQ(ReadError(no_schema), "Avro header has no avro.schema");
  const std::string twice = std::string("Obj\x01", 4) + Long(2) + Str("avro.schema") +
                            Str(R"("int")") + Str("avro.schema") + Str(R"("long")") + Long(0) +
                            kSync;
  EXPECT_EQ(ReadError(twice), "Avro header repeats key \"avro.schema\"");
  // A header map in a negative-count block (count, then byte size) is valid.
  const std::string sized = std::string("Obj\x01", 4) + Long(-1) + Long(18) + Str("avro.schema") +
                            Str(R"("int")") + Long(0) + kSync + Block(1, Long(-2));
  EXPECT_EQ(ReadOk(sized).records, std::vector<AvroValue>{AvroValue::Int(-2)});
  // A datum that runs past its block, and a block with bytes no record uses.
  EXPECT_TRUE(FailsWith(Header(R"("long")") + Block(2, Long(5)), "ends inside a number"));
  EXPECT_TRUE(FailsWith(Header(R"("long")") + Block(1, Long(5) + Long(6)), "1 bytes left"));
  EXPECT_TRUE(FailsWith(Header(R"("long")") + Block(-1, ""), "negative record count"));
}

TEST(AvroReaderTest, BoundsDeclaredLengthsByTheBytesLeft) {
  const int64_t huge = int64_t{1} << 62;
  const std::string header = std::string("Obj\x01", 4) + Long(huge) + Str("avro.schema");
  EXPECT_TRUE(FailsWith(header, "ends inside"));
  EXPECT_TRUE(
      FailsWith(Header(R"("long")") + Long(1) + Long(huge) + "x", "exceeds the 1 bytes left"));
  EXPECT_TRUE(FailsWith(Header(R"("string")") + Block(1, Long(huge)), "exceeds"));
  EXPECT_TRUE(FailsWith(Header(R"("bytes")") + Block(1, Long(-3)), "negative"));
  const std::string longs = R"({"type": "array", "items": "long"})";
  EXPECT_TRUE(FailsWith(Header(longs) + Block(1, Long(huge) + Long(1)), "ends inside"));
  EXPECT_TRUE(FailsWith(Header(longs) + Block(1, Long(INT64_MIN)), "out of range"));
  // Nulls take no bytes: a count of 2^62 must run out of budget, not memory or time.
  const std::string nulls = R"({"type": "array", "items": "null"})";
  EXPECT_TRUE(FailsWith(Header(nulls) + Block(1, Long(huge)), "zero-byte values"));
  EXPECT_TRUE(
      FailsWith(Header(R"({"type": "record", "name": "e", "fields": []})") + Block(huge, ""),
                "zero-byte values"));
  EXPECT_TRUE(FailsWith(Header(R"("long")") + Block(1, std::string(11, '\xff')), "64 bits"));
  EXPECT_TRUE(
      FailsWith(Header(R"("long")") + Block(1, std::string(9, '\xff') + "\x02"), "64 bits"));
  EXPECT_TRUE(FailsWith(Header(R"("int")") + Block(1, Long(int64_t{1} << 40)), "int out of range"));
}

TEST(AvroReaderTest, RejectsValuesOutsideTheirType) {
  EXPECT_EQ(ReadError(Header(R"("boolean")") + Block(1, "\x02")),
            "Avro block 0: Avro boolean is not 0 or 1");
  EXPECT_TRUE(FailsWith(Header(R"(["null", "long"])") + Block(1, Long(2)), "no branch 2"));
  EXPECT_TRUE(
      FailsWith(Header(R"({"type": "enum", "name": "e", "symbols": ["A"]})") + Block(1, Long(1)),
                "no symbol 1"));
  EXPECT_TRUE(FailsWith(Header(R"({"type": "fixed", "name": "f", "size": 1000})") + Block(1, "abc"),
                        "1000-byte"));
  // Nesting deeper than the reader follows, through a recursive type.
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += Long(1);
  deep += Long(0);
  const std::string list = R"({"type": "record", "name": "n",
                                "fields": [{"name": "next", "type": ["null", "n"]}]})";
  EXPECT_TRUE(FailsWith(Header(list) + Block(1, deep), "nested too deep"));
}

// Raw deflate of `data` with Arrow, as Avro's deflate codec stores it.
std::string Deflate(const std::string& data) {
  arrow::util::GZipCodecOptions options;
  options.gzip_format = arrow::util::GZipFormat::DEFLATE;
  options.compression_level = 1;  // fast enough for the 65 MiB bomb
  auto codec =
      std::move(arrow::util::Codec::Create(arrow::Compression::GZIP, options)).ValueOrDie();
  const auto input = reinterpret_cast<const uint8_t*>(data.data());
  std::string out(
      static_cast<size_t>(codec->MaxCompressedLen(static_cast<int64_t>(data.size()), input)), '\0');
  const int64_t size =
      codec
          ->Compress(static_cast<int64_t>(data.size()), input, static_cast<int64_t>(out.size()),
                     reinterpret_cast<uint8_t*>(out.data()))
          .ValueOrDie();
  out.resize(static_cast<size_t>(size));
  return out;
}

TEST(AvroReaderTest, InflatesDeflateBlocksWithinLimits) {
  const std::string bytes_schema = R"("bytes")";
  const std::string big(3 << 20, 'z');  // inflates past the first guesses at its size
  const AvroFile file = ReadOk(Header(bytes_schema, "deflate") + Block(1, Deflate(Str(big))));
  EXPECT_EQ(file.records, std::vector<AvroValue>{AvroValue::Bytes(big)});
  // A block that inflates past 64 MiB is refused before it is decoded.
  const std::string bomb = Deflate(Str(std::string(65 << 20, '\0')));
  EXPECT_LT(bomb.size(), 1u << 20);
  EXPECT_TRUE(FailsWith(Header(bytes_schema, "deflate") + Block(1, bomb), "inflates past"));
  const std::string compressed = Deflate(Str("abc"));
  const std::string truncated = compressed.substr(0, compressed.size() - 1);
  EXPECT_TRUE(FailsWith(Header(bytes_schema, "deflate") + Block(1, truncated), "ends before"));
  EXPECT_TRUE(
      FailsWith(Header(bytes_schema, "deflate") + Block(1, "\xff\xff\xff"), "deflate data"));
}

}  // namespace
}  // namespace dataml::engine::lake
