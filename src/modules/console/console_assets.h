// The built web console (web/, built by Vite into the build tree's console/ directory), read whole
// into memory when the server starts. A request can only name a file that was in the directory
// then: it is looked up in this table, never opened as a path, so no request path can escape it.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace dataml::console {

struct ConsoleFile {
  std::string content_type;
  std::string bytes;
  std::optional<std::string> gzip;  // the build's gzip twin (<name>.gz), when it wrote one

  bool is_html() const { return content_type.starts_with("text/html"); }
};

// What a directory may hold to be taken for a console's build (a wrong --console-dir must not
// read a disk into memory).
struct ConsoleLimits {
  size_t max_files = 10'000;
  size_t max_bytes = size_t{256} << 20;  // plain and gzip bytes together

  static ConsoleLimits Defaults() { return {}; }
};

class ConsoleAssets {
 public:
  // What Vite writes, and all that is read: the top folder's files and those of assets/ (hidden
  // files, symbolic links and other folders are left out; a .gz file is its twin's gzip coding).
  // NotFound when `dir` has no index.html (the console is not built); FailedPrecondition when
  // the files are too many or too large to be a console's build; Internal when one cannot be read.
  static Result<std::shared_ptr<const ConsoleAssets>> Load(const std::string& dir,
                                                           ConsoleLimits limits = ConsoleLimits::Defaults());

  // By name relative to the directory: "index.html", "favicon.svg", "assets/index-3f2a9c.js".
  // Null when there is no such file.
  const ConsoleFile* Find(std::string_view name) const;
  const ConsoleFile& index() const { return *Find(kIndex); }
  size_t file_count() const { return files_.size(); }

  static constexpr std::string_view kIndex = "index.html";
  static constexpr std::string_view kAssetsFolder = "assets";

 private:
  std::map<std::string, ConsoleFile, std::less<>> files_;
};

// The Content-Type of a console file, from its name's extension; application/octet-stream when
// it is not one a web build has.
std::string ContentTypeFor(std::string_view name);

}  // namespace dataml::console
