"""Users (2.1-2.3) and the profile management beside them."""
import json

from conftest import USER_PASSWORD, unique


def new_user_body(tenant_id, **overrides):
    name = unique("u")
    body = {"tenant_id": tenant_id, "username": name, "email": f"{name}@example.com",
            "password": USER_PASSWORD, "first_name": "Jane", "last_name": "Doe"}
    body.update(overrides)
    return body


def test_create_user_and_read_it_back(api, tenant):
    with api.admin() as c:
        r = c.post("/api/v1/users/create-user", json=new_user_body(tenant["id"]))
        assert r.status_code == 201, r.text
        user = r.json()
        assert user["tenant_id"] == tenant["id"] and user["is_active"] is True
        assert "password" not in json.dumps(user) and "hash" not in json.dumps(user)
        r = c.get(f"/api/v1/users/{user['id']}")
        assert r.status_code == 200 and r.json() == user
        assert c.get(f"/api/v1/users/{user['id']}/").status_code == 200  # trailing slash too


def test_duplicates_are_conflicts(api, tenant):
    body = new_user_body(tenant["id"])
    with api.admin() as c:
        assert c.post("/api/v1/users/create-user", json=body).status_code == 201
        same_name = dict(new_user_body(tenant["id"]), username=body["username"].upper())
        r = c.post("/api/v1/users/create-user", json=same_name)
        assert r.status_code == 409 and "username" in r.json()["detail"]
        same_email = dict(new_user_body(tenant["id"]), email=body["email"].upper())
        r = c.post("/api/v1/users/create-user", json=same_email)
        assert r.status_code == 409 and "email" in r.json()["detail"]


def test_invalid_fields_are_422_in_fastapi_shape(api, tenant):
    with api.admin() as c:
        r = c.post("/api/v1/users/create-user", json=new_user_body(tenant["id"], email="not-an-email"))
        assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "email"]
        for weak in ("short1", "allletters", "1234567890"):
            r = c.post("/api/v1/users/create-user", json=new_user_body(tenant["id"], password=weak))
            assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "password"], weak
        r = c.post("/api/v1/users/create-user", json=new_user_body(tenant["id"], username=12))
        assert r.status_code == 422
        assert r.json()["detail"][0] == {"loc": ["body", "username"], "msg": "Input should be a valid string",
                                         "type": "string_type"}
        body = new_user_body(tenant["id"])
        del body["tenant_id"]
        r = c.post("/api/v1/users/create-user", json=body)
        assert r.status_code == 422 and r.json()["detail"][0]["type"] == "missing"
        r = c.post("/api/v1/users/create-user", content=b"{not json", headers={"Content-Type": "application/json"})
        assert r.status_code == 422 and r.json()["detail"][0]["type"] == "json_invalid"
        r = c.post("/api/v1/users/create-user", json=[1, 2])
        assert r.status_code == 422
        r = c.post("/api/v1/users/create-user", json=new_user_body("no-such-tenant"))
        assert r.status_code == 404


def test_sql_metacharacters_are_plain_text(api, tenant):
    nasty = "Robert'); DROP TABLE users;--"
    with api.admin() as c:
        r = c.post("/api/v1/users/create-user", json=new_user_body(tenant["id"], first_name=nasty, last_name='" OR 1=1 --'))
        assert r.status_code == 201
        got = c.get(f"/api/v1/users/{r.json()['id']}").json()
        assert got["first_name"] == nasty and got["last_name"] == '" OR 1=1 --'
        assert c.get("/api/v1/users/read-users").status_code == 200


