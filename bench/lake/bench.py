"""Lake statistics through dataml's API (11.5 numeric_stats, 11.6 distinct-count) against DuckDB's
read_parquet over exactly the same Iceberg data files, in the same run. See run.sh and README.md.

1. A fresh server (SQLite, data dir under the work dir) gets a small CSV uploaded with
   iceberg_table_name, which creates silver.<table> in the tenant's catalog; pyiceberg then appends
   the rest of --rows in chunks of --chunk-rows (one snapshot and data file per chunk).
2. Cold, --cold rounds: each restarts the server (its answer cache lives in memory), warms the
   process with one unmeasured call on another column, then times the first call of every
   operation (no answer cached for it). Each round DuckDB runs in a fresh child process: an
   unmeasured warm-up query, then every operation as the first query of a fresh connection.
3. Cached: --cached calls of every operation on a keep-alive connection (ours answers from its
   cache); DuckDB runs every operation --peer-repeats times on one connection (it has no result
   cache: that is its warm time).
Every answer of ours is checked against DuckDB's (counts equal, the rest to 1e-9 relative).
"""

import argparse
import http.client
import json
import math
import os
import platform
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "train"))
from common import Failure, Server, cpu_model, tree_cpu_seconds  # noqa: E402

TABLE = "events"
SCHEMA = "silver"
REGIONS = ["north", "south", "east", "west", "central", "north_east", "north_west", "south_east",
           "south_west", "islands", "overseas", "online"]
REGION_P = [0.2, 0.15, 0.14, 0.12, 0.1, 0.07, 0.06, 0.05, 0.04, 0.03, 0.02, 0.02]
# (label, endpoint kind, column)
OPERATIONS = [
    ("numeric_stats amount (double)", "numeric", "amount"),
    ("numeric_stats customer (long)", "numeric", "customer"),
    ("distinct-count customer (~100k)", "distinct", "customer"),
    ("distinct-count region (12)", "distinct", "region"),
    ("distinct-count id (all distinct)", "distinct", "id"),
]
WARMUP = ("numeric", "id")  # the unmeasured call that warms a restarted server


# ---- data --------------------------------------------------------------------------------------

def generate(rng, start, n, with_nulls):
    """Columns of rows start..start+n-1: id, amount (log-normal money, 2 decimals, 1% null when the
    table allows), customer (about 100k distinct longs), region (12 strings, skewed)."""
    import numpy as np
    amount = np.round(rng.lognormal(3.0, 1.0, n), 2)
    null = (rng.random(n) < 0.01) if with_nulls else None
    return {
        "id": np.arange(start, start + n, dtype=np.int64),
        "amount": (amount, null),
        "customer": 10_000_000 + rng.integers(0, 100_000, n, dtype=np.int64),
        "region": rng.choice(len(REGIONS), n, p=REGION_P).astype(np.int32),
    }


def seed_csv(path, rng, n):
    cols = generate(rng, 0, n, False)
    with open(path, "w") as f:
        f.write("id,amount,customer,region\n")
        for i in range(n):
            f.write(f"{cols['id'][i]},{float(cols['amount'][0][i])!r},{cols['customer'][i]},"
                    f"{REGIONS[cols['region'][i]]}\n")


def upload(server, csv, dataset_name, table):
    """POST /api/v1/dataset/upload with iceberg_table_name (inferred schema); returns the body."""
    boundary = "dataml-bench-" + secrets.token_hex(12)
    with open(csv, "rb") as f:
        content = f.read()
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; "
            f"filename=\"{os.path.basename(csv)}\"\r\nContent-Type: text/csv\r\n\r\n").encode() + content + \
        f"\r\n--{boundary}--\r\n".encode()
    query = urllib.parse.urlencode({"dataset_name": dataset_name, "usage": "t", "iceberg_table_name": table})
    status, data = server.request("POST", "/api/v1/dataset/upload?" + query, body,
                                  {"Content-Type": "multipart/form-data; boundary=" + boundary})
    if status != 201:
        raise Failure(f"upload answered {status}: {data[:600]!r}")
    answer = json.loads(data)
    f0 = answer["files"][0]
    if f0.get("error_report") is not None or f0["valid_records"] != f0["total_records"]:
        raise Failure(f"upload: not every row was valid: {json.dumps(f0)[:800]}")
    return answer


