#include "modules/console/console_assets.h"

#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "core/text.h"

namespace dataml::console {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kGzipSuffix = ".gz";

constexpr std::array<std::pair<std::string_view, std::string_view>, 18> kContentTypes = {{
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".webmanifest", "application/manifest+json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".gif", "image/gif"},
    {".webp", "image/webp"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".woff", "font/woff"},
    {".txt", "text/plain; charset=utf-8"},
    {".wasm", "application/wasm"},
}};

struct FoundFile {
  std::string name;  // relative to the console's directory, '/'-separated
  fs::path path;
};

// The regular files directly in `dir`, named `prefix` + their name.
Status ListFiles(const fs::path& dir, const std::string& prefix, std::vector<FoundFile>& out,
                 std::vector<fs::path>* subfolders) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.starts_with(".") || it->is_symlink(ec)) continue;
    if (it->is_directory(ec)) {
      if (subfolders != nullptr) subfolders->push_back(it->path());
    } else if (it->is_regular_file(ec)) {
      out.push_back({prefix + name, it->path()});
    }
  }
  if (ec) return Status::Internal("cannot list " + dir.string() + ": " + ec.message());
  return Status::OK();
}

Result<std::string> ReadWhole(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  if (in) bytes << in.rdbuf();
  if (!in || in.bad()) return Status::Internal("cannot read " + path.string());
  return std::move(bytes).str();
}

}  // namespace

std::string ContentTypeFor(std::string_view name) {
  const std::string lower = ToLowerAscii(name);
  for (const auto& [extension, type] : kContentTypes) {
    if (lower.ends_with(extension)) return std::string(type);
  }
  return "application/octet-stream";
}

Result<std::shared_ptr<const ConsoleAssets>> ConsoleAssets::Load(const std::string& dir, ConsoleLimits limits) {
  const fs::path root(dir);
  std::error_code ec;
  if (dir.empty() || !fs::is_regular_file(root / kIndex, ec)) {
    return Status::NotFound((dir.empty() ? std::string("(no directory)") : dir) + " has no " + std::string(kIndex));
  }
  std::vector<FoundFile> found;
  std::vector<fs::path> subfolders;
  DATAML_RETURN_NOT_OK(ListFiles(root, "", found, &subfolders));
  for (const fs::path& folder : subfolders) {
    if (folder.filename() != kAssetsFolder) continue;
    DATAML_RETURN_NOT_OK(ListFiles(folder, std::string(kAssetsFolder) + "/", found, nullptr));
  }
  if (found.size() > limits.max_files) {
    return Status::FailedPrecondition(dir + " holds more than " + std::to_string(limits.max_files) +
                                      " files: is it the web console's build?");
  }

  auto assets = std::make_shared<ConsoleAssets>();
  size_t total = 0;
  auto read = [&](const fs::path& path) -> Result<std::string> {
    DATAML_ASSIGN_OR_RETURN(std::string bytes, ReadWhole(path));
    total += bytes.size();
    if (total > limits.max_bytes) {
      return Status::FailedPrecondition(dir + " holds more than " + std::to_string(limits.max_bytes) +
                                        " bytes: is it the web console's build?");
    }
    return bytes;
  };
  std::vector<const FoundFile*> twins;
  for (const FoundFile& file : found) {
    if (file.name.ends_with(kGzipSuffix)) {
      twins.push_back(&file);
      continue;
    }
    DATAML_ASSIGN_OR_RETURN(std::string bytes, read(file.path));
    assets->files_[file.name] = ConsoleFile{ContentTypeFor(file.name), std::move(bytes), std::nullopt};
  }
  for (const FoundFile* twin : twins) {
    std::string_view plain_name = std::string_view(twin->name).substr(0, twin->name.size() - kGzipSuffix.size());
    auto plain = assets->files_.find(plain_name);
    if (plain == assets->files_.end()) continue;  // a .gz of its own is no coding of anything served
    DATAML_ASSIGN_OR_RETURN(plain->second.gzip, read(twin->path));
  }
  // index.html may have been left out (a symbolic link): without it there is no console.
  if (assets->Find(kIndex) == nullptr) return Status::NotFound(dir + " has no " + std::string(kIndex));
  return std::shared_ptr<const ConsoleAssets>(std::move(assets));
}

const ConsoleFile* ConsoleAssets::Find(std::string_view name) const {
  auto it = files_.find(name);
  return it == files_.end() ? nullptr : &it->second;
}

}  // namespace dataml::console
