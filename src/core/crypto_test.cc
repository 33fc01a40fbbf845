#include "core/crypto.h"

#include <gtest/gtest.h>

#include <set>

#include "core/password_hash.h"

namespace dataml {
namespace {

TEST(CryptoTest, TokensAndUuidsAreRandomAndWellFormed) {
  ASSERT_TRUE(InitCrypto());
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string token = RandomToken(32);
    EXPECT_EQ(token.size(), 43u);
    EXPECT_EQ(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
    EXPECT_TRUE(seen.insert(token).second);
  }
  std::string uuid = RandomUuid();
  ASSERT_EQ(uuid.size(), 36u);
  EXPECT_EQ(uuid[14], '4');
  EXPECT_NE(uuid, RandomUuid());
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
}

TEST(PasswordHashTest, Argon2idVerifiesOnlyTheRightPassword) {
  ASSERT_TRUE(InitCrypto());
  auto hash = HashPassword("correct horse 1");
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(VerifyPassword(*hash, "correct horse 1"));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horse 2"));
  EXPECT_FALSE(VerifyPassword("not a hash", "correct horse 1"));
  EXPECT_NE(*hash, *HashPassword("correct horse 1"));  // salted
}

}  // namespace
}  // namespace dataml
