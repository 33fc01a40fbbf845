"""Templates (5.1-5.5)."""
from conftest import unique

SCHEMA = [
    {"column_name": "CustomerID", "data_type": "String", "default_value": "CUST-0000"},
    {"column_name": "DataUsageGB", "data_type": "Float", "default_value": "0.0"},
    {"column_name": "Active", "data_type": "Boolean"},
    {"column_name": "Joined", "data_type": "Date", "default_value": "2024-01-31"},
    {"column_name": "LastSeen", "data_type": "DateTime", "default_value": "2025-09-18T10:00:00Z"},
    {"column_name": "Calls", "data_type": "Integer", "default_value": "0"},
]


def test_template_lifecycle(api, tenant):
    user, token = api.create_user(tenant["id"], role="data_scientist")
    name = unique("Telecom Customer Usage")
    with api.client(token) as c:
        r = c.post("/api/v1/template/", json={"template_name": name, "template_schema": SCHEMA})
        assert r.status_code == 201, r.text
        created = r.json()
        assert created["no_of_columns"] == 6 and created["created_by"] == user["username"]
        assert created["template_schema"][2] == {"column_name": "Active", "data_type": "Boolean", "default_value": None}
        tid = created["id"]

        got = c.get(f"/api/v1/template/{tid}").json()
        assert got == created

        listing = c.get("/api/v1/template/list").json()
        assert listing["total"] == 1
        summary = listing["data"][0]
        assert summary["no_of_columns"] == 6 and "template_schema" not in summary
        assert set(summary) >= {"template_name", "id", "tenant_id", "no_of_columns", "created_by",
                                "created_at", "modified_at", "modified_by"}

        new_schema = [{"column_name": "CustomerID", "data_type": "String"},
                      {"column_name": "PlanType", "data_type": "string"}]
        r = c.put(f"/api/v1/template/update/{tid}", json={"template_name": name + " V2", "template_schema": new_schema})
        assert r.status_code == 200, r.text
        updated = r.json()
        assert updated["template_name"] == name + " V2"
        assert updated["template_schema"] == [
            {"column_name": "CustomerID", "data_type": "String", "default_value": None},
            {"column_name": "PlanType", "data_type": "String", "default_value": None}]
        # Omitting the schema renames only.
        r = c.put(f"/api/v1/template/update/{tid}", json={"template_name": name + " V3"})
        assert r.status_code == 200 and r.json()["no_of_columns"] == 2

        assert c.delete(f"/api/v1/template/{tid}").status_code == 200
        assert c.get(f"/api/v1/template/{tid}").status_code == 404
        assert c.delete(f"/api/v1/template/{tid}").status_code == 404


def test_template_names_are_unique_per_tenant(api, tenant):
    other = api.create_tenant()
    name = unique("Shared")
    with api.admin() as c:
        r = c.post("/api/v1/template", params={"tenant_id": tenant["id"]}, json={"template_name": name})
        assert r.status_code == 201
        first = r.json()["id"]
        r = c.post("/api/v1/template", params={"tenant_id": tenant["id"]}, json={"template_name": name.lower()})
        assert r.status_code == 409
        r = c.post("/api/v1/template", params={"tenant_id": other["id"]}, json={"template_name": name})
        assert r.status_code == 201  # another tenant may use the same name
        second = c.post("/api/v1/template", params={"tenant_id": tenant["id"]}, json={"template_name": unique("B")}).json()
        r = c.put(f"/api/v1/template/update/{second['id']}", params={"tenant_id": tenant["id"]},
                  json={"template_name": name})
        assert r.status_code == 409
        r = c.put(f"/api/v1/template/update/{first}", params={"tenant_id": tenant["id"]}, json={"template_name": name})
        assert r.status_code == 200  # keeping one's own name is fine


