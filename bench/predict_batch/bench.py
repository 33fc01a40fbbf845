"""Batch prediction benchmark driver: rows per second from a dataset's validated Parquet to a
results CSV, dataml's batch_prediction job against XGBoost's Python package (1.7.4, the
libxgboost dataml links) doing the same work on the same Parquet files, in the same run. See
README.md.

Usage: bench.py --bin build/dataml --peer-python bench/out/.venv-xgb174/bin/python
                [--cases churn:100000,churn:1000000,numeric:1000000] [--repeat 3]
                [--variants dmatrix+pandas,inplace+pandas,inplace+arrow] [--peer-nthread 0]
                [--with-target] [--poll 0.01] [--quiet S] [--keep]
(run.sh installs the prerequisites and passes these on; see its --help.)

1. A fresh `dataml serve` (bench/train/common.py's Server). For each model the cases need, its
   training dataset of bench/train/datasets.py (churn-like 100,000 rows; numeric 200,000 x 20)
   is uploaded and an XGBoost model trained through the API (100 rounds, depth 6).
2. For each case, a prediction dataset: the same generator with another seed and the case's row
   count, without the target column (unless --with-target), uploaded as CSV. Its validated
   Parquet files come from GET /api/v1/files/list?dataset_id= and
   GET /api/v1/files/get_file_by_id (parquet_file_path); model.json and preprocess.json from the
   server's data dir.
3. Check (not timed): one dataml batch prediction and one peer run per variant; every results
   CSV must equal dataml's: the same header, Id and predicted label on every row, and every
   probability within 1e-6. The largest difference is printed.
4. --repeat rounds of: dataml (POST /api/v1/inference/batch-prediction, then
   GET /api/v1/inference/result every --poll s until completed; the in-worker timings from
   GET /api/v1/jobs/{job_id}) and each peer variant (peer_batch.py, its own process), the
   order rotating from round to round; with --quiet S, each run first waits (up to S s) for
   the rest of the machine to go idle.
5. Report: per case, the fastest and the median of the rounds, rows/s, ratios ours/peer, the
   per-step breakdown. Raw figures go to bench/out/predict_batch_results.json.
"""

import argparse
import filecmp
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "train"))

import common  # noqa: E402
import datasets  # noqa: E402
from common import Failure, Server  # noqa: E402

TOLERANCE = 1e-6
PREDICT_SEED = {"churn": 101, "numeric": 103}  # the training datasets use 11 and 7
STEPS = ["load", "read", "transform", "predict", "write"]


# ---- datasets ------------------------------------------------------------------------------------

def generated(kind, rows=None):
    """(csv, meta) of bench/train/datasets.py: the training set (rows=None) or a prediction set of
    `rows` rows drawn with another seed."""
    if kind == "churn":
        return datasets.churn() if rows is None else datasets.churn(rows, PREDICT_SEED[kind])
    if kind == "numeric":
        return datasets.numeric() if rows is None else datasets.numeric(rows, 20, PREDICT_SEED[kind])
    raise SystemExit(f"unknown dataset kind {kind!r} (churn, numeric)")


def without_target(csv, meta):
    """The CSV minus its target column (the last one in both generators), cached next to it:
    batch prediction files usually have no label. Lines are cut as text, so every other value
    stays exactly as generated."""
    path = csv[:-len(".csv")] + "_notarget.csv"
    meta_path = path + ".meta.json"
    want = dict(meta, source=os.path.basename(csv), without=meta["target"])
    if os.path.exists(path) and os.path.exists(meta_path):
        with open(meta_path, encoding="utf-8") as f:
            if json.load(f) == want:
                return path
    tmp = path + ".tmp"
    with open(csv, encoding="utf-8") as src, open(tmp, "w", encoding="utf-8") as dst:
        header = src.readline().rstrip("\n").split(",")
        if header[-1] != meta["target"]:
            raise Failure(f"{csv}: the last column is {header[-1]!r}, not the target")
        dst.write(",".join(header[:-1]) + "\n")
        for line in src:
            dst.write(line[:line.rindex(",")] + "\n")
    os.replace(tmp, path)
    with open(meta_path, "w", encoding="utf-8") as f:
        json.dump(want, f, indent=1)
    return path


