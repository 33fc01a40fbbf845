#include "modules/console/console_assets.h"

#include <gtest/gtest.h>

#include "modules/console/fake_console_build_for_tests.h"

namespace dataml::console {
namespace {

using testing::FakeConsoleBuild;

TEST(ConsoleAssetsTest, LoadsTheBuildWithItsGzipTwins) {
  FakeConsoleBuild build;
  auto assets = ConsoleAssets::Load(build.dir());
  ASSERT_TRUE(assets.ok()) << assets.status().message();
  EXPECT_EQ((*assets)->file_count(), 4u);  // the twins are codings, not files
  EXPECT_EQ((*assets)->index().bytes, FakeConsoleBuild::kIndexHtml);
  EXPECT_TRUE((*assets)->index().is_html());
  const ConsoleFile* js = (*assets)->Find("assets/app-1a2b.js");
  ASSERT_NE(js, nullptr);
  EXPECT_EQ(js->bytes, FakeConsoleBuild::kAppJs);
  EXPECT_EQ(js->gzip, FakeConsoleBuild::Gz(FakeConsoleBuild::kAppJs));
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  const ConsoleFile* css = (*assets)->Find("assets/app-3c4d.css");
  ASSERT_NE(css, nullptr);
  EXPECT_FALSE(css->gzip);
  ASSERT_NE((*assets)->Find("favicon.svg"), nullptr);
  EXPECT_EQ((*assets)->Find("favicon.svg")->content_type, "image/svg+xml");
  EXPECT_EQ((*assets)->Find("assets/app-1a2b.js.gz"), nullptr);
  EXPECT_EQ((*assets)->Find("/index.html"), nullptr);
}

TEST(ConsoleAssetsTest, OnlyTheTopFolderAndAssetsAreRead) {
  FakeConsoleBuild build;
  std::filesystem::create_directories(build.path() / "nested");
  build.Write("nested/secret.txt", "x");
  std::filesystem::create_directories(build.path() / "assets" / "deeper");
  build.Write("assets/deeper/x.js", "x");
  build.Write(".env", "SECRET=1");
  build.Write("orphan.js.gz", "GZ:");
  std::filesystem::create_symlink("/etc/hostname", build.path() / "hostname");
  auto assets = ConsoleAssets::Load(build.dir());
  ASSERT_TRUE(assets.ok()) << assets.status().message();
  EXPECT_EQ((*assets)->file_count(), 4u);
  for (const char* name : {"nested/secret.txt", "assets/deeper/x.js", "assets/deeper", ".env", "orphan.js.gz",
                           "orphan.js", "hostname", "assets", "assets/../index.html"}) {
    EXPECT_EQ((*assets)->Find(name), nullptr) << name;
  }
}

TEST(ConsoleAssetsTest, WithoutIndexHtmlThereIsNoConsole) {
  FakeConsoleBuild build;
  std::filesystem::remove(build.path() / "index.html");
  auto missing_index = ConsoleAssets::Load(build.dir());
  ASSERT_FALSE(missing_index.ok());
  EXPECT_EQ(missing_index.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ConsoleAssets::Load(build.dir() + "/no-such-dir").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ConsoleAssets::Load("").status().code(), StatusCode::kNotFound);
  // A symbolic link is never read, index.html included.
  std::filesystem::create_symlink(build.path() / "favicon.svg", build.path() / "index.html");
  EXPECT_EQ(ConsoleAssets::Load(build.dir()).status().code(), StatusCode::kNotFound);
}

TEST(ConsoleAssetsTest, AFolderTooBigIsNoConsole) {
  FakeConsoleBuild build;
  ConsoleLimits limits = ConsoleLimits::Defaults();
  limits.max_files = 5;  // the build has 6 files, twins included
  auto too_many = ConsoleAssets::Load(build.dir(), limits);
  EXPECT_EQ(too_many.status().code(), StatusCode::kFailedPrecondition);
  limits.max_files = 6;
  EXPECT_TRUE(ConsoleAssets::Load(build.dir(), limits).ok());
  limits.max_bytes = 150;  // the plain files take 141 bytes, the twins 92 more
  auto too_large = ConsoleAssets::Load(build.dir(), limits);
  EXPECT_EQ(too_large.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(too_large.status().message().find("more than 150 bytes"), std::string::npos);
}

TEST(ConsoleAssetsTest, ContentTypesFollowTheExtension) {
  EXPECT_EQ(ContentTypeFor("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("assets/a.CSS"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("assets/a.js.map"), "application/json");
  EXPECT_EQ(ContentTypeFor("a.json"), "application/json");
  EXPECT_EQ(ContentTypeFor("a.png"), "image/png");
  EXPECT_EQ(ContentTypeFor("a.woff2"), "font/woff2");
  EXPECT_EQ(ContentTypeFor("favicon.ico"), "image/x-icon");
  EXPECT_EQ(ContentTypeFor("robots.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("LICENSE"), "application/octet-stream");
  EXPECT_EQ(ContentTypeFor("a.js.gz"), "application/octet-stream");
}

}  // namespace
}  // namespace dataml::console
