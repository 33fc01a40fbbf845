"""Tenants: superuser-only create and list; each new tenant gets the built-in roles."""
from conftest import unique


def test_superuser_creates_a_tenant_with_builtin_roles(api):
    name = unique("acme")
    with api.admin() as c:
        r = c.post("/api/v1/tenants", json={"name": name})
        assert r.status_code == 201, r.text
        tenant = r.json()
        assert tenant["name"] == name and len(tenant["id"]) == 36
        roles = c.get("/api/v1/rbac/roles", params={"tenant_id": tenant["id"]}).json()
        assert sorted(role["name"] for role in roles["data"]) == ["admin", "data_scientist", "viewer"]
        admin_role = next(role for role in roles["data"] if role["name"] == "admin")
        assert "can_train_models" in admin_role["permissions"]
        viewer = next(role for role in roles["data"] if role["name"] == "viewer")
        assert "can_train_models" not in viewer["permissions"] and "can_view_templates" in viewer["permissions"]
        assert c.get(f"/api/v1/tenants/{tenant['id']}").json() == tenant
        assert c.get("/api/v1/tenants/not-a-tenant").status_code == 404


def test_tenant_names_are_unique_and_checked(api):
    name = unique("dup")
    with api.admin() as c:
        assert c.post("/api/v1/tenants", json={"name": name}).status_code == 201
        assert c.post("/api/v1/tenants", json={"name": name.upper()}).status_code == 409
        assert c.post("/api/v1/tenants", json={"name": ""}).status_code == 422
        assert c.post("/api/v1/tenants", json={"name": "x" * 101}).status_code == 422
        assert c.post("/api/v1/tenants", json={}).status_code == 422


def test_tenants_are_superuser_only(api, tenant):
    _, token = api.create_user(tenant["id"], role="admin")
    with api.client(token) as c:
        assert c.post("/api/v1/tenants", json={"name": unique("t")}).status_code == 403
        assert c.get("/api/v1/tenants").status_code == 403


def test_tenant_list_is_paginated(api):
    for _ in range(2):
        api.create_tenant()
    with api.admin() as c:
        full = c.get("/api/v1/tenants", params={"limit": 1000}).json()
        assert full["count"] == len(full["data"]) >= 3
        page = c.get("/api/v1/tenants", params={"skip": 1, "limit": 1}).json()
        assert page["data"] == full["data"][1:2] and page["count"] == full["count"]
