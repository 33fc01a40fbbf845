// ReadAvroFile: the container (magic, header map, sync marker, blocks) and the datum decoder.
// Allocation is bounded by the input: every length is checked against the bytes left, deflate
// output is capped per block and per file, and values that take no bytes (nulls, empty records)
// draw on a budget, so a block cannot declare billions of them.
#include <arrow/util/compression.h>

#include <algorithm>
#include <bit>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

#include "core/arrow_status.h"
#include "engine/lake/avro.h"
#include "engine/lake/avro_internal.h"

namespace dataml::engine::lake {
namespace {

using avro_internal::AvroNode;
using avro_internal::AvroSchema;
using avro_internal::AvroType;
using avro_internal::ByteReader;

// Avro writers flush blocks at 64 KB (Java's default sync interval) to a few MB; Iceberg
// manifests are a few MB in all. The caps leave ample room and stop a deflate bomb.
constexpr size_t kMaxBlockBytes = size_t{64} << 20;
constexpr size_t kMaxInflatedBytes = size_t{256} << 20;
// Zero-byte values (nulls, empty records) allowed beyond one per decoded byte.
constexpr int64_t kZeroWidthAllowance = int64_t{1} << 16;

Status WithContext(const Status& status, const std::string& context) {
  if (status.ok()) return status;
  return {status.code(), context + ": " + status.message()};
}

// Decodes datums of one schema. Values that take no bytes draw on a budget that grows with the
// bytes decoded, so that every value produced is paid for by input.
class DatumDecoder {
 public:
  explicit DatumDecoder(const AvroSchema& schema) : schema_(schema) {}

  void AddBudget(size_t bytes) { zero_width_budget_ += static_cast<int64_t>(bytes); }
  Result<AvroValue> Decode(ByteReader& in) { return Decode(in, schema_.root, 0); }

 private:
  Result<AvroValue> Decode(ByteReader& in, int index, int depth) {
    if (depth > avro_internal::kMaxDepth) {
      return Status::InvalidArgument("Avro value nested too deep");
    }
    const size_t start = in.position();
    DATAML_ASSIGN_OR_RETURN(AvroValue value, DecodeNode(in, schema_.node(index), depth));
    if (in.position() == start && --zero_width_budget_ < 0) {
      return Status::InvalidArgument("Avro data holds too many zero-byte values for its size");
    }
    return value;
  }

  Result<AvroValue> DecodeNode(ByteReader& in, const AvroNode& node, int depth) {
    switch (node.type) {
      case AvroType::kNull: return AvroValue::Null();
      case AvroType::kBoolean: return DecodeBool(in);
      case AvroType::kInt: return Wrap(in.ReadInt(), AvroValue::Int);
      case AvroType::kLong: return Wrap(in.ReadLong(), AvroValue::Long);
      case AvroType::kFloat: return DecodeFloat(in);
      case AvroType::kDouble: return DecodeDouble(in);
      case AvroType::kBytes: return Wrap(in.ReadBytes(), AvroValue::Bytes);
      case AvroType::kString: return Wrap(in.ReadBytes(), AvroValue::String);
      case AvroType::kFixed:
        return Wrap(in.ReadFixed(static_cast<size_t>(node.size)), AvroValue::Fixed);
      case AvroType::kEnum: return DecodeEnum(in, node);
      case AvroType::kRecord: return DecodeRecord(in, node, depth);
      case AvroType::kArray: return DecodeArray(in, node, depth);
      case AvroType::kMap: return DecodeMap(in, node, depth);
      case AvroType::kUnion: return DecodeUnion(in, node, depth);
    }
    return Status::Internal("Avro: unhandled schema type");
  }

  template <typename T, typename Make>
  static Result<AvroValue> Wrap(Result<T> read, Make make) {
    if (!read.ok()) return read.status();
    if constexpr (std::is_same_v<T, std::string_view>) {
      return make(std::string(*read));
    } else {
      return make(*read);
    }
  }

