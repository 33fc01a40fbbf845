// The token check and the permission check read the user and their permissions through
// short-lived caches. These tests pin down what that must not change: whatever this process does
// to a user (deactivation, password reset, roles, grants) applies to the very next request.
#include "modules/auth/auth_service.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "core/clock.h"
#include "modules/rbac/permission_catalog.h"
#include "test_support.h"

namespace dataml::auth {
namespace {

const std::string kSecret = "unit-test-secret-0123456789-abcdefghijklmnop";
const std::string kPassword = "Passw0rd-for-tests";

class AuthServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto tenant = tenants_.Create("acme");
    ASSERT_TRUE(tenant.ok()) << tenant.status().message();
    tenant_id_ = tenant->id;
    auto user = users_.CreateUnchecked(
        {tenant_id_, "alice", "alice@example.com", std::nullopt, std::nullopt, kPassword, false});
    ASSERT_TRUE(user.ok()) << user.status().message();
    user_id_ = user->id;
    // Back-date the last password change, so that a token issued a minute ago is valid.
    Sql("UPDATE users SET password_changed_at = password_changed_at - 120");
    token_ = codec_.Issue(principal(), NowUnixSeconds() - 60);
  }

  Principal principal() const { return {user_id_, tenant_id_, "alice", false}; }
  const Principal root_{0, "", "root", true};

  // A change made behind this process's back, as another server sharing the database would.
  void Sql(const std::string& statement) {
    long long id = user_id_;
    ASSERT_TRUE(temp_.db()
                    .Run([&](soci::session& sql) {
                      sql << statement + " WHERE id = :id", soci::use(id);
                      return Status::OK();
                    })
                    .ok());
  }
  StatusCode Authenticate() { return auth_.Authenticate(token_).status().code(); }
  StatusCode Authorize(const char* permission) {
    return auth_.Authorize(principal(), permission).code();
  }
  void SetActive(bool active) {
    users::UserChanges changes;
    changes.is_active = active;
    ASSERT_TRUE(users_.Update(root_, true, user_id_, changes).ok());
  }

  dataml::testing::TempDatabase temp_;
  rbac::RbacService rbac_{temp_.db()};
  tenants::TenantsService tenants_{temp_.db(), rbac_};
  users::UsersService users_{temp_.db(), tenants_};
  AccessTokenCodec codec_{kSecret, 600};
  AuthService auth_{temp_.db(), users_, rbac_, codec_, LoginPolicy{}};
  std::string tenant_id_;
  int64_t user_id_ = 0;
  std::string token_;
};

TEST_F(AuthServiceTest, AuthenticateTakesTenantAndFlagsFromTheDatabase) {
  auto principal = auth_.Authenticate(token_);
  ASSERT_TRUE(principal.ok()) << principal.status().message();
  EXPECT_EQ(principal->user_id, user_id_);
  EXPECT_EQ(principal->tenant_id, tenant_id_);
  EXPECT_EQ(principal->username, "alice");
  EXPECT_FALSE(principal->is_superuser);
  EXPECT_EQ(auth_.Authenticate("not-a-token").status().code(), StatusCode::kUnauthenticated);
}

