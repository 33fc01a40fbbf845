#include "modules/auth/access_token.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <string>

namespace dataml::auth {
namespace {

const std::string kSecret = "unit-test-secret-0123456789-abcdefghijklmnop";

std::string B64(const std::string& raw) {
  std::string out(sodium_base64_encoded_len(raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

class AccessTokenTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_GE(sodium_init(), 0); }
  AccessTokenCodec codec_{kSecret, 600};
  Principal principal_{42, "tenant-a", "alice", false};
  int64_t now_ = 1'800'000'000;
};

TEST_F(AccessTokenTest, RoundTrips) {
  auto claims = codec_.Verify(codec_.Issue(principal_, now_), now_ + 10);
  ASSERT_TRUE(claims.ok()) << claims.status().message();
  EXPECT_EQ(claims->user_id, 42);
  EXPECT_EQ(claims->tenant_id, "tenant-a");
  EXPECT_EQ(claims->username, "alice");
  EXPECT_EQ(claims->issued_at, now_);
  EXPECT_EQ(claims->expires_at, now_ + 600);
  EXPECT_EQ(claims->session_id, "");
  EXPECT_EQ(codec_.Verify(codec_.Issue(principal_, now_, "family-1"), now_)->session_id, "family-1");
}

TEST_F(AccessTokenTest, ExpiredTokensAreRefused) {
  auto claims = codec_.Verify(codec_.Issue(principal_, now_ - 601), now_);
  EXPECT_EQ(claims.status().code(), StatusCode::kUnauthenticated);
}

TEST_F(AccessTokenTest, OtherSecretsAndTamperingAreRefused) {
  AccessTokenCodec other("another-secret-0123456789-abcdefghijklmnop", 600);
  EXPECT_FALSE(codec_.Verify(other.Issue(principal_, now_), now_).ok());
  std::string token = codec_.Issue(principal_, now_);
  token[token.size() - 2] = token[token.size() - 2] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(codec_.Verify(token, now_).ok());
}

TEST_F(AccessTokenTest, AlgNoneIsRefused) {
  std::string token = codec_.Issue(principal_, now_);
  std::string payload = token.substr(token.find('.') + 1);
  payload = payload.substr(0, payload.find('.'));
  for (const char* header : {R"({"alg":"none","typ":"JWT"})", R"({"alg":"NONE"})", R"({"alg":"HS512"})"}) {
    std::string forged = B64(header) + "." + payload + ".";
    EXPECT_EQ(codec_.Verify(forged, now_).status().code(), StatusCode::kUnauthenticated) << header;
  }
}

TEST_F(AccessTokenTest, GarbageIsRefusedWithoutThrowing) {
  for (const char* junk : {"", "a", "a.b", "a.b.c", "....", "eyJhbGciOiJIUzI1NiJ9.e30.", "%%%.%%%.%%%"}) {
    EXPECT_EQ(codec_.Verify(junk, now_).status().code(), StatusCode::kUnauthenticated) << junk;
  }
  EXPECT_FALSE(codec_.Verify(std::string(5000, 'a'), now_).ok());
}

}  // namespace
}  // namespace dataml::auth
