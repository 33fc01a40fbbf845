// AvroValue, and the binary encoding primitives the reader and writer share.
#include "engine/lake/avro.h"

#include <string>

#include "engine/lake/avro_internal.h"

namespace dataml::engine::lake {
namespace {

Status WrongKind(AvroValue::Kind actual, std::string_view wanted) {
  return Status::InvalidArgument("Avro value is " + std::string(AvroKindName(actual)) + ", not " +
                                 std::string(wanted));
}

}  // namespace

std::string_view AvroKindName(AvroValue::Kind kind) {
  switch (kind) {
    case AvroValue::Kind::kNull: return "null";
    case AvroValue::Kind::kBool: return "boolean";
    case AvroValue::Kind::kInt: return "int";
    case AvroValue::Kind::kLong: return "long";
    case AvroValue::Kind::kFloat: return "float";
    case AvroValue::Kind::kDouble: return "double";
    case AvroValue::Kind::kBytes: return "bytes";
    case AvroValue::Kind::kString: return "string";
    case AvroValue::Kind::kArray: return "array";
    case AvroValue::Kind::kMap: return "map";
    case AvroValue::Kind::kRecord: return "record";
    case AvroValue::Kind::kFixed: return "fixed";
  }
  return "unknown";
}

Result<bool> AvroValue::AsBool() const {
  if (kind_ != Kind::kBool) return WrongKind(kind_, "boolean");
  return std::get<bool>(data_);
}

Result<int32_t> AvroValue::AsInt() const {
  if (kind_ != Kind::kInt) return WrongKind(kind_, "int");
  return std::get<int32_t>(data_);
}

Result<int64_t> AvroValue::AsLong() const {
  if (kind_ == Kind::kInt) return int64_t{std::get<int32_t>(data_)};
  if (kind_ != Kind::kLong) return WrongKind(kind_, "long");
  return std::get<int64_t>(data_);
}

Result<float> AvroValue::AsFloat() const {
  if (kind_ != Kind::kFloat) return WrongKind(kind_, "float");
  return std::get<float>(data_);
}

Result<double> AvroValue::AsDouble() const {
  if (kind_ == Kind::kFloat) return double{std::get<float>(data_)};
  if (kind_ != Kind::kDouble) return WrongKind(kind_, "double");
  return std::get<double>(data_);
}

Result<std::string_view> AvroValue::AsBytes() const {
  if (kind_ != Kind::kBytes && kind_ != Kind::kString && kind_ != Kind::kFixed) {
    return WrongKind(kind_, "bytes");
  }
  return std::string_view(std::get<std::string>(data_));
}

Result<std::string_view> AvroValue::AsString() const {
  if (kind_ != Kind::kString) return WrongKind(kind_, "string");
  return std::string_view(std::get<std::string>(data_));
}

Result<std::span<const AvroValue>> AvroValue::AsArray() const {
  if (kind_ != Kind::kArray) return WrongKind(kind_, "array");
  return std::span<const AvroValue>(std::get<std::vector<AvroValue>>(data_));
}

Result<std::span<const std::pair<std::string, AvroValue>>> AvroValue::AsMap() const {
  if (kind_ != Kind::kMap) return WrongKind(kind_, "map");
  return std::span<const std::pair<std::string, AvroValue>>(std::get<Entries>(data_));
}

Result<std::span<const std::pair<std::string, AvroValue>>> AvroValue::AsRecordFields() const {
  if (kind_ != Kind::kRecord) return WrongKind(kind_, "record");
  return std::span<const std::pair<std::string, AvroValue>>(std::get<Entries>(data_));
}

const AvroValue* AvroValue::Find(std::string_view field) const {
  if (kind_ != Kind::kRecord) return nullptr;
  for (const auto& [name, value] : std::get<Entries>(data_)) {
    if (name == field) return &value;
  }
  return nullptr;
}

namespace avro_internal {

void AppendLong(std::string& out, int64_t value) {
  // Zig-zag maps small magnitudes of either sign to small unsigned numbers.
  uint64_t n = (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
  while (n >= 0x80) {
    out.push_back(static_cast<char>((n & 0x7f) | 0x80));
    n >>= 7;
  }
  out.push_back(static_cast<char>(n));
}

void AppendBytes(std::string& out, std::string_view bytes) {
  AppendLong(out, static_cast<int64_t>(bytes.size()));
  out.append(bytes);
}

Result<int64_t> ByteReader::ReadLong() {
  // A 64-bit varint has at most ten bytes, the tenth carrying only the top bit.
  constexpr int kMaxVarintBytes = 10;
  uint64_t n = 0;
  for (int i = 0; i < kMaxVarintBytes; ++i) {
    if (at_end()) return Status::InvalidArgument("Avro data ends inside a number");
    const auto byte = static_cast<uint8_t>(data_[pos_++]);
    if (i == kMaxVarintBytes - 1 && byte > 1) {
      return Status::InvalidArgument("Avro number does not fit in 64 bits");
    }
    n |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) return static_cast<int64_t>((n >> 1) ^ (~(n & 1) + 1));
  }
  return Status::InvalidArgument("Avro number does not fit in 64 bits");
}

Result<int32_t> ByteReader::ReadInt() {
  DATAML_ASSIGN_OR_RETURN(int64_t n, ReadLong());
  if (n < INT32_MIN || n > INT32_MAX) {
    return Status::InvalidArgument("Avro int out of range: " + std::to_string(n));
  }
  return static_cast<int32_t>(n);
}

Result<size_t> ByteReader::ReadLength() {
  DATAML_ASSIGN_OR_RETURN(int64_t n, ReadLong());
  if (n < 0) return Status::InvalidArgument("Avro length is negative: " + std::to_string(n));
  if (static_cast<uint64_t>(n) > remaining()) {
    return Status::InvalidArgument("Avro length " + std::to_string(n) + " exceeds the " +
                                   std::to_string(remaining()) + " bytes left");
  }
  return static_cast<size_t>(n);
}

Result<std::string_view> ByteReader::ReadFixed(size_t size) {
  if (size > remaining()) {
    return Status::InvalidArgument("Avro data ends inside a " + std::to_string(size) +
                                   "-byte value");
  }
  std::string_view out = data_.substr(pos_, size);
  pos_ += size;
  return out;
}

Result<std::string_view> ByteReader::ReadBytes() {
  DATAML_ASSIGN_OR_RETURN(size_t size, ReadLength());
  return ReadFixed(size);
}

}  // namespace avro_internal
}  // namespace dataml::engine::lake