def catalog_table(server):
    from pyiceberg.catalog.sql import SqlCatalog
    catalog = SqlCatalog(server.tenant_id, uri=f"sqlite:///{server.data_dir}/dataml.db", init_catalog_tables="false")
    return catalog.load_table(f"{SCHEMA}.{TABLE}")


def append_rows(server, rng, start, total, chunk_rows):
    """pyiceberg appends of rows start..total-1, chunk_rows at a time (a snapshot and file each)."""
    import pyarrow as pa
    table = catalog_table(server)
    arrow_schema = table.schema().as_arrow()
    optional = {f.name: not f.required for f in table.schema().fields}
    done, seconds = start, 0.0
    while done < total:
        n = min(chunk_rows, total - done)
        cols = generate(rng, done, n, optional["amount"])
        amount, null = cols["amount"]
        arrays = {
            "id": pa.array(cols["id"]),
            "amount": pa.array(amount, mask=null),
            "customer": pa.array(cols["customer"]),
            "region": pa.DictionaryArray.from_arrays(pa.array(cols["region"]), pa.array(REGIONS)).cast(pa.string()),
        }
        batch = pa.Table.from_arrays([arrays[f.name].cast(f.type) for f in arrow_schema], schema=arrow_schema)
        t0 = time.perf_counter()
        table.append(batch)
        seconds += time.perf_counter() - t0
        done += n
    return seconds


def data_files(server):
    table = catalog_table(server)
    out = []
    for task in table.scan().plan_files():
        path = task.file.file_path
        out.append(path[len("file://"):] if path.startswith("file://") else path)
    return sorted(out)


# ---- ours --------------------------------------------------------------------------------------

class Client:
    """One keep-alive connection to the server, timing each GET."""

    def __init__(self, server):
        self.server = server
        self.conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)

    def get(self, path, params):
        url = path + "?" + urllib.parse.urlencode(params)
        headers = {"Authorization": "Bearer " + self.server.token}
        t0 = time.perf_counter()
        self.conn.request("GET", url, headers=headers)
        resp = self.conn.getresponse()
        data = resp.read()
        seconds = time.perf_counter() - t0
        if resp.status != 200:
            raise Failure(f"GET {url} answered {resp.status}: {data[:600]!r}")
        return json.loads(data), seconds

    def op(self, kind, column):
        if kind == "numeric":
            return self.get("/api/v1/datalake/numeric_stats",
                            {"schema_name": SCHEMA, "table_name": TABLE, "column_name": column})
        return self.get("/api/v1/datalake/distinct-count", {"schema": SCHEMA, "table": TABLE, "column": column})

    def close(self):
        self.conn.close()


def vm_kib(pid, field):
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def machine_busy(seconds=2.0):
    """The share of every core's time spent busy over `seconds` (/proc/stat), from any process."""
    def sample():
        with open("/proc/stat", encoding="ascii") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return sum(v), v[3] + v[4]  # total, idle + iowait
    t0, i0 = sample()
    time.sleep(seconds)
    t1, i1 = sample()
    return 1 - (i1 - i0) / max(t1 - t0, 1)


# ---- DuckDB (run in a child process: python bench.py --peer SPEC) -----------------------------

def peer_sql(kind, column, files):
    listing = "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"
    c = '"' + column + '"'
    if kind == "numeric":
        return (f"SELECT count({c}), avg({c}), stddev_samp({c}), min({c}), max({c}), median({c}) "
                f"FROM read_parquet({listing})")
    return f"SELECT count(DISTINCT {c}) FROM read_parquet({listing})"


