#include "core/text.h"

#include <gtest/gtest.h>

namespace dataml {
namespace {

TEST(TextTest, QuotableTailKeepsTheEndAsValidUtf8) {
  EXPECT_EQ(QuotableTail("short\n\n", 100), "short");
  EXPECT_EQ(QuotableTail("0123456789", 4), "...6789");
  // A cut inside a two-byte character, and a byte that is not UTF-8 at all.
  const std::string e_acute = "\xc3\xa9";
  EXPECT_EQ(QuotableTail("caf" + e_acute, 1), "...\xef\xbf\xbd");
  EXPECT_EQ(QuotableTail("bad \xff byte", 100), "bad \xef\xbf\xbd byte");
  EXPECT_EQ(QuotableTail("", 10), "");
}

TEST(TextTest, CanonicalUuidsOnly) {
  EXPECT_TRUE(IsCanonicalUuid("365e6b97-3f59-4bc0-94e3-704b5bba6052"));
  EXPECT_TRUE(IsCanonicalUuid("365E6B97-3F59-4BC0-94E3-704B5BBA6052"));
  EXPECT_FALSE(IsCanonicalUuid(""));
  EXPECT_FALSE(IsCanonicalUuid("365e6b97-3f59-4bc0-94e3-704b5bba605"));
  EXPECT_FALSE(IsCanonicalUuid("365e6b973f594bc094e3704b5bba6052"));
  EXPECT_FALSE(IsCanonicalUuid("365e6b97-3f59-4bc0-94e3-704b5bba605g"));
  EXPECT_FALSE(IsCanonicalUuid("365e6b97+3f59-4bc0-94e3-704b5bba6052"));
}

}  // namespace
}  // namespace dataml
