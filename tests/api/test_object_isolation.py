"""Object-level authorization (OWASP API1) across every operation that names an object: a second
tenant's admin reaching the first tenant's dataset, file, template, training, prediction, job,
user, role and permission by id (in the path or the query) gets the same answer as for an id that
does not exist, changes nothing, and no answer of any list or read ever shows the first tenant's id.
The operations come from /openapi.json, so a new one with an id parameter is covered here."""
import re

import pytest

from test_datasets import make_template, upload
from test_inference import churn_model, predict
from test_jobs import wait_for

MISSING = 2147480001  # an id no object of this test has
# Operations that need more than an id to reach the lookup, or reach another system.
SKIPPED = {
    "POST /api/v1/ray/terminate_ray_job",  # Ray job ids are not tenant objects here (test_ray.py)
    "POST /api/v1/dataset/from_iceberg",   # snapshot_id of the tenant's own lake (test_datalake.py)
    "GET /api/v1/tenants/{tenant_id}",     # superuser only (test_tenants.py)
}
GOOD = {"CustomerID": "X", "Tenure": 3, "MonthlyCharges": 80.0, "Contract": "Monthly", "Senior": False,
        "SignupDate": "2023-05-01"}


@pytest.fixture(scope="module")
def victim(api):
    """Tenant A's objects, one of each kind, and an admin client of A."""
    client, t, dataset_id = churn_model(api, 5)
    me = client.get("/api/v1/users/me").json()
    tenant_id = me["tenant_id"]
    admin_user, admin_token = api.create_user(tenant_id, role="admin")
    admin = api.client(admin_token)
    template_id = make_template(admin)
    file_id = admin.get("/api/v1/files/list", params={"dataset_id": dataset_id}).json()["data"][0]["id"]
    predict(client, t, GOOD)
    log = client.get("/api/v1/inference/predictions", params={"train_id": t["id"]}).json()
    prediction_id = log["data"][0]["prediction_id"]
    r = admin.post("/api/v1/dataset/generate_statistics", params={"dataset_id": dataset_id})
    assert r.status_code == 202, r.text
    job_id = int(r.json()["job_id"])
    wait_for(admin, job_id)
    r = admin.post("/api/v1/rbac/roles", json={"name": "auditor", "tenant_id": tenant_id})
    assert r.status_code == 201, r.text
    role = r.json()
    permission = next(p for p in admin.get("/api/v1/rbac/permissions", params={"limit": 1000}).json()["data"]
                      if p["name"] == "can_view_datasets")
    r = admin.post(f"/api/v1/rbac/roles/{role['id']}/permissions", json={"permission_id": permission["id"]})
    assert r.status_code in (200, 201), r.text
    ids = {"dataset_id": dataset_id, "file_id": file_id, "template_id": template_id, "train_id": t["id"],
           "id": t["id"], "prediction_id": prediction_id, "job_id": job_id,
           "user_id": me["id"], "role_id": role["id"], "permission_id": permission["id"]}
    yield {"tenant_id": tenant_id, "ids": ids, "admin": admin, "scientist": client, "training": t}
    admin.close()
    client.close()


@pytest.fixture(scope="module")
def intruder(api):
    tenant = api.create_tenant()
    _, token = api.create_user(tenant["id"], role="admin")
    with api.client(token) as client:
        yield client


def operations_with_ids(spec):
    components = spec["components"]["parameters"]
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if not isinstance(op, dict) or op.get("x-permission") in (None, "public"):
                continue
            key = f"{method.upper()} {path}"
            params = [components[p["$ref"].rsplit("/", 1)[1]] if "$ref" in p else p for p in op.get("parameters", [])]
            named = [p for p in params if p["in"] == "path" or
                     (p["in"] == "query" and (p["name"].endswith("_id") or p["name"] == "id") and p["name"] != "tenant_id")]
            if named and key not in SKIPPED:
                yield key, method.upper(), path, named


def call(client, method, path, named, ids, extra_files=None):
    query = {}
    for p in named:
        value = ids[p["name"]]
        if p["in"] == "path":
            path = path.replace("{" + p["name"] + "}", str(value))
        else:
            query[p["name"]] = value
    kwargs = {"params": query}
    if "/dataset/upload" in path or "/files/add" in path:
        kwargs["files"] = [("files", ("x.csv", b"a,b\n1,2\n", "text/csv"))]
        if "/dataset/upload" in path:
            query.update(dataset_name="stolen", usage="t")
    elif method in ("POST", "PUT", "PATCH"):
        # Bodies that reach the lookup: a permission or role of the same other tenant, a schema, a name.
        kwargs["json"] = {"permission_id": ids["permission_id"], "role_id": ids["role_id"], "first_name": "Mallory",
                          "template_schema": [{"column_name": "x", "data_type": "Integer"}]}
    return client.request(method, path, **kwargs)


def scrub(text, ids):
    for value in sorted({str(v) for v in ids.values() if v is not None}, key=len, reverse=True):
        text = re.sub(rf"\b{value}\b", "ID", text)
    return text


def test_another_tenants_ids_answer_as_missing_ones_and_change_nothing(api, victim, intruder):
    spec = intruder.get("/openapi.json").json()
    missing = {name: MISSING for name in victim["ids"]}
    checked = []
    for key, method, path, named in operations_with_ids(spec):
        theirs = call(intruder, method, path, named, victim["ids"])
        nobody = call(intruder, method, path, named, missing)
        assert theirs.status_code == nobody.status_code, f"{key}: {theirs.status_code} vs {nobody.status_code}"
        assert theirs.status_code in (404, 422), f"{key}: {theirs.status_code} {theirs.text[:200]}"
        assert scrub(theirs.text, victim["ids"]) == scrub(nobody.text, missing), key
        assert victim["tenant_id"] not in theirs.text, key
        checked.append(key)
    assert len(checked) >= 30, checked

    # Nothing of A changed: every object is still there, as it was.
    admin, ids = victim["admin"], victim["ids"]
    assert admin.get("/api/v1/dataset/get_dataset_by_id", params={"dataset_id": ids["dataset_id"]}).status_code == 200
    assert admin.get("/api/v1/files/get_file_by_id", params={"file_id": ids["file_id"]}).status_code == 200
    template = admin.get(f"/api/v1/template/{ids['template_id']}").json()
    assert [c["column_name"] for c in template["template_schema"]][0] != "x"
    assert admin.get("/api/v1/train/model-summary", params={"train_id": ids["train_id"]}).status_code == 200
    assert admin.get(f"/api/v1/jobs/{ids['job_id']}").status_code == 200
    user = admin.get(f"/api/v1/users/{ids['user_id']}").json()
    assert user["is_active"] is True and user["first_name"] != "Mallory"
    role = admin.get(f"/api/v1/rbac/roles/{ids['role_id']}").json()
    assert "can_view_datasets" in role["permissions"]


def test_no_list_or_read_of_another_tenant_shows_the_first_tenants_objects(victim, intruder):
    spec = intruder.get("/openapi.json").json()
    for path, item in spec["paths"].items():
        op = item.get("get")
        if not op or op.get("x-permission") in (None, "public", "superuser") or "{" in path:
            continue
        components = spec["components"]["parameters"]
        params = [components[p["$ref"].rsplit("/", 1)[1]] if "$ref" in p else p for p in op.get("parameters", [])]
        one_object = [p for p in params if p.get("required") or p["name"] in ("file_id", "file_path")]
        if one_object:
            continue  # reads of one object: the test above
        r = intruder.get(path)
        assert r.status_code == 200, f"{path}: {r.status_code}"
        assert victim["tenant_id"] not in r.text, path
