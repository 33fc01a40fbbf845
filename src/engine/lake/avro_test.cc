// Writing and reading back: every type, named types, union branch choice, blocking, and the
// writer's errors. Files from other writers and hostile input are in avro_reader_test.cc.
#include "engine/lake/avro.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace dataml::engine::lake {
namespace {

using Entries = AvroValue::Entries;

nlohmann::json Schema(const char* text) { return nlohmann::json::parse(text); }

AvroFile RoundTrip(const nlohmann::json& schema, const std::vector<AvroValue>& records,
                   const std::map<std::string, std::string>& metadata = {}) {
  Result<std::string> bytes = WriteAvroFile(schema, metadata, records);
  EXPECT_TRUE(bytes.ok()) << bytes.status().message();
  if (!bytes.ok()) return {};
  Result<AvroFile> file = ReadAvroFile(*bytes);
  EXPECT_TRUE(file.ok()) << file.status().message();
  return file.ok() ? *file : AvroFile{};
}

bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// The writer's message for `record`, or "" when it was written.
std::string WriteError(const char* schema, const AvroValue& record) {
  Result<std::string> bytes = WriteAvroFile(Schema(schema), {}, {record});
  if (bytes.ok()) return "";
  EXPECT_EQ(bytes.status().code(), StatusCode::kInvalidArgument);
  return bytes.status().message();
}

TEST(AvroTest, RoundTripsEveryPrimitiveWithExtremes) {
  const auto schema = Schema(R"({"type": "record", "name": "all", "fields": [
      {"name": "n", "type": "null"}, {"name": "b", "type": "boolean"},
      {"name": "i", "type": "int"}, {"name": "l", "type": "long"},
      {"name": "f", "type": "float"}, {"name": "d", "type": "double"},
      {"name": "by", "type": "bytes"}, {"name": "s", "type": "string"},
      {"name": "fx", "type": {"type": "fixed", "name": "three", "size": 3}},
      {"name": "e", "type": {"type": "enum", "name": "color", "symbols": ["RED", "GREEN"]}}]})");
  auto row = [](bool b, int32_t i, int64_t l, float f, double d, std::string by, std::string s,
                std::string fx, std::string e) {
    return AvroValue::Record({{"n", AvroValue::Null()},
                              {"b", AvroValue::Bool(b)},
                              {"i", AvroValue::Int(i)},
                              {"l", AvroValue::Long(l)},
                              {"f", AvroValue::Float(f)},
                              {"d", AvroValue::Double(d)},
                              {"by", AvroValue::Bytes(std::move(by))},
                              {"s", AvroValue::String(std::move(s))},
                              {"fx", AvroValue::Fixed(std::move(fx))},
                              {"e", AvroValue::String(std::move(e))}});
  };
  using std::numeric_limits;
  const std::vector<AvroValue> records = {
      row(true, numeric_limits<int32_t>::min(), numeric_limits<int64_t>::min(),
          numeric_limits<float>::lowest(), numeric_limits<double>::infinity(),
          std::string("\0\xff", 2), "", std::string("\0\0\0", 3), "RED"),
      row(false, numeric_limits<int32_t>::max(), numeric_limits<int64_t>::max(),
          numeric_limits<float>::denorm_min(), -0.0, "", "caf\xc3\xa9 \xe2\x82\xac", "abc",
          "GREEN"),
      row(true, -1, 64, 1.5f, 3.25, "x", "row", "xyz", "RED"),
  };
  const AvroFile file = RoundTrip(schema, records);
  EXPECT_EQ(file.records, records);
  ASSERT_EQ(file.records.size(), 3u);
  EXPECT_TRUE(std::signbit(*file.records[1].Find("d")->AsDouble()));
  EXPECT_EQ(file.schema, schema);
  EXPECT_TRUE(file.metadata.empty());
}

