"""Datasets (6.1-6.7): streaming upload, validation against templates or an inferred schema,
typed previews, listing, deletion, statistics."""
import time

import pytest

from conftest import unique

TEMPLATE = [
    {"column_name": "CustomerID", "data_type": "String"},
    {"column_name": "Tenure", "data_type": "Integer", "default_value": "0"},
    {"column_name": "MonthlyCharges", "data_type": "Float"},
    {"column_name": "Churn", "data_type": "Boolean"},
    {"column_name": "Joined", "data_type": "Date"},
]

GOOD_CSV = (
    "CustomerID,Tenure,MonthlyCharges,Churn,Joined\n"
    "C1,12,70.5,true,2024-01-31\n"
    "\"C2, Jr.\",,20,false,2023-12-01\n"
    "C3,3,99.9,yes,2022-02-28\n"
)

BAD_CSV = (
    "CustomerID;Tenure;MonthlyCharges;Churn;Joined;Extra\n"
    "C1;12;70.5;true;2024-01-31;x\n"
    "C2;twelve;20;false;2023-12-01;x\n"
    "C3;3\n"
    "C4;4;1.5;maybe;2024-02-30;x\n"
)


@pytest.fixture
def scientist(api, tenant):
    _, token = api.create_user(tenant["id"], role="data_scientist")
    return api.client(token)


def make_template(client, schema=TEMPLATE):
    r = client.post("/api/v1/template", json={"template_name": unique("tpl"), "template_schema": schema})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def upload(client, name=None, usage="t", template_id=None, files=None, **extra):
    params = {"dataset_name": name or unique("ds"), "usage": usage, **extra}
    if template_id is not None:
        params["template_id"] = template_id
    files = files if files is not None else [("files", ("data.csv", GOOD_CSV.encode(), "text/csv"))]
    return client.post("/api/v1/dataset/upload", params=params, files=files)


def test_upload_with_template_validates_and_stores(scientist):
    tid = make_template(scientist)
    r = upload(scientist, template_id=tid, files=[("files", ("good.csv", GOOD_CSV.encode(), "text/csv")),
                                                  ("files", ("bad.csv", BAD_CSV.encode(), "text/csv"))])
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["data_source"] == "csv" and len(body["files"]) == 2
    good, bad = body["files"]
    assert good["file_name"] == "good.csv"
    assert (good["total_fields"], good["total_records"], good["valid_records"], good["error_report"]) == (5, 3, 3, None)
    assert (bad["total_fields"], bad["total_records"], bad["valid_records"]) == (6, 4, 1)
    report = bad["error_report"]
    assert report["extra_columns"] == ["Extra"] and report["missing_columns"] == []
    kinds = {(e["column"], e["kind"]): e for e in report["errors"]}
    assert kinds[("Tenure", "type_mismatch")]["samples"] == [{"row": 3, "value": "twelve"}]
    assert kinds[("Tenure", "type_mismatch")]["expected"] == "Integer"
    assert kinds[(None, "ragged_row")]["samples"][0]["row"] == 4
    assert kinds[("Churn", "type_mismatch")]["count"] == 1
    assert kinds[("Joined", "type_mismatch")]["samples"][0]["value"] == "2024-02-30"

    dataset_id = body["dataset_id"]
    listing = scientist.get("/api/v1/dataset/list").json()
    entry = next(d for d in listing["data"] if d["id"] == dataset_id)
    assert entry["file_count"] == 2 and entry["is_valid"] is True
    assert entry["dataset_usability"] == "57%"  # 4 of 7 records
    assert entry["usage"] == "t" and entry["dataset_usage"] == "Training"
    assert entry["template_id"] == tid and entry["template_name"]

    view = scientist.get("/api/v1/dataset/view", params={"dataset_id": dataset_id}).json()
    assert view["total_rows"] == 4
    assert list(view["preview"][0].keys()) == ["CustomerID", "Tenure", "MonthlyCharges", "Churn", "Joined"]
    assert view["preview"][0] == {"CustomerID": "C1", "Tenure": 12, "MonthlyCharges": 70.5, "Churn": True,
                                  "Joined": "2024-01-31"}
    assert view["preview"][1]["CustomerID"] == "C2, Jr." and view["preview"][1]["Tenure"] == 0  # default
    page = scientist.get("/api/v1/dataset/view", params={"dataset_id": dataset_id, "skip": 3, "limit": 5}).json()
    assert [row["CustomerID"] for row in page["preview"]] == ["C1"]  # the good row of bad.csv


