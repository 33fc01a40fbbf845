// A console build as Vite writes it, in a fresh temporary directory (removed afterwards), for the
// console module's unit tests. The .gz twins hold marked bytes, not real gzip: the server sends
// them as they are.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "core/crypto.h"

namespace dataml::console::testing {

class FakeConsoleBuild {
 public:
  static constexpr const char* kIndexHtml = "<!doctype html><script type=module src=/assets/app-1a2b.js></script>";
  static constexpr const char* kAppJs = "console.log('app')";
  static constexpr const char* kAppCss = "body{margin:0}";
  static constexpr const char* kFavicon = "<svg xmlns='http://www.w3.org/2000/svg'/>";

  // What the fake .gz twin of `plain` holds. Appended, not operator+: GCC 12 warns on that
  // (a false -Warray-bounds).
  static std::string Gz(std::string_view plain) {
    std::string marked = "GZ:";
    marked.append(plain);
    return marked;
  }

  FakeConsoleBuild() {
    InitCrypto();
    dir_ = std::filesystem::temp_directory_path() / ("dataml-console-" + RandomToken(8));
    std::filesystem::create_directories(dir_ / "assets");
    Write("index.html", kIndexHtml);
    Write("index.html.gz", Gz(kIndexHtml));
    Write("assets/app-1a2b.js", kAppJs);
    Write("assets/app-1a2b.js.gz", Gz(kAppJs));
    Write("assets/app-3c4d.css", kAppCss);  // no twin
    Write("favicon.svg", kFavicon);
  }
  ~FakeConsoleBuild() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  FakeConsoleBuild(const FakeConsoleBuild&) = delete;
  FakeConsoleBuild& operator=(const FakeConsoleBuild&) = delete;

  void Write(const std::string& name, const std::string& bytes) const {
    std::ofstream(dir_ / name, std::ios::binary) << bytes;
  }
  std::string dir() const { return dir_.string(); }
  const std::filesystem::path& path() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

}  // namespace dataml::console::testing