def upload(server, csv, name, expected_types):
    t0 = time.monotonic()
    dataset_id = server.upload_csv(csv, name)
    seconds = time.monotonic() - t0
    info = server.get("/api/v1/dataset/get_dataset_by_id", {"dataset_id": dataset_id})
    schema = {c["column_name"]: c["data_type"] for c in info["dataset_schema"]}
    if schema != expected_types:
        raise Failure(f"{name}: dataml inferred {schema}, expected {expected_types}")
    return dataset_id, seconds, info


def parquet_files(server, dataset_id):
    """The dataset's validated Parquet files, in file order, through the files API."""
    listed = server.get("/api/v1/files/list", {"dataset_id": dataset_id})
    rows = listed["data"] if isinstance(listed, dict) else listed
    paths = []
    for f in sorted(rows, key=lambda r: r["id"]):
        if f.get("kind") == "prediction":  # results of earlier batch predictions
            continue
        got = server.get("/api/v1/files/get_file_by_id", {"file_id": f["id"]})
        if got.get("parquet_file_path"):
            paths.append(got["parquet_file_path"])
    if not paths:
        raise Failure(f"dataset {dataset_id}: no validated Parquet file listed")
    return paths


# ---- dataml --------------------------------------------------------------------------------------

def run_ours(server, train_id, dataset_id, poll):
    """One batch prediction as a user sees it: POST, then poll the result until it has ended.
    Returns the wall time POST -> completed seen, the in-worker timings from the job's result,
    the CPU of server + worker, and the results file's path."""
    busy0, self0 = common.busy_seconds(), time.process_time()
    cpu0 = common.tree_cpu_seconds(server.pid)
    t0 = time.monotonic()
    started = server.call("POST", "/api/v1/inference/batch-prediction",
                          body={"train_id": train_id, "dataset_id": dataset_id}, expect=(202,))
    pid = started["prediction_id"]
    polls = 0
    while True:
        r = server.get("/api/v1/inference/result", {"prediction_id": pid})
        polls += 1
        if r["status"] in ("completed", "failed", "terminated"):
            break
        if time.monotonic() - t0 > 1800:
            raise Failure(f"batch prediction {pid} did not end within 30 min")
        time.sleep(poll)
    wall = time.monotonic() - t0
    common.wait_reaped(server.pid)
    cpu = common.tree_cpu_seconds(server.pid) - cpu0
    span = time.monotonic() - t0
    other = common.busy_seconds() - busy0 - cpu - (time.process_time() - self0)
    if r["status"] != "completed":
        raise Failure(f"batch prediction {pid} {r['status']}: {r.get('error')}")
    job = server.get(f"/api/v1/jobs/{r['job_id']}")
    result = job.get("result") or {}
    f = server.get("/api/v1/files/get_file_by_id", {"file_id": r["file_id"]})
    return {"prediction_id": pid, "job_id": r["job_id"], "wall_seconds": wall, "polls": polls,
            "cpu_seconds": cpu, "other_load": max(0.0, other / span),
            "timings": result.get("timings", {}), "rows": result.get("rows"),
            "bytes": result.get("bytes"), "accuracy": r.get("accuracy"), "rmse": r.get("rmse"),
            "scored_records": r.get("scored_records"), "csv": f["csv_file_path"],
            "file_id": r["file_id"]}


# ---- the peer ------------------------------------------------------------------------------------

def run_peer(py, spec, work):
    """peer_batch.py in its own process. Besides its in-process timings: the process's wall time
    from spawn to exit (interpreter start and imports included) and its CPU time."""
    r0, busy0, self0 = (resource.getrusage(resource.RUSAGE_CHILDREN), common.busy_seconds(),
                        time.process_time())
    t0 = time.monotonic()
    out = common.run_peer(py, os.path.join(HERE, "peer_batch.py"), spec, work)
    wall = time.monotonic() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    child = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    other = common.busy_seconds() - busy0 - child - (time.process_time() - self0)
    return dict(out, process_wall_seconds=wall, process_cpu_seconds=child,
                other_load=max(0.0, other / wall))


def wait_quiet(seconds, threshold=0.2):
    """With seconds > 0: waits until the rest of the machine kept fewer than `threshold` cores
    busy over one second (at most `seconds`). Returns the seconds waited, None when not asked
    or quiet at once."""
    if seconds <= 0:
        return None
    t0 = time.monotonic()
    while True:
        busy0, self0 = common.busy_seconds(), time.process_time()
        time.sleep(1.0)
        other = common.busy_seconds() - busy0 - (time.process_time() - self0)
        waited = time.monotonic() - t0
        if other < threshold or waited >= seconds:
            return waited if waited > 1.5 else None


