"""RBAC (3.1-3.2) and what makes it usable: lists, grants, assignments, effective permissions."""
from conftest import unique


def test_create_role_and_permission_in_own_tenant(api, tenant):
    _, token = api.create_user(tenant["id"], role="admin")
    with api.client(token) as c:
        r = c.post("/api/v1/rbac/roles/", json={"name": "analyst", "tenant_id": tenant["id"]})
        assert r.status_code == 201, r.text
        role = r.json()
        assert role["name"] == "analyst" and role["permissions"] == [] and role["is_builtin"] is False
        assert c.post("/api/v1/rbac/roles", json={"name": "analyst", "tenant_id": tenant["id"]}).status_code == 409
        r = c.post("/api/v1/rbac/permissions/", json={"name": "can_export_reports", "tenant_id": tenant["id"]})
        assert r.status_code == 201, r.text
        assert r.json()["name"] == "can_export_reports"
        r = c.post("/api/v1/rbac/permissions", json={"name": "can_export_reports", "tenant_id": tenant["id"]})
        assert r.status_code == 409
        names = [p["name"] for p in c.get("/api/v1/rbac/permissions", params={"limit": 1000}).json()["data"]]
        assert "can_export_reports" in names and "can_delete_dataset" in names


def test_names_are_validated(api, tenant):
    with api.admin() as c:
        for bad in ("", "has space", "x" * 65, "1abc"):
            r = c.post("/api/v1/rbac/roles", json={"name": bad, "tenant_id": tenant["id"]})
            assert r.status_code == 422, bad
        for bad in ("Can_Upper", "a", "with-dash"):
            r = c.post("/api/v1/rbac/permissions", json={"name": bad, "tenant_id": tenant["id"]})
            assert r.status_code == 422, bad
        assert c.post("/api/v1/rbac/roles", json={"name": "x"}).status_code == 422  # tenant_id is required


def test_other_tenant_in_body_answers_404(api, tenant):
    other = api.create_tenant()
    _, token = api.create_user(tenant["id"], role="admin")
    with api.client(token) as c:
        assert c.post("/api/v1/rbac/roles", json={"name": "spy", "tenant_id": other["id"]}).status_code == 404
        assert c.post("/api/v1/rbac/permissions",
                      json={"name": "can_spy", "tenant_id": other["id"]}).status_code == 404
        other_role = api.role_id(other["id"], "viewer")
        assert c.get(f"/api/v1/rbac/roles/{other_role}").status_code == 404
        assert c.delete(f"/api/v1/rbac/roles/{other_role}").status_code == 404


def test_granting_a_permission_opens_the_endpoint_and_revoking_closes_it(api, tenant):
    with api.admin() as c:
        role = c.post("/api/v1/rbac/roles", json={"name": unique("tmpl"), "tenant_id": tenant["id"]}).json()
    user, token = api.create_user(tenant["id"])
    with api.admin() as c:
        r = c.post(f"/api/v1/rbac/users/{user['id']}/roles", params={"tenant_id": tenant["id"]},
                   json={"role_id": role["id"]})
        assert r.status_code == 200 and [x["name"] for x in r.json()["roles"]] == [role["name"]]
    with api.client(token) as c:
        assert c.get("/api/v1/template/list").status_code == 403
    with api.admin() as c:
        r = c.post(f"/api/v1/rbac/roles/{role['id']}/permissions", params={"tenant_id": tenant["id"]},
                   json={"permission_name": "can_view_templates"})
        assert r.status_code == 200 and r.json()["permissions"] == ["can_view_templates"]
        perm_id = next(p["id"] for p in c.get("/api/v1/rbac/permissions",
                                              params={"tenant_id": tenant["id"], "limit": 1000}).json()["data"]
                       if p["name"] == "can_view_templates")
    with api.client(token) as c:
        assert c.get("/api/v1/template/list").status_code == 200
        me = c.get("/api/v1/rbac/me/permissions").json()
        assert me["permissions"] == ["can_view_templates"] and me["roles"] == [role["name"]]
    with api.admin() as c:
        r = c.delete(f"/api/v1/rbac/roles/{role['id']}/permissions/{perm_id}", params={"tenant_id": tenant["id"]})
        assert r.status_code == 200 and r.json()["permissions"] == []
    with api.client(token) as c:
        assert c.get("/api/v1/template/list").status_code == 403