// Verified tokens are remembered (kVerifiedTokenCacheTtl); what that must not change: a token
// that expires is refused from that second on, and only the exact bytes that were verified hit.
TEST_F(AuthServiceTest, ARememberedTokenIsRefusedOnceItExpires) {
  Sql("UPDATE users SET password_changed_at = password_changed_at - 1200");
  token_ = codec_.Issue(principal(), NowUnixSeconds() - 599);  // expires in one second
  const int64_t expires_at = NowUnixSeconds() + 1;
  ASSERT_EQ(Authenticate(), StatusCode::kOk);
  while (NowUnixSeconds() < expires_at) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto refused = auth_.Authenticate(token_);
  EXPECT_EQ(refused.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(refused.status().message(), "Token has expired");
}

TEST_F(AuthServiceTest, OnlyTheVerifiedBytesAreRemembered) {
  ASSERT_EQ(Authenticate(), StatusCode::kOk);
  std::string forged = token_;
  char& c = forged[forged.size() - 10];  // inside the signature (its last character has padding bits)
  c = c == 'A' ? 'B' : 'A';
  EXPECT_EQ(auth_.Authenticate(forged).status().code(), StatusCode::kUnauthenticated);
  std::string other_secret = AccessTokenCodec{kSecret + "x", 600}.Issue(principal(), NowUnixSeconds() - 60);
  EXPECT_EQ(auth_.Authenticate(other_secret).status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(Authenticate(), StatusCode::kOk);
}

TEST_F(AuthServiceTest, AnotherServersChangeIsSeenOnlyWhenTheCachedRowExpires) {
  ASSERT_EQ(Authenticate(), StatusCode::kOk);
  Sql("UPDATE users SET is_active = 0");
  EXPECT_EQ(Authenticate(), StatusCode::kOk);  // within users::kActiveUserCacheTtl
}

TEST_F(AuthServiceTest, DeactivationAppliesToTheNextRequest) {
  ASSERT_EQ(Authenticate(), StatusCode::kOk);
  SetActive(false);
  EXPECT_EQ(Authenticate(), StatusCode::kUnauthenticated);
  SetActive(true);
  EXPECT_EQ(Authenticate(), StatusCode::kOk);
}

TEST_F(AuthServiceTest, PasswordResetRefusesOlderTokensAtOnce) {
  ASSERT_EQ(Authenticate(), StatusCode::kOk);
  ASSERT_TRUE(auth_.ResetPassword(root_, {"alice", "N3w-password-long", std::nullopt}).ok());
  EXPECT_EQ(Authenticate(), StatusCode::kUnauthenticated);
  token_ = codec_.Issue(principal(), NowUnixSeconds());
  EXPECT_EQ(Authenticate(), StatusCode::kOk);
}

TEST_F(AuthServiceTest, RoleAndGrantChangesApplyToTheNextPermissionCheck) {
  const char* kPerm = rbac::perm::kViewTemplates;
  auto role = rbac_.CreateRole(tenant_id_, "analyst");
  ASSERT_TRUE(role.ok());
  EXPECT_EQ(Authorize(kPerm), StatusCode::kPermissionDenied);

  ASSERT_TRUE(rbac_.AssignRole(tenant_id_, user_id_, role->id).ok());
  EXPECT_EQ(Authorize(kPerm), StatusCode::kPermissionDenied);  // the role holds nothing yet
  ASSERT_TRUE(rbac_.Grant(tenant_id_, role->id, 0, kPerm).ok());
  EXPECT_EQ(Authorize(kPerm), StatusCode::kOk);
  EXPECT_EQ(Authorize(rbac::perm::kManageUsers), StatusCode::kPermissionDenied);

  ASSERT_TRUE(rbac_.RemoveRole(tenant_id_, user_id_, role->id).ok());
  EXPECT_EQ(Authorize(kPerm), StatusCode::kPermissionDenied);
  ASSERT_TRUE(rbac_.AssignRole(tenant_id_, user_id_, role->id).ok());
  EXPECT_EQ(Authorize(kPerm), StatusCode::kOk);

  auto permissions = rbac_.ListPermissions(tenant_id_, 0, 1000);
  ASSERT_TRUE(permissions.ok());
  int64_t perm_id = 0;
  for (const auto& p : permissions->permissions) {
    if (p.name == kPerm) perm_id = p.id;
  }
  ASSERT_TRUE(rbac_.Revoke(tenant_id_, role->id, perm_id).ok());
  EXPECT_EQ(Authorize(kPerm), StatusCode::kPermissionDenied);

  ASSERT_TRUE(rbac_.Grant(tenant_id_, role->id, perm_id, "").ok());
  EXPECT_EQ(Authorize(kPerm), StatusCode::kOk);
  ASSERT_TRUE(rbac_.DeleteRole(tenant_id_, role->id).ok());
  EXPECT_EQ(Authorize(kPerm), StatusCode::kPermissionDenied);
}

TEST_F(AuthServiceTest, PermissionsAreReusedWithinTheTtl) {
  auto role = rbac_.CreateRole(tenant_id_, "analyst");
  ASSERT_TRUE(role.ok());
  ASSERT_TRUE(rbac_.Grant(tenant_id_, role->id, 0, rbac::perm::kViewTemplates).ok());
  ASSERT_TRUE(rbac_.AssignRole(tenant_id_, user_id_, role->id).ok());
  ASSERT_EQ(Authorize(rbac::perm::kViewTemplates), StatusCode::kOk);
  long long id = user_id_;
  ASSERT_TRUE(temp_.db()
                  .Run([&](soci::session& sql) {
                    sql << "DELETE FROM user_roles WHERE user_id = :id", soci::use(id);
                    return Status::OK();
                  })
                  .ok());
  EXPECT_EQ(Authorize(rbac::perm::kViewTemplates), StatusCode::kOk);  // kPermissionCacheTtl
  EXPECT_EQ(auth_.Authorize(root_, rbac::perm::kManageRoles).code(), StatusCode::kOk);
}

}  // namespace
}  // namespace dataml::auth