TEST(AvroTest, RoundTripsNestedRecordsArraysMapsAndUnions) {
  const auto schema = Schema(R"({"type": "record", "name": "outer", "fields": [
      {"name": "points", "type": {"type": "array", "items": {"type": "record", "name": "point",
          "fields": [{"name": "x", "type": "double"}, {"name": "y", "type": "double"}]}}},
      {"name": "tags", "type": {"type": "map", "values": {"type": "array", "items": "string"}}},
      {"name": "maybe", "type": ["null", "point", "long"]},
      {"name": "nested", "type": {"type": "record", "name": "inner", "fields": [
          {"name": "empty", "type": {"type": "record", "name": "nothing", "fields": []}},
          {"name": "counts", "type": {"type": "map", "values": ["null", "long"]}}]}}]})");
  auto point = [](double x, double y) {
    return AvroValue::Record({{"x", AvroValue::Double(x)}, {"y", AvroValue::Double(y)}});
  };
  auto strings = [](std::vector<std::string> items) {
    std::vector<AvroValue> values;
    for (std::string& s : items) values.push_back(AvroValue::String(std::move(s)));
    return AvroValue::Array(std::move(values));
  };
  const std::vector<AvroValue> records = {
      AvroValue::Record(
          {{"points", AvroValue::Array({point(1, 2), point(-3, 4.5)})},
           {"tags", AvroValue::Map({{"a", strings({"x", "y"})}, {"b", strings({})}})},
           {"maybe", point(7, 8)},
           {"nested",
            AvroValue::Record({{"empty", AvroValue::Record({})},
                               {"counts", AvroValue::Map({{"k", AvroValue::Long(3)},
                                                          {"z", AvroValue::Null()}})}})}}),
      AvroValue::Record({{"points", AvroValue::Array({})},
                         {"tags", AvroValue::Map({})},
                         {"maybe", AvroValue::Long(-9)},
                         {"nested", AvroValue::Record({{"empty", AvroValue::Record({})},
                                                       {"counts", AvroValue::Map({})}})}}),
  };
  EXPECT_EQ(RoundTrip(schema, records).records, records);
}

TEST(AvroTest, ResolvesNamedTypesAcrossNamespaces) {
  // "point" is defined inside geo's namespace and then used by its short name there, by its
  // full name from another namespace, and from inside a union within an array.
  const auto schema = Schema(R"({"type": "record", "name": "shape", "namespace": "geo", "fields": [
      {"name": "origin", "type": {"type": "record", "name": "point",
          "fields": [{"name": "x", "type": "long"}, {"name": "hash",
                      "type": {"type": "fixed", "name": "md5", "size": 2}}]}},
      {"name": "corner", "type": "point"},
      {"name": "path", "type": {"type": "array", "items": ["null", "geo.point"]}},
      {"name": "meta", "type": {"type": "record", "name": "other.meta", "fields": [
          {"name": "anchor", "type": "geo.point"}, {"name": "sum", "type": "geo.md5"}]}}]})");
  auto point = [](int64_t x) {
    return AvroValue::Record({{"x", AvroValue::Long(x)}, {"hash", AvroValue::Fixed("ab")}});
  };
  const std::vector<AvroValue> records = {AvroValue::Record(
      {{"origin", point(1)},
       {"corner", point(2)},
       {"path", AvroValue::Array({point(3), AvroValue::Null(), point(4)})},
       {"meta", AvroValue::Record({{"anchor", point(5)}, {"sum", AvroValue::Fixed("cd")}})}})};
  EXPECT_EQ(RoundTrip(schema, records).records, records);
}

TEST(AvroTest, RoundTripsARecursiveType) {
  const auto schema = Schema(R"({"type": "record", "name": "node", "fields": [
      {"name": "value", "type": "long"}, {"name": "next", "type": ["null", "node"]}]})");
  AvroValue list = AvroValue::Record({{"value", AvroValue::Long(3)}, {"next", AvroValue::Null()}});
  for (int64_t v : {2, 1})
    list = AvroValue::Record({{"value", AvroValue::Long(v)}, {"next", list}});
  const AvroFile file = RoundTrip(schema, {list});
  EXPECT_EQ(file.records, std::vector<AvroValue>{list});
}