def test_upload_without_template_infers_the_schema(scientist):
    csv = "ts|value|label\n2025-08-09T16:23:00Z|1.5|a\n2025-08-09T16:24:00Z|2|b\n"
    r = upload(scientist, usage="p", files=[("files", ("n.csv", csv.encode(), "text/csv"))])
    assert r.status_code == 201, r.text
    dataset_id = r.json()["dataset_id"]
    got = scientist.get("/api/v1/dataset/get_dataset_by_id", params={"dataset_id": dataset_id}).json()
    assert [(c["column_name"], c["data_type"]) for c in got["dataset_schema"]] == [
        ("ts", "DateTime"), ("value", "Float"), ("label", "String")]
    assert got["dataset_usage"] == "Prediction" and got["dataset_path"] and got["validated_path"]
    # Later files are validated against the stored schema.
    later = "ts|value|label\nnot a time|x|c\n2025-08-09T16:25:00Z|3|d\n"
    r = scientist.post("/api/v1/files/add", params={"dataset_id": dataset_id},
                       files=[("files", ("later.csv", later.encode(), "text/csv"))])
    assert r.status_code == 201, r.text
    f = r.json()["files"][0]
    assert (f["total_records"], f["valid_records"]) == (2, 1)


def test_missing_template_columns_make_an_invalid_dataset(scientist):
    tid = make_template(scientist)
    r = upload(scientist, template_id=tid, files=[("files", ("x.csv", b"CustomerID,Tenure\nC1,1\n", "text/csv"))])
    assert r.status_code == 201, r.text
    f = r.json()["files"][0]
    assert f["valid_records"] == 0
    assert f["error_report"]["missing_columns"] == ["MonthlyCharges", "Churn", "Joined"]
    assert r.json()["is_valid"] is False
    validated = scientist.get("/api/v1/dataset/list_validated").json()
    assert r.json()["dataset_id"] not in [d["id"] for d in validated]


@pytest.mark.parametrize("content,why", [
    (b"", "empty"),
    (b"a,,c\n1,2,3\n", "empty"),
    (b"a,b,A\n1,2,3\n", "duplicate"),
])
def test_unreadable_files_are_422_and_leave_nothing(scientist, content, why):
    name = unique("bad")
    r = upload(scientist, name=name, files=[("files", ("x.csv", content, "text/csv"))])
    assert r.status_code == 422, r.text
    assert why in str(r.json()["detail"])
    names = [d["dataset_name"] for d in scientist.get("/api/v1/dataset/list", params={"limit": 1000}).json()["data"]]
    assert name not in names


def test_upload_parameters_are_checked_before_the_body(scientist):
    r = upload(scientist, usage="x")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "usage"]
    r = scientist.post("/api/v1/dataset/upload", params={"usage": "t"}, files=[("files", ("a.csv", b"a\n1\n"))])
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "dataset_name"]
    assert upload(scientist, template_id=999999).status_code == 404
    assert upload(scientist, iceberg_table_name="bad name;").status_code == 422
    name = unique("dup")
    assert upload(scientist, name=name).status_code == 201
    assert upload(scientist, name=name).status_code == 409
    r = scientist.post("/api/v1/dataset/upload", params={"dataset_name": unique("n"), "usage": "t"},
                       files=[("other", ("a.csv", b"a\n1\n"))])
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "files"]
    r = scientist.post("/api/v1/dataset/upload", params={"dataset_name": unique("n"), "usage": "t"},
                       content=b"a,b\n1,2\n", headers={"Content-Type": "text/csv"})
    assert r.status_code == 422


