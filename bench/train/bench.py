"""Training benchmark driver: end-to-end training from validated Parquet, dataml's `train` job
against XGBoost's Python package (1.7.4 = the libxgboost dataml links, and the latest release)
doing the same work from the same Parquet files. See README.md.

Usage: bench.py --bin build/dataml [--datasets numeric,churn] [--algorithms XGBoost,RandomForest,Linear]
                [--repeat N] [--peers "xgboost 1.7.4,xgboost latest"] [--keep]

One server for the whole run. Datasets are uploaded as CSV (inferred schema). Then, for each
dataset and algorithm, one after the other (never two at once):
  dataml   POST /api/v1/train with explicit hyperparameters, poll /train/list every 50 ms until
           Completed, GET /train/model-summary: timings (measured inside the worker), the exact
           xgboost_parameters, rows and holdout metrics. Also the client's wall time from the
           POST to the poll that saw Completed, and the CPU time of server + worker.
  peers    peer_train.py in each peer venv, given the same Parquet files and dataml's
           xgboost_parameters: a timed run on its own seeded stratified split (sklearn), then a
           run on dataml's own split (reproduced bit for bit), so the holdout metrics can be
           compared on the very same rows too.
With --repeat N (default 5) the tools take turns N times (dataml, peer 1, peer 2, ..., again), and
the fastest total of each is reported (all are in the JSON).
"""

import argparse
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

import common
import datasets
from common import Failure, Server

HERE = os.path.dirname(os.path.abspath(__file__))
ALGORITHMS = ["XGBoost", "RandomForest", "Linear"]
EXTRA_HP = {"RandomForest": {"num_parallel_tree": 100}}


def load_datasets(names):
    out = {}
    for name in names:
        if name == "numeric":
            csv, meta = datasets.numeric()
            label = f"numeric {meta['rows']:,} rows x 20 floats, binary target"
        elif name == "churn":
            csv, meta = datasets.churn()
            label = (f"churn-like {meta['rows']:,} rows: ints, floats (3% missing), "
                     f"3-value string, boolean, binary target")
        else:
            raise SystemExit(f"unknown dataset {name}")
        out[name] = {"csv": csv, "meta": meta, "label": label}
    return out


def upload(server, name, d):
    t0 = time.monotonic()
    dataset_id = server.upload_csv(d["csv"], f"bench_{name}")
    upload_seconds = time.monotonic() - t0
    info = server.dataset(dataset_id)
    schema = {c["column_name"]: c["data_type"] for c in info["dataset_schema"]}
    if schema != d["meta"]["expected_types"]:
        raise Failure(f"{name}: dataml inferred {schema}, expected {d['meta']['expected_types']}")
    return {"dataset_id": dataset_id, "upload_seconds": upload_seconds, "info": info}


def run_ours(server, ds, name, algorithm, i):
    hp = dict(common.HYPERPARAMETERS, **EXTRA_HP.get(algorithm, {}))
    busy0, self0 = common.busy_seconds(), time.process_time()
    summary, wall, cpu, span = server.train(ds["dataset_id"], f"bench_{name}_{algorithm}_{i}",
                                            algorithm, ds["columns"], hp)
    other = common.busy_seconds() - busy0 - cpu - (time.process_time() - self0)
    return {"summary": summary, "wall_seconds": wall, "cpu_seconds": cpu,
            "other_load": max(0.0, other / span), "timings": summary["timings"],
            "metrics": summary["model_summary"], "rows": summary["rows"],
            "xgboost_parameters": summary["xgboost_parameters"],
            "num_boost_round": summary["num_boost_round"],
            "xgboost_version": summary.get("xgboost_version")}


