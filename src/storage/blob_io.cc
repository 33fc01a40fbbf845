#include "storage/blob_io.h"

#include <fstream>
#include <sstream>

namespace dataml::storage {

Result<std::string> ReadBlob(const BlobStore& store, const std::string& key) {
  DATAML_ASSIGN_OR_RETURN(auto path, store.PathFor(key));
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("artifact " + key + " is missing");
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return Status::Internal("cannot read artifact " + key);
  return out.str();
}

Status WriteBlob(const BlobStore& store, const std::string& key, const std::string& bytes) {
  DATAML_ASSIGN_OR_RETURN(auto temp, store.TempPathFor(key));
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      std::error_code ec;
      std::filesystem::remove(temp, ec);
      return Status::Internal("cannot write artifact " + key);
    }
  }
  return store.Commit(temp, key);
}

Result<std::vector<std::string>> BlobPaths(const BlobStore& store, const std::vector<std::string>& keys) {
  std::vector<std::string> paths;
  for (const std::string& key : keys) {
    DATAML_ASSIGN_OR_RETURN(auto path, store.PathFor(key));
    paths.push_back(path.string());
  }
  return paths;
}

}  // namespace dataml::storage
