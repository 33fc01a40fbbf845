// Compiles an Avro JSON schema into AvroSchema's node graph, resolving named types (records,
// enums, fixed) by their full names as the Avro specification's "Names" section describes.
#include <array>
#include <functional>
#include <map>
#include <string>

#include "engine/lake/avro_internal.h"

namespace dataml::engine::lake::avro_internal {
namespace {

using nlohmann::json;

constexpr std::array<std::pair<std::string_view, AvroType>, 8> kPrimitives{{
    {"null", AvroType::kNull},
    {"boolean", AvroType::kBoolean},
    {"int", AvroType::kInt},
    {"long", AvroType::kLong},
    {"float", AvroType::kFloat},
    {"double", AvroType::kDouble},
    {"bytes", AvroType::kBytes},
    {"string", AvroType::kString},
}};

Status Invalid(std::string message) {
  return Status::InvalidArgument("Avro schema: " + std::move(message));
}

// A string member of a JSON object, or "" when absent or not a string.
std::string_view StringMember(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return it->get_ref<const std::string&>();
}

AvroNode NodeOf(AvroType type) {
  AvroNode node;
  node.type = type;
  return node;
}

class SchemaCompiler {
 public:
  Result<AvroSchema> Compile(const json& schema) {
    DATAML_ASSIGN_OR_RETURN(schema_.root, Type(schema, "", 0));
    return std::move(schema_);
  }

 private:
  int Add(AvroNode node) {
    schema_.nodes.push_back(std::move(node));
    return static_cast<int>(schema_.nodes.size()) - 1;
  }

  Result<int> Type(const json& type, std::string_view ns, int depth) {
    if (depth > kMaxDepth) return Invalid("nested deeper than " + std::to_string(kMaxDepth));
    if (type.is_string()) return Named(type.get_ref<const std::string&>(), ns);
    if (type.is_array()) return Union(type, ns, depth);
    if (!type.is_object() || !type.contains("type")) {
      constexpr size_t kQuoted = 80;  // enough to recognise the value, not to echo a whole file
      return Invalid("a type must be a name, a union or an object with \"type\", not " +
                     type.dump(-1, ' ', false, json::error_handler_t::replace).substr(0, kQuoted));
    }
    const json& inner = type["type"];
    const std::string_view kind =
        inner.is_string() ? std::string_view(inner.get_ref<const std::string&>()) : "";
    if (kind == "record" || kind == "error") return Record(type, ns, depth);
    if (kind == "enum") return Enum(type, ns);
    if (kind == "fixed") return Fixed(type, ns);
    if (kind == "array") return Container(type, AvroType::kArray, "items", ns, depth);
    if (kind == "map") return Container(type, AvroType::kMap, "values", ns, depth);
    // A primitive carrying attributes ({"type": "long", "logicalType": ...}), or a reference.
    return Type(inner, ns, depth + 1);
  }

  // A primitive type name, or a reference to a named type defined earlier.
  Result<int> Named(std::string_view name, std::string_view ns) {
    for (const auto& [primitive, type] : kPrimitives) {
      if (name == primitive) return Add(NodeOf(type));
    }
    if (name.find('.') == std::string_view::npos && !ns.empty()) {
      auto it = named_.find(std::string(ns) + "." + std::string(name));
      if (it != named_.end()) return it->second;
    }
    auto it = named_.find(name);
    if (it != named_.end()) return it->second;
    return Invalid("unknown type \"" + std::string(name) + "\"");
  }

  // Registers a named type under its full name; `ns` becomes the namespace it defines.
  Result<int> Define(const json& object, AvroNode node, std::string& ns) {
    const std::string_view name = StringMember(object, "name");
    if (name.empty()) return Invalid("a named type has no \"name\"");
    if (name.find('.') != std::string_view::npos) {
      ns = std::string(name.substr(0, name.rfind('.')));
      node.name = std::string(name);
    } else {
      if (object.contains("namespace")) ns = std::string(StringMember(object, "namespace"));
      node.name = ns.empty() ? std::string(name) : ns + "." + std::string(name);
    }
    if (named_.contains(node.name)) return Invalid("type \"" + node.name + "\" defined twice");
    std::string full_name = node.name;
    const int index = Add(std::move(node));
    named_.emplace(std::move(full_name), index);
    return index;
  }