TEST(AvroTest, UnionTakesNullThenTheValuesKindThenAPromotion) {
  const auto schema = Schema(R"({"type": "record", "name": "r", "fields": [
      {"name": "a", "type": ["null", "int", "long"]},
      {"name": "b", "type": ["null", "int", "long"]},
      {"name": "c", "type": ["null", "string", "long"]}, {"name": "d", "type": ["double", "null"]},
      {"name": "e", "type": ["null", "bytes", "string"]}]})");
  const AvroFile file =
      RoundTrip(schema, {AvroValue::Record({{"a", AvroValue::Long(7)},
                                            {"b", AvroValue::Int(7)},
                                            {"c", AvroValue::Int(5)},
                                            {"d", AvroValue::Float(1.5f)},
                                            {"e", AvroValue::String("s")}}),
                         AvroValue::Record({{"a", AvroValue::Null()}, {"d", AvroValue::Null()}})});
  ASSERT_EQ(file.records.size(), 2u);
  const AvroValue& first = file.records[0];
  EXPECT_EQ(*first.Find("a"), AvroValue::Long(7));
  EXPECT_EQ(*first.Find("b"), AvroValue::Int(7));
  EXPECT_EQ(*first.Find("c"), AvroValue::Long(5));  // int promotes to the long branch
  EXPECT_EQ(*first.Find("d"), AvroValue::Double(1.5));
  EXPECT_EQ(*first.Find("e"), AvroValue::String("s"));
  // Fields left out of a record are written as null when their union allows it.
  for (const char* field : {"a", "b", "c", "d", "e"}) {
    ASSERT_NE(file.records[1].Find(field), nullptr) << field;
    EXPECT_TRUE(file.records[1].Find(field)->is_null()) << field;
  }
}

TEST(AvroTest, WritesTheWireFormatOfTheSpecification) {
  const auto schema = Schema(R"({"type": "record", "name": "r", "fields": [
      {"name": "a", "type": "long"}, {"name": "b", "type": "string"},
      {"name": "u", "type": ["null", "int"]},
      {"name": "m", "type": {"type": "map", "values": "int"}}]})");
  const AvroValue record = AvroValue::Record({{"a", AvroValue::Long(-64)},
                                              {"b", AvroValue::String("hi")},
                                              {"u", AvroValue::Int(64)},
                                              {"m", AvroValue::Map({{"k", AvroValue::Int(-1)}})}});
  Result<std::string> bytes = WriteAvroFile(schema, {{"k", "v"}}, {record});
  ASSERT_TRUE(bytes.ok()) << bytes.status().message();
  ASSERT_GT(bytes->size(), 4u + 16u);
  EXPECT_EQ(bytes->substr(0, 4), std::string("Obj\x01", 4));
  // -64 -> 0x7f; "hi"; union branch 1 then 64 -> 0x80 0x01; map block of 1, "k", -1, end.
  const std::string data("\x7f\x04hi\x02\x80\x01\x02\x02k\x01\x00", 12);
  const std::string sync = bytes->substr(bytes->size() - 16);
  EXPECT_EQ(bytes->substr(bytes->size() - 16 - data.size() - 2),
            std::string("\x02\x18", 2) + data + sync);  // 1 record, 12 bytes
  EXPECT_NE(bytes->find("avro.codec\x08null"), std::string::npos);
}

