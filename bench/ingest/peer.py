"""One peer run, in its own process: CSV -> type-checked -> Parquet; prints one JSON line.

Usage: peer.py pandas|pandas-pyarrow|duckdb CSV OUT.parquet ROWS [--threads N]

Timed from just before reading to the Parquet file being closed (imports and interpreter start
are not timed, like dataml's start-up is not). Memory: VmRSS right before the timed part
(baseline) and VmHWM (the process's peak RSS) at the end; CPU time of the timed part.

- pandas: pd.read_csv (C engine) with the template's types enforced by the reader (Int64, float64,
  boolean, str: a bad cell raises), Date/DateTime read as text and converted with the exact
  format and errors='coerce', a bad value being a null that was not an empty cell; then
  df.to_parquet(engine='pyarrow') (Snappy, as dataml).
- pandas-pyarrow: the same with read_csv(engine='pyarrow'), which parses with several threads.
- duckdb: COPY (SELECT * FROM read_csv(..., header=true, columns={typed})) TO ... (FORMAT
  PARQUET); a cell that does not cast to its column type fails the query.
"""

import json
import os
import sys
import time

from common import DATE_FORMAT, DATETIME_FORMAT, SCHEMA, proc_status_kib


def run_pandas(csv, out, engine):
    import pandas as pd

    dtypes = {"Integer": "Int64", "Float": "float64", "Boolean": "boolean", "String": "str",
              "Date": "str", "DateTime": "str"}
    df = pd.read_csv(csv, dtype={n: dtypes[t] for n, t in SCHEMA}, engine=engine)
    if list(df.columns) != [n for n, _ in SCHEMA]:
        raise SystemExit(f"unexpected header: {list(df.columns)}")
    bad = 0
    for name, typ in SCHEMA:
        if typ in ("Date", "DateTime"):
            text = df[name]
            fmt = DATE_FORMAT if typ == "Date" else DATETIME_FORMAT
            parsed = pd.to_datetime(text, format=fmt, errors="coerce", utc=(typ == "DateTime"))
            bad += int((parsed.isna() & text.notna()).sum())
            df[name] = parsed
    df.to_parquet(out, engine="pyarrow", index=False)
    return len(df), bad


def run_duckdb(csv, out, threads):
    import duckdb

    types = {"Integer": "BIGINT", "Float": "DOUBLE", "Boolean": "BOOLEAN", "String": "VARCHAR",
             "Date": "DATE", "DateTime": "TIMESTAMPTZ"}
    columns = "{" + ", ".join(f"'{n}': '{types[t]}'" for n, t in SCHEMA) + "}"

    def lit(s):
        return "'" + s.replace("'", "''") + "'"

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    n = con.execute(f"COPY (SELECT * FROM read_csv({lit(csv)}, header = true, columns = {columns})) "
                    f"TO {lit(out)} (FORMAT PARQUET)").fetchone()[0]
    con.close()
    return int(n), 0


def main():
    tool, csv, out, rows = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    threads = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else 0
    if tool.startswith("pandas"):
        import pandas  # noqa: F401  (imported before the clock starts)
        import pyarrow.parquet  # noqa: F401
    else:
        import duckdb  # noqa: F401
    rss0 = proc_status_kib("self", "VmRSS")
    cpu0 = time.process_time()
    t0 = time.monotonic()
    if tool == "pandas":
        n, bad = run_pandas(csv, out, "c")
    elif tool == "pandas-pyarrow":
        n, bad = run_pandas(csv, out, "pyarrow")
    elif tool == "duckdb":
        n, bad = run_duckdb(csv, out, threads)
    else:
        raise SystemExit(f"unknown tool {tool}")
    seconds = time.monotonic() - t0
    cpu = time.process_time() - cpu0
    hwm = proc_status_kib("self", "VmHWM")

    import pyarrow.parquet as pq
    md = pq.read_metadata(out)
    print(json.dumps({"tool": tool, "seconds": seconds, "cpu_seconds": cpu, "rows_read": n, "bad_values": bad,
                      "parquet_rows": md.num_rows, "parquet_bytes": os.path.getsize(out),
                      "parquet_schema": [str(t) for t in md.schema.to_arrow_schema().types],
                      "rss_base_kib": rss0, "rss_peak_kib": hwm}))
    if n != rows or md.num_rows != rows or bad:
        sys.exit(f"{tool}: expected {rows} rows and no bad values, got {n} read, "
                 f"{md.num_rows} in Parquet, {bad} bad")


if __name__ == "__main__":
    main()
