"""Sorted pages of a dataset through dataml's API against DuckDB and pandas on the same Parquet.

A fresh server (SQLite, its own data dir) gets a generated CSV of --rows rows (id, amount with 1%
empty, region) in one upload, so one validated Parquet file. Each case asks for one page of 25
rows in an order: the first page and a deep one (skip = rows / 2), by a double column and by a
string column, both directions (a new connection per call). The peers run the same query over
the Parquet file the server wrote: DuckDB (`ORDER BY ... NULLS LAST, file_row_number LIMIT 25
OFFSET k` on one warm connection, every core)
and pandas (read_parquet, then sort_values(kind="stable", na_position="last") and iloc; the read
is counted, as the server reads its files on every call too). Every page of ours is checked
against DuckDB's. Medians of --repeat calls, after one unmeasured call each.
"""

import argparse
import glob
import json
import os
import random
import shutil
import statistics
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "train"))
from common import Failure, Server  # noqa: E402

REGIONS = ["north", "south", "east", "west", "central", "islands", "online"]
PAGE = 25


def write_csv(path, rows):
    rng = random.Random(7)
    with open(path, "w") as f:
        f.write("id,amount,region\n")
        for i in range(rows):
            amount = "" if rng.random() < 0.01 else f"{rng.lognormvariate(3.0, 1.0):.2f}"
            f.write(f"{i},{amount},{rng.choice(REGIONS)}\n")


def timed(fn, repeat):
    fn()  # unmeasured
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    import duckdb
    import pandas as pd

    run = os.path.join(args.work, "run")
    shutil.rmtree(run, ignore_errors=True)
    os.makedirs(run)
    csv = os.path.join(args.work, f"rows_{args.rows}.csv")
    if not os.path.exists(csv):
        write_csv(csv, args.rows)
    server = Server(args.bin, run)
    try:
        dataset_id = server.upload_csv(csv, "rows")
        files = sorted(glob.glob(os.path.join(server.data_dir, "**", "*.parquet"), recursive=True))
        if len(files) != 1:
            raise Failure(f"expected one Parquet file in the data dir, found {files}")

        con = duckdb.connect()
        con.execute(f"CREATE VIEW t AS SELECT * FROM read_parquet('{files[0]}', file_row_number = true)")
        cases = []
        for column in ("amount", "region"):
            for descending in (False, True):
                for skip in (0, args.rows // 2):
                    cases.append((column, descending, skip))
        print(f"{args.rows:,} rows in one Parquet file; page of {PAGE}; median of {args.repeat}")
        print(f"{'case':36} {'dataml':>9} {'DuckDB':>9} {'pandas':>9} {'DuckDB/ours':>12} {'pandas/ours':>12}")
        report = []
        for column, descending, skip in cases:
            query = urllib.parse.urlencode({"dataset_id": dataset_id, "order_by": column,
                                            "order": "desc" if descending else "asc", "skip": skip, "limit": PAGE})

            def ours():
                return server.get("/api/v1/dataset/view?" + query)["preview"]

            direction = "DESC" if descending else "ASC"
            sql = (f"SELECT id, amount, region FROM t ORDER BY {column} {direction} NULLS LAST, file_row_number "
                   f"LIMIT {PAGE} OFFSET {skip}")

            def peer_duckdb():
                return con.execute(sql).fetchall()

            def peer_pandas():
                frame = pd.read_parquet(files[0])
                return frame.sort_values(column, ascending=not descending, kind="stable",
                                         na_position="last").iloc[skip:skip + PAGE]

            t_ours, page = timed(ours, args.repeat)
            t_duck, expected = timed(peer_duckdb, args.repeat)
            t_pandas, _ = timed(peer_pandas, max(3, args.repeat // 2))
            got = [(r["id"], r["amount"], r["region"]) for r in page]
            if got != [tuple(r) for r in expected]:
                raise Failure(f"{column} {direction} skip {skip}: ours {got[:3]} != DuckDB {expected[:3]}")
            label = f"{column} {direction.lower()} skip {skip:,}"
            print(f"{label:36} {t_ours * 1e3:8.1f}ms {t_duck * 1e3:8.1f}ms {t_pandas * 1e3:8.1f}ms "
                  f"{t_duck / t_ours:12.2f} {t_pandas / t_ours:12.2f}")
            report.append({"case": label, "dataml_s": t_ours, "duckdb_s": t_duck, "pandas_s": t_pandas})
        with open(os.path.join(args.work, "report.json"), "w") as f:
            json.dump({"rows": args.rows, "cases": report}, f, indent=2)
    finally:
        server.stop()


if __name__ == "__main__":
    try:
        main()
    except Failure as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(1)
