// WriteAvroFile: encodes AvroValues against a compiled schema into a null-codec container file.
#include <algorithm>
#include <bit>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "engine/lake/avro.h"
#include "engine/lake/avro_internal.h"

namespace dataml::engine::lake {
namespace {

using avro_internal::AppendBytes;
using avro_internal::AppendLong;
using avro_internal::AvroNode;
using avro_internal::AvroSchema;
using avro_internal::AvroType;
using Kind = AvroValue::Kind;

// A block is flushed at whichever comes first; readers hold one block at a time.
constexpr size_t kMaxRecordsPerBlock = 4096;
constexpr size_t kTargetBlockBytes = size_t{1} << 20;

// How well a value fits a schema type: exactly, through one of Avro's promotions (the
// writer's value read as a wider type), or not at all.
enum class Fit { kNone, kPromoted, kExact };

bool FixedOfSize(const AvroNode& node, const AvroValue& bytes) {
  return node.type == AvroType::kFixed &&
         static_cast<uint64_t>(node.size) == bytes.AsBytes()->size();
}

Fit FitOf(const AvroValue& value, const AvroNode& node) {
  const AvroType t = node.type;
  switch (value.kind()) {
    case Kind::kNull: return t == AvroType::kNull ? Fit::kExact : Fit::kNone;
    case Kind::kBool: return t == AvroType::kBoolean ? Fit::kExact : Fit::kNone;
    case Kind::kInt:
      if (t == AvroType::kInt) return Fit::kExact;
      return t == AvroType::kLong || t == AvroType::kDouble ? Fit::kPromoted : Fit::kNone;
    case Kind::kLong: return t == AvroType::kLong ? Fit::kExact : Fit::kNone;
    case Kind::kFloat:
      if (t == AvroType::kFloat) return Fit::kExact;
      return t == AvroType::kDouble ? Fit::kPromoted : Fit::kNone;
    case Kind::kDouble: return t == AvroType::kDouble ? Fit::kExact : Fit::kNone;
    case Kind::kBytes:
      if (t == AvroType::kBytes) return Fit::kExact;
      if (t == AvroType::kString || FixedOfSize(node, value)) return Fit::kPromoted;
      return Fit::kNone;
    case Kind::kFixed:
      if (FixedOfSize(node, value)) return Fit::kExact;
      return t == AvroType::kBytes ? Fit::kPromoted : Fit::kNone;
    case Kind::kString:
      if (t == AvroType::kString) return Fit::kExact;
      if (t == AvroType::kEnum) {
        const std::string_view symbol = *value.AsString();
        for (const std::string& s : node.symbols) {
          if (s == symbol) return Fit::kExact;
        }
      }
      return t == AvroType::kBytes ? Fit::kPromoted : Fit::kNone;
    case Kind::kArray: return t == AvroType::kArray ? Fit::kExact : Fit::kNone;
    case Kind::kMap: return t == AvroType::kMap ? Fit::kExact : Fit::kNone;
    case Kind::kRecord: return t == AvroType::kRecord ? Fit::kExact : Fit::kNone;
  }
  return Fit::kNone;
}

// The index of the union branch a value is written with: null's branch for null, else the
// first exact fit, else the first promotion; -1 when none fits.
int PickBranch(const AvroSchema& schema, const AvroNode& union_node, const AvroValue& value) {
  int promoted = -1;
  for (size_t i = 0; i < union_node.branches.size(); ++i) {
    const Fit fit = FitOf(value, schema.node(union_node.branches[i]));
    if (fit == Fit::kExact) return static_cast<int>(i);
    if (fit == Fit::kPromoted && promoted < 0) promoted = static_cast<int>(i);
  }
  return promoted;
}

void AppendLittleEndian(std::string& out, uint64_t bits, size_t size) {
  for (size_t i = 0; i < size; ++i) out.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
}

class DatumEncoder {
 public:
  explicit DatumEncoder(const AvroSchema& schema) : schema_(schema) {}

  Status Encode(const AvroValue& value, std::string& out) {
    path_.clear();
    return Encode(value, schema_.root, out, 0);
  }

