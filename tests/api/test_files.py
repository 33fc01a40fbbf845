"""Files (7.1-7.6): list, preview, details, download (by id, or by a path confined to the
caller's tenant storage) and delete."""
import os

import pytest

from conftest import unique
from test_datasets import GOOD_CSV, upload


@pytest.fixture
def scientist(api, tenant):
    _, token = api.create_user(tenant["id"], role="data_scientist")
    return api.client(token)


@pytest.fixture
def dataset(scientist):
    r = upload(scientist, files=[("files", ("first.csv", GOOD_CSV.encode(), "text/csv"))])
    assert r.status_code == 201, r.text
    return r.json()


def test_list_view_and_details(scientist, dataset):
    dataset_id = dataset["dataset_id"]
    r = scientist.post("/api/v1/files/add", params={"dataset_id": dataset_id},
                       files=[("files", ("../../second.csv", GOOD_CSV.encode(), "text/csv"))])
    assert r.status_code == 201, r.text
    assert r.json()["files"][0]["file_name"] == "second.csv"  # no path from the client survives
    listing = scientist.get("/api/v1/files/list", params={"dataset_id": dataset_id}).json()
    assert listing["total"] == 2
    assert [f["file_name"] for f in listing["data"]] == ["first.csv", "second.csv"]
    file_id = listing["data"][0]["id"]
    view = scientist.get("/api/v1/files/view", params={"file_id": file_id}).json()
    assert view["file_id"] == file_id
    assert view["content_preview"][:2] == ["CustomerID,Tenure,MonthlyCharges,Churn,Joined", "C1,12,70.5,true,2024-01-31"]
    assert len(scientist.get("/api/v1/files/view", params={"file_id": file_id, "lines": 1}).json()["content_preview"]) == 1
    details = scientist.get("/api/v1/files/get_file_by_id/", params={"file_id": file_id}).json()
    # Storage keys, not server paths.
    assert details["csv_file_path"].startswith("tenants/") and details["csv_file_path"].endswith("raw.csv")
    assert details["hdf_file_path"] == details["parquet_file_path"]
    assert details["parquet_file_path"].endswith(".parquet")
    assert scientist.get("/api/v1/files/get_file_by_id", params={"file_id": 987654}).status_code == 404
    assert scientist.get("/api/v1/files/list", params={"dataset_id": "x"}).status_code == 422


def test_download_by_id_and_by_path(scientist, dataset, server):
    file_id = dataset["files"][0]["id"]
    r = scientist.get("/api/v1/files/download/", params={"file_id": file_id})
    assert r.status_code == 200 and r.content == GOOD_CSV.encode()
    assert "first.csv" in r.headers["content-disposition"]
    details = scientist.get("/api/v1/files/get_file_by_id", params={"file_id": file_id}).json()
    r = scientist.get("/api/v1/files/download", params={"file_path": details["csv_file_path"]})
    assert r.status_code == 200 and r.content == GOOD_CSV.encode()
    r = scientist.get("/api/v1/files/download", params={"file_path": details["parquet_file_path"]})
    assert r.status_code == 200 and r.content[:4] == b"PAR1"
    # The key's location (where DuckDB or pyiceberg would read it) names the same file.
    location = os.path.join(os.path.realpath(server.data_dir), details["csv_file_path"])
    r = scientist.get("/api/v1/files/download", params={"file_path": location})
    assert r.status_code == 200 and r.content == GOOD_CSV.encode()


def test_download_refuses_paths_outside_the_tenant(api, scientist, dataset, tenant, server):
    details = scientist.get("/api/v1/files/get_file_by_id", params={"file_id": dataset["files"][0]["id"]}).json()
    key = details["csv_file_path"]
    data_dir = os.path.realpath(server.data_dir)
    raw = os.path.join(data_dir, key)
    tenant_root = raw[: raw.index("/datasets/")]
    escapes = [
        key + "/../../../../../../../../etc/passwd",
        key[: key.index("/datasets/")] + "/../../jwt_secret",
        "tenants/" + key.split("/")[1],  # a directory
        "/etc/passwd",
        raw + "/../../../../../../../../etc/passwd",
        tenant_root + "/../../jwt_secret",
        data_dir + "/dataml.db",
        "../../../../etc/passwd",
        tenant_root,  # a directory
        raw + "\x00.csv",
    ]
    link = os.path.join(os.path.dirname(raw), "escape.csv")
    os.symlink("/etc/passwd", link)
    escapes.append(link)
    for path in escapes:
        r = scientist.get("/api/v1/files/download", params={"file_path": path})
        assert r.status_code == 404, path
        assert "root:" not in r.text
    # Another tenant's real file is as unknown as a missing one.
    other = api.create_tenant()
    _, token = api.create_user(other["id"], role="admin")
    with api.client(token) as c:
        assert c.get("/api/v1/files/download", params={"file_path": raw}).status_code == 404
        assert c.get("/api/v1/files/download", params={"file_path": key}).status_code == 404
        assert c.get("/api/v1/files/download", params={"file_id": dataset["files"][0]["id"]}).status_code == 404
    assert scientist.get("/api/v1/files/download").status_code == 422


def test_delete_file(scientist, dataset, server):
    file_id = dataset["files"][0]["id"]
    details = scientist.get("/api/v1/files/get_file_by_id", params={"file_id": file_id}).json()
    assert scientist.delete(f"/api/v1/files/delete/{file_id}").status_code == 200
    assert not os.path.exists(os.path.join(server.data_dir, details["csv_file_path"]))
    assert scientist.get("/api/v1/files/get_file_by_id", params={"file_id": file_id}).status_code == 404
    got = scientist.get("/api/v1/dataset/get_dataset_by_id", params={"dataset_id": dataset["dataset_id"]}).json()
    assert got["file_count"] == 0 and got["is_valid"] is False
    assert scientist.delete(f"/api/v1/files/delete/{file_id}").status_code == 404