def run_peer(py, ds, ours, algorithm, work, feature_names, same_rows):
    runs = [{"split": "own", "seed": common.HYPERPARAMETERS["seed"], "timed": True}]
    if same_rows:  # after the timed run, in the same process
        runs.append({"split": "dataml", "seed": common.HYPERPARAMETERS["seed"]})
    spec = {"parquet_files": ds["info"]["parquet_files"],
            "schema": ds["info"]["dataset_schema"],
            "features": [c for c in ds["schema_order"] if c not in ds["not_features"]],
            "target": ds["target"], "algorithm": algorithm,
            "params": ours["xgboost_parameters"], "rounds": ours["num_boost_round"],
            "test_size": 0.2, "seed": common.HYPERPARAMETERS["seed"],
            "feature_names": feature_names,
            "model_out": os.path.join(work, "peer_model.json"),
            "runs": runs}
    r0, busy0, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), common.busy_seconds(), time.monotonic()
    out = common.run_peer(py, os.path.join(HERE, "peer_train.py"), spec, work)
    r1, busy1, span = resource.getrusage(resource.RUSAGE_CHILDREN), common.busy_seconds(), time.monotonic() - t0
    child = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    own = next(r for r in out["runs"] if r["timed"])
    same = next((r for r in out["runs"] if r["split"] == "dataml"), None)
    return {"version": out["xgboost"], "own": own, "same_rows": same,
            "timings": own["timings"], "cpu_seconds": own["cpu_seconds"],
            "other_load": max(0.0, (busy1 - busy0 - child) / span)}


def fastest(runs):
    best = min(runs, key=lambda r: r["timings"]["total_seconds"])
    totals = [r["timings"]["total_seconds"] for r in runs]
    return dict(best, all_totals=totals, median_total=statistics.median(totals))


def fmt(v, nd=4):
    return "n/a" if v is None else f"{v:.{nd}f}"


def print_case(title, ours, peers):
    t = ours["timings"]
    print()
    print(f"== {title}")
    print(f"   xgboost_parameters: {json.dumps(ours['xgboost_parameters'], sort_keys=True)}, "
          f"rounds {ours['num_boost_round']}")
    W = 38
    head = (f"   {'':<{W}}{'total s':>8}{'read':>7}{'prep':>7}{'train':>7}{'eval':>7}{'CPU s':>7}"
            f"{'ours/peer':>10}{'median':>8}{'train o/p':>10}{'CPU o/p':>9}  {'accuracy':>9}{'log loss':>9}{'AUC':>8}  holdout rows")
    print(head)
    print("   " + "-" * (len(head) - 3))

    def row(label, tm, cpu, ratio, mratio, tratio, cratio, m, rows_note):
        print(f"   {label:<{W}}{tm['total_seconds']:>8.2f}{tm['read_seconds']:>7.2f}"
              f"{tm['preprocess_seconds']:>7.2f}{tm['train_seconds']:>7.2f}{tm['evaluate_seconds']:>7.2f}"
              f"{cpu:>7.2f}{ratio:>10}{mratio:>8}{tratio:>10}{cratio:>9}  {fmt(m['accuracy']):>9}{fmt(m['log_loss']):>9}"
              f"{fmt(m['roc_auc']):>8}  {rows_note}")

    row("dataml (worker)", t, ours["cpu_seconds"], "", "", "", "", ours["metrics"],
        f"dataml split, {ours['rows']['test']:,}")
    for label, p in peers.items():
        if isinstance(p, str):
            print(f"   {label:<{W}}FAILED: {p}")
            continue
        pt = p["timings"]
        ratio = t["total_seconds"] / pt["total_seconds"]
        tratio = t["train_seconds"] / pt["train_seconds"]
        cratio = ours["cpu_seconds"] / p["cpu_seconds"]
        mratio = ours["median_total"] / p["median_total"]
        row(f"{label} ({p['version']})", pt, p["cpu_seconds"], f"{ratio:.2f}x", f"{mratio:.2f}x",
            f"{tratio:.2f}x", f"{cratio:.2f}x", p["own"]["metrics"], f"own split (sklearn), {p['own']['rows']['test']:,}")
    for label, p in peers.items():
        if isinstance(p, str):
            continue
        s = p["same_rows"]["metrics"]
        m = ours["metrics"]
        d = {k: (s[k] - m[k]) if s[k] is not None and m[k] is not None else None
             for k in ("accuracy", "log_loss", "roc_auc")}
        print(f"   {label + ' same rows':<{W}}{'':>67}  {fmt(s['accuracy']):>9}{fmt(s['log_loss']):>9}"
              f"{fmt(s['roc_auc']):>8}  dataml split, {p['same_rows']['rows']['test']:,}; "
              f"peer-dataml: acc {d['accuracy']:+.4f}, logloss {d['log_loss']:+.5f}, "
              f"AUC {d['roc_auc']:+.5f}; features {p['same_rows']['features']}")
    print(f"   dataml client wall (POST -> Completed seen, 50 ms polls): {ours['wall_seconds']:.2f} s; "
          f"xgb.train alone in the peers: "
          + ", ".join(f"{l} {p['timings']['xgb_train_seconds']:.2f} s" for l, p in peers.items()
                      if not isinstance(p, str)))
    loads = {"dataml": ours["other_load"], **{l: p["other_load"] for l, p in peers.items()
                                              if not isinstance(p, str)}}
    noisy = [l for l, v in loads.items() if v > 0.15]
    if noisy:
        print(f"   WARNING: other processes kept {', '.join(f'{l} {loads[l]:.2f}' for l in noisy)} "
              f"cores busy during these runs; rerun on a quiet machine")


