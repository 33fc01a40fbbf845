// What the Avro reader and writer share: a schema compiled from its JSON into a graph of nodes,
// and the binary encoding's primitives. Private to engine/lake/avro*.cc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace dataml::engine::lake::avro_internal {

inline constexpr std::string_view kMagic{"Obj\x01", 4};
inline constexpr size_t kSyncSize = 16;
// Deeper nesting than this is refused: Iceberg's manifests nest four levels, and the limit keeps
// a recursive schema (or a hostile one) from exhausting the stack.
inline constexpr int kMaxDepth = 64;

enum class AvroType {
  kNull,
  kBoolean,
  kInt,
  kLong,
  kFloat,
  kDouble,
  kBytes,
  kString,
  kRecord,
  kEnum,
  kArray,
  kMap,
  kUnion,
  kFixed
};

struct AvroField {
  std::string name;
  int type = 0;  // node index
};

// One type of a compiled schema. Named types appear once and are referred to by index, so a
// recursive type is a cycle of indices, not of pointers.
struct AvroNode {
  AvroType type = AvroType::kNull;
  std::string name;                  // full name of a record, enum or fixed
  std::vector<AvroField> fields;     // record
  std::vector<std::string> symbols;  // enum
  std::vector<int> branches;         // union
  int items = -1;                    // array items, map values
  int64_t size = 0;                  // fixed
};

struct AvroSchema {
  std::vector<AvroNode> nodes;
  int root = 0;

  const AvroNode& node(int index) const { return nodes[static_cast<size_t>(index)]; }
};

// InvalidArgument naming the problem when the JSON is not an Avro schema this codec handles.
Result<AvroSchema> CompileAvroSchema(const nlohmann::json& schema);

// The Avro name of a type ("long", "record"), for messages.
std::string_view AvroTypeName(AvroType type);

// Zig-zag varint encoding of Avro's int and long.
void AppendLong(std::string& out, int64_t value);
// A long length followed by the bytes.
void AppendBytes(std::string& out, std::string_view bytes);

// A cursor over bytes that never reads past their end; every error is InvalidArgument.
class ByteReader {
 public:
  explicit ByteReader(std::string_view data) : data_(data) {}

  size_t remaining() const { return data_.size() - pos_; }
  size_t position() const { return pos_; }
  bool at_end() const { return pos_ == data_.size(); }

  Result<int64_t> ReadLong();
  Result<int32_t> ReadInt();
  // A length that must fit in what remains (so no allocation exceeds the input).
  Result<size_t> ReadLength();
  Result<std::string_view> ReadFixed(size_t size);
  Result<std::string_view> ReadBytes();

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace dataml::engine::lake::avro_internal
