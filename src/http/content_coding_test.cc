#include "http/content_coding.h"

#include <gtest/gtest.h>

namespace dataml::http {
namespace {

TEST(ContentCodingTest, ListedCodingsAreAccepted) {
  EXPECT_TRUE(AcceptsCoding("gzip", "gzip"));
  EXPECT_TRUE(AcceptsCoding("gzip, deflate, br, zstd", "gzip"));
  EXPECT_TRUE(AcceptsCoding("br;q=1.0, GZip;q=0.8", "gzip"));
  EXPECT_TRUE(AcceptsCoding(" deflate ,x-gzip", "gzip"));
  EXPECT_TRUE(AcceptsCoding("*", "gzip"));
}

TEST(ContentCodingTest, IdentityAbsentAndRefusedCodingsAreNot) {
  EXPECT_FALSE(AcceptsCoding("", "gzip"));
  EXPECT_FALSE(AcceptsCoding("identity", "gzip"));
  EXPECT_FALSE(AcceptsCoding("br, deflate", "gzip"));
  EXPECT_FALSE(AcceptsCoding("gzip;q=0", "gzip"));
  EXPECT_FALSE(AcceptsCoding("gzip; q=0.000", "gzip"));
  EXPECT_FALSE(AcceptsCoding("*, gzip;q=0", "gzip"));  // a coding refused by name beats the wildcard
  EXPECT_FALSE(AcceptsCoding("*;q=0", "gzip"));
  EXPECT_FALSE(AcceptsCoding("gzip;q=abc", "gzip"));
  EXPECT_FALSE(AcceptsCoding("gzipped", "gzip"));
}

}  // namespace
}  // namespace dataml::http