def test_assign_and_remove_roles(api, tenant):
    user, token = api.create_user(tenant["id"], role="viewer")
    viewer = api.role_id(tenant["id"], "viewer")
    scientist = api.role_id(tenant["id"], "data_scientist")
    _, admin_token = api.create_user(tenant["id"], role="admin")
    with api.client(admin_token) as c:
        r = c.post(f"/api/v1/rbac/users/{user['id']}/roles", json={"role_id": scientist})
        assert sorted(x["name"] for x in r.json()["roles"]) == ["data_scientist", "viewer"]
        r = c.post(f"/api/v1/rbac/users/{user['id']}/roles", json={"role_id": scientist})  # idempotent
        assert r.status_code == 200 and len(r.json()["roles"]) == 2
        r = c.delete(f"/api/v1/rbac/users/{user['id']}/roles/{viewer}")
        assert [x["name"] for x in r.json()["roles"]] == ["data_scientist"]
        assert c.get(f"/api/v1/rbac/users/{user['id']}/roles").json()["roles"][0]["name"] == "data_scientist"
        assert c.post(f"/api/v1/rbac/users/{user['id']}/roles", json={"role_id": 999999}).status_code == 404
        assert c.post(f"/api/v1/rbac/users/{user['id']}/roles", json={"role_id": "x"}).status_code == 422
    with api.client(token) as c:
        assert "can_train_models" in c.get("/api/v1/rbac/me/permissions").json()["permissions"]
        # Without can_manage_roles, nobody grants themselves more.
        assert c.post(f"/api/v1/rbac/users/{user['id']}/roles", json={"role_id": api.role_id(tenant["id"], "admin")}).status_code == 403


def test_builtin_roles_are_protected(api, tenant):
    admin_role = api.role_id(tenant["id"], "admin")
    viewer_role = api.role_id(tenant["id"], "viewer")
    with api.admin() as c:
        p = {"tenant_id": tenant["id"]}
        assert c.delete(f"/api/v1/rbac/roles/{viewer_role}", params=p).status_code == 409
        r = c.delete(f"/api/v1/rbac/roles/{admin_role}/permissions/1", params=p)
        assert r.status_code in (404, 409)
        perms = c.get("/api/v1/rbac/permissions", params={"tenant_id": tenant["id"], "limit": 1000}).json()["data"]
        some = perms[0]["id"]
        assert c.delete(f"/api/v1/rbac/roles/{admin_role}/permissions/{some}", params=p).status_code == 409
        custom = c.post("/api/v1/rbac/roles", json={"name": unique("gone"), "tenant_id": tenant["id"]}).json()
        assert c.delete(f"/api/v1/rbac/roles/{custom['id']}", params=p).status_code == 200
        assert c.get(f"/api/v1/rbac/roles/{custom['id']}", params=p).status_code == 404


def test_superuser_has_every_permission(api):
    with api.admin() as c:
        me = c.get("/api/v1/rbac/me/permissions").json()
    assert me["is_superuser"] is True
    assert {"can_manage_users", "can_train_models", "can_delete_dataset"} <= set(me["permissions"])


def test_viewer_cannot_write(api, tenant):
    _, token = api.create_user(tenant["id"], role="viewer")
    with api.client(token) as c:
        assert c.post("/api/v1/template", json={"template_name": "x"}).status_code == 403
        assert c.post("/api/v1/rbac/roles", json={"name": "x", "tenant_id": tenant["id"]}).status_code == 403
        assert c.get("/api/v1/rbac/roles").status_code == 200
        r = c.post("/api/v1/template", json={"template_name": "x"})
        assert r.json() == {"detail": "Missing permission: can_create_template"}