# ---- checks --------------------------------------------------------------------------------------

def compare_csv(ours, peer):
    """Every row of the two results files: Id and label columns equal, probabilities (or
    regression values) within TOLERANCE. Returns (ok, max difference, text)."""
    import numpy as np
    import pandas as pd
    a = pd.read_csv(ours, dtype=str, keep_default_na=False)
    b = pd.read_csv(peer, dtype=str, keep_default_na=False)
    if list(a.columns) != list(b.columns):
        return False, None, f"headers differ: {list(a.columns)} vs {list(b.columns)}"
    if len(a) != len(b):
        return False, None, f"{len(a):,} rows vs {len(b):,}"
    worst, notes, ok = 0.0, [], True
    for c in a.columns:
        if c.startswith("probability_") or (c == "prediction" and "probability_" not in
                                            ",".join(a.columns)):
            x = a[c].astype(np.float64).to_numpy()
            y = b[c].astype(np.float64).to_numpy()
            d = float(np.max(np.abs(x - y))) if len(x) else 0.0
            worst = max(worst, d)
            if not d <= TOLERANCE:
                ok = False
                notes.append(f"{c}: max |diff| {d:.3g}")
        else:
            bad = int((a[c].to_numpy() != b[c].to_numpy()).sum())
            if bad:
                ok = False
                first = int(np.argmax(a[c].to_numpy() != b[c].to_numpy()))
                notes.append(f"{c}: {bad:,} rows differ (first: row {first}: "
                             f"{a[c].iloc[first]!r} vs {b[c].iloc[first]!r})")
    same_bytes = filecmp.cmp(ours, peer, shallow=False)
    text = (f"{len(a):,} rows, columns {','.join(a.columns)}: "
            + ("equal" if ok else "DIFFERENT: " + "; ".join(notes))
            + f", max |probability diff| {worst:.3g}"
            + ("; byte-identical files" if same_bytes else "; files not byte-identical"))
    return ok, worst, text


# ---- report --------------------------------------------------------------------------------------

def summary(values):
    return {"min": min(values), "median": statistics.median(values), "all": values}


def rate(rows, seconds):
    return rows / seconds if seconds > 0 else float("nan")


def print_case(c):
    rows = c["rows"]
    o, peers = c["dataml"], c["peers"]
    best = c["best_peer"]
    p = peers[best]
    print()
    print(f"== {c['label']}: {rows:,} rows, {c['features']} features; fastest / median of "
          f"{len(o['runs'])} rounds")
    W = 44
    head = (f"   {'':<{W}}{'fastest s':>10}{'median s':>10}{'rows/s (fastest)':>18}"
            f"{'CPU s':>8}{'time ours/peer':>16}{'median':>8}")
    print(head)
    print("   " + "-" * (len(head) - 3))

    def line(label, s, cpu, ratio="", mratio=""):
        print(f"   {label:<{W}}{s['min']:>10.3f}{s['median']:>10.3f}"
              f"{rate(rows, s['min']):>18,.0f}{cpu:>8.2f}{ratio:>16}{mratio:>8}")

    pt, pw = p["total"], p["process_wall"]
    line("dataml end-to-end (POST -> completed)", o["wall"], o["cpu_median"],
         f"{o['wall']['min'] / pw['min']:.2f}x", f"{o['wall']['median'] / pw['median']:.2f}x")
    line("dataml in-worker (Parquet -> CSV)", o["total"], o["cpu_median"],
         f"{o['total']['min'] / pt['min']:.2f}x", f"{o['total']['median'] / pt['median']:.2f}x")
    for label, q in peers.items():
        mark = " *" if label == best else ""
        line(f"peer {label}{mark}", q["total"], q["cpu_median"])
    line(f"peer {best}: whole process", pw, p["process_cpu_median"])
    print(f"   * the fastest peer variant. 'time ours/peer': dataml in-worker / peer in-process "
          f"total, and dataml end-to-end / the peer's whole process (interpreter start and imports "
          f"included); below 1 dataml is faster (= peer rows/s / ours rows/s).")

    # breakdown: the median of each step over the rounds
    print(f"   per step, median of the rounds (s):")
    cols = ["dataml"] + list(peers)
    print(f"   {'step':<12}" + "".join(f"{c_:>22}" for c_ in cols))
    for step in STEPS + ["total"]:
        vals = [o["steps"][step]] + [peers[l]["steps"][step] for l in peers]
        print(f"   {step:<12}" + "".join(f"{v:>22.3f}" for v in vals))
    extra = []
    for l, q in peers.items():
        if "dmatrix" in q["steps"]:
            extra.append(f"{l}: DMatrix {q['steps']['dmatrix']:.3f} s + predict "
                         f"{q['steps']['booster_predict']:.3f} s")
        else:
            extra.append(f"{l}: inplace_predict {q['steps']['booster_predict']:.3f} s")
    print("   predict step of the peers: " + "; ".join(extra))
    print(f"   dataml: worker start + queue + callback + polling (end-to-end - in-worker, median): "
          f"{o['wall']['median'] - o['total']['median']:.3f} s; results file {o['bytes']:,} bytes")
    loads = {"dataml": o["other_load_max"], **{l: q["other_load_max"] for l, q in peers.items()}}
    noisy = [l for l, v in loads.items() if v > 0.15]
    if noisy:
        print(f"   WARNING: other processes kept {', '.join(f'{l} {loads[l]:.2f}' for l in noisy)} "
              f"cores busy during some runs (the worst run of each); figures are noisy")