def test_schema_errors_are_reported_per_column(api, tenant):
    _, token = api.create_user(tenant["id"], role="data_scientist")
    bad = [
        {"column_name": "Amount", "data_type": "Float", "default_value": "abc"},
        {"column_name": "amount", "data_type": "Integer"},
        {"column_name": "When", "data_type": "Timestamp"},
        {"column_name": "", "data_type": "String"},
        {"column_name": "Day", "data_type": "Date", "default_value": "2023-02-29"},
        {"column_name": "Flag", "data_type": "Boolean", "default_value": "maybe"},
        {"column_name": "Count", "data_type": "Integer", "default_value": "1.5"},
    ]
    with api.client(token) as c:
        r = c.post("/api/v1/template", json={"template_name": unique("Bad"), "template_schema": bad})
        assert r.status_code == 422
        locs = [tuple(e["loc"]) for e in r.json()["detail"]]
        assert locs == [("body", "template_schema", 0, "default_value"),
                        ("body", "template_schema", 1, "column_name"),
                        ("body", "template_schema", 2, "data_type"),
                        ("body", "template_schema", 3, "column_name"),
                        ("body", "template_schema", 4, "default_value"),
                        ("body", "template_schema", 5, "default_value"),
                        ("body", "template_schema", 6, "default_value")]
        r = c.post("/api/v1/template", json={"template_name": unique("T"), "template_schema": [{"column_name": "a"}]})
        assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "template_schema", 0, "data_type"]
        r = c.post("/api/v1/template", json={"template_name": unique("T"), "template_schema": "nope"})
        assert r.status_code == 422 and r.json()["detail"][0]["type"] == "list_type"
        r = c.post("/api/v1/template", json={"template_name": unique("T"),
                                             "template_schema": [{"column_name": "a", "data_type": "Integer", "default_value": 5}]})
        assert r.status_code == 422 and r.json()["detail"][0]["type"] == "string_type"
        assert c.post("/api/v1/template", json={"template_name": "   "}).status_code == 422
        assert c.post("/api/v1/template", json={}).status_code == 422
        assert c.get("/api/v1/template/list").json()["total"] == 0  # nothing half-created


def test_templates_are_tenant_isolated(api, tenant):
    other = api.create_tenant()
    _, other_token = api.create_user(other["id"], role="admin")
    with api.client(other_token) as c:
        foreign = c.post("/api/v1/template", json={"template_name": unique("Secret")}).json()["id"]
    _, token = api.create_user(tenant["id"], role="admin")
    with api.client(token) as c:
        assert c.get(f"/api/v1/template/{foreign}").status_code == 404
        assert c.put(f"/api/v1/template/update/{foreign}", json={"template_name": "mine"}).status_code == 404
        assert c.delete(f"/api/v1/template/{foreign}").status_code == 404
        assert c.get("/api/v1/template/list").json()["total"] == 0
        assert c.get("/api/v1/template/list", params={"tenant_id": other["id"]}).status_code == 404
    with api.client(other_token) as c:
        assert c.get(f"/api/v1/template/{foreign}").status_code == 200


def test_template_list_pagination(api, tenant):
    _, token = api.create_user(tenant["id"], role="data_scientist")
    with api.client(token) as c:
        ids = [c.post("/api/v1/template", json={"template_name": unique("P")}).json()["id"] for _ in range(5)]
        page = c.get("/api/v1/template/list", params={"skip": 2, "limit": 2}).json()
        assert page["total"] == 5 and [t["id"] for t in page["data"]] == ids[2:4]
        assert c.get("/api/v1/template/list", params={"limit": 1001}).status_code == 422
        assert c.get("/api/v1/template/not-a-number").status_code == 422


def test_sql_metacharacters_in_template_fields(api, tenant):
    name = "x'); DELETE FROM templates; --"
    schema = [{"column_name": "a\"; DROP TABLE users; --", "data_type": "String", "default_value": "' OR '1'='1"}]
    with api.admin() as c:
        r = c.post("/api/v1/template", params={"tenant_id": tenant["id"]}, json={"template_name": name, "template_schema": schema})
        assert r.status_code == 201
        got = c.get(f"/api/v1/template/{r.json()['id']}", params={"tenant_id": tenant["id"]}).json()
        assert got["template_name"] == name
        assert got["template_schema"][0]["column_name"] == schema[0]["column_name"]
        assert got["template_schema"][0]["default_value"] == "' OR '1'='1"
