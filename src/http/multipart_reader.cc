#include "http/multipart_reader.h"

#include <algorithm>
#include <cstring>
#include <optional>

#include "core/text.h"

namespace dataml::http {
namespace {

constexpr size_t kMaxBoundaryLength = 70;  // RFC 2046, 5.1.1
constexpr char kAbortedMessage[] = "multipart reading was aborted by its receiver";

Status Malformed(const std::string& what) {
  return Status::BadRequest("Malformed multipart body: " + what);
}

bool IsOws(char c) { return c == ' ' || c == '\t'; }

// Control characters other than tab: never part of a header we accept, so a CR cannot hide in a
// value (or a file name) and the CR/LF framing stays unambiguous.
bool HasControlExceptTab(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7f; });
}

bool IsToken(std::string_view text) {
  return !text.empty() && std::none_of(text.begin(), text.end(), [](unsigned char c) {
    return c <= 0x20 || c >= 0x7f || std::strchr("()<>@,;:\\\"/[]?={}", c) != nullptr;
  });
}

using Parameters = std::vector<std::pair<std::string, std::string>>;  // lower-case name, value

// The "; name=value" list after a media type or disposition type (RFC 9110, 5.6.6). A backslash
// escapes only '"' and '\': old browsers send Windows paths unescaped ("C:\dir\a.csv").
Result<Parameters> ParseParameters(std::string_view text, std::string_view header) {
  Parameters out;
  size_t i = 0;
  auto skip_ows = [&] {
    while (i < text.size() && IsOws(text[i])) ++i;
  };
  while (true) {
    skip_ows();
    if (i == text.size()) return out;
    if (text[i] == ';') {  // an empty parameter: tolerated
      ++i;
      continue;
    }
    size_t eq = text.find('=', i);
    if (eq == std::string_view::npos)
      return Malformed(std::string(header) + " has a parameter without a value");
    std::string name = ToLowerAscii(Trim(text.substr(i, eq - i)));
    if (!IsToken(name)) return Malformed(std::string(header) + " has an invalid parameter name");
    i = eq + 1;
    skip_ows();
    std::string value;
    if (i < text.size() && text[i] == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == '"' || text[i + 1] == '\\'))
          ++i;
        value.push_back(text[i]);
      }
      if (i == text.size())
        return Malformed(std::string(header) + " has an unterminated quoted string");
      ++i;
    } else {
      size_t end = std::min(text.find(';', i), text.size());
      value = Trim(text.substr(i, end - i));
      i = end;
    }
    skip_ows();
    if (i < text.size() && text[i] != ';')
      return Malformed(std::string(header) + " has text after a parameter");
    // Two values for one name would let a client show one file name and store another.
    for (const auto& [seen, unused] : out) {
      if (seen == name) return Malformed(std::string(header) + " repeats the parameter " + name);
    }
    out.emplace_back(std::move(name), std::move(value));
  }
}

const std::string* Find(const Parameters& params, std::string_view name) {
  for (const auto& [key, value] : params) {
    if (key == name) return &value;
  }
  return nullptr;
}

