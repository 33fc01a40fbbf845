"""?order_by=<field>&order=asc|desc on every list, and on a dataset's rows: server-side sorting
that pages consistently, with a 422 naming the fields a list can be sorted by."""
import pytest

from test_datasets import upload
from test_inference import predict
from test_train import churn_csv, train, upload_csv, wait_training


@pytest.fixture
def scientist(api, tenant):
    _, token = api.create_user(tenant["id"], role="data_scientist")
    return api.client(token)


def names(body, field):
    rows = body["data"] if isinstance(body, dict) else body
    return [row[field] for row in rows]


def get(client, path, expect=200, **params):
    r = client.get(path, params=params)
    assert r.status_code == expect, r.text
    return r.json()


def csv_of(rows):
    return "Name,Score\n" + "".join(f"{name},{score}\n" for name, score in rows)


def upload_named(client, name, rows):
    r = upload(client, name=name, files=[("files", ("data.csv", csv_of(rows).encode(), "text/csv"))])
    assert r.status_code == 201, r.text
    return r.json()["dataset_id"]


@pytest.fixture
def datasets(scientist):
    # Mixed case on purpose: names sort case-insensitively on SQLite and PostgreSQL alike.
    upload_named(scientist, "beta", [("a", 1), ("b", 2)])
    upload_named(scientist, "Alpha", [("a", 1)])
    upload_named(scientist, "gamma", [("a", 1), ("b", 2), ("c", 3)])


def test_datasets_sort_by_name_and_by_records_either_way(scientist, datasets):
    path = "/api/v1/dataset/list"
    assert names(get(scientist, path), "dataset_name") == ["beta", "Alpha", "gamma"]  # by id, as before
    assert names(get(scientist, path, order_by="dataset_name"), "dataset_name") == ["Alpha", "beta", "gamma"]
    assert names(get(scientist, path, order_by="dataset_name", order="desc"), "dataset_name") == [
        "gamma", "beta", "Alpha"]
    assert names(get(scientist, path, order_by="total_records", order="desc"), "total_records") == [3, 2, 1]
    # A page of the sorted list, and its total.
    page = get(scientist, path, order_by="dataset_name", skip=1, limit=1)
    assert page["total"] == 3 and names(page, "dataset_name") == ["beta"]
    # The validated list takes the same parameters (and stays a bare array).
    assert names(get(scientist, "/api/v1/dataset/list_validated", order_by="dataset_name", order="desc"),
                 "dataset_name") == ["gamma", "beta", "Alpha"]
    # A direction alone orders by id.
    assert names(get(scientist, path, order="desc"), "dataset_name") == ["gamma", "Alpha", "beta"]


def test_ties_keep_id_order_so_pages_neither_repeat_nor_skip(scientist):
    ids = [upload_named(scientist, f"same-{i}", [("a", 1)]) for i in range(5)]
    seen = []
    for skip in range(0, 5, 2):
        seen += [d["id"] for d in get(scientist, "/api/v1/dataset/list", order_by="total_records", skip=skip,
                                      limit=2)["data"]]
    assert seen == ids
    down = get(scientist, "/api/v1/dataset/list", order_by="total_records", order="desc")
    assert [d["id"] for d in down["data"]] == ids[::-1]


def test_unknown_fields_and_directions_are_422s_naming_what_is_allowed(scientist, datasets):
    r = scientist.get("/api/v1/dataset/list", params={"order_by": "dataset_name; DROP TABLE datasets"})
    assert r.status_code == 422, r.text
    error = r.json()["detail"][0]
    assert error["loc"] == ["query", "order_by"] and error["type"] == "literal_error"
    assert "'dataset_name'" in error["msg"] and "'created_at'" in error["msg"]
    r = scientist.get("/api/v1/dataset/list", params={"order_by": "dataset_name", "order": "sideways"})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["query", "order"]
    assert r.json()["detail"][0]["msg"] == "Input should be 'asc' or 'desc'"
    # Every problem with the page at once.
    r = scientist.get("/api/v1/dataset/list", params={"limit": 0, "order": "up"})
    assert r.status_code == 422
    assert sorted(e["loc"][1] for e in r.json()["detail"]) == ["limit", "order"]
    # Nothing happened to the table.
    assert get(scientist, "/api/v1/dataset/list")["total"] == 3
    for path in ["/api/v1/template/list", "/api/v1/train/list", "/api/v1/jobs"]:
        r = scientist.get(path, params={"order_by": "password"})
        assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "order_by"], path


