"""Reset password (1.5), made safe: it needs a bearer token; users reset their own with their
current password; user managers reset users of their tenant; a reset revokes refresh tokens."""
from conftest import USER_PASSWORD, unique
from dataml_server import ADMIN_USERNAME

NEW_PASSWORD = "Brand-new-pass-42"


def reset(client, **params):
    return client.post("/api/v1/reset-password", params=params)


def test_anonymous_reset_is_refused(api, tenant):
    user, _ = api.create_user(tenant["id"])
    with api.client() as c:
        r = reset(c, user_name=user["username"], new_password=NEW_PASSWORD)
    assert r.status_code == 401
    api.login(user["username"], USER_PASSWORD)  # unchanged


def test_own_reset_needs_the_current_password(api, tenant):
    user, token = api.create_user(tenant["id"], role="viewer")
    with api.client(token) as c:
        r = reset(c, user_name=user["username"], new_password=NEW_PASSWORD)
        assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "current_password"]
        r = reset(c, user_name=user["username"], new_password=NEW_PASSWORD, current_password="wrong-one-1")
        assert r.status_code == 400
        r = reset(c, user_name=user["username"], new_password="short", current_password=USER_PASSWORD)
        assert r.status_code == 422
        r = reset(c, user_name=user["username"], new_password=NEW_PASSWORD, current_password=USER_PASSWORD)
        assert r.status_code == 200, r.text
    api.login(user["username"], NEW_PASSWORD)
    with api.client() as c:
        r = c.post("/api/v1/login/access-token", data={"username": user["username"], "password": USER_PASSWORD})
        assert r.status_code == 401


def test_reset_revokes_refresh_tokens_and_older_access_tokens(api, tenant):
    user, _ = api.create_user(tenant["id"])
    tokens = api.login(user["username"], USER_PASSWORD)
    _, manager_token = api.create_user(tenant["id"], role="admin")
    import time
    time.sleep(1.1)  # access tokens carry whole seconds; make "issued before the reset" unambiguous
    with api.client(manager_token) as c:
        assert reset(c, user_name=user["username"], new_password=NEW_PASSWORD).status_code == 200
        assert c.post("/api/v1/refresh", params={"refresh_token": tokens["refresh_token"]}).status_code == 401
        r = c.get("/api/v1/validate-token", headers={"Authorization": f"Bearer {tokens['access_token']}"})
        assert r.status_code == 401


def test_viewer_cannot_reset_someone_else(api, tenant):
    victim, _ = api.create_user(tenant["id"])
    _, token = api.create_user(tenant["id"], role="viewer")
    with api.client(token) as c:
        assert reset(c, user_name=victim["username"], new_password=NEW_PASSWORD).status_code == 403
    api.login(victim["username"], USER_PASSWORD)


def test_tenant_admin_cannot_reach_other_tenants_or_the_superuser(api, tenant):
    other_tenant = api.create_tenant()
    stranger, _ = api.create_user(other_tenant["id"])
    _, admin_token = api.create_user(tenant["id"], role="admin")
    with api.client(admin_token) as c:
        assert reset(c, user_name=stranger["username"], new_password=NEW_PASSWORD).status_code == 404
        assert reset(c, user_name=unique("ghost"), new_password=NEW_PASSWORD).status_code == 404
    # An admin of the default tenant still cannot take over the platform superuser.
    with api.admin() as c:
        default_tenant = c.get("/api/v1/users/me").json()["tenant_id"]
    _, default_admin = api.create_user(default_tenant, role="admin")
    with api.client(default_admin) as c:
        assert reset(c, user_name=ADMIN_USERNAME, new_password=NEW_PASSWORD).status_code == 403
