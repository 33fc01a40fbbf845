#include "storage/blob_store.h"

#include <chrono>
#include <system_error>

#include "core/crypto.h"

namespace dataml::storage {
namespace {

bool SafeKey(std::string_view key) {
  if (key.empty() || key.front() == '/' || key.find('\\') != std::string_view::npos ||
      key.find('\0') != std::string_view::npos) {
    return false;
  }
  for (const auto& part : std::filesystem::path(key)) {
    if (part == ".." || part == ".") return false;
  }
  return true;
}

}  // namespace

BlobStore::BlobStore(std::filesystem::path root) {
  std::error_code ec;
  std::filesystem::create_directories(root, ec);
  root_ = std::filesystem::weakly_canonical(std::filesystem::absolute(root), ec);
}

Result<std::filesystem::path> BlobStore::PathFor(std::string_view key) const {
  if (!SafeKey(key)) return Status::InvalidArgument("invalid storage key");
  return root_ / std::filesystem::path(key);
}

Result<std::filesystem::path> BlobStore::TempPathFor(std::string_view key) const {
  DATAML_ASSIGN_OR_RETURN(std::filesystem::path final_path, PathFor(key));
  std::error_code ec;
  std::filesystem::create_directories(final_path.parent_path(), ec);
  if (ec) return Status::Internal("cannot create " + final_path.parent_path().string() + ": " + ec.message());
  return final_path.parent_path() / ("." + final_path.filename().string() + ".tmp-" + RandomToken(6));
}

Status BlobStore::Commit(const std::filesystem::path& temp_path, std::string_view key) const {
  DATAML_ASSIGN_OR_RETURN(std::filesystem::path final_path, PathFor(key));
  std::error_code ec;
  std::filesystem::create_directories(final_path.parent_path(), ec);
  std::filesystem::rename(temp_path, final_path, ec);
  if (ec) return Status::Internal("cannot store " + std::string(key) + ": " + ec.message());
  return Status::OK();
}

Status BlobStore::Remove(std::string_view key) const {
  DATAML_ASSIGN_OR_RETURN(std::filesystem::path path, PathFor(key));
  std::error_code ec;
  std::filesystem::remove(path, ec);
  if (ec) return Status::Internal("cannot remove " + std::string(key) + ": " + ec.message());
  return Status::OK();
}

Status BlobStore::RemoveTree(std::string_view prefix) const {
  DATAML_ASSIGN_OR_RETURN(std::filesystem::path path, PathFor(prefix));
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (ec) return Status::Internal("cannot remove " + std::string(prefix) + ": " + ec.message());
  return Status::OK();
}

size_t BlobStore::RemoveStaleStaging(int64_t max_age_seconds) const {
  namespace fs = std::filesystem;
  std::error_code ec;
  size_t removed = 0;
  const auto cutoff = fs::file_time_type::clock::now() - std::chrono::seconds(max_age_seconds);
  fs::path tenants = root_ / "tenants";
  if (!fs::is_directory(tenants, ec)) return 0;
  for (const auto& tenant : fs::directory_iterator(tenants, ec)) {
    fs::path staging = tenant.path() / "staging";
    if (!fs::is_directory(staging, ec)) continue;
    for (const auto& upload : fs::directory_iterator(staging, ec)) {
      auto modified = fs::last_write_time(upload.path(), ec);
      if (ec || modified > cutoff) continue;
      if (fs::remove_all(upload.path(), ec) > 0 && !ec) ++removed;
    }
  }
  return removed;
}

Result<std::filesystem::path> BlobStore::ResolveInside(std::string_view user_path,
                                                       std::string_view prefix) const {
  auto not_found = Status::NotFound("File not found");
  if (user_path.empty() || user_path.find('\0') != std::string_view::npos) return not_found;
  DATAML_ASSIGN_OR_RETURN(std::filesystem::path base, PathFor(prefix));
  std::error_code ec;
  std::filesystem::path candidate(user_path);
  if (candidate.is_relative()) candidate = root_ / candidate;
  // canonical() resolves "..", "." and every symlink, and fails for missing files.
  std::filesystem::path resolved = std::filesystem::canonical(candidate, ec);
  if (ec) return not_found;
  std::filesystem::path canonical_base = std::filesystem::weakly_canonical(base, ec);
  if (ec) return not_found;
  auto mismatch = std::mismatch(canonical_base.begin(), canonical_base.end(), resolved.begin(), resolved.end());
  if (mismatch.first != canonical_base.end()) return not_found;
  if (!std::filesystem::is_regular_file(resolved, ec)) return not_found;
  return resolved;
}

}  // namespace dataml::storage