  static Result<AvroValue> DecodeBool(ByteReader& in) {
    DATAML_ASSIGN_OR_RETURN(std::string_view byte, in.ReadFixed(1));
    if (byte[0] != 0 && byte[0] != 1) return Status::InvalidArgument("Avro boolean is not 0 or 1");
    return AvroValue::Bool(byte[0] == 1);
  }

  // Little-endian on the wire whatever the host's byte order.
  static Result<uint64_t> ReadLittleEndian(ByteReader& in, size_t size) {
    DATAML_ASSIGN_OR_RETURN(std::string_view bytes, in.ReadFixed(size));
    uint64_t bits = 0;
    for (size_t i = 0; i < size; ++i) bits |= uint64_t{static_cast<uint8_t>(bytes[i])} << (8 * i);
    return bits;
  }

  static Result<AvroValue> DecodeFloat(ByteReader& in) {
    DATAML_ASSIGN_OR_RETURN(uint64_t bits, ReadLittleEndian(in, sizeof(float)));
    return AvroValue::Float(std::bit_cast<float>(static_cast<uint32_t>(bits)));
  }

  static Result<AvroValue> DecodeDouble(ByteReader& in) {
    DATAML_ASSIGN_OR_RETURN(uint64_t bits, ReadLittleEndian(in, sizeof(double)));
    return AvroValue::Double(std::bit_cast<double>(bits));
  }

  static Result<AvroValue> DecodeEnum(ByteReader& in, const AvroNode& node) {
    DATAML_ASSIGN_OR_RETURN(int32_t index, in.ReadInt());
    if (index < 0 || static_cast<size_t>(index) >= node.symbols.size()) {
      return Status::InvalidArgument("Avro enum " + node.name + " has no symbol " +
                                     std::to_string(index));
    }
    return AvroValue::String(node.symbols[static_cast<size_t>(index)]);
  }

  Result<AvroValue> DecodeRecord(ByteReader& in, const AvroNode& node, int depth) {
    AvroValue::Entries fields;
    fields.reserve(node.fields.size());
    for (const avro_internal::AvroField& field : node.fields) {
      DATAML_ASSIGN_OR_RETURN(AvroValue value, Decode(in, field.type, depth + 1));
      fields.emplace_back(field.name, std::move(value));
    }
    return AvroValue::Record(std::move(fields));
  }

  // Arrays and maps come in blocks ending with a zero count; a negative count is followed by
  // the block's size in bytes, which only a reader skipping the block needs.
  static Result<int64_t> ReadBlockCount(ByteReader& in) {
    DATAML_ASSIGN_OR_RETURN(int64_t count, in.ReadLong());
    if (count >= 0) return count;
    if (count == INT64_MIN) return Status::InvalidArgument("Avro block count out of range");
    DATAML_RETURN_NOT_OK(in.ReadLength().status());
    return -count;
  }

  Result<AvroValue> DecodeArray(ByteReader& in, const AvroNode& node, int depth) {
    std::vector<AvroValue> items;
    for (;;) {
      DATAML_ASSIGN_OR_RETURN(int64_t count, ReadBlockCount(in));
      if (count == 0) return AvroValue::Array(std::move(items));
      for (int64_t i = 0; i < count; ++i) {
        DATAML_ASSIGN_OR_RETURN(AvroValue item, Decode(in, node.items, depth + 1));
        items.push_back(std::move(item));
      }
    }
  }

  Result<AvroValue> DecodeMap(ByteReader& in, const AvroNode& node, int depth) {
    AvroValue::Entries entries;
    for (;;) {
      DATAML_ASSIGN_OR_RETURN(int64_t count, ReadBlockCount(in));
      if (count == 0) return AvroValue::Map(std::move(entries));
      for (int64_t i = 0; i < count; ++i) {
        DATAML_ASSIGN_OR_RETURN(std::string_view key, in.ReadBytes());
        DATAML_ASSIGN_OR_RETURN(AvroValue value, Decode(in, node.items, depth + 1));
        entries.emplace_back(std::string(key), std::move(value));
      }
    }
  }