def markdown(cases):
    lines = ["| case | rows | dataml end-to-end s | dataml in-worker s | peer | peer in-process s | "
             "peer process s | rows/s dataml in-worker | rows/s peer | in-worker ours/peer (min; median) | "
             "end-to-end ours/peer process (min; median) |",
             "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|"]
    for c in cases:
        o, p = c["dataml"], c["peers"][c["best_peer"]]
        lines.append(
            f"| {c['label']} | {c['rows']:,} | {o['wall']['min']:.3f} | {o['total']['min']:.3f} | "
            f"{c['best_peer']} | {p['total']['min']:.3f} | {p['process_wall']['min']:.3f} | "
            f"{rate(c['rows'], o['total']['min']):,.0f} | {rate(c['rows'], p['total']['min']):,.0f} | "
            f"{o['total']['min'] / p['total']['min']:.2f}x; {o['total']['median'] / p['total']['median']:.2f}x | "
            f"{o['wall']['min'] / p['process_wall']['min']:.2f}x; "
            f"{o['wall']['median'] / p['process_wall']['median']:.2f}x |")
    lines += ["", "| case | tool | load | read | transform | predict | write | total |",
              "|---|---|---:|---:|---:|---:|---:|---:|"]
    for c in cases:
        tools = {"dataml": c["dataml"], **c["peers"]}
        for label, t in tools.items():
            lines.append(f"| {c['label']} | {label} | "
                         + " | ".join(f"{t['steps'][s]:.3f}" for s in STEPS + ["total"]) + " |")
    return "\n".join(lines)


def aggregate_ours(runs):
    steps = {s: statistics.median(r["timings"][s + "_seconds"] for r in runs) for s in STEPS + ["total"]}
    return {"runs": runs, "wall": summary([r["wall_seconds"] for r in runs]),
            "total": summary([r["timings"]["total_seconds"] for r in runs]), "steps": steps,
            "cpu_median": statistics.median(r["cpu_seconds"] for r in runs),
            "other_load_max": max(r["other_load"] for r in runs), "bytes": runs[0]["bytes"]}


def aggregate_peer(runs):
    keys = set().union(*(r["timings"] for r in runs))
    steps = {k: statistics.median(r["timings"][k] for r in runs) for k in keys}
    return {"runs": runs, "total": summary([r["timings"]["total"] for r in runs]), "steps": steps,
            "process_wall": summary([r["process_wall_seconds"] for r in runs]),
            "cpu_median": statistics.median(r["cpu_seconds"] for r in runs),
            "process_cpu_median": statistics.median(r["process_cpu_seconds"] for r in runs),
            "other_load_max": max(r["other_load"] for r in runs)}