 private:
  Status Encode(const AvroValue& value, int index, std::string& out, int depth) {
    if (depth > avro_internal::kMaxDepth) return Error("nested too deep");
    const AvroNode& node = schema_.node(index);
    if (node.type == AvroType::kUnion) return EncodeUnion(value, node, out, depth);
    if (FitOf(value, node) == Fit::kNone) {
      return Error("a " + std::string(AvroKindName(value.kind())) + " value does not fit type " +
                   std::string(avro_internal::AvroTypeName(node.type)));
    }
    switch (node.type) {
      case AvroType::kNull: return Status::OK();
      case AvroType::kBoolean: out.push_back(*value.AsBool() ? 1 : 0); return Status::OK();
      case AvroType::kInt: AppendLong(out, *value.AsInt()); return Status::OK();
      case AvroType::kLong: AppendLong(out, *value.AsLong()); return Status::OK();
      case AvroType::kFloat:
        AppendLittleEndian(out, std::bit_cast<uint32_t>(*value.AsFloat()), sizeof(float));
        return Status::OK();
      case AvroType::kDouble: return EncodeDouble(value, out);
      case AvroType::kBytes:
      case AvroType::kString: AppendBytes(out, *value.AsBytes()); return Status::OK();
      case AvroType::kFixed: out.append(*value.AsBytes()); return Status::OK();
      case AvroType::kEnum: return EncodeEnum(value, node, out);
      case AvroType::kRecord: return EncodeRecord(value, node, out, depth);
      case AvroType::kArray: return EncodeArray(value, node, out, depth);
      case AvroType::kMap: return EncodeMap(value, node, out, depth);
      case AvroType::kUnion: break;
    }
    return Status::Internal("Avro: unhandled schema type");
  }

  static Status EncodeDouble(const AvroValue& value, std::string& out) {
    // An int promotes to double exactly; AsDouble covers double and float.
    const double d = value.kind() == Kind::kInt ? *value.AsInt() : *value.AsDouble();
    AppendLittleEndian(out, std::bit_cast<uint64_t>(d), sizeof(double));
    return Status::OK();
  }

  static Status EncodeEnum(const AvroValue& value, const AvroNode& node, std::string& out) {
    const std::string_view symbol = *value.AsString();
    for (size_t i = 0; i < node.symbols.size(); ++i) {
      if (node.symbols[i] == symbol) AppendLong(out, static_cast<int64_t>(i));
    }
    return Status::OK();
  }

  Status EncodeUnion(const AvroValue& value, const AvroNode& node, std::string& out, int depth) {
    const int branch = PickBranch(schema_, node, value);
    if (branch < 0) {
      return Error("a " + std::string(AvroKindName(value.kind())) +
                   " value fits no branch of the union");
    }
    AppendLong(out, branch);
    return Encode(value, node.branches[static_cast<size_t>(branch)], out, depth + 1);
  }

  Status EncodeRecord(const AvroValue& value, const AvroNode& node, std::string& out, int depth) {
    const auto fields = *value.AsRecordFields();
    for (const auto& [name, unused] : fields) {
      const bool known = std::any_of(node.fields.begin(), node.fields.end(),
                                     [&](const auto& f) { return f.name == name; });
      if (!known) return Error("record " + node.name + " has no field \"" + name + "\"");
    }
    for (const avro_internal::AvroField& field : node.fields) {
      path_.push_back(field.name);
      const AvroValue* field_value = value.Find(field.name);
      // A field left out is null, which only a union with null accepts (Iceberg's optional).
      const AvroValue null_value;
      if (!field_value && PickBranch(schema_, schema_.node(field.type), null_value) < 0) {
        return Error("missing, and its type is not a union with null");
      }
      DATAML_RETURN_NOT_OK(
          Encode(field_value ? *field_value : null_value, field.type, out, depth + 1));
      path_.pop_back();
    }
    return Status::OK();
  }

  Status EncodeArray(const AvroValue& value, const AvroNode& node, std::string& out, int depth) {
    const auto items = *value.AsArray();
    if (!items.empty()) AppendLong(out, static_cast<int64_t>(items.size()));
    for (size_t i = 0; i < items.size(); ++i) {
      path_.push_back("[" + std::to_string(i) + "]");
      DATAML_RETURN_NOT_OK(Encode(items[i], node.items, out, depth + 1));
      path_.pop_back();
    }
    AppendLong(out, 0);
    return Status::OK();
  }