Status ValidateBoundary(std::string_view boundary) {
  if (boundary.empty()) return Status::BadRequest("The multipart boundary is missing or empty");
  if (boundary.size() > kMaxBoundaryLength) {
    return Status::BadRequest("The multipart boundary is longer than 70 characters");
  }
  // Printable ASCII, a superset of RFC 2046's bchars: what matters to the reader is that the
  // delimiter holds no CR but its first byte.
  bool printable = std::all_of(boundary.begin(), boundary.end(),
                               [](unsigned char c) { return c >= 0x20 && c < 0x7f; });
  if (!printable)
    return Status::BadRequest("The multipart boundary holds characters other than printable ASCII");
  return Status::OK();
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// An RFC 8187 ext-value (charset'language'percent-encoded). Empty for a charset other than
// UTF-8, which leaves the plain parameter to be used instead.
Result<std::optional<std::string>> DecodeExtValue(std::string_view value) {
  size_t charset_end = value.find('\'');
  size_t language_end =
      charset_end == std::string_view::npos ? charset_end : value.find('\'', charset_end + 1);
  if (language_end == std::string_view::npos)
    return Malformed("filename* is not charset'language'value");
  if (ToLowerAscii(value.substr(0, charset_end)) != "utf-8") return std::optional<std::string>();
  std::string out;
  for (size_t i = language_end + 1; i < value.size(); ++i) {
    if (value[i] != '%') {
      out.push_back(value[i]);
      continue;
    }
    int high = i + 2 < value.size() ? HexDigit(value[i + 1]) : -1;
    int low = high < 0 ? -1 : HexDigit(value[i + 2]);
    if (low < 0) return Malformed("filename* has an invalid percent escape");
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return std::optional<std::string>(std::move(out));
}

Result<MultipartPart> ParseDisposition(std::string_view disposition) {
  size_t semicolon = std::min(disposition.find(';'), disposition.size());
  if (ToLowerAscii(Trim(disposition.substr(0, semicolon))) != "form-data") {
    return Malformed("a part's Content-Disposition is not form-data");
  }
  DATAML_ASSIGN_OR_RETURN(Parameters params,
                          ParseParameters(disposition.substr(semicolon), "Content-Disposition"));
  MultipartPart part;
  const std::string* name = Find(params, "name");
  if (name == nullptr || name->empty()) return Malformed("a part has no name");
  part.name = *name;
  if (const std::string* filename = Find(params, "filename")) part.filename = *filename;
  if (const std::string* extended = Find(params, "filename*")) {
    DATAML_ASSIGN_OR_RETURN(std::optional<std::string> decoded, DecodeExtValue(*extended));
    if (decoded) part.filename = std::move(*decoded);
  }
  return part;
}

}  // namespace

Result<std::string> MultipartBoundary(std::string_view content_type_header) {
  size_t semicolon = std::min(content_type_header.find(';'), content_type_header.size());
  if (ToLowerAscii(Trim(content_type_header.substr(0, semicolon))) != "multipart/form-data") {
    return Status::InvalidArgument("Expected a multipart/form-data body");
  }
  DATAML_ASSIGN_OR_RETURN(Parameters params,
                          ParseParameters(content_type_header.substr(semicolon), "Content-Type"));
  const std::string* boundary = Find(params, "boundary");
  if (boundary == nullptr) return Status::BadRequest("The multipart boundary is missing or empty");
  DATAML_RETURN_NOT_OK(ValidateBoundary(*boundary));
  return *boundary;
}

Status MultipartOptions::Validate() const {
  if (max_parts == 0 || max_header_bytes == 0 || max_headers == 0) {
    return Status::InvalidArgument("multipart limits must be positive");
  }
  return Status::OK();
}

bool IsMultipartAborted(const Status& status) {
  return status.code() == StatusCode::kInternal && status.message() == kAbortedMessage;
}

Result<MultipartReader> MultipartReader::Make(std::string_view boundary, PartStart on_part_start,
                                              PartData on_part_data, MultipartOptions options) {
  DATAML_RETURN_NOT_OK(ValidateBoundary(boundary));
  DATAML_RETURN_NOT_OK(options.Validate());
  if (!on_part_start || !on_part_data)
    return Status::InvalidArgument("multipart callbacks must be set");
  return MultipartReader("\r\n--" + std::string(boundary), std::move(on_part_start),
                         std::move(on_part_data), options);
}

MultipartReader::MultipartReader(std::string delimiter, PartStart on_part_start,
                                 PartData on_part_data, MultipartOptions options)
    : delimiter_(std::move(delimiter)),
      on_part_start_(std::move(on_part_start)),
      on_part_data_(std::move(on_part_data)),
      options_(options) {
  PretendLineEnd();
}

Status MultipartReader::Feed(const char* data, size_t size) {
  while (size > 0 && state_ != State::kFailed) {
    size_t used = size;
    switch (state_) {
      case State::kPreamble:
      case State::kData:
        used = ScanBody(data, size);
        break;
      case State::kBoundaryLine:
      case State::kCloseDash:
      case State::kBoundaryPadding:
      case State::kBoundaryCr:
        used = ReadBoundaryLine(data, size);
        break;
      case State::kHeaders:
        used = ReadHeaders(data, size);
        break;
      case State::kEpilogue:
      case State::kFailed:
        break;
    }
    data += used;
    size -= used;
  }
  return state_ == State::kFailed ? error_ : Status::OK();
}

Status MultipartReader::Finish() {
  if (state_ != State::kEpilogue && state_ != State::kFailed) {
    Fail(Malformed("the body ended before its closing boundary"));
  }
  return state_ == State::kFailed ? error_ : Status::OK();
}

size_t MultipartReader::ScanBody(const char* data, size_t size) {
  if (!pending_.empty()) {
    size_t take = std::min(delimiter_.size() - pending_.size(), size);
    if (std::memcmp(data, delimiter_.data() + pending_.size(), take) != 0) {
      // The delimiter holds a CR only at its start, so no delimiter starts later in pending_:
      // all of it is data. Consumes nothing: the chunk is scanned afresh on the next round.
      Emit(pending_.data() + pretended_, pending_.size() - pretended_);
      pending_.clear();
      pretended_ = 0;
      return 0;
    }
    pending_.append(data, take);
    if (pending_.size() == delimiter_.size()) {
      pending_.clear();
      pretended_ = 0;
      state_ = State::kBoundaryLine;
    }
    return take;
  }
  // Each candidate starts at a CR and a comparison cannot run past the next CR (see above),
  // so the scan is linear in the chunk whatever its content.
  for (size_t at = 0; at < size; ++at) {
    const void* cr = std::memchr(data + at, '\r', size - at);
    if (cr == nullptr) break;
    at = static_cast<const char*>(cr) - data;
    size_t compared = std::min(size - at, delimiter_.size());
    if (std::memcmp(data + at, delimiter_.data(), compared) != 0) continue;
    if (!Emit(data, at)) return size;
    if (compared < delimiter_.size()) {
      pending_.assign(data + at, compared);  // maybe a delimiter: the next chunk tells
    } else {
      state_ = State::kBoundaryLine;
    }
    return at + compared;
  }
  Emit(data, size);
  return size;
}

size_t MultipartReader::ReadBoundaryLine(const char* data, size_t size) {
  for (size_t i = 0; i < size; ++i) {
    char c = data[i];
    switch (state_) {
      case State::kBoundaryLine:
        if (c == '-') {
          state_ = State::kCloseDash;
          continue;
        }
        [[fallthrough]];
      case State::kBoundaryPadding:
        if (IsOws(c)) {
          state_ = State::kBoundaryPadding;
          continue;
        }
        if (c == '\r') {
          state_ = State::kBoundaryCr;
          continue;
        }
        [[fallthrough]];
      case State::kBoundaryCr:
        if (c != '\n') break;  // a bare LF is tolerated: it cannot be mistaken for anything
        StartHeaders();
        return i + 1;
      case State::kCloseDash:
        if (c != '-') break;
        state_ = State::kEpilogue;
        return i + 1;
      default:
        return i;
    }
    Fail(Malformed("a boundary is followed by something other than a line end or \"--\""));
    return size;
  }
  return size;
}

void MultipartReader::StartHeaders() {
  if (parts_ == options_.max_parts) {
    Fail(Status::PayloadTooLarge("The multipart body has more than " +
                                 std::to_string(options_.max_parts) + " parts"));
    return;
  }
  ++parts_;
  state_ = State::kHeaders;
  header_bytes_ = 0;
  line_.clear();
  headers_.clear();
}

size_t MultipartReader::ReadHeaders(const char* data, size_t size) {
  const void* lf = std::memchr(data, '\n', size);
  size_t used = lf == nullptr ? size : static_cast<const char*>(lf) - data + 1;
  if (header_bytes_ + used > options_.max_header_bytes) {
    Fail(Status::PayloadTooLarge("A multipart part's headers are larger than " +
                                 std::to_string(options_.max_header_bytes) + " bytes"));
    return size;
  }
  header_bytes_ += used;
  line_.append(data, lf == nullptr ? used : used - 1);
  if (lf != nullptr) EndHeaderLine();
  return used;
}

void MultipartReader::EndHeaderLine() {
  if (!line_.empty() && line_.back() == '\r') line_.pop_back();  // a bare LF is tolerated
  if (line_.empty()) return EndHeaders();
  if (HasControlExceptTab(line_)) return Fail(Malformed("a part header holds a control character"));
  if (IsOws(line_.front())) {  // obsolete line folding: the value goes on
    if (headers_.empty()) return Fail(Malformed("a part's headers start with a continuation line"));
    headers_.back().second += " " + Trim(line_);
  } else {
    size_t colon = line_.find(':');
    std::string_view name = std::string_view(line_).substr(0, colon);
    if (colon == std::string::npos || !IsToken(name))
      return Fail(Malformed("a part header has no valid name"));
    if (headers_.size() == options_.max_headers) {
      return Fail(Status::PayloadTooLarge("A multipart part has more than " +
                                          std::to_string(options_.max_headers) + " headers"));
    }
    headers_.emplace_back(ToLowerAscii(name), Trim(std::string_view(line_).substr(colon + 1)));
  }
  line_.clear();
}

void MultipartReader::EndHeaders() {
  const std::string* disposition = nullptr;
  const std::string* content_type = nullptr;
  for (const auto& [name, value] : headers_) {
    const std::string** slot = name == "content-disposition" ? &disposition
                               : name == "content-type"      ? &content_type
                                                             : nullptr;
    if (slot == nullptr) continue;
    if (*slot != nullptr) return Fail(Malformed("a part repeats its " + name + " header"));
    *slot = &value;
  }
  if (disposition == nullptr) return Fail(Malformed("a part has no Content-Disposition"));
  Result<MultipartPart> part = ParseDisposition(*disposition);
  if (!part.ok()) return Fail(part.status());
  if (content_type != nullptr) part->content_type = *content_type;
  headers_.clear();
  header_bytes_ = 0;
  state_ = State::kData;
  PretendLineEnd();
  if (!on_part_start_(*part)) Fail(Status::Internal(kAbortedMessage));
}

void MultipartReader::PretendLineEnd() {
  pending_ = "\r\n";
  pretended_ = pending_.size();
}

bool MultipartReader::Emit(const char* data, size_t size) {
  if (state_ != State::kData || size == 0) return true;
  if (on_part_data_(data, size)) return true;
  Fail(Status::Internal(kAbortedMessage));
  return false;
}

void MultipartReader::Fail(Status status) {
  if (state_ == State::kFailed) return;
  state_ = State::kFailed;
  error_ = std::move(status);
  pending_.clear();
  pretended_ = 0;
  line_.clear();
  headers_.clear();
  header_bytes_ = 0;
}

}  // namespace dataml::http