  Result<AvroValue> DecodeUnion(ByteReader& in, const AvroNode& node, int depth) {
    DATAML_ASSIGN_OR_RETURN(int64_t branch, in.ReadLong());
    if (branch < 0 || static_cast<uint64_t>(branch) >= node.branches.size()) {
      return Status::InvalidArgument("Avro union has no branch " + std::to_string(branch));
    }
    // The branch index paid for the value, so a null branch does not draw on the budget.
    return DecodeNode(in, schema_.node(node.branches[static_cast<size_t>(branch)]), depth + 1);
  }

  const AvroSchema& schema_;
  int64_t zero_width_budget_ = kZeroWidthAllowance;
};

// Raw deflate (RFC 1951) of unknown decompressed size: inflate into a buffer that doubles
// until the stream ends or `limit` is reached.
class Inflater {
 public:
  static Result<Inflater> Make() {
    arrow::util::GZipCodecOptions options;
    options.gzip_format = arrow::util::GZipFormat::DEFLATE;
    DATAML_ASSIGN_OR_RETURN(
        std::unique_ptr<arrow::util::Codec> codec,
        FromArrow(arrow::util::Codec::Create(arrow::Compression::GZIP, options), "deflate codec"));
    return Inflater(std::move(codec));
  }

  Result<std::string> Inflate(std::string_view input, size_t limit) {
    if (input.empty()) return std::string();
    DATAML_ASSIGN_OR_RETURN(std::shared_ptr<arrow::util::Decompressor> decompressor,
                            FromArrow(codec_->MakeDecompressor(), "deflate decompressor"));
    constexpr size_t kMinBuffer = 4096;
    std::string out(std::min(limit, std::max(kMinBuffer, 4 * input.size())), '\0');
    size_t read = 0;
    size_t written = 0;
    for (;;) {
      if (written == out.size()) {
        if (out.size() >= limit) {
          return Status::InvalidArgument("Avro deflate data inflates past the reader's limit of " +
                                         std::to_string(limit) + " bytes");
        }
        out.resize(std::min(limit, 2 * out.size()));
      }
      auto step = decompressor->Decompress(static_cast<int64_t>(input.size() - read),
                                           reinterpret_cast<const uint8_t*>(input.data() + read),
                                           static_cast<int64_t>(out.size() - written),
                                           reinterpret_cast<uint8_t*>(out.data() + written));
      if (!step.ok()) {
        return Status::InvalidArgument("Avro deflate data: " + step.status().message());
      }
      read += static_cast<size_t>(step->bytes_read);
      written += static_cast<size_t>(step->bytes_written);
      if (decompressor->IsFinished()) break;
      // zlib stops only when the input runs out or the output is full: with room left, the
      // stream was cut short. Each pass thus ends, fails, or fills a buffer bounded by `limit`.
      if (written < out.size()) {
        return Status::InvalidArgument("Avro deflate data ends before its final block");
      }
    }
    out.resize(written);
    return out;
  }

 private:
  explicit Inflater(std::unique_ptr<arrow::util::Codec> codec) : codec_(std::move(codec)) {}