  Status EncodeMap(const AvroValue& value, const AvroNode& node, std::string& out, int depth) {
    const auto entries = *value.AsMap();
    if (!entries.empty()) AppendLong(out, static_cast<int64_t>(entries.size()));
    for (const auto& [key, item] : entries) {
      path_.push_back("[\"" + key + "\"]");
      AppendBytes(out, key);
      DATAML_RETURN_NOT_OK(Encode(item, node.items, out, depth + 1));
      path_.pop_back();
    }
    AppendLong(out, 0);
    return Status::OK();
  }

  // InvalidArgument naming where in the value the problem is, e.g. "data_file.record_count".
  Status Error(const std::string& problem) const {
    std::string where;
    for (const std::string& step : path_) {
      if (!where.empty() && step[0] != '[') where += '.';
      where += step;
    }
    if (where.empty()) return Status::InvalidArgument("Avro value: " + problem);
    return Status::InvalidArgument("Avro field " + where + ": " + problem);
  }

  const AvroSchema& schema_;
  std::vector<std::string> path_;
};

Result<std::string> DumpSchema(const nlohmann::json& schema) {
  try {
    return schema.dump();
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(std::string("Avro schema cannot be written: ") + e.what());
  }
}

// Fills `sync` with a fresh random marker (a Status, not a Result<std::string>: GCC 12 warns
// falsely about moving a short string into the Result).
Status NewSyncMarker(std::string& sync) {
  try {
    std::random_device random;
    sync.clear();
    while (sync.size() < avro_internal::kSyncSize) {
      AppendLittleEndian(sync, random(), sizeof(uint32_t));
    }
    return Status::OK();
  } catch (const std::exception& e) {
    return Status::Internal(std::string("no randomness for the Avro sync marker: ") + e.what());
  }
}

Status AppendHeader(std::string& out, const std::string& schema_text,
                    const std::map<std::string, std::string>& metadata) {
  for (const auto& [key, value] : metadata) {
    if (key.starts_with("avro.")) {
      return Status::InvalidArgument("Avro header key \"" + key + "\" is reserved");
    }
  }
  out.append(avro_internal::kMagic);
  AppendLong(out, static_cast<int64_t>(metadata.size()) + 2);
  AppendBytes(out, "avro.schema");
  AppendBytes(out, schema_text);
  AppendBytes(out, "avro.codec");
  AppendBytes(out, "null");
  for (const auto& [key, value] : metadata) {
    AppendBytes(out, key);
    AppendBytes(out, value);
  }
  AppendLong(out, 0);
  return Status::OK();
}

void AppendBlock(std::string& out, size_t count, const std::string& data, const std::string& sync) {
  AppendLong(out, static_cast<int64_t>(count));
  AppendBytes(out, data);
  out.append(sync);
}

}  // namespace

Result<std::string> WriteAvroFile(const nlohmann::json& schema,
                                  const std::map<std::string, std::string>& metadata,
                                  const std::vector<AvroValue>& records) {
  DATAML_ASSIGN_OR_RETURN(AvroSchema compiled, avro_internal::CompileAvroSchema(schema));
  DATAML_ASSIGN_OR_RETURN(std::string schema_text, DumpSchema(schema));
  std::string sync;
  DATAML_RETURN_NOT_OK(NewSyncMarker(sync));
  std::string out;
  DATAML_RETURN_NOT_OK(AppendHeader(out, schema_text, metadata));
  out.append(sync);
  DatumEncoder encoder(compiled);
  std::string block;
  size_t count = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    Status status = encoder.Encode(records[i], block);
    if (!status.ok()) {
      return Status::InvalidArgument("record " + std::to_string(i) + ": " + status.message());
    }
    if (++count == kMaxRecordsPerBlock || block.size() >= kTargetBlockBytes) {
      AppendBlock(out, count, block, sync);
      block.clear();
      count = 0;
    }
  }
  if (count > 0) AppendBlock(out, count, block, sync);
  return out;
}

}  // namespace dataml::engine::lake
