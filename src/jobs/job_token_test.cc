#include "jobs/job_token.h"

#include <gtest/gtest.h>

#include "core/crypto.h"

namespace dataml::jobs {
namespace {

const std::string kSecret(48, 's');

TEST(JobTokensTest, VerifiesOnlyTheTokenIssuedForThatJobAndSecret) {
  ASSERT_TRUE(InitCrypto());
  JobTokens tokens(kSecret);
  std::string token = tokens.Issue(7);
  EXPECT_EQ(token.size(), 64u);
  EXPECT_EQ(token, tokens.Issue(7)) << "tokens are deterministic, so any server can verify them";
  EXPECT_TRUE(tokens.Verify(7, token));

  EXPECT_FALSE(tokens.Verify(8, token)) << "another job's token";
  EXPECT_NE(tokens.Issue(8), token);
  EXPECT_FALSE(JobTokens(std::string(48, 't')).Verify(7, token)) << "another server secret";
  EXPECT_FALSE(tokens.Verify(7, ""));
  EXPECT_FALSE(tokens.Verify(7, "garbage"));
  EXPECT_FALSE(tokens.Verify(7, token.substr(0, 63)));
  EXPECT_FALSE(tokens.Verify(7, token + "0"));
  std::string flipped = token;
  flipped[10] = flipped[10] == 'a' ? 'b' : 'a';
  EXPECT_FALSE(tokens.Verify(7, flipped));
}

}  // namespace
}  // namespace dataml::jobs
