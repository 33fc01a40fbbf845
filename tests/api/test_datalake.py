"""Datalake (11.1-11.6): uploads with an iceberg_table_name append to silver.<name>, an Iceberg
v2 table in the tenant's SQL catalog; the API lists, describes and measures it exactly, and
pyiceberg reads (and appends to) the same tables."""
import concurrent.futures
import datetime
import os
import statistics
from pathlib import Path

import pyarrow as pa
import pytest
from pyiceberg.catalog.sql import SqlCatalog

from conftest import unique

CSV = (
    "customer,tenure,charges,churn,joined\n"
    "a,1,10.5,true,2024-01-31\n"
    "b,2,20.25,false,2023-12-01\n"
    "c,,99.0,true,2022-02-28\n"
    "d,4,not-a-number,false,2022-03-01\n"
)
MORE_CSV = "customer,tenure,charges,churn,joined\ne,7,1.0,false,2021-05-05\nb,8,2.0,true,2021-06-06\n"
TEMPLATE = [
    {"column_name": "customer", "data_type": "String"},
    {"column_name": "tenure", "data_type": "Integer"},
    {"column_name": "charges", "data_type": "Float"},
    {"column_name": "churn", "data_type": "Boolean"},
    {"column_name": "joined", "data_type": "Date"},
]


@pytest.fixture
def scientist(api, tenant):
    _, token = api.create_user(tenant["id"], role="data_scientist")
    return api.client(token)


def upload(client, table, csv=CSV, **params):
    return client.post("/api/v1/dataset/upload",
                       params={"dataset_name": unique("ds"), "usage": "t", "iceberg_table_name": table, **params},
                       files=[("files", ("data.csv", csv.encode(), "text/csv"))])


def metadata(client, table, schema="silver"):
    r = client.get("/api/v1/datalake/table_metadata", params={"schema_name": schema, "table_name": table})
    assert r.status_code == 200, r.text
    return r.json()


def numeric(client, table, column):
    r = client.get("/api/v1/datalake/numeric_stats",
                   params={"schema_name": "silver", "table_name": table, "column_name": column})
    assert r.status_code == 200, r.text
    return r.json()


def test_every_tenant_has_the_medallion_namespaces(scientist):
    r = scientist.get("/api/v1/datalake/schemas")
    assert r.status_code == 200 and r.json() == {"schemas": ["bronze", "gold", "silver"]}
    r = scientist.get("/api/v1/datalake/schemas/tables", params={"schema_name": "gold"})
    assert r.json() == {"schema": "gold", "tables": []}


def test_an_upload_appends_its_valid_rows_to_silver(scientist, server):
    table = unique("churn")
    r = upload(scientist, table)
    assert r.status_code == 201, r.text
    assert scientist.get("/api/v1/datalake/schemas/tables", params={"schema_name": "silver"}).json()["tables"] == [table]
    columns = scientist.get("/api/v1/datalake/tables/columns", params={"schema_name": "silver", "table_name": table})
    assert columns.json() == [{"column_name": "customer", "data_type": "varchar"},
                              {"column_name": "tenure", "data_type": "bigint"},
                              {"column_name": "charges", "data_type": "varchar"},  # "not-a-number" made it text
                              {"column_name": "churn", "data_type": "boolean"},
                              {"column_name": "joined", "data_type": "date"}]
    info = metadata(scientist, table)
    assert info["record_count"] == 4 and info["file_count"] == 1 and info["format"] == "iceberg"
    assert info["schema"] == "silver" and info["table"] == table
    assert isinstance(info["current_snapshot_id"], int) and info["owner"]
    assert info["location"].startswith(os.path.realpath(server.data_dir) + "/tenants/")
    assert info["location"].endswith(f"/lake/silver/{table}")
    stats = numeric(scientist, table, "tenure")
    assert stats == {"column": "tenure", "count": 3, "mean": pytest.approx(7 / 3), "min": 1.0, "max": 4.0,
                     "median": 2.0, "std_dev": pytest.approx(statistics.stdev([1, 2, 4]))}
    r = scientist.get("/api/v1/datalake/distinct-count", params={"schema": "silver", "table": table, "column": "churn"})
    assert r.json() == {"schema": "silver", "table": table, "column": "churn", "distinct_count": 2, "exact": True}


