"""Datalake, read by DuckDB: `iceberg_scan('<metadata_location>')`, the reader docs/datalake.md
names, returns the rows uploads appended to silver.<name>, with their types, at the current
snapshot and at an older one.

DuckDB 1.4.4 and its avro and iceberg extensions (DuckDB's signed binaries, from PyPI) live in a
venv of their own, .venv-duckdb (scripts/setup.sh makes it from requirements-duckdb.txt): the
extensions are LOADed from their files, so nothing is downloaded while the tests run."""
import json
import os
import sqlite3
import subprocess

from conftest import unique

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DUCKDB_PYTHON = os.path.join(ROOT, ".venv-duckdb", "bin", "python")

TEMPLATE = [
    {"column_name": "customer", "data_type": "String"},
    {"column_name": "tenure", "data_type": "Integer"},
    {"column_name": "charges", "data_type": "Float"},
    {"column_name": "churn", "data_type": "Boolean"},
    {"column_name": "joined", "data_type": "Date"},
    {"column_name": "seen", "data_type": "DateTime"},
]
CSV = (
    "customer,tenure,charges,churn,joined,seen\n"
    "a,1,10.5,true,2024-01-31,2024-01-31T10:00:00Z\n"
    "b,,20.25,false,2023-12-01,2023-12-01T23:59:59.123456Z\n"
    "c,3,-0.5,,2024-02-29,2024-02-29T12:30:00+02:00\n"
    "d,not-a-number,1.0,true,2024-01-01,2024-01-01T00:00:00Z\n"  # not valid: not in the lake
)
MORE_CSV = (
    "customer,tenure,charges,churn,joined,seen\n"
    "e,7,1000.0,false,2021-05-05,\n"
    "f,-8,0.0,true,1969-07-20,1969-07-20T20:17:40Z\n"
)
# What DuckDB reads: dates as ISO strings, `seen` (timestamptz) as its UTC wall clock in ISO.
FIRST_ROWS = [
    ["a", 1, 10.5, True, "2024-01-31", "2024-01-31T10:00:00"],
    ["b", None, 20.25, False, "2023-12-01", "2023-12-01T23:59:59.123456"],
    ["c", 3, -0.5, None, "2024-02-29", "2024-02-29T10:30:00"],
]
ALL_ROWS = FIRST_ROWS + [
    ["e", 7, 1000.0, False, "2021-05-05", None],
    ["f", -8, 0.0, True, "1969-07-20", "1969-07-20T20:17:40"],
]
COLUMNS = [["customer", "VARCHAR"], ["tenure", "BIGINT"], ["charges", "DOUBLE"], ["churn", "BOOLEAN"],
           ["joined", "DATE"], ["seen", "TIMESTAMP WITH TIME ZONE"]]

# Runs in .venv-duckdb: argv[1] is a JSON list of SQL statements; prints a JSON list of their
# results ({"columns", "rows"}), dates and timestamps as ISO strings. The extensions are loaded
# from the files the duckdb-ext-* packages install (never INSTALLed or autoloaded).
DUCKDB_SCRIPT = r"""
import datetime, glob, json, os, sys, sysconfig
import duckdb

root = os.path.join(sysconfig.get_paths()["purelib"], "duckdb_ext", "extensions", "v" + duckdb.__version__)
con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
for name in ("avro", "iceberg"):  # iceberg needs avro loaded first
    files = glob.glob(os.path.join(root, "*", name + ".duckdb_extension"))
    if len(files) != 1:
        sys.exit(f"expected one {name}.duckdb_extension under {root}, found {files}")
    con.execute(f"LOAD '{files[0]}'")

def iso(value):
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")

results = []
for sql in json.loads(sys.argv[1]):
    cursor = con.execute(sql)
    results.append({"columns": [d[0] for d in cursor.description], "rows": [list(r) for r in cursor.fetchall()]})
print(json.dumps(results, default=iso))
"""


def require_duckdb_venv():
    """Fails (CI must run this test, never skip it) when scripts/setup.sh has not made the venv."""
    assert os.path.exists(DUCKDB_PYTHON), (
        f"{DUCKDB_PYTHON} is missing: run scripts/setup.sh (it makes .venv-duckdb from "
        "tests/api/requirements-duckdb.txt, DuckDB 1.4.4 with its iceberg extension)")


