"""Login (1.1-1.4), validate-token (10.1) and the token attacks every API must refuse."""
import base64
import json
import time

import jwt
import pytest

from conftest import USER_PASSWORD, unique
from dataml_server import ADMIN_PASSWORD, ADMIN_USERNAME, JWT_SECRET


def test_login_returns_access_and_refresh_tokens(server):
    with server.client() as c:
        r = c.post("/api/v1/login/access-token",
                   data={"grant_type": "password", "username": ADMIN_USERNAME, "password": ADMIN_PASSWORD})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] > 0
    assert body["access_token"].count(".") == 2
    assert len(body["refresh_token"]) >= 40
    header = json.loads(base64.urlsafe_b64decode(body["access_token"].split(".")[0] + "=="))
    assert header["alg"] == "HS256"


def test_wrong_password_and_unknown_user_answer_the_same(server):
    with server.client() as c:
        wrong = c.post("/api/v1/login/access-token", data={"username": ADMIN_USERNAME, "password": "nope-123456"})
        unknown = c.post("/api/v1/login/access-token", data={"username": unique("ghost"), "password": "nope-123456"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"detail": "Incorrect username or password"}


def test_login_form_fields_are_required(server):
    with server.client() as c:
        r = c.post("/api/v1/login/access-token", data={"username": ADMIN_USERNAME})
        assert r.status_code == 422
        assert r.json()["detail"] == [{"loc": ["body", "password"], "msg": "Field required", "type": "missing"}]
        r = c.post("/api/v1/login/access-token", json={"username": ADMIN_USERNAME, "password": ADMIN_PASSWORD})
        assert r.status_code == 422  # the document's login is a form, not JSON
        r = c.post("/api/v1/login/access-token",
                   data={"grant_type": "client_credentials", "username": ADMIN_USERNAME, "password": ADMIN_PASSWORD})
        assert r.status_code == 422


def test_repeated_failures_lock_the_user_name(make_server):
    server = make_server(env={"DATAML_LOGIN_MAX_FAILURES": "3", "DATAML_LOGIN_LOCKOUT_SECONDS": "600"})
    with server.client() as c:
        for _ in range(3):
            r = c.post("/api/v1/login/access-token", data={"username": ADMIN_USERNAME, "password": "wrong-pass-1"})
            assert r.status_code == 401
        r = c.post("/api/v1/login/access-token", data={"username": ADMIN_USERNAME, "password": ADMIN_PASSWORD})
        assert r.status_code == 429  # even the right password waits out the lock
        assert "try again" in r.json()["detail"]
        assert int(r.headers["retry-after"]) > 0
        # Unknown names are throttled the same way, so locking does not reveal which names exist.
        ghost = unique("ghost")
        for _ in range(3):
            c.post("/api/v1/login/access-token", data={"username": ghost, "password": "wrong-pass-1"})
        assert c.post("/api/v1/login/access-token", data={"username": ghost, "password": "x"}).status_code == 429


def test_test_token_and_validate_token_describe_the_caller(api):
    token = api.admin_token()
    with api.client(token) as c:
        r = c.post("/api/v1/login/test-token")
        assert r.status_code == 200
        me = r.json()
        assert me["username"] == ADMIN_USERNAME
        assert set(me) >= {"tenant_id", "first_name", "last_name", "email", "username", "id", "is_active"}
        assert "password" not in json.dumps(me) and "hash" not in json.dumps(me)
        r = c.get("/api/v1/validate-token")
        assert r.status_code == 200
        assert r.json()["valid"] is True and r.json()["user_id"] == me["id"]


def _forge(payload, secret=JWT_SECRET, algorithm="HS256"):
    return jwt.encode(payload, secret, algorithm=algorithm)


def _claims(api, **overrides):
    token = api.admin_token()
    claims = jwt.decode(token, JWT_SECRET, algorithms=["HS256"])
    claims.update(overrides)
    return claims


@pytest.mark.parametrize("case", ["missing", "not_bearer", "garbage", "alg_none", "wrong_secret",
                                  "expired", "tampered", "wrong_type", "unknown_user", "hs512",
                                  "not_yet_valid", "no_exp"])
def test_bad_tokens_get_401_with_www_authenticate(api, case):
    now = int(time.time())
    headers = {}
    if case == "not_bearer":
        headers["Authorization"] = "Basic YWRtaW46YWRtaW4="
    elif case == "garbage":
        headers["Authorization"] = "Bearer not.a.jwt"
    elif case == "alg_none":
        h = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
        p = base64.urlsafe_b64encode(json.dumps(_claims(api)).encode()).rstrip(b"=").decode()
        headers["Authorization"] = f"Bearer {h}.{p}."
    elif case == "wrong_secret":
        headers["Authorization"] = "Bearer " + _forge(_claims(api), secret="another-secret-of-sufficient-length-xx")
    elif case == "expired":
        headers["Authorization"] = "Bearer " + _forge(_claims(api, iat=now - 7200, exp=now - 3600))
    elif case == "tampered":
        token = api.admin_token()
        h, p, s = token.split(".")
        claims = json.loads(base64.urlsafe_b64decode(p + "=="))
        claims["sub"] = "2"
        p2 = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        headers["Authorization"] = f"Bearer {h}.{p2}.{s}"
    elif case == "wrong_type":
        headers["Authorization"] = "Bearer " + _forge(_claims(api, typ="refresh"))
    elif case == "unknown_user":
        headers["Authorization"] = "Bearer " + _forge(_claims(api, sub="987654321"))
    elif case == "hs512":
        headers["Authorization"] = "Bearer " + _forge(_claims(api), algorithm="HS512")
    elif case == "not_yet_valid":
        headers["Authorization"] = "Bearer " + _forge(_claims(api, nbf=now + 3600))
    elif case == "no_exp":
        claims = _claims(api)
        del claims["exp"]
        headers["Authorization"] = "Bearer " + _forge(claims)
    with api.client() as c:
        r = c.get("/api/v1/validate-token", headers=headers)
    assert r.status_code == 401, (case, r.text)
    assert r.headers["www-authenticate"] == "Bearer"
    assert isinstance(r.json()["detail"], str)


def test_refresh_rotates_and_reuse_revokes_the_family(api, tenant):
    user, _ = api.create_user(tenant["id"])
    first = api.login(user["username"], USER_PASSWORD)
    with api.client() as c:
        r = c.post("/api/v1/refresh", params={"refresh_token": first["refresh_token"]})
        assert r.status_code == 200, r.text
        second = r.json()
        assert second["refresh_token"] != first["refresh_token"]
        assert c.get("/api/v1/validate-token",
                     headers={"Authorization": f"Bearer {second['access_token']}"}).status_code == 200
        # The spent token comes back (a thief replaying it): refused, and the family is revoked,
        # so the legitimate holder's newer token stops working too.
        r = c.post("/api/v1/refresh", params={"refresh_token": first["refresh_token"]})
        assert r.status_code == 401
        r = c.post("/api/v1/refresh", params={"refresh_token": second["refresh_token"]})
        assert r.status_code == 401
        # Another login is a separate family and still works.
        third = api.login(user["username"], USER_PASSWORD)
        assert c.post("/api/v1/refresh", params={"refresh_token": third["refresh_token"]}).status_code == 200


def test_refresh_needs_a_known_token(server):
    with server.client() as c:
        r = c.post("/api/v1/refresh")
        assert r.status_code == 422
        assert r.json()["detail"][0]["loc"] == ["query", "refresh_token"]
        assert c.post("/api/v1/refresh", params={"refresh_token": "made-up"}).status_code == 401


def test_logout_revokes_the_refresh_token(api, tenant):
    user, _ = api.create_user(tenant["id"])
    tokens = api.login(user["username"], USER_PASSWORD)
    with api.client() as c:
        r = c.post("/api/v1/logout", params={"refresh_token": tokens["refresh_token"]})
        assert r.status_code == 200
        assert c.post("/api/v1/refresh", params={"refresh_token": tokens["refresh_token"]}).status_code == 401
        assert c.post("/api/v1/logout", params={"refresh_token": "made-up"}).status_code == 401


def test_logout_ends_that_sessions_access_tokens_and_no_other(api, tenant):
    user, _ = api.create_user(tenant["id"])
    laptop = api.login(user["username"], USER_PASSWORD)
    phone = api.login(user["username"], USER_PASSWORD)
    with api.client(laptop["access_token"]) as c:
        assert c.get("/api/v1/users/me").status_code == 200
        assert c.post("/api/v1/logout", params={"refresh_token": laptop["refresh_token"]}).status_code == 200
        r = c.get("/api/v1/users/me")
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    with api.client(phone["access_token"]) as c:
        assert c.get("/api/v1/users/me").status_code == 200  # another login of the same user lives on


def test_a_replayed_refresh_token_ends_the_sessions_access_tokens(api, tenant):
    user, _ = api.create_user(tenant["id"])
    first = api.login(user["username"], USER_PASSWORD)
    with api.client() as c:
        second = c.post("/api/v1/refresh", params={"refresh_token": first["refresh_token"]}).json()
        # The spent token comes back (stolen): the whole session ends, its newest access token too.
        assert c.post("/api/v1/refresh", params={"refresh_token": first["refresh_token"]}).status_code == 401
    with api.client(second["access_token"]) as c:
        assert c.get("/api/v1/users/me").status_code == 401