def test_list_is_tenant_scoped_and_paginated(api, tenant):
    ids = [api.create_user(tenant["id"])[0]["id"] for _ in range(3)]
    _, token = api.create_user(tenant["id"], role="viewer")
    with api.client(token) as c:
        r = c.get("/api/v1/users/read-users/")
        assert r.status_code == 200
        body = r.json()
        assert body["count"] == 4 and len(body["data"]) == 4
        assert {u["tenant_id"] for u in body["data"]} == {tenant["id"]}
        page = c.get("/api/v1/users/read-users", params={"skip": 1, "limit": 2}).json()
        assert page["count"] == 4 and [u["id"] for u in page["data"]] == ids[1:3]
        assert c.get("/api/v1/users/read-users", params={"limit": 0}).status_code == 422
        assert c.get("/api/v1/users/read-users", params={"skip": "x"}).status_code == 422
        # A tenant user cannot list another tenant by naming it.
        other = api.create_tenant()
        assert c.get("/api/v1/users/read-users", params={"tenant_id": other["id"]}).status_code == 404


def test_other_tenants_users_answer_404(api, tenant):
    other = api.create_tenant()
    stranger, _ = api.create_user(other["id"])
    _, token = api.create_user(tenant["id"], role="admin")
    with api.client(token) as c:
        assert c.get(f"/api/v1/users/{stranger['id']}").status_code == 404
        assert c.patch(f"/api/v1/users/{stranger['id']}", json={"first_name": "x"}).status_code == 404
        assert c.post(f"/api/v1/users/{stranger['id']}/deactivate").status_code == 404
        r = c.post("/api/v1/users/create-user", json=new_user_body(other["id"]))
        assert r.status_code == 404
        assert c.get("/api/v1/users/abc").status_code == 422


def test_update_profile_self_and_as_manager(api, tenant):
    user, token = api.create_user(tenant["id"], role="viewer")
    peer, _ = api.create_user(tenant["id"])
    with api.client(token) as c:
        r = c.patch(f"/api/v1/users/{user['id']}", json={"first_name": "New", "last_name": None})
        assert r.status_code == 200 and r.json()["first_name"] == "New" and r.json()["last_name"] is None
        assert c.patch(f"/api/v1/users/{peer['id']}", json={"first_name": "x"}).status_code == 403
        assert c.patch(f"/api/v1/users/{user['id']}", json={"is_active": False}).status_code == 422
        assert c.patch(f"/api/v1/users/{user['id']}", json={"password": "x"}).status_code == 422
        assert c.patch(f"/api/v1/users/{user['id']}", json={"email": "bad"}).status_code == 422
        assert c.patch(f"/api/v1/users/{user['id']}", json={"email": peer["email"]}).status_code == 409


def test_deactivated_user_can_neither_log_in_nor_use_tokens(api, tenant):
    user, token = api.create_user(tenant["id"], role="viewer")
    _, manager = api.create_user(tenant["id"], role="admin")
    with api.client(manager) as c:
        r = c.post(f"/api/v1/users/{user['id']}/deactivate")
        assert r.status_code == 200 and r.json()["is_active"] is False
    with api.client(token) as c:
        assert c.get("/api/v1/validate-token").status_code == 401
        r = c.post("/api/v1/login/access-token", data={"username": user["username"], "password": USER_PASSWORD})
        assert r.status_code == 401
    with api.client(manager) as c:
        assert c.post(f"/api/v1/users/{user['id']}/activate").status_code == 200
    api.login(user["username"], USER_PASSWORD)


def test_user_endpoints_check_permissions(api, tenant):
    _, token = api.create_user(tenant["id"])  # no role at all
    with api.client(token) as c:
        assert c.get("/api/v1/users/read-users").status_code == 403
        assert c.post("/api/v1/users/create-user", json=new_user_body(tenant["id"])).status_code == 403
        assert c.get("/api/v1/users/me").status_code == 200
    with api.client() as c:
        assert c.get("/api/v1/users/read-users").status_code == 401


def test_oversized_body_is_413(make_server):
    from conftest import Api
    # A small limit keeps the refused body inside the socket buffers: the client finishes
    # sending before the server answers and closes.
    small = make_server(env={"DATAML_MAX_BODY_BYTES": "2048"})
    with Api(small).admin() as c:
        r = c.post("/api/v1/users/create-user", content=b"{" + b" " * 8192 + b"}",
                   headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and "detail" in r.json()
