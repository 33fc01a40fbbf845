// Avro object container files, the format of Iceberg manifests and manifest lists. Written by
// hand because Debian's avro-c cannot write custom header keys or field-id attributes, which
// Iceberg readers require (design notes, ICEBERG.md). The writer emits the "null" codec; the
// reader also takes "deflate", which pyiceberg, Java and Spark write by default. The reader
// treats its input as hostile: every length is bounded by the bytes that remain and inflated
// data is capped, so a malformed file yields InvalidArgument, never a crash or an outsized
// allocation.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/result.h"

namespace dataml::engine::lake {

// A decoded or to-be-encoded Avro datum. Unions are transparent (a value is the branch's value)
// and an enum decodes to a String holding its symbol (the writer takes the same).
class AvroValue {
 public:
  enum class Kind {
    kNull,
    kBool,
    kInt,
    kLong,
    kFloat,
    kDouble,
    kBytes,
    kString,
    kArray,
    kMap,
    kRecord,
    kFixed
  };
  using Entries = std::vector<std::pair<std::string, AvroValue>>;

  AvroValue() = default;  // null

  static AvroValue Null() { return AvroValue(); }
  static AvroValue Bool(bool v) { return AvroValue(Kind::kBool, v); }
  static AvroValue Int(int32_t v) { return AvroValue(Kind::kInt, v); }
  static AvroValue Long(int64_t v) { return AvroValue(Kind::kLong, v); }
  static AvroValue Float(float v) { return AvroValue(Kind::kFloat, v); }
  static AvroValue Double(double v) { return AvroValue(Kind::kDouble, v); }
  static AvroValue Bytes(std::string v) { return AvroValue(Kind::kBytes, std::move(v)); }
  static AvroValue String(std::string v) { return AvroValue(Kind::kString, std::move(v)); }
  static AvroValue Fixed(std::string v) { return AvroValue(Kind::kFixed, std::move(v)); }
  static AvroValue Array(std::vector<AvroValue> items) {
    return AvroValue(Kind::kArray, std::move(items));
  }
  // Map entries and record fields keep the order given.
  static AvroValue Map(Entries entries) { return AvroValue(Kind::kMap, std::move(entries)); }
  static AvroValue Record(Entries fields) { return AvroValue(Kind::kRecord, std::move(fields)); }

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }

  // Typed accessors: InvalidArgument naming both kinds when the value is of another kind, so a
  // manifest with a wrong type is reported, not trusted. AsLong accepts an Int (Avro's int->long
  // promotion), AsDouble a Float, AsBytes a String or Fixed. Views live as long as the value, but
  // bind the Result before iterating: `for (auto& x : *v.AsArray())` would iterate a span inside
  // a destroyed temporary; `DATAML_ASSIGN_OR_RETURN(auto items, v.AsArray())` is safe.
  Result<bool> AsBool() const;
  Result<int32_t> AsInt() const;
  Result<int64_t> AsLong() const;
  Result<float> AsFloat() const;
  Result<double> AsDouble() const;
  Result<std::string_view> AsBytes() const;
  Result<std::string_view> AsString() const;
  Result<std::span<const AvroValue>> AsArray() const;
  Result<std::span<const std::pair<std::string, AvroValue>>> AsMap() const;
  Result<std::span<const std::pair<std::string, AvroValue>>> AsRecordFields() const;

  // A record's field by name; nullptr when absent or when this is not a record.
  const AvroValue* Find(std::string_view field) const;

  // Structural equality; a NaN float is unequal to itself, as in IEEE.
  bool operator==(const AvroValue& other) const = default;

 private:
  using Storage = std::variant<std::monostate, bool, int32_t, int64_t, float, double, std::string,
                               std::vector<AvroValue>, Entries>;
  template <typename T>
  AvroValue(Kind kind, T value) : kind_(kind), data_(std::move(value)) {}

  Kind kind_ = Kind::kNull;
  Storage data_;
};

// The name Avro gives a value's kind ("long", "record", ...), for messages.
std::string_view AvroKindName(AvroValue::Kind kind);

struct AvroFile {
  nlohmann::json schema;                        // the writer schema from the header
  std::map<std::string, std::string> metadata;  // every header key except avro.schema / avro.codec
  std::vector<AvroValue> records;
};

// An Avro object container file (null codec) holding `records`, each encoded against `schema`
// (primitives, record, enum, array, map, union, fixed, named-type references; unknown attributes
// such as "field-id" are kept in the header's avro.schema). `metadata` joins avro.schema and
// avro.codec in the header; keys starting "avro." are reserved and rejected. A union takes the
// null branch for a null value, else the first branch of the value's kind, else the first the
// value promotes to (int->long, float->double, string<->bytes, bytes->fixed of its size). A
// record value names its fields; a missing one is written as null when its type is a union with
// null, else InvalidArgument names it, as it does an unknown field or a value of the wrong kind.
Result<std::string> WriteAvroFile(const nlohmann::json& schema,
                                  const std::map<std::string, std::string>& metadata,
                                  const std::vector<AvroValue>& records);

// Decodes a container file written with the "null" or "deflate" codec. InvalidArgument for
// anything malformed: bad magic, truncated or oversized blocks, a wrong sync marker, an unknown
// codec, a schema it cannot compile, a datum that runs past its block.
Result<AvroFile> ReadAvroFile(std::string_view bytes);

}  // namespace dataml::engine::lake