def test_added_files_are_a_new_snapshot_and_answers_follow_it(scientist):
    table = unique("t")
    tid = scientist.post("/api/v1/template", json={"template_name": unique("tpl"), "template_schema": TEMPLATE}).json()["id"]
    r = upload(scientist, table, template_id=tid)
    assert r.status_code == 201, r.text
    first = metadata(scientist, table)
    assert first["record_count"] == 3  # the row with "not-a-number" charges is not valid
    assert numeric(scientist, table, "charges")["max"] == 99.0
    r = scientist.post("/api/v1/files/add", params={"dataset_id": r.json()["dataset_id"]},
                       files=[("files", ("more.csv", MORE_CSV.encode(), "text/csv"))])
    assert r.status_code == 201, r.text
    second = metadata(scientist, table)
    assert second["record_count"] == 5 and second["file_count"] == 2
    assert second["current_snapshot_id"] != first["current_snapshot_id"]
    # The history, newest first, each with its parent and the records it added.
    history = second["snapshots"]
    assert [s["snapshot_id"] for s in history] == [second["current_snapshot_id"], first["current_snapshot_id"]]
    assert history[0]["parent_snapshot_id"] == history[1]["snapshot_id"] and history[1]["parent_snapshot_id"] is None
    assert [(s["operation"], s["added_records"], s["total_records"]) for s in history] == [("append", 2, 5), ("append", 3, 3)]
    assert history[0]["sequence_number"] > history[1]["sequence_number"] and history[0]["committed_at"].endswith("Z")
    stats = numeric(scientist, table, "charges")
    assert stats["count"] == 5 and stats["median"] == 10.5 and stats["min"] == 1.0
    r = scientist.get("/api/v1/datalake/distinct-count", params={"schema": "silver", "table": table, "column": "customer"})
    assert r.json()["distinct_count"] == 4  # a, b, c, e


def test_a_schema_that_does_not_match_the_table_is_refused_before_anything_is_stored(scientist):
    table = unique("t")
    assert upload(scientist, table, csv=MORE_CSV).status_code == 201
    before = metadata(scientist, table)
    other = [dict(c, data_type="String") if c["column_name"] == "tenure" else c for c in TEMPLATE]
    tid = scientist.post("/api/v1/template", json={"template_name": unique("tpl"), "template_schema": other}).json()["id"]
    name = unique("ds")
    r = scientist.post("/api/v1/dataset/upload",
                       params={"dataset_name": name, "usage": "t", "iceberg_table_name": table, "template_id": tid},
                       files=[("files", ("data.csv", CSV.encode(), "text/csv"))])
    assert r.status_code == 422, r.text
    detail = r.json()["detail"][0]
    assert detail["loc"] == ["query", "iceberg_table_name"] and "tenure (string, the table has long)" in detail["msg"]
    # An inferred schema is checked after validation, before anything is stored.
    r = upload(scientist, table, csv="customer,extra\nx,1\n")
    assert r.status_code == 422 and "extra (not in the table)" in r.json()["detail"][0]["msg"]
    assert "tenure (only in the table)" in r.json()["detail"][0]["msg"]
    names = [d["dataset_name"] for d in scientist.get("/api/v1/dataset/list", params={"limit": 100}).json()["data"]]
    assert name not in names
    assert metadata(scientist, table)["current_snapshot_id"] == before["current_snapshot_id"]


def test_deleting_the_dataset_leaves_the_table_whole(scientist):
    table = unique("t")
    r = upload(scientist, table)
    assert scientist.delete(f"/api/v1/dataset/delete/{r.json()['dataset_id']}").status_code == 200
    assert metadata(scientist, table)["record_count"] == 4
    assert numeric(scientist, table, "tenure")["count"] == 3


def test_concurrent_uploads_to_one_table_all_land(scientist):
    table = unique("t")

    def one(i):
        return upload(scientist, table, csv=f"k,v\n{i},{i}\n{i},{i + 1}\n").status_code

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        codes = list(pool.map(one, range(6)))
    assert codes == [201] * 6
    info = metadata(scientist, table)
    assert info["record_count"] == 12 and info["file_count"] == 6
    assert numeric(scientist, table, "v")["count"] == 12


