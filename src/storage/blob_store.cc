#include "storage/blob_store.h"

#include <arrow/filesystem/localfs.h>
#include <arrow/buffer.h>

#include <chrono>
#include <system_error>

#include "core/arrow_status.h"
#include "core/crypto.h"

namespace dataml::storage {
namespace {

std::string ParentOf(const std::string& key) {
  size_t slash = key.rfind('/');
  return slash == std::string::npos ? std::string() : key.substr(0, slash);
}

bool HasPrefix(std::string_view key, std::string_view prefix) {
  return key.size() > prefix.size() && key.substr(0, prefix.size()) == prefix && key[prefix.size()] == '/';
}

Status Failed(const arrow::Status& s, const std::string& what, const std::string& key) {
  return FromArrow(s, "cannot " + what + " " + key);
}

}  // namespace

BlobWriter::~BlobWriter() {
  if (published_) return;
  if (!stream_->closed()) (void)stream_->Close();
  (void)fs_->DeleteFile(temp_key_);
}

Status BlobWriter::Publish() {
  if (!stream_->closed()) DATAML_RETURN_NOT_OK(Failed(stream_->Close(), "write", key_));
  DATAML_RETURN_NOT_OK(Failed(fs_->Move(temp_key_, key_), "store", key_));
  published_ = true;
  return Status::OK();
}

Result<std::unique_ptr<BlobStore>> BlobStore::OpenLocal(const std::filesystem::path& root) {
  std::error_code ec;
  std::filesystem::create_directories(root, ec);
  if (ec) return Status::Internal("cannot create the data directory " + root.string() + ": " + ec.message());
  std::filesystem::path canonical = std::filesystem::canonical(std::filesystem::absolute(root), ec);
  if (ec) return Status::Internal("cannot open the data directory " + root.string() + ": " + ec.message());
  auto fs = std::make_shared<arrow::fs::SubTreeFileSystem>(canonical.string(),
                                                           std::make_shared<arrow::fs::LocalFileSystem>());
  return std::unique_ptr<BlobStore>(new BlobStore(std::move(fs), canonical.string(), canonical));
}

std::unique_ptr<BlobStore> BlobStore::Over(std::shared_ptr<arrow::fs::FileSystem> fs, std::string location_root) {
  while (!location_root.empty() && location_root.back() == '/') location_root.pop_back();
  return std::unique_ptr<BlobStore>(new BlobStore(std::move(fs), std::move(location_root), {}));
}

Status BlobStore::CheckKey(std::string_view key) {
  auto invalid = Status::InvalidArgument("invalid storage key");
  if (key.empty() || key.front() == '/' || key.back() == '/' || key.find('\\') != std::string_view::npos ||
      key.find('\0') != std::string_view::npos) {
    return invalid;
  }
  size_t start = 0;
  while (start <= key.size()) {
    size_t end = key.find('/', start);
    if (end == std::string_view::npos) end = key.size();
    std::string_view part = key.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return invalid;
    start = end + 1;
  }
  return Status::OK();
}

Status BlobStore::CheckKeys(const std::vector<std::string>& keys) {
  for (const std::string& key : keys) DATAML_RETURN_NOT_OK(CheckKey(key));
  return Status::OK();
}

Result<std::shared_ptr<arrow::io::RandomAccessFile>> BlobStore::OpenRead(const std::string& key) const {
  DATAML_RETURN_NOT_OK(CheckKey(key));
  DATAML_ASSIGN_OR_RETURN(bool exists, Exists(key));
  if (!exists) return Status::NotFound("blob " + key + " is missing");
  return FromArrow(fs_->OpenInputFile(key), "cannot open " + key);
}

Result<int64_t> BlobStore::Size(const std::string& key) const {
  DATAML_RETURN_NOT_OK(CheckKey(key));
  DATAML_ASSIGN_OR_RETURN(arrow::fs::FileInfo info, FromArrow(fs_->GetFileInfo(key), "cannot look up " + key));
  if (!info.IsFile()) return Status::NotFound("blob " + key + " is missing");
  return info.size();
}

Result<bool> BlobStore::Exists(const std::string& key) const {
  DATAML_RETURN_NOT_OK(CheckKey(key));
  DATAML_ASSIGN_OR_RETURN(arrow::fs::FileInfo info, FromArrow(fs_->GetFileInfo(key), "cannot look up " + key));
  return info.IsFile();
}

Result<std::string> BlobStore::Read(const std::string& key) const {
  DATAML_ASSIGN_OR_RETURN(auto file, OpenRead(key));
  DATAML_ASSIGN_OR_RETURN(int64_t size, FromArrow(file->GetSize(), "cannot read " + key));
  DATAML_ASSIGN_OR_RETURN(auto buffer, FromArrow(file->ReadAt(0, size), "cannot read " + key));
  return buffer->ToString();
}

Result<std::unique_ptr<BlobWriter>> BlobStore::OpenWrite(const std::string& key) const {
  DATAML_RETURN_NOT_OK(CheckKey(key));
  std::string parent = ParentOf(key);
  if (!parent.empty()) DATAML_RETURN_NOT_OK(Failed(fs_->CreateDir(parent, /*recursive=*/true), "create", parent));
  std::string name = key.substr(parent.empty() ? 0 : parent.size() + 1);
  std::string temp = (parent.empty() ? "" : parent + "/") + "." + name + ".tmp-" + RandomToken(6);
  DATAML_ASSIGN_OR_RETURN(auto stream, FromArrow(fs_->OpenOutputStream(temp), "cannot create " + key));
  return std::unique_ptr<BlobWriter>(new BlobWriter(fs_, std::move(temp), key, std::move(stream)));
}

Status BlobStore::Write(const std::string& key, std::string_view bytes) const {
  DATAML_ASSIGN_OR_RETURN(auto writer, OpenWrite(key));
  DATAML_RETURN_NOT_OK(Failed(writer->stream().Write(bytes.data(), static_cast<int64_t>(bytes.size())), "write", key));
  return writer->Publish();
}

Status BlobStore::Move(const std::string& from, const std::string& to) const {
  DATAML_RETURN_NOT_OK(CheckKey(from));
  DATAML_RETURN_NOT_OK(CheckKey(to));
  std::string parent = ParentOf(to);
  if (!parent.empty()) DATAML_RETURN_NOT_OK(Failed(fs_->CreateDir(parent, /*recursive=*/true), "create", parent));
  return Failed(fs_->Move(from, to), "store", to);
}

Status BlobStore::Remove(const std::string& key) const {
  DATAML_ASSIGN_OR_RETURN(bool exists, Exists(key));
  if (!exists) return Status::OK();
  return Failed(fs_->DeleteFile(key), "remove", key);
}

Status BlobStore::RemoveTree(const std::string& prefix) const {
  DATAML_RETURN_NOT_OK(CheckKey(prefix));
  DATAML_ASSIGN_OR_RETURN(arrow::fs::FileInfo info, FromArrow(fs_->GetFileInfo(prefix), "cannot look up " + prefix));
  if (info.IsDirectory()) return Failed(fs_->DeleteDir(prefix), "remove", prefix);
  if (info.IsFile()) return Failed(fs_->DeleteFile(prefix), "remove", prefix);
  return Status::OK();
}

Result<std::vector<std::string>> BlobStore::List(const std::string& prefix) const {
  DATAML_RETURN_NOT_OK(CheckKey(prefix));
  arrow::fs::FileSelector selector;
  selector.base_dir = prefix;
  selector.recursive = true;
  selector.allow_not_found = true;
  DATAML_ASSIGN_OR_RETURN(auto infos, FromArrow(fs_->GetFileInfo(selector), "cannot list " + prefix));
  std::vector<std::string> keys;
  for (const arrow::fs::FileInfo& info : infos) {
    if (info.IsFile()) keys.push_back(info.path());
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

size_t BlobStore::RemoveStaleStaging(int64_t max_age_seconds) const {
  const auto cutoff = arrow::fs::TimePoint::clock::now() - std::chrono::seconds(max_age_seconds);
  auto children = [&](const std::string& dir) {
    arrow::fs::FileSelector selector;
    selector.base_dir = dir;
    selector.allow_not_found = true;
    auto infos = fs_->GetFileInfo(selector);
    return infos.ok() ? *infos : arrow::fs::FileInfoVector{};
  };
  size_t removed = 0;
  for (const arrow::fs::FileInfo& tenant : children("tenants")) {
    if (!tenant.IsDirectory()) continue;
    for (const arrow::fs::FileInfo& upload : children(tenant.path() + "/staging")) {
      if (upload.mtime() > cutoff) continue;
      bool ok = upload.IsDirectory() ? fs_->DeleteDir(upload.path()).ok() : fs_->DeleteFile(upload.path()).ok();
      if (ok) ++removed;
    }
  }
  return removed;
}

std::string BlobStore::LocationOf(std::string_view key) const { return location_root_ + "/" + std::string(key); }

std::optional<std::string> BlobStore::KeyAt(std::string_view location) const {
  if (location.rfind("file://", 0) == 0 && location_root_.rfind("/", 0) == 0) location.remove_prefix(7);
  if (location.rfind(location_root_ + "/", 0) != 0) return std::nullopt;
  std::string key(location.substr(location_root_.size() + 1));
  if (!CheckKey(key).ok()) return std::nullopt;
  return key;
}

Result<std::string> BlobStore::KeyInside(std::string_view location, std::string_view prefix) const {
  auto not_found = Status::NotFound("File not found");
  if (location.empty() || location.find('\0') != std::string_view::npos || !CheckKey(prefix).ok()) return not_found;
  if (location.rfind("file://", 0) == 0 && location_root_.rfind("/", 0) == 0) location.remove_prefix(7);
  std::string key;
  if (location.rfind(location_root_ + "/", 0) == 0) {
    // Not KeyAt: a local store resolves ".." and symlinks below, before the key is checked.
    key = std::string(location.substr(location_root_.size() + 1));
  } else if (location.front() == '/' || location.find("://") != std::string_view::npos) {
    return not_found;
  } else {
    key = std::string(location);
  }
  if (!local_root_.empty()) {
    // canonical() resolves "..", "." and every symlink, and fails for missing files.
    std::error_code ec;
    std::filesystem::path resolved = std::filesystem::canonical(local_root_ / key, ec);
    if (ec || !std::filesystem::is_regular_file(resolved, ec)) return not_found;
    key = resolved.lexically_relative(local_root_).generic_string();
  }
  if (!CheckKey(key).ok() || !HasPrefix(key, prefix)) return not_found;
  auto exists = Exists(key);
  if (!exists.ok() || !*exists) return not_found;
  return key;
}

}  // namespace dataml::storage