TEST(AvroTest, KeepsHeaderMetadataAndSchemaAttributes) {
  const auto schema = Schema(R"({"type": "record", "name": "manifest_file", "fields": [
      {"name": "manifest_path", "type": "string", "field-id": 500, "doc": "Location URI"},
      {"name": "sizes", "type": ["null", {"type": "array", "logicalType": "map", "items": {
          "type": "record", "name": "k117_v118", "fields": [
              {"name": "key", "type": "int", "field-id": 117},
              {"name": "value", "type": "long", "field-id": 118}]}}], "default": null,
       "field-id": 108}]})");
  const std::map<std::string, std::string> metadata = {{"format-version", "2"},
                                                       {"schema", R"({"type":"struct"})"}};
  const AvroValue record = AvroValue::Record(
      {{"manifest_path", AvroValue::String("s3://b/m.avro")},
       {"sizes", AvroValue::Array({AvroValue::Record(
                     {{"key", AvroValue::Int(1)}, {"value", AvroValue::Long(125)}})})}});
  const AvroFile file = RoundTrip(schema, {record}, metadata);
  EXPECT_EQ(file.metadata, metadata);
  EXPECT_EQ(file.schema, schema);
  EXPECT_EQ(file.schema["fields"][0]["field-id"], 500);
  EXPECT_EQ(file.records, std::vector<AvroValue>{record});
}

TEST(AvroTest, SplitsManyRecordsIntoBlocks) {
  const auto schema = Schema(R"({"type": "record", "name": "r", "fields": [
      {"name": "id", "type": "long"}, {"name": "pad", "type": "string"}]})");
  std::vector<AvroValue> records;
  for (int64_t i = 0; i < 10000; ++i) {
    // Three records of 400 KB go past the 1 MiB block target; the rest are small.
    const size_t pad = i < 3 ? 400 << 10 : 1;
    records.push_back(AvroValue::Record(
        {{"id", AvroValue::Long(i)}, {"pad", AvroValue::String(std::string(pad, 'p'))}}));
  }
  Result<std::string> bytes = WriteAvroFile(schema, {}, records);
  ASSERT_TRUE(bytes.ok()) << bytes.status().message();
  // The sync marker ends the header and every block: blocks of 3, 4096, 4096, 1805 records.
  const std::string sync = bytes->substr(bytes->size() - 16);
  size_t markers = 0;
  for (size_t at = bytes->find(sync); at != std::string::npos; at = bytes->find(sync, at + 1)) {
    ++markers;
  }
  EXPECT_EQ(markers, 5u);
  Result<AvroFile> file = ReadAvroFile(*bytes);
  ASSERT_TRUE(file.ok()) << file.status().message();
  EXPECT_EQ(file->records, records);
}

TEST(AvroTest, WritesAHeaderOnlyFileForNoRecords) {
  const AvroFile file = RoundTrip(Schema(R"("long")"), {});
  EXPECT_TRUE(file.records.empty());
  EXPECT_EQ(file.schema, "long");
}

TEST(AvroTest, RejectsValuesThatDoNotFitTheSchema) {
  const char* schema = R"({"type": "record", "name": "entry", "fields": [
      {"name": "status", "type": "int"},
      {"name": "data_file", "type": {"type": "record", "name": "r2", "fields": [
          {"name": "record_count", "type": "long"}, {"name": "hash", "type":
              {"type": "fixed", "name": "h", "size": 2}},
          {"name": "kind", "type": {"type": "enum", "name": "k", "symbols": ["DATA"]}},
          {"name": "ids", "type": {"type": "array", "items": ["null", "int"]}}]}}]})";
  auto entry = [](AvroValue::Entries data_file) {
    Entries full = {{"record_count", AvroValue::Long(1)},
                    {"hash", AvroValue::Fixed("ab")},
                    {"kind", AvroValue::String("DATA")},
                    {"ids", AvroValue::Array({})}};
    for (auto& [name, value] : data_file) {
      for (auto& field : full) {
        if (field.first == name) field.second = value;
      }
    }
    return AvroValue::Record(
        {{"status", AvroValue::Int(1)}, {"data_file", AvroValue::Record(full)}});
  };
  EXPECT_EQ(WriteError(schema, entry({})), "");
  EXPECT_EQ(WriteError(schema, AvroValue::Record({{"data_file", AvroValue::Null()}})),
            "record 0: Avro field status: missing, and its type is not a union with null");
  EXPECT_EQ(WriteError(schema, entry({{"record_count", AvroValue::String("3")}})),
            "record 0: Avro field data_file.record_count: a string value does not fit type long");
  EXPECT_PRED2(Contains, WriteError(schema, entry({{"hash", AvroValue::Fixed("abc")}})),
               "data_file.hash");
  EXPECT_PRED2(Contains, WriteError(schema, entry({{"kind", AvroValue::String("DELETES")}})),
               "data_file.kind");
  EXPECT_EQ(WriteError(schema,
                       entry({{"ids", AvroValue::Array({AvroValue::Int(1), AvroValue::Long(2)})}})),
            "record 0: Avro field data_file.ids[1]: a long value fits no branch of the union");
  EXPECT_EQ(WriteError(schema, AvroValue::Record(
                                   {{"status", AvroValue::Int(1)}, {"stauts", AvroValue::Int(1)}})),
            "record 0: Avro value: record entry has no field \"stauts\"");
  EXPECT_NE(WriteError(schema, AvroValue::Long(1)), "");
}