def markdown(results):
    lines = ["| dataset | algorithm | dataml total s | dataml train s | dataml wall s | peer (xgboost) | peer total s | "
             "peer train s | total ours/peer | median ours/peer | train ours/peer | CPU ours/peer | accuracy dataml / peer own / peer same rows | "
             "log loss dataml / peer own / peer same rows | AUC dataml / peer own / peer same rows |",
             "|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---|---|---|"]
    for r in results:
        o = r["dataml"]
        for label, p in r["peers"].items():
            if isinstance(p, str):
                continue
            m, po, ps = o["metrics"], p["own"]["metrics"], p["same_rows"]["metrics"]
            lines.append(
                f"| {r['dataset']} | {r['algorithm']} | {o['timings']['total_seconds']:.2f} | "
                f"{o['timings']['train_seconds']:.2f} | {o['wall_seconds']:.2f} | {label} | "
                f"{p['timings']['total_seconds']:.2f} | {p['timings']['train_seconds']:.2f} | "
                f"{o['timings']['total_seconds'] / p['timings']['total_seconds']:.2f}x | "
                f"{o['median_total'] / p['median_total']:.2f}x | "
                f"{o['timings']['train_seconds'] / p['timings']['train_seconds']:.2f}x | "
                f"{o['cpu_seconds'] / p['cpu_seconds']:.2f}x | "
                + " | ".join(f"{fmt(m[k])} / {fmt(po[k])} / {fmt(ps[k])}"
                             for k in ("accuracy", "log_loss", "roc_auc")) + " |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--datasets", default="numeric,churn")
    ap.add_argument("--algorithms", default=",".join(ALGORITHMS))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--peers", default="")
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    peers = common.available_peers([p.strip() for p in a.peers.split(",") if p.strip()] or None)
    if not peers:
        raise SystemExit("no peer venv found; run bench/train/peer_venvs.sh")
    versions = {label: common.peer_version(py) for label, py in peers}
    algorithms = [x.strip() for x in a.algorithms.split(",") if x.strip()]
    work = tempfile.mkdtemp(prefix="dataml-bench-train.")
    server = None
    results, failed = [], False
    started = time.monotonic()
    try:
        print("== datasets (cached in bench/out/)")
        data = load_datasets([x.strip() for x in a.datasets.split(",") if x.strip()])
        for d in data.values():
            with open(d["csv"], "rb") as f:  # page-cache it
                while f.read(1 << 24):
                    pass
        print(f"== starting dataml ({a.bin})")
        server = Server(a.bin, os.path.join(work, "server"))
        for name, d in data.items():
            up = upload(server, name, d)
            cols = d["meta"]["columns"]
            d.update(up, columns=cols, target=d["meta"]["target"],
                     schema_order=[c["column_name"] for c in up["info"]["dataset_schema"]],
                     not_features={c["column_name"] for c in cols})
            print(f"   uploaded {name}: dataset {up['dataset_id']}, {up['info']['total_records']:,} rows "
                  f"in {up['upload_seconds']:.1f} s")

        for name, d in data.items():
            for algorithm in algorithms:
                print(f"== {name} / {algorithm}, {a.repeat} rounds of: dataml, "
                      + ", ".join(l for l, _ in peers), flush=True)
                # Interleaved (dataml, peer, peer, ..., then again), so that a slow change in the
                # machine's background load hits every tool alike; the fastest run of each counts.
                ours_runs, peer_runs, peer_results = [], {l: [] for l, _ in peers}, {}
                feature_names = None
                for i in range(a.repeat):
                    ours_runs.append(run_ours(server, d, name, algorithm, i))
                    line = f"   {i + 1}/{a.repeat}: dataml {ours_runs[-1]['timings']['total_seconds']:.2f} s"
                    if feature_names is None:
                        s = ours_runs[0]["summary"]
                        feature_names = server.preprocess_json(s["preprocess_id"])["feature_names"]
                    for label, py in peers:
                        if label in peer_results:  # failed before
                            continue
                        try:
                            peer_runs[label].append(run_peer(py, d, ours_runs[0], algorithm, work,
                                                             feature_names, same_rows=(i == 0)))
                            line += f", {label} {peer_runs[label][-1]['timings']['total_seconds']:.2f} s"
                        except Failure as e:
                            peer_results[label] = str(e)
                            failed = True
                            line += f", {label} FAILED"
                    print(line, flush=True)
                ours = fastest(ours_runs)
                for label, runs in peer_runs.items():
                    if label not in peer_results:
                        peer_results[label] = dict(fastest(runs), same_rows=runs[0]["same_rows"])
                for r in ours_runs:
                    r.pop("summary", None)
                ours.pop("summary", None)
                results.append({"dataset": name, "dataset_label": d["label"], "algorithm": algorithm,
                                "dataml": ours, "dataml_runs": ours_runs, "peers": peer_results,
                                "feature_count": s["feature_count"], "feature_names": feature_names})
                print_case(f"{d['label']} -- {algorithm}", ours, peer_results)
    finally:
        if server:
            server.stop()
        if a.keep:
            print(f"work dir kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    notes = [
        f"machine: {os.cpu_count()} cores ({common.cpu_model()}), {platform.platform()}; "
        f"run at {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {time.monotonic() - started:.0f} s",
        "dataml: build/dataml, libxgboost " + (results[0]["dataml"].get("xgboost_version", "1.7.4")
                                               if results else "?") + " (Debian), worker with OMP_WAIT_POLICY=PASSIVE",
        "peers: " + "; ".join(f"{l}: xgboost {v['xgboost']}, python {v['python']}, numpy {v['numpy']}, "
                              f"pandas {v['pandas']}, sklearn {v['sklearn']}" for l, v in versions.items())
        + "; OMP_WAIT_POLICY=PASSIVE",
        "ours/peer > 1: dataml slower. total = read + preprocess + train + evaluate, both measured "
        "inside the process doing the work (start-up and imports not counted). Fastest of the "
        "rounds for each tool; 'median' = ratio of the medians.",
    ]
    print()
    for n in notes:
        print("  " + n)
    print()
    print(markdown(results))
    out = os.path.join(common.OUT, "train_results.json")
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"notes": notes, "peers": versions, "results": results}, f, indent=1)
    print(f"\nraw results: {out}")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