  std::unique_ptr<arrow::util::Codec> codec_;
};

struct Header {
  std::map<std::string, std::string> entries;
  std::string_view sync;
};

Result<Header> ReadHeader(ByteReader& in) {
  DATAML_ASSIGN_OR_RETURN(std::string_view magic, in.ReadFixed(avro_internal::kMagic.size()));
  if (magic != avro_internal::kMagic) {
    return Status::InvalidArgument("not an Avro file (bad magic)");
  }
  Header header;
  for (;;) {
    DATAML_ASSIGN_OR_RETURN(int64_t count, in.ReadLong());
    if (count == 0) break;
    if (count < 0) {
      if (count == INT64_MIN) return Status::InvalidArgument("Avro header count out of range");
      count = -count;
      DATAML_RETURN_NOT_OK(in.ReadLength().status());
    }
    for (int64_t i = 0; i < count; ++i) {
      DATAML_ASSIGN_OR_RETURN(std::string_view key, in.ReadBytes());
      DATAML_ASSIGN_OR_RETURN(std::string_view value, in.ReadBytes());
      // Two values for one key (avro.schema above all) would let two readers disagree.
      if (!header.entries.emplace(key, value).second) {
        return Status::InvalidArgument("Avro header repeats key \"" + std::string(key) + "\"");
      }
    }
  }
  DATAML_ASSIGN_OR_RETURN(header.sync, in.ReadFixed(avro_internal::kSyncSize));
  return header;
}

// Takes avro.schema and avro.codec out of the header into `file` and the returned codec name.
Result<std::string> TakeSchemaAndCodec(Header& header, AvroFile& file) {
  auto schema = header.entries.find("avro.schema");
  if (schema == header.entries.end()) {
    return Status::InvalidArgument("Avro header has no avro.schema");
  }
  file.schema = nlohmann::json::parse(schema->second, nullptr, /*allow_exceptions=*/false);
  if (file.schema.is_discarded()) {
    return Status::InvalidArgument("Avro header's avro.schema is not JSON");
  }
  header.entries.erase(schema);
  std::string codec = "null";
  if (auto it = header.entries.find("avro.codec"); it != header.entries.end()) {
    codec = it->second;
    header.entries.erase(it);
  }
  if (codec != "null" && codec != "deflate") {
    return Status::InvalidArgument("Avro codec \"" + codec + "\" is not supported (null, deflate)");
  }
  file.metadata = std::move(header.entries);
  return codec;
}

class BlockReader {
 public:
  BlockReader(const AvroSchema& schema, std::string_view sync, std::optional<Inflater> inflater)
      : decoder_(schema), sync_(sync), inflater_(std::move(inflater)) {}

  // One block: record count, byte size, the (compressed) data, the sync marker.
  Status Read(ByteReader& in, std::vector<AvroValue>& records) {
    DATAML_ASSIGN_OR_RETURN(int64_t count, in.ReadLong());
    if (count < 0) return Status::InvalidArgument("negative record count");
    DATAML_ASSIGN_OR_RETURN(std::string_view data, in.ReadBytes());
    DATAML_ASSIGN_OR_RETURN(std::string_view sync, in.ReadFixed(avro_internal::kSyncSize));
    if (sync != sync_) return Status::InvalidArgument("sync marker does not match the header's");
    std::string inflated;
    if (inflater_) {
      const size_t limit = std::min(kMaxBlockBytes, kMaxInflatedBytes - inflated_total_);
      DATAML_ASSIGN_OR_RETURN(inflated, inflater_->Inflate(data, limit));
      inflated_total_ += inflated.size();
      data = inflated;
    }
    decoder_.AddBudget(data.size());
    ByteReader block(data);
    for (int64_t i = 0; i < count; ++i) {
      DATAML_ASSIGN_OR_RETURN(AvroValue record, decoder_.Decode(block));
      records.push_back(std::move(record));
    }
    if (!block.at_end()) {
      return Status::InvalidArgument(std::to_string(block.remaining()) + " bytes left after its " +
                                     std::to_string(count) + " records");
    }
    return Status::OK();
  }

 private:
  DatumDecoder decoder_;
  std::string_view sync_;
  std::optional<Inflater> inflater_;
  size_t inflated_total_ = 0;
};

}  // namespace

Result<AvroFile> ReadAvroFile(std::string_view bytes) {
  ByteReader in(bytes);
  DATAML_ASSIGN_OR_RETURN(Header header, ReadHeader(in));
  AvroFile file;
  DATAML_ASSIGN_OR_RETURN(std::string codec, TakeSchemaAndCodec(header, file));
  DATAML_ASSIGN_OR_RETURN(AvroSchema schema, avro_internal::CompileAvroSchema(file.schema));
  std::optional<Inflater> inflater;
  if (codec == "deflate") {
    DATAML_ASSIGN_OR_RETURN(inflater, Inflater::Make());
  }
  BlockReader blocks(schema, header.sync, std::move(inflater));
  for (int block = 0; !in.at_end(); ++block) {
    DATAML_RETURN_NOT_OK(
        WithContext(blocks.Read(in, file.records), "Avro block " + std::to_string(block)));
  }
  return file;
}

}  // namespace dataml::engine::lake