# ---- main ----------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--peer-python", required=True)
    ap.add_argument("--cases", default="churn:100000,churn:1000000,numeric:1000000",
                    help="kind:rows,... with kind churn or numeric")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--variants", default="dmatrix+pandas,inplace+pandas,inplace+arrow",
                    help="peer variants predict+writer: predict dmatrix|inplace, writer pandas|arrow")
    ap.add_argument("--peer-nthread", type=int, default=0, help="XGBoost nthread (0: all cores)")
    ap.add_argument("--with-target", action="store_true",
                    help="keep the target column in the prediction datasets (both sides score)")
    ap.add_argument("--poll", type=float, default=0.01, help="seconds between result polls")
    ap.add_argument("--quiet", type=float, default=0,
                    help="before each timed run wait up to this many seconds for the rest of the "
                         "machine to be idle (< 0.2 cores busy)")
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    cases = []
    for item in a.cases.split(","):
        kind, _, rows = item.strip().partition(":")
        cases.append((kind, int(rows.replace("_", ""))))
    variants = []
    for v in a.variants.split(","):
        predict, _, writer = v.strip().partition("+")
        if predict not in ("dmatrix", "inplace") or writer not in ("pandas", "arrow"):
            raise SystemExit(f"bad variant {v!r}")
        variants.append((f"{predict}+{writer}", predict, writer))

    work = tempfile.mkdtemp(prefix="dataml-bench-predict-batch.")
    server, results, rc = None, [], 0
    started = time.monotonic()
    try:
        print("== datasets (generated once, cached in bench/out/)", flush=True)
        for kind in sorted({k for k, _ in cases}):
            generated(kind)
        for kind, rows in cases:
            csv, meta = generated(kind, rows)
            if not a.with_target:
                without_target(csv, meta)
        print(f"== starting dataml ({a.bin})", flush=True)
        server = Server(a.bin, os.path.join(work, "server"))
        models = {}
        for kind in sorted({k for k, _ in cases}):
            csv, meta = generated(kind)
            dataset_id, up, _ = upload(server, csv, f"train_{kind}", meta["expected_types"])
            summary_, wall, _, _ = server.train(dataset_id, f"batch_{kind}", "XGBoost",
                                                meta["columns"], dict(common.HYPERPARAMETERS))
            train_id, pre_id = summary_["train_id"], summary_["preprocess_id"]
            pre_path = os.path.join(server.data_dir, "tenants", server.tenant_id, "preprocesses",
                                    str(pre_id), "preprocess.json")
            pre = server.preprocess_json(pre_id)
            models[kind] = {"train_id": train_id, "model": server.model_path(train_id),
                            "preprocess": pre_path, "features": len(pre["feature_names"]),
                            "meta": meta,
                            "id_column": next((c["column_name"] for c in meta["columns"]
                                               if c["attribute_name"] == "Id"), None)}
            print(f"   {kind}: trained on {meta['rows']:,} rows (upload {up:.1f} s, training "
                  f"{wall:.1f} s): train_id {train_id}, {summary_['num_boost_round']} rounds, "
                  f"depth {summary_['xgboost_parameters'].get('max_depth')}, "
                  f"{len(pre['feature_names'])} features, objective "
                  f"{summary_['xgboost_parameters'].get('objective')}", flush=True)

        for kind, rows in cases:
            m = models[kind]
            csv, meta = generated(kind, rows)
            types = dict(meta["expected_types"])
            if not a.with_target:
                csv = without_target(csv, meta)
                types.pop(meta["target"])
            label = f"{kind} {rows // 1000:,}k" if rows < 1_000_000 else f"{kind} {rows / 1e6:g}M"
            dataset_id, up, info = upload(server, csv, f"predict_{kind}_{rows}", types)
            files = parquet_files(server, dataset_id)
            pq_bytes = sum(os.path.getsize(p) for p in files)
            print(f"\n== {label}: uploaded {os.path.getsize(csv) / 1e6:.0f} MB of CSV in {up:.1f} s "
                  f"(dataset {dataset_id}, {info['valid_records']:,} valid rows); "
                  f"{len(files)} Parquet file(s), {pq_bytes / 1e6:.1f} MB", flush=True)
            spec = {"parquet_files": files, "model": m["model"], "preprocess": m["preprocess"],
                    "id_column": m["id_column"], "score": a.with_target,
                    "nthread": a.peer_nthread}

            # -- check: every results file equals dataml's (untimed; also a warm-up)
            ours0 = run_ours(server, m["train_id"], dataset_id, a.poll)
            print(f"   check run: dataml {ours0['timings'].get('total_seconds', 0):.3f} s in the "
                  f"worker, {ours0['rows']:,} rows -> {ours0['csv']}", flush=True)
            ok_all, worst_all = True, 0.0
            for name, predict, writer in variants:
                out_path = os.path.join(work, f"peer_{name}.csv")
                peer0 = run_peer(a.peer_python, dict(spec, output=out_path, predict=predict,
                                                     writer=writer), work)
                ok, worst, text = compare_csv(ours0["csv"], out_path)
                ok_all &= ok
                worst_all = max(worst_all, worst or 0.0)
                acc = ""
                if a.with_target:
                    acc = (f"; accuracy dataml {ours0['accuracy']} peer {peer0['accuracy_or_rmse']} "
                           f"on {ours0['scored_records']} / {peer0['scored_rows']} rows")
                print(f"   check {name}: {text}{acc}", flush=True)
            if not ok_all:
                rc = 1
                print("   WARNING: the results differ; the timings below compare different work")

            # -- timed rounds: dataml and each peer variant in turn; the order rotates from one
            # round to the next, so that no tool always runs right after the same other one
            ours_runs, peer_runs = [], {n: [] for n, _, _ in variants}
            tools = [("dataml", None, None)] + variants
            for i in range(a.repeat):
                text = f"   {i + 1}/{a.repeat}:"
                for name, predict, writer in tools[i % len(tools):] + tools[:i % len(tools)]:
                    waited = wait_quiet(a.quiet)
                    if waited is not None:
                        text += f" [waited {waited:.0f} s for a quiet machine]"
                    if name == "dataml":
                        r = run_ours(server, m["train_id"], dataset_id, a.poll)
                        ours_runs.append(r)
                        text += (f" dataml {r['wall_seconds']:.3f} s end-to-end, "
                                 f"{r['timings']['total_seconds']:.3f} s in the worker;")
                        # nothing reads it again: deleted (through the API) to keep the disk small
                        server.call("DELETE", f"/api/v1/files/delete/{r['file_id']}",
                                    expect=(200, 204))
                        continue
                    q = run_peer(a.peer_python, dict(spec, output=os.path.join(work, f"peer_{name}.csv"),
                                                     predict=predict, writer=writer), work)
                    peer_runs[name].append(q)
                    text += f" {name} {q['timings']['total']:.3f} s;"
                print(text.rstrip(";"), flush=True)
            ours = aggregate_ours(ours_runs)
            peers = {n: aggregate_peer(runs) for n, runs in peer_runs.items()}
            best = min(peers, key=lambda n: peers[n]["total"]["min"])
            case = {"label": label, "kind": kind, "rows": rows, "features": m["features"],
                    "dataset_id": dataset_id, "upload_seconds": up, "parquet_files": len(files),
                    "parquet_bytes": pq_bytes, "check_equal": ok_all, "max_probability_diff": worst_all,
                    "dataml": ours, "peers": peers, "best_peer": best}
            results.append(case)
            print_case(case)
    finally:
        if server:
            server.stop()
        if a.keep:
            print(f"work dir kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    versions = results[0]["peers"][results[0]["best_peer"]]["runs"][0]["versions"] if results else {}
    notes = [
        f"machine: {os.cpu_count()} cores ({common.cpu_model()}), {platform.platform()}; "
        f"run at {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {time.monotonic() - started:.0f} s",
        f"dataml: {a.bin}, evaluator threads = cores; peer: xgboost {versions.get('xgboost')}, "
        f"numpy {versions.get('numpy')}, pandas {versions.get('pandas')}, pyarrow "
        f"{versions.get('pyarrow')}, python {versions.get('python')}, nthread "
        f"{a.peer_nthread or 'all cores'}; OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', '')}",
        "time ours/peer < 1: dataml faster (it is also peer rows/s / ours rows/s). in-worker = "
        "load + read + transform + predict + write inside the dataml worker; peer in-process = the "
        "same steps inside the peer (imports not counted); end-to-end = POST -> completed seen "
        f"(worker start, queue, callback, {a.poll * 1000:.0f} ms polls); peer process = spawn -> exit.",
    ]
    print()
    for n in notes:
        print("  " + n)
    print()
    print(markdown(results))
    out = os.path.join(common.OUT, "predict_batch_results.json")
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"notes": notes, "cases": results}, f, indent=1)
    print(f"\nraw results: {out}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