  Result<int> Record(const json& object, std::string_view enclosing_ns, int depth) {
    auto fields = object.find("fields");
    if (fields == object.end() || !fields->is_array()) return Invalid("a record needs \"fields\"");
    std::string ns(enclosing_ns);
    // Defined before its fields are compiled, so that a field may refer to the record itself.
    DATAML_ASSIGN_OR_RETURN(int index, Define(object, NodeOf(AvroType::kRecord), ns));
    for (const json& field : *fields) {
      const std::string_view name = field.is_object() ? StringMember(field, "name") : "";
      if (name.empty() || !field.contains("type")) {
        return Invalid("a field of record \"" + schema_.node(index).name +
                       "\" has no name or type");
      }
      for (const AvroField& seen : schema_.node(index).fields) {
        if (seen.name == name) return Invalid("field \"" + seen.name + "\" appears twice");
      }
      DATAML_ASSIGN_OR_RETURN(int type, Type(field["type"], ns, depth + 1));
      schema_.nodes[static_cast<size_t>(index)].fields.push_back({std::string(name), type});
    }
    return index;
  }

  Result<int> Enum(const json& object, std::string_view enclosing_ns) {
    auto symbols = object.find("symbols");
    if (symbols == object.end() || !symbols->is_array()) {
      return Invalid("an enum needs \"symbols\"");
    }
    AvroNode node = NodeOf(AvroType::kEnum);
    for (const json& symbol : *symbols) {
      if (!symbol.is_string()) return Invalid("an enum symbol is not a string");
      node.symbols.push_back(symbol.get<std::string>());
    }
    std::string ns(enclosing_ns);
    return Define(object, std::move(node), ns);
  }

  Result<int> Fixed(const json& object, std::string_view enclosing_ns) {
    auto size = object.find("size");
    if (size == object.end() || !size->is_number_unsigned()) {
      return Invalid("a fixed type needs a non-negative integer \"size\"");
    }
    AvroNode node = NodeOf(AvroType::kFixed);
    const uint64_t n = size->get<uint64_t>();
    if (n > INT64_MAX) return Invalid("fixed size too large");
    node.size = static_cast<int64_t>(n);
    std::string ns(enclosing_ns);
    return Define(object, std::move(node), ns);
  }

  Result<int> Container(const json& object, AvroType type, const char* key, std::string_view ns,
                        int depth) {
    auto element = object.find(key);
    if (element == object.end()) {
      return Invalid(std::string(AvroTypeName(type)) + " needs \"" + key + "\"");
    }
    DATAML_ASSIGN_OR_RETURN(int items, Type(*element, ns, depth + 1));
    AvroNode node = NodeOf(type);
    node.items = items;
    return Add(std::move(node));
  }

  Result<int> Union(const json& branches, std::string_view ns, int depth) {
    if (branches.empty()) return Invalid("a union needs at least one branch");
    AvroNode node = NodeOf(AvroType::kUnion);
    for (const json& branch : branches) {
      if (branch.is_array()) return Invalid("a union may not contain a union");
      DATAML_ASSIGN_OR_RETURN(int type, Type(branch, ns, depth + 1));
      node.branches.push_back(type);
    }
    return Add(std::move(node));
  }

  AvroSchema schema_;
  std::map<std::string, int, std::less<>> named_;
};

}  // namespace

Result<AvroSchema> CompileAvroSchema(const nlohmann::json& schema) {
  return SchemaCompiler().Compile(schema);
}

std::string_view AvroTypeName(AvroType type) {
  switch (type) {
    case AvroType::kNull: return "null";
    case AvroType::kBoolean: return "boolean";
    case AvroType::kInt: return "int";
    case AvroType::kLong: return "long";
    case AvroType::kFloat: return "float";
    case AvroType::kDouble: return "double";
    case AvroType::kBytes: return "bytes";
    case AvroType::kString: return "string";
    case AvroType::kRecord: return "record";
    case AvroType::kEnum: return "enum";
    case AvroType::kArray: return "array";
    case AvroType::kMap: return "map";
    case AvroType::kUnion: return "union";
    case AvroType::kFixed: return "fixed";
  }
  return "unknown";
}

}  // namespace dataml::engine::lake::avro_internal
