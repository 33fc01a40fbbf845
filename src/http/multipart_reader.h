// A streaming multipart/form-data reader (RFC 7578, RFC 2046): fed body bytes as they arrive,
// in chunks of any size, it announces each part and hands out its bytes as slices of the fed
// chunks. Besides the header block of the part being read (at most max_header_bytes), it keeps
// fewer than boundary length + 4 bytes, whatever the size of the body or of its parts.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "core/status.h"
#include "http/request.h"

namespace dataml::http {

// The boundary of a "multipart/form-data; boundary=..." Content-Type. 422 when the media type is
// another one; 400 when the boundary is missing, empty, longer than 70 characters or not ASCII.
Result<std::string> MultipartBoundary(std::string_view content_type_header);

struct MultipartOptions {
  size_t max_parts = 1000;
  size_t max_header_bytes = size_t{16} << 10;  // one part's header block, blank line included
  size_t max_headers = 64;                     // header lines in one part

  static MultipartOptions Defaults() { return {}; }
  Status Validate() const;
};

// True for the error Feed returns when a callback returned false: the caller knows why it
// stopped, and should report its own error rather than this one.
bool IsMultipartAborted(const Status& status);

class MultipartReader {
 public:
  // Fails on an invalid boundary (as MultipartBoundary checks it), empty callbacks or options.
  static Result<MultipartReader> Make(std::string_view boundary, PartStart on_part_start,
                                      PartData on_part_data,
                                      MultipartOptions options = MultipartOptions::Defaults());

  // Consumes the next bytes of the body; calls on_part_start once per part, before its bytes,
  // and on_part_data zero or more times with non-empty slices. After an error every call
  // returns that error: 400 for a malformed body, 413 past a limit, or the abort error.
  Status Feed(const char* data, size_t size);
  Status Feed(std::string_view data) { return Feed(data.data(), data.size()); }
  // At the end of the body: 400 unless the closing boundary was seen.
  Status Finish();

  // Bytes held between calls: the unresolved start of a possible boundary and the header
  // block being read. For tests of the memory bound.
  size_t buffered_bytes() const { return pending_.size() + header_bytes_; }

 private:
  enum class State {
    kPreamble,         // discarding bytes before the first delimiter
    kBoundaryLine,     // just after a delimiter: "--" closes, else padding and CRLF
    kCloseDash,        // seen the first '-' of the closing "--"
    kBoundaryPadding,  // transport padding (spaces, tabs) before the line end
    kBoundaryCr,       // seen CR, LF must follow
    kHeaders,
    kData,
    kEpilogue,  // after the closing delimiter: ignored
    kFailed,
  };

  MultipartReader(std::string delimiter, PartStart on_part_start, PartData on_part_data,
                  MultipartOptions options);

  // Scans for the delimiter in kPreamble and kData; returns the bytes consumed.
  size_t ScanBody(const char* data, size_t size);
  size_t ReadBoundaryLine(const char* data, size_t size);
  size_t ReadHeaders(const char* data, size_t size);
  void StartHeaders();
  void EndHeaderLine();
  void EndHeaders();
  // The line end before a delimiter may be one already read: the start of the body, or the
  // blank line ending a part's headers, when the delimiter follows at once (an empty part).
  // Scanning resumes as if it had just been read; it is never data.
  void PretendLineEnd();
  // Delivers part bytes in kData and drops them in kPreamble; false once aborted.
  bool Emit(const char* data, size_t size);
  void Fail(Status status);

  std::string delimiter_;  // CRLF "--" boundary; CR occurs only at its start
  PartStart on_part_start_;
  PartData on_part_data_;
  MultipartOptions options_;

  State state_ = State::kPreamble;
  Status error_;
  // A proper prefix of delimiter_ that ended the last chunk; not yet known to be data.
  std::string pending_;
  size_t pretended_ = 0;  // leading bytes of pending_ put there by PretendLineEnd
  size_t parts_ = 0;
  // The header block of the current part.
  std::string line_;                                          // the header line being read
  std::vector<std::pair<std::string, std::string>> headers_;  // lower-case name, value
  size_t header_bytes_ = 0;  // of the block so far, line ends included
};

}  // namespace dataml::http