def test_bad_requests(scientist, api, tenant):
    table = unique("t")
    assert upload(scientist, table).status_code == 201
    get = scientist.get
    assert get("/api/v1/datalake/schemas/tables", params={"schema_name": "platinum"}).status_code == 404
    assert get("/api/v1/datalake/tables/columns", params={"schema_name": "silver", "table_name": "nope"}).status_code == 404
    assert get("/api/v1/datalake/table_metadata", params={"schema_name": "nope", "table_name": table}).status_code == 404
    r = get("/api/v1/datalake/numeric_stats", params={"schema_name": "silver", "table_name": table, "column_name": "nope"})
    assert r.status_code == 404
    r = get("/api/v1/datalake/numeric_stats", params={"schema_name": "silver", "table_name": table, "column_name": "churn"})
    assert r.status_code == 422 and "not numeric" in r.json()["detail"][0]["msg"]
    assert r.json()["detail"][0]["loc"] == ["query", "column_name"]
    r = get("/api/v1/datalake/distinct-count", params={"schema": "silver", "table": table, "column": "nope"})
    assert r.status_code == 404
    for params in ({"schema_name": "../etc"}, {"schema_name": "a b"}, {}):
        r = get("/api/v1/datalake/schemas/tables", params=params)
        assert r.status_code == 422, params
    r = get("/api/v1/datalake/table_metadata", params={"schema_name": "silver", "table_name": "x;drop"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "table_name"]
    r = upload(scientist, "not an identifier")
    assert r.status_code == 422
    # Without can_view_datalake.
    _, token = api.create_user(tenant["id"])
    with api.client(token) as c:
        assert c.get("/api/v1/datalake/schemas").status_code == 403
    with api.client() as c:
        assert c.get("/api/v1/datalake/schemas").status_code == 401


def test_tenants_have_their_own_tables_of_the_same_name(scientist, api):
    table = unique("t")
    assert upload(scientist, table).status_code == 201
    other = api.create_tenant()
    _, token = api.create_user(other["id"], role="data_scientist")
    with api.client(token) as c:
        params = {"schema_name": "silver", "table_name": table}
        assert c.get("/api/v1/datalake/table_metadata", params=params).status_code == 404
        assert c.get("/api/v1/datalake/schemas/tables", params={"schema_name": "silver"}).json()["tables"] == []
        r = upload(c, table, csv=MORE_CSV)
        assert r.status_code == 201
        assert metadata(c, table)["record_count"] == 2
    assert metadata(scientist, table)["record_count"] == 4
    # The superuser reads a tenant's lake by naming it.
    with api.admin() as c:
        r = c.get("/api/v1/datalake/table_metadata", params={**params, "tenant_id": other["id"]})
        assert r.status_code == 200 and r.json()["record_count"] == 2


def catalog_of(server, tenant_id):
    """pyiceberg's SqlCatalog over the server's own database, named by the tenant's id."""
    if server.db_url:
        uri = server.db_url.replace("postgresql://", "postgresql+psycopg2://", 1)
    else:
        uri = "sqlite:///" + os.path.join(os.path.realpath(server.data_dir), "dataml.db")
    return SqlCatalog(tenant_id, uri=uri, init_catalog_tables="false")


def test_pyiceberg_reads_our_tables_and_we_read_its_appends(scientist, server, tenant):
    table = unique("t")
    assert upload(scientist, table, csv=MORE_CSV).status_code == 201
    catalog = catalog_of(server, tenant["id"])
    assert sorted(catalog.list_namespaces()) == [("bronze",), ("gold",), ("silver",)]
    assert catalog.list_tables("silver") == [("silver", table)]
    iceberg = catalog.load_table(f"silver.{table}")
    assert [f.field_id for f in iceberg.schema().fields] == [1, 2, 3, 4, 5]
    rows = iceberg.scan().to_arrow().sort_by("customer").to_pylist()
    assert rows == [
        {"customer": "b", "tenure": 8, "charges": 2.0, "churn": True, "joined": datetime.date(2021, 6, 6)},
        {"customer": "e", "tenure": 7, "charges": 1.0, "churn": False, "joined": datetime.date(2021, 5, 5)},
    ]
    # Bounds in the manifests let pyiceberg prune: no file holds tenure > 100.
    assert iceberg.scan(row_filter="tenure > 100").to_arrow().num_rows == 0
    appended = pa.table({"customer": ["z"], "tenure": [30], "charges": [300.0], "churn": [None],
                         "joined": [datetime.date(2020, 1, 1)]}, schema=iceberg.schema().as_arrow())
    iceberg.append(appended)
    info = metadata(scientist, table)
    assert info["record_count"] == 3 and info["file_count"] == 2
    assert numeric(scientist, table, "tenure") == {
        "column": "tenure", "count": 3, "mean": pytest.approx(15.0), "min": 7.0, "max": 30.0, "median": 8.0,
        "std_dev": pytest.approx(statistics.stdev([7, 8, 30]))}
    # And our next upload commits on top of pyiceberg's snapshot.
    r = scientist.post("/api/v1/files/add", params={"dataset_id": scientist.get("/api/v1/dataset/list").json()["data"][0]["id"]},
                       files=[("files", ("more.csv", MORE_CSV.encode(), "text/csv"))])
    assert r.status_code == 201, r.text
    assert catalog.load_table(f"silver.{table}").scan().to_arrow().num_rows == 5


def test_bronze_keeps_every_record_as_received(scientist, server, tenant):
    table = unique("t")
    tid = scientist.post("/api/v1/template", json={"template_name": unique("tpl"), "template_schema": TEMPLATE}).json()["id"]
    raw = CSV.encode() + b"f,5,\xff\xfe,yes,2020-01-01\n"  # bad UTF-8 in a bad Float
    r = scientist.post("/api/v1/dataset/upload",
                       params={"dataset_name": unique("ds"), "usage": "t", "iceberg_table_name": table, "template_id": tid},
                       files=[("files", ("first.csv", raw, "text/csv"))])
    assert r.status_code == 201, r.text
    assert r.json()["files"][0]["valid_records"] == 3
    assert scientist.get("/api/v1/datalake/schemas/tables", params={"schema_name": "bronze"}).json()["tables"] == [table]
    columns = scientist.get("/api/v1/datalake/tables/columns", params={"schema_name": "bronze", "table_name": table}).json()
    assert [(c["column_name"], c["data_type"]) for c in columns] == [
        ("customer", "varchar"), ("tenure", "varchar"), ("charges", "varchar"), ("churn", "varchar"),
        ("joined", "varchar"), ("_source_file", "varchar"), ("_record", "bigint"), ("_loaded_at", "timestamp")]
    assert metadata(scientist, table, "bronze")["record_count"] == 5  # every record, valid or not
    assert metadata(scientist, table)["record_count"] == 3
    rows = catalog_of(server, tenant["id"]).load_table(f"bronze.{table}").scan().to_arrow().sort_by("_record").to_pylist()
    assert [(row["_record"], row["customer"], row["charges"], row["_source_file"]) for row in rows] == [
        (2, "a", "10.5", "first.csv"), (3, "b", "20.25", "first.csv"), (4, "c", "99.0", "first.csv"),
        (5, "d", "not-a-number", "first.csv"), (6, "f", "\ufffd\ufffd", "first.csv")]
    assert rows[2]["tenure"] == ""  # as received: empty, not null
    assert len({row["_loaded_at"] for row in rows}) == 1
    # A dataset column may not take a name bronze gives its own columns.
    r = upload(scientist, unique("t"), csv="_record,x\n1,2\n")
    assert r.status_code == 422 and "reserved" in r.json()["detail"][0]["msg"]


def test_a_dataset_from_a_lake_snapshot(scientist, server, tenant):
    table = unique("t")
    tid = scientist.post("/api/v1/template", json={"template_name": unique("tpl"), "template_schema": TEMPLATE}).json()["id"]
    r = upload(scientist, table, template_id=tid)
    first = metadata(scientist, table)["current_snapshot_id"]
    scientist.post("/api/v1/files/add", params={"dataset_id": r.json()["dataset_id"]},
                   files=[("files", ("more.csv", MORE_CSV.encode(), "text/csv"))])
    base = {"usage": "t", "schema_name": "silver", "table_name": table}
    r = scientist.post("/api/v1/dataset/from_iceberg", params={**base, "dataset_name": unique("ds")})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["data_source"] == "iceberg" and body["snapshot_id"] == metadata(scientist, table)["current_snapshot_id"]
    assert body["files"][0]["valid_records"] == 5 and body["files"][0]["file_name"].startswith(f"silver.{table}@")
    view = scientist.get("/api/v1/dataset/view", params={"dataset_id": body["dataset_id"], "limit": 10}).json()
    assert view["total_rows"] == 5
    assert sorted(row["customer"] for row in view["preview"]) == ["a", "b", "b", "c", "e"]
    preview = scientist.get("/api/v1/files/view", params={"file_id": body["files"][0]["id"], "lines": 2}).json()
    assert preview["content_preview"][0] == "customer,tenure,charges,churn,joined"
    got = scientist.get("/api/v1/dataset/get_dataset_by_id", params={"dataset_id": body["dataset_id"]}).json()
    assert [c["data_type"] for c in got["dataset_schema"]] == ["String", "Integer", "Float", "Boolean", "Date"]
    # Pinned to an older snapshot, and not changed by later commits.
    r = scientist.post("/api/v1/dataset/from_iceberg", params={**base, "dataset_name": unique("ds"), "snapshot_id": first})
    assert r.status_code == 201 and r.json()["files"][0]["valid_records"] == 3
    # Bad requests.
    post = scientist.post
    assert post("/api/v1/dataset/from_iceberg", params={**base, "dataset_name": unique("ds"), "snapshot_id": 1}).status_code == 404
    assert post("/api/v1/dataset/from_iceberg", params={**base, "table_name": "nope", "dataset_name": unique("ds")}).status_code == 404
    r = post("/api/v1/dataset/from_iceberg", params={**base, "table_name": "a-b", "dataset_name": unique("ds")})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "table_name"]
    assert post("/api/v1/dataset/from_iceberg", params={**base, "dataset_name": body["dataset_name"]}).status_code == 409
    assert post("/api/v1/dataset/from_iceberg", params={"usage": "t"}).status_code == 422
    # Neither the copies nor the refusals leave anything staged.
    assert not list((Path(server.data_dir) / "tenants" / tenant["id"]).glob("staging/*"))