def peer_main(spec_path):
    import duckdb
    with open(spec_path) as f:
        spec = json.load(f)
    files, threads = spec["files"], spec["threads"]

    def connect():
        con = duckdb.connect()
        con.execute(f"SET threads = {int(threads)}")
        return con

    out = {"version": duckdb.__version__, "ops": []}
    warm = connect()
    warm.execute(peer_sql(*WARMUP, files)).fetchall()  # the process's first query, not timed
    if spec["mode"] == "cold":
        warm.close()
        for kind, column in spec["ops"]:
            con = connect()
            c0, t0 = time.process_time(), time.perf_counter()
            row = con.execute(peer_sql(kind, column, files)).fetchall()[0]
            seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
            out["ops"].append({"seconds": [seconds], "cpu": [cpu], "row": list(row)})
            con.close()
    else:
        for kind, column in spec["ops"]:
            sql = peer_sql(kind, column, files)
            row = warm.execute(sql).fetchall()[0]  # first run on this connection, not timed
            seconds = []
            for _ in range(spec["repeats"]):
                t0 = time.perf_counter()
                warm.execute(sql).fetchall()
                seconds.append(time.perf_counter() - t0)
            out["ops"].append({"seconds": seconds, "row": list(row)})
    out["max_rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    json.dump(out, sys.stdout)
    return 0


def run_peer(work, files, threads, mode, repeats=1):
    spec = os.path.join(work, "peer_spec.json")
    with open(spec, "w") as f:
        json.dump({"files": files, "threads": threads, "mode": mode, "repeats": repeats,
                   "ops": [[k, c] for _, k, c in OPERATIONS]}, f)
    r = subprocess.run([sys.executable, os.path.abspath(__file__), "--peer", spec], capture_output=True, text=True)
    if r.returncode != 0:
        raise Failure(f"the DuckDB child failed: {r.stderr[-2000:]}")
    return json.loads(r.stdout)


# ---- checks ------------------------------------------------------------------------------------

def close(a, b, rel=1e-9):
    if a is None or b is None:
        return a is None and b is None
    a, b = float(a), float(b)
    return a == b or abs(a - b) <= rel * max(abs(a), abs(b))


def mismatches(kind, ours, row):
    """Differences between an answer of ours and DuckDB's row, as text."""
    if kind == "numeric":
        expected = dict(zip(["count", "mean", "std_dev", "min", "max", "median"], row))
        out = []
        if ours["count"] != expected["count"]:
            out.append(f"count {ours['count']} != {expected['count']}")
        for key in ("mean", "std_dev", "min", "max", "median"):
            if not close(ours[key], expected[key]):
                out.append(f"{key} {ours[key]!r} != {expected[key]!r}")
        return out
    if ours["distinct_count"] != row[0] or ours.get("exact") is not True:
        return [f"distinct_count {ours['distinct_count']} (exact {ours.get('exact')}) != {row[0]}"]
    return []


# ---- main --------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--peer", help=argparse.SUPPRESS)
    ap.add_argument("--bin")
    ap.add_argument("--work")
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--chunk-rows", type=int, default=2_500_000, help="rows per pyiceberg append (a data file each)")
    ap.add_argument("--cold", type=int, default=5, help="cold rounds (server restarts; DuckDB child processes)")
    ap.add_argument("--cached", type=int, default=50, help="cached calls of ours per operation")
    ap.add_argument("--peer-repeats", type=int, default=10, help="DuckDB's repeated runs per operation (warm)")
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="DuckDB's threads (default: every core)")
    ap.add_argument("--keep", action="store_true", help="keep the data dir (bench/out/lake/run/data)")
    args = ap.parse_args()
    if args.peer:
        return peer_main(args.peer)
    if not args.bin or not args.work:
        ap.error("--bin and --work are required")

    import duckdb
    import numpy as np
    import pyiceberg

    work = os.path.join(args.work, "run")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    rng = np.random.default_rng(20261208)
    seed_rows = min(1000, args.rows)
    print(f"dataml lake statistics vs DuckDB {duckdb.__version__} read_parquet; {args.rows:,} rows; "
          f"{os.cpu_count()} cores ({cpu_model()}); DuckDB threads = {args.threads}; pyiceberg {pyiceberg.__version__}")
    busy0 = machine_busy()
    print(f"the cores were {100 * busy0:.0f}% busy over the 2 s before the run")
    if busy0 > 0.1:
        print("warning: something else is running; DuckDB (2 threads) suffers more from it than we do (1): "
              "the figures will be noisy and lean our way")
    server = Server(args.bin, work)
    report = {"rows": args.rows, "duckdb": duckdb.__version__, "threads": args.threads, "cores": os.cpu_count()}
    try:
        # -- the table --
        csv = os.path.join(work, "seed.csv")
        seed_csv(csv, rng, seed_rows)
        upload(server, csv, "lake_seed", TABLE)
        columns = server.get("/api/v1/datalake/tables/columns", {"schema_name": SCHEMA, "table_name": TABLE})
        types = {c["column_name"]: c["data_type"] for c in columns}
        if types != {"id": "bigint", "amount": "double", "customer": "bigint", "region": "varchar"}:
            raise Failure(f"the uploaded table has other column types than planned: {types}")
        append_seconds = append_rows(server, rng, seed_rows, args.rows, args.chunk_rows)
        info = server.get("/api/v1/datalake/table_metadata", {"schema_name": SCHEMA, "table_name": TABLE})
        files = data_files(server)
        if info["record_count"] != args.rows or info["file_count"] != len(files):
            raise Failure(f"table_metadata says {info['record_count']} rows in {info['file_count']} files; "
                          f"expected {args.rows} in {len(files)}")
        size = sum(os.path.getsize(f) for f in files)
        print(f"table {SCHEMA}.{TABLE}: {info['record_count']:,} rows in {len(files)} data files, "
              f"{size / 1e6:.0f} MB (pyiceberg appends {append_seconds:.1f} s)")
        for f in files:  # the same page cache for both sides: every file read once before any timing
            with open(f, "rb") as fh:
                while fh.read(1 << 24):
                    pass
        report.update(files=len(files), bytes=size)

        # -- cold --
        ours_cold = {label: [] for label, _, _ in OPERATIONS}
        ours_cpu = {label: [] for label, _, _ in OPERATIONS}
        peer_cold = {label: [] for label, _, _ in OPERATIONS}
        peer_cpu = {label: [] for label, _, _ in OPERATIONS}
        answers = {label: [] for label, _, _ in OPERATIONS}
        peer_rows = {}
        first_call, peak_kib, peer_kib = [], 0, 0
        for r in range(args.cold):
            server.stop()
            server = Server(args.bin, work)
            client = Client(server)
            _, seconds = client.op(*WARMUP)
            first_call.append(seconds)
            for label, kind, column in OPERATIONS:
                cpu0 = tree_cpu_seconds(server.pid)
                answer, seconds = client.op(kind, column)
                ours_cpu[label].append(tree_cpu_seconds(server.pid) - cpu0)
                ours_cold[label].append(seconds)
                answers[label].append(answer)
            peak_kib = max(peak_kib, vm_kib(server.pid, "VmHWM") or 0)
            client.close()
            peer = run_peer(work, files, args.threads, "cold")
            peer_kib = max(peer_kib, peer["max_rss_kib"])
            for (label, _, _), op in zip(OPERATIONS, peer["ops"]):
                peer_cold[label] += op["seconds"]
                peer_cpu[label] += op["cpu"]
                peer_rows.setdefault(label, op["row"])
            print(f"  cold round {r + 1}/{args.cold}: " + ", ".join(
                f"{ours_cold[label][-1] * 1e3:.0f}/{peer_cold[label][-1] * 1e3:.0f}" for label, _, _ in OPERATIONS)
                + " ms (ours/DuckDB)")
            sys.stdout.flush()

        # -- cached --
        client = Client(server)
        ours_cached = {}
        for label, kind, column in OPERATIONS:
            times = []
            for _ in range(args.cached):
                answer, seconds = client.op(kind, column)
                times.append(seconds)
                answers[label].append(answer)
            ours_cached[label] = times
        rss_kib = vm_kib(server.pid, "VmRSS")
        peak_kib = max(peak_kib, vm_kib(server.pid, "VmHWM") or 0)
        client.close()
        peer = run_peer(work, files, args.threads, "warm", args.peer_repeats)
        peer_kib = max(peer_kib, peer["max_rss_kib"])
        peer_warm = {label: op["seconds"] for (label, _, _), op in zip(OPERATIONS, peer["ops"])}

        # -- correctness --
        bad = []
        for label, kind, _ in OPERATIONS:
            seen = set()
            for answer in answers[label]:
                key = json.dumps(answer, sort_keys=True)
                if key in seen:
                    continue
                seen.add(key)
                bad += [f"{label}: {m}" for m in mismatches(kind, answer, peer_rows[label])]
        if bad:
            print("\n!!!!! MISMATCH between dataml and DuckDB !!!!!", file=sys.stderr)
            for line in bad:
                print("  " + line, file=sys.stderr)
            report["mismatches"] = bad

        # -- the table --
        med = statistics.median
        print(f"\nmedians; cold: {args.cold} rounds; cached: ours {args.cached} calls, DuckDB {args.peer_repeats} "
              f"runs on one connection; ratio = DuckDB / ours (> 1: we are faster)")
        head = (f"{'operation':34s} {'ours cold':>10s} {'DuckDB cold':>12s} {'ratio':>7s}   "
                f"{'ours cached':>12s} {'DuckDB warm':>12s} {'ratio':>8s}")
        print(head)
        print("-" * len(head))
        rows = []
        for label, _, _ in OPERATIONS:
            oc, pc = med(ours_cold[label]) * 1e3, med(peer_cold[label]) * 1e3
            ow, pw = med(ours_cached[label]) * 1e3, med(peer_warm[label]) * 1e3
            rows.append({"operation": label, "ours_cold_ms": oc, "duckdb_cold_ms": pc, "cold_ratio": pc / oc,
                         "ours_cached_ms": ow, "duckdb_warm_ms": pw, "cached_ratio": pw / ow,
                         "ours_cold_cpu_ms": med(ours_cpu[label]) * 1e3,
                         "duckdb_cold_cpu_ms": med(peer_cpu[label]) * 1e3,
                         "ours_cold_all_ms": [s * 1e3 for s in ours_cold[label]],
                         "duckdb_cold_all_ms": [s * 1e3 for s in peer_cold[label]]})
            print(f"{label:34s} {oc:8.1f}ms {pc:10.1f}ms {pc / oc:6.2f}x   {ow:10.2f}ms {pw:10.1f}ms {pw / ow:7.1f}x")
        print("\nCPU time per cold call, medians (ours: the server process's; DuckDB: its process's, all threads):")
        for r in rows:
            print(f"  {r['operation']:34s} ours {r['ours_cold_cpu_ms']:7.0f} ms   DuckDB {r['duckdb_cold_cpu_ms']:7.0f} ms"
                  f"   ratio {r['duckdb_cold_cpu_ms'] / max(r['ours_cold_cpu_ms'], 1e-9):5.2f}x")
        print(f"ours: first call after a restart (numeric_stats id, unmeasured warm-up), median "
              f"{med(first_call) * 1e3:.0f} ms")
        print(f"peak RSS: dataml server {peak_kib / 1024:.0f} MiB (VmHWM; {rss_kib / 1024:.0f} MiB resident after "
              f"the cached calls); DuckDB child process {peer_kib / 1024:.0f} MiB (ru_maxrss, Python included)")
        met_cold = all(r["cold_ratio"] >= 1 for r in rows)
        met_cached = all(r["cached_ratio"] >= 100 for r in rows)
        print(f"aim: DuckDB's time or better cold: {'met' if met_cold else 'NOT met'}; "
              f"100x better cached: {'met' if met_cached else 'NOT met'}")
        busy1 = machine_busy()
        print(f"the cores were {100 * busy1:.0f}% busy over 2 s after the run (the server idle)")
        report.update(busy_before=busy0, busy_after=busy1)
        report.update(results=rows, server_peak_kib=peak_kib, duckdb_peak_kib=peer_kib,
                      first_call_ms=[s * 1e3 for s in first_call], machine=platform.platform())
    except Failure as e:
        print(f"error: {e}\n{server.logs()}", file=sys.stderr)
        return 1
    finally:
        server.stop()
        with open(os.path.join(args.work, "report.json"), "w") as f:
            json.dump(report, f, indent=1, default=str)
        if args.keep:
            print(f"kept: {os.path.join(work, 'data')}")
        else:
            shutil.rmtree(os.path.join(work, "data"), ignore_errors=True)
    return 2 if report.get("mismatches") else 0


if __name__ == "__main__":
    sys.exit(main())