def test_templates_users_roles_permissions_and_tenants_sort(api, tenant, scientist):
    for name in ["beta", "Alpha", "gamma"]:
        r = scientist.post("/api/v1/template", json={
            "template_name": name, "template_schema": [{"column_name": "x", "data_type": "Integer"}]})
        assert r.status_code == 201, r.text
    assert names(get(scientist, "/api/v1/template/list", order_by="template_name"), "template_name") == [
        "Alpha", "beta", "gamma"]
    assert names(get(scientist, "/api/v1/template/list", order_by="template_name", order="desc"),
                 "template_name") == ["gamma", "beta", "Alpha"]

    for username in ["zed", "amy"]:
        api.create_user(tenant["id"], username=f"{username}-{tenant['name']}")
    with api.admin() as admin:
        users = names(get(admin, "/api/v1/users/read-users", tenant_id=tenant["id"], order_by="username"), "username")
        assert users == sorted(users, key=str.lower) and len(users) == 3
        down = names(get(admin, "/api/v1/users/read-users", tenant_id=tenant["id"], order_by="email", order="desc"),
                     "email")
        assert down == sorted(down, key=str.lower, reverse=True)

        roles = names(get(admin, "/api/v1/rbac/roles", tenant_id=tenant["id"], order_by="name", order="desc"), "name")
        assert roles == sorted(roles, key=str.lower, reverse=True) and len(roles) >= 2
        permissions = names(get(admin, "/api/v1/rbac/permissions", tenant_id=tenant["id"], order_by="name",
                                limit=1000), "name")
        assert permissions == sorted(permissions, key=str.lower) and len(permissions) > 5

        later = api.create_tenant()
        newest = names(get(admin, "/api/v1/tenants", order_by="created_at", order="desc", limit=1), "id")
        assert newest == [later["id"]]


def test_trainings_jobs_and_predictions_sort(scientist):
    dataset_id = upload_csv(scientist, churn_csv(rows=80))
    created = [train(scientist, dataset_id, name=name, algorithm="Linear") for name in ["zeta", "Alpha"]]
    for t in created:
        wait_training(scientist, t["id"])

    path = "/api/v1/train/list"
    assert names(get(scientist, path), "predictor_name") == ["Alpha", "zeta"]  # newest first, as before
    assert names(get(scientist, path, order_by="predictor_name", order="desc"), "predictor_name") == ["zeta", "Alpha"]
    assert names(get(scientist, path, order_by="id"), "id") == [t["id"] for t in created]

    jobs = get(scientist, "/api/v1/jobs", order_by="kind")["data"]
    kinds = [job["kind"] for job in jobs]
    assert kinds == sorted(kinds) and "train" in kinds
    oldest = get(scientist, "/api/v1/jobs", order_by="created_at", limit=1)["data"][0]
    assert oldest["id"] == min(job["id"] for job in jobs)

    t = get(scientist, path, order_by="id", limit=1)["data"][0]
    features = {"CustomerID": "X", "Tenure": 3, "MonthlyCharges": 80.0, "Contract": "Monthly", "Senior": False,
                "SignupDate": "2023-05-01"}
    for _ in range(3):
        predict(scientist, t, features)
    log = "/api/v1/inference/predictions"
    newest_first = names(get(scientist, log, train_id=t["id"]), "prediction_id")
    assert newest_first == sorted(newest_first, reverse=True) and len(newest_first) == 3
    assert names(get(scientist, log, train_id=t["id"], order="asc"), "prediction_id") == newest_first[::-1]
    assert names(get(scientist, log, train_id=t["id"], order_by="date"), "prediction_id") == newest_first[::-1]
    r = scientist.get(log, params={"train_id": t["id"], "order_by": "input_data"})
    assert r.status_code == 422 and "'prediction_id'" in r.json()["detail"][0]["msg"]


def test_a_datasets_rows_sort_by_any_column_with_nulls_last(scientist):
    rows = [("d", 4), ("b", ""), ("a", 9), ("c", 1), ("e", 9)]
    dataset_id = upload_named(scientist, "rows", rows)
    view = "/api/v1/dataset/view"

    def column(name, **params):
        body = get(scientist, view, dataset_id=dataset_id, **params)
        assert body["total_rows"] == 5
        return [row[name] for row in body["preview"]]

    assert column("Name") == ["d", "b", "a", "c", "e"]  # file order
    assert column("Score", order_by="Score") == [1, 4, 9, 9, None]
    assert column("Name", order_by="Score", order="desc") == ["a", "e", "d", "c", "b"]  # ties in file order
    assert column("Name", order_by="Name", order="desc", skip=1, limit=2) == ["d", "c"]
    assert column("Name", order="desc", limit=2) == ["e", "c"]  # the last rows first
    r = scientist.get(view, params={"dataset_id": dataset_id, "order_by": "Nope"})
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["loc"] == ["query", "order_by"]
    assert r.json()["detail"][0]["msg"] == "Input should be a column of the dataset: 'Name', 'Score'"


def test_the_documents_order_by_fields_are_exactly_what_each_list_takes(api, tenant):
    """Every list's order_by enum in /openapi.json sorts (200), and the 422 names the same fields."""
    with api.admin() as admin:
        spec = get(admin, "/openapi.json")
        checked = 0
        for path, item in spec["paths"].items():
            parameters = item.get("get", {}).get("parameters", [])
            enum = next((p["schema"].get("enum") for p in parameters if p.get("name") == "order_by"), None)
            if enum is None or path == "/api/v1/inference/predictions":  # needs a model; tested above
                continue
            params = {} if path == "/api/v1/tenants" else {"tenant_id": tenant["id"]}
            for field in enum:
                for order in ("asc", "desc"):
                    get(admin, path, order_by=field, order=order, **params)
            r = admin.get(path, params={"order_by": "nope", **params})
            assert r.status_code == 422, path
            expected = "Input should be " + ", ".join(f"'{f}'" for f in enum[:-1]) + f" or '{enum[-1]}'"
            assert r.json()["detail"][0]["msg"] == expected, path
            checked += 1
        assert checked >= 9