TEST(AvroTest, RejectsBadSchemasAndReservedMetadata) {
  const std::vector<const char*> bad = {
      R"("decimal")",
      R"({"type": "record", "name": "a", "fields": [{"name": "x", "type": "b"}]})",
      R"({"type": "record", "name": "a",
          "fields": [{"name": "x", "type": "a"}, {"name": "x", "type": "long"}]})",
      R"(["null", ["long"]])",
      R"({"type": "fixed", "name": "f"})",
      R"({"type": "array"})",
      R"({"type": "enum", "name": "e", "symbols": [1]})",
      R"([{"type": "fixed", "name": "f", "size": 1}, {"type": "fixed", "name": "f", "size": 2}])",
      R"(42)",
  };
  for (const char* schema : bad) {
    Result<std::string> bytes = WriteAvroFile(Schema(schema), {}, {});
    EXPECT_EQ(bytes.status().code(), StatusCode::kInvalidArgument) << schema;
  }
  Result<std::string> reserved =
      WriteAvroFile(Schema(R"("long")"), {{"avro.codec", "deflate"}}, {});
  EXPECT_EQ(reserved.status().code(), StatusCode::kInvalidArgument);
}

TEST(AvroTest, AccessorsCheckTheKind) {
  EXPECT_EQ(*AvroValue::Int(-5).AsLong(), -5);
  EXPECT_EQ(*AvroValue::Float(0.25f).AsDouble(), 0.25);
  EXPECT_EQ(*AvroValue::Fixed("ab").AsBytes(), "ab");
  EXPECT_EQ(*AvroValue::String("s").AsBytes(), "s");
  Result<std::string_view> not_string = AvroValue::Bytes("b").AsString();
  EXPECT_EQ(not_string.status().message(), "Avro value is bytes, not string");
  EXPECT_FALSE(AvroValue::Long(1).AsInt().ok());
  EXPECT_FALSE(AvroValue::Null().AsBool().ok());
  EXPECT_FALSE(AvroValue::Map({}).AsRecordFields().ok());
  EXPECT_FALSE(AvroValue::Record({}).AsMap().ok());
  EXPECT_EQ(AvroValue::Map({{"k", AvroValue::Null()}}).Find("k"), nullptr);
  const AvroValue record = AvroValue::Record({{"k", AvroValue::Bool(true)}});
  ASSERT_NE(record.Find("k"), nullptr);
  EXPECT_TRUE(*record.Find("k")->AsBool());
  EXPECT_EQ(AvroValue::Array({AvroValue::Null()}).AsArray()->size(), 1u);
  EXPECT_NE(AvroValue::Bytes("x"), AvroValue::String("x"));
}

}  // namespace
}  // namespace dataml::engine::lake