def duckdb_run(*statements):
    """The results of `statements`, run by DuckDB in .venv-duckdb."""
    require_duckdb_venv()
    proc = subprocess.run([DUCKDB_PYTHON, "-c", DUCKDB_SCRIPT, json.dumps(statements)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"DuckDB failed (exit {proc.returncode}):\n{proc.stderr}{proc.stdout}"
    return json.loads(proc.stdout)


def literal(text):
    return "'" + text.replace("'", "''") + "'"


def catalog_row(server, tenant_id, table):
    """(metadata_location, previous_metadata_location) of silver.<table> in the server's catalog."""
    query = ("SELECT metadata_location, previous_metadata_location FROM iceberg_tables "
             "WHERE catalog_name = {p} AND table_namespace = {p} AND table_name = {p}")
    args = (tenant_id, "silver", table)
    if server.db_url:
        import psycopg2  # in .venv with pyiceberg[sql-postgres]
        conn = psycopg2.connect(server.db_url)
        try:
            with conn.cursor() as cur:
                cur.execute(query.format(p="%s"), args)
                rows = cur.fetchall()
        finally:
            conn.close()
    else:
        conn = sqlite3.connect(os.path.join(server.data_dir, "dataml.db"))
        try:
            rows = conn.execute(query.format(p="?"), args).fetchall()
        finally:
            conn.close()
    assert len(rows) == 1, rows
    return rows[0]


def table_metadata(client, table):
    r = client.get("/api/v1/datalake/table_metadata", params={"schema_name": "silver", "table_name": table})
    assert r.status_code == 200, r.text
    return r.json()


def test_duckdb_iceberg_scan_reads_the_uploaded_rows_at_every_snapshot(api, server, tenant):
    require_duckdb_venv()
    _, token = api.create_user(tenant["id"], role="data_scientist")
    scientist = api.client(token)
    table = unique("t")
    r = scientist.post("/api/v1/template", json={"template_name": unique("tpl"), "template_schema": TEMPLATE})
    assert r.status_code == 201, r.text
    r = scientist.post("/api/v1/dataset/upload",
                       params={"dataset_name": unique("ds"), "usage": "t", "iceberg_table_name": table,
                               "template_id": r.json()["id"]},
                       files=[("files", ("data.csv", CSV.encode(), "text/csv"))])
    assert r.status_code == 201, r.text
    first = table_metadata(scientist, table)
    assert first["record_count"] == 3
    first_location, _ = catalog_row(server, tenant["id"], table)
    r = scientist.post("/api/v1/files/add", params={"dataset_id": r.json()["dataset_id"]},
                       files=[("files", ("more.csv", MORE_CSV.encode(), "text/csv"))])
    assert r.status_code == 201, r.text
    second = table_metadata(scientist, table)
    assert second["record_count"] == 5 and second["current_snapshot_id"] != first["current_snapshot_id"]
    location, previous = catalog_row(server, tenant["id"], table)
    assert os.path.isabs(location) and location.endswith(".metadata.json") and previous == first_location

    def scan(metadata, **options):
        args = "".join(f", {k} => {v}" for k, v in options.items())
        return f"iceberg_scan({literal(metadata)}{args})"

    # `seen` as its UTC wall clock: fetching a TIMESTAMP WITH TIME ZONE into Python needs pytz.
    rows = "SELECT * REPLACE (timezone('UTC', seen) AS seen) FROM {} ORDER BY customer"
    names = [c for c, _ in COLUMNS]
    described, current, by_id, older, snapshots, recent, early, long = duckdb_run(
        f"DESCRIBE SELECT * FROM {scan(location)}",
        rows.format(scan(location)),
        rows.format(scan(location, snapshot_from_id=first["current_snapshot_id"])),
        rows.format(scan(previous)),
        f"SELECT snapshot_id, sequence_number FROM iceberg_snapshots({literal(location)}) ORDER BY sequence_number",
        # Filters DuckDB may answer from the manifests' bounds must still find their rows.
        f"SELECT customer FROM {scan(location)} WHERE seen >= TIMESTAMPTZ '2024-01-01 00:00:00+00' ORDER BY 1",
        f"SELECT customer FROM {scan(location)} WHERE joined < DATE '2000-01-01' OR charges > 100 ORDER BY 1",
        f"SELECT customer FROM {scan(location)} WHERE tenure > 2 ORDER BY 1",
    )
    assert [row[:2] for row in described["rows"]] == COLUMNS
    assert current == {"columns": names, "rows": ALL_ROWS}
    assert by_id == {"columns": names, "rows": FIRST_ROWS}
    assert older == {"columns": names, "rows": FIRST_ROWS}
    assert snapshots["rows"] == [[first["current_snapshot_id"], 1], [second["current_snapshot_id"], 2]]
    assert recent["rows"] == [["a"], ["c"]]
    assert early["rows"] == [["e"], ["f"]]
    assert long["rows"] == [["c"], ["e"]]