def test_upload_size_limit_is_413(make_server, api):
    server = make_server(env={"DATAML_MAX_UPLOAD_BYTES": "2000"})
    from conftest import Api
    local = Api(server)
    with local.admin() as c:
        r = c.post("/api/v1/dataset/upload", params={"dataset_name": "big", "usage": "t"},
                   files=[("files", ("big.csv", b"a,b\n" + b"1,2\n" * 2000, "text/csv"))])
        assert r.status_code == 413
        assert c.get("/api/v1/dataset/list").json()["total"] == 0


def test_datasets_are_tenant_isolated(api, tenant, scientist):
    r = upload(scientist)
    dataset_id = r.json()["dataset_id"]
    other = api.create_tenant()
    _, token = api.create_user(other["id"], role="admin")
    with api.client(token) as c:
        for path in ("/api/v1/dataset/get_dataset_by_id", "/api/v1/dataset/view", "/api/v1/files/list"):
            assert c.get(path, params={"dataset_id": dataset_id}).status_code == 404, path
        assert c.delete(f"/api/v1/dataset/delete/{dataset_id}").status_code == 404
        assert c.post("/api/v1/dataset/generate_statistics", params={"dataset_id": dataset_id}).status_code == 404
        assert c.get("/api/v1/dataset/list").json()["total"] == 0
        r = c.post("/api/v1/files/add", params={"dataset_id": dataset_id},
                   files=[("files", ("x.csv", GOOD_CSV.encode(), "text/csv"))])
        assert r.status_code == 404


def test_viewer_cannot_upload_or_delete(api, tenant, scientist):
    dataset_id = upload(scientist).json()["dataset_id"]
    _, token = api.create_user(tenant["id"], role="viewer")
    with api.client(token) as c:
        assert upload(c).status_code == 403
        assert c.delete(f"/api/v1/dataset/delete/{dataset_id}").status_code == 403
        assert c.get("/api/v1/dataset/list").status_code == 200
    with api.client() as c:
        assert upload(c).status_code == 401


def test_delete_removes_rows_and_files(scientist, server):
    import os
    r = upload(scientist)
    dataset_id = r.json()["dataset_id"]
    file_id = r.json()["files"][0]["id"]
    details = scientist.get("/api/v1/files/get_file_by_id", params={"file_id": file_id}).json()
    raw, parquet = (os.path.join(server.data_dir, details[k]) for k in ("csv_file_path", "parquet_file_path"))
    assert os.path.exists(raw) and os.path.exists(parquet)
    assert scientist.delete(f"/api/v1/dataset/delete/{dataset_id}").status_code == 200
    assert not os.path.exists(raw) and not os.path.exists(parquet)
    assert scientist.get("/api/v1/dataset/get_dataset_by_id", params={"dataset_id": dataset_id}).status_code == 404
    assert scientist.get("/api/v1/files/get_file_by_id", params={"file_id": file_id}).status_code == 404


def test_statistics_job_runs_and_reports(scientist):
    tid = make_template(scientist)
    dataset_id = upload(scientist, template_id=tid).json()["dataset_id"]
    assert scientist.get("/api/v1/dataset/statistics", params={"dataset_id": dataset_id}).status_code == 404
    r = scientist.post("/api/v1/dataset/generate_statistics", params={"dataset_id": dataset_id})
    assert r.status_code == 202, r.text
    assert r.json()["status"] == "success" and r.json()["job_id"]
    deadline = time.time() + 60
    while True:
        body = scientist.get("/api/v1/dataset/statistics", params={"dataset_id": dataset_id}).json()
        if body["status"] in ("completed", "failed") or time.time() > deadline:
            break
        time.sleep(0.2)
    assert body["status"] == "completed", body
    columns = {c["column_name"]: c for c in body["statistics"]["columns"]}
    assert body["statistics"]["row_count"] == 3
    assert columns["MonthlyCharges"]["min"] == 20 and columns["MonthlyCharges"]["max"] == 99.9
    assert columns["Tenure"]["median"] == 3
    assert columns["CustomerID"]["distinct"] == 3
