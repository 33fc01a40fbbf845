"""SHAP benchmark driver: dataml's feature-importance job (our TreeSHAP) against XGBoost's own
TreeSHAP (predict(pred_contribs=True)) in XGBoost 1.7.4 and the latest release, on the same model
file and the same sampled rows. See README.md.

Usage: bench.py --bin build/dataml [--rows N] [--sample-rows N] [--repeat N] [--peers LABELS] [--keep]

  1. Generate (cached) and upload the numeric dataset: --rows rows (default 50,000) x 20 floats +
     a binary target. Train XGBoost through the API: 100 rounds, depth 6, learning rate 0.3,
     seed 42.
  2. dataml, --repeat times: GET /train/generate-feature-importance?sample_rows=N, poll
     /train/view-feature-importance every 50 ms until completed; its timings.shap_seconds is our
     TreeSHAP over the sampled rows (the job's matrix already built), total_seconds the whole job
     (model parse, Parquet read, sample, preprocess, SHAP, aggregation). The job's full result
     (per-feature mean |SHAP|) comes from GET /jobs/{shap_job_id}.
  3. Each peer (its own venv, own process): the model's model.json loaded by xgb.Booster, the same
     rows (dataml's seeded sample, reproduced), predict(pred_contribs=True) --repeat times with
     XGBoost's default thread count and again with nthread=1.
The fastest of the repeats is reported on each side; all are in bench/out/shap_results.json.
"""

import argparse
import json
import os
import platform
import shutil
import signal
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "train"))

import common  # noqa: E402
import datasets  # noqa: E402
from common import Failure, Server  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument("--sample-rows", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--peers", default="")
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    peers = common.available_peers([p.strip() for p in a.peers.split(",") if p.strip()] or None)
    if not peers:
        raise SystemExit("no peer venv found; run bench/train/peer_venvs.sh")
    versions = {label: common.peer_version(py) for label, py in peers}
    work = tempfile.mkdtemp(prefix="dataml-bench-shap.")
    started = time.monotonic()
    server = None
    failed = False
    try:
        csv, meta = datasets.numeric(rows=a.rows, features=20, seed=13)
        print(f"== dataset {os.path.basename(csv)} ({meta['rows']:,} rows x 20 floats)")
        server = Server(a.bin, os.path.join(work, "server"))
        dataset_id = server.upload_csv(csv, "shap_bench")
        info = server.dataset(dataset_id)
        summary, wall, _, _ = server.train(dataset_id, "shap_bench", "XGBoost", meta["columns"],
                                           dict(common.HYPERPARAMETERS))
        train_id = summary["train_id"]
        features = server.preprocess_json(summary["preprocess_id"])["feature_names"]
        if features != [f"f{i:02d}" for i in range(20)]:
            raise Failure(f"unexpected features {features}")
        print(f"   trained XGBoost (train {train_id}): {summary['boosted_rounds_total']} rounds, "
              f"train_seconds {summary['timings']['train_seconds']:.2f}, "
              f"accuracy {summary['model_summary']['accuracy']:.4f}")

        ours = []
        for i in range(a.repeat):
            busy0, cpu0 = common.busy_seconds(), common.tree_cpu_seconds(server.pid)
            view, result, wall = server.shap(train_id, a.sample_rows)
            common.wait_reaped(server.pid)
            cpu = common.tree_cpu_seconds(server.pid) - cpu0
            other = common.busy_seconds() - busy0 - cpu
            ours.append({"view": view, "result": result, "wall_seconds": wall, "cpu_seconds": cpu,
                         "other_load": max(0.0, other / wall)})
            print(f"   dataml run {i + 1}/{a.repeat}: shap_seconds {view['timings']['shap_seconds']:.3f}, "
                  f"job total {view['timings']['total_seconds']:.3f}, client wall {wall:.2f}")
        result = ours[0]["result"]
        if result.get("sample_rows") != a.sample_rows:
            raise Failure(f"the job sampled {result.get('sample_rows')} rows, not {a.sample_rows}")

        spec = {"model_path": server.model_path(train_id), "parquet_files": info["parquet_files"],
                "features": features, "dataset_rows": result["dataset_rows"],
                "sample_rows": result["sample_rows"], "seed": result["seed"], "repeat": a.repeat,
                "threads": [None, 1]}
        peer_out = {}
        for label, py in peers:
            try:
                peer_out[label] = common.run_peer(py, os.path.join(HERE, "peer_shap.py"), spec, work)
            except Failure as e:
                peer_out[label] = str(e)
                failed = True
    finally:
        if server:
            server.stop()
        if a.keep:
            print(f"work dir kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    # ---- report ----
    best = min(ours, key=lambda r: r["view"]["timings"]["shap_seconds"])
    o_shap = best["view"]["timings"]["shap_seconds"]
    o_total = best["view"]["timings"]["total_seconds"]
    print()
    print(f"== SHAP over {a.sample_rows:,} rows of {result['dataset_rows']:,}, XGBoost model with "
          f"100 trees of depth <= 6, 20 features (fastest of {a.repeat})")
    head = f"   {'':<34}{'SHAP s':>9}{'+DMatrix':>10}{'ours/peer':>11}   all runs (SHAP s)"
    print(head)
    print("   " + "-" * (len(head) - 3 + 20))
    print(f"   {'dataml TreeSHAP (2 threads)':<34}{o_shap:>9.3f}{'':>10}{'':>11}   "
          + ", ".join(f"{r['view']['timings']['shap_seconds']:.3f}" for r in ours))
    print(f"   {'  dataml job total / client wall':<34}{o_total:>9.3f}{'':>10}{'':>11}   "
          + "wall " + ", ".join(f"{r['wall_seconds']:.2f}" for r in ours))
    md = []
    for label, p in peer_out.items():
        if isinstance(p, str):
            print(f"   {label:<34}FAILED: {p}")
            continue
        for run in p["runs"]:
            t = "default threads" if run["threads"] is None else f"nthread={run['threads']}"
            pmin = min(run["predict_seconds"])
            dmin = min(run["dmatrix_seconds"])
            print(f"   {'xgboost ' + p['xgboost'] + ', ' + t:<34}{pmin:>9.3f}{pmin + dmin:>10.3f}"
                  f"{o_shap / pmin:>10.2f}x   " + ", ".join(f"{v:.3f}" for v in run["predict_seconds"]))
            md.append(f"| {p['xgboost']} | {t} | {o_shap:.3f} | {pmin:.3f} | {pmin + dmin:.3f} | "
                      f"{o_shap / pmin:.2f}x |")
    # Do both sides agree? dataml's per-feature mean |SHAP| from the job against the peer's.
    ours_fi = result.get("feature_importance_by_feature", {})
    view_fi = best["view"]["feature_importance"]
    for label, p in peer_out.items():
        if isinstance(p, str):
            continue
        diffs = [abs(ours_fi[k] - v) / max(abs(v), 1e-12) for k, v in p["mean_abs_shap"].items()]
        print(f"   mean |SHAP| per feature, dataml job result vs {label}: max relative difference "
              f"{max(diffs):.2e}")
    mismatch = {k: (view_fi.get(k), result["feature_importance"][k])
                for k in result["feature_importance"]
                if view_fi.get(k) is None or abs(view_fi[k] - result["feature_importance"][k]) > 1e-9}
    if mismatch:
        print("   WARNING: view-feature-importance does not show the job's result: "
              + ", ".join(f"{k} shows {v[0]} (job: {v[1]:.4f})" for k, v in list(mismatch.items())[:5]))
    loads = [r["other_load"] for r in ours]
    if max(loads) > 0.15:
        print(f"   WARNING: other processes kept up to {max(loads):.2f} cores busy during dataml's runs")
    notes = [f"machine: {os.cpu_count()} cores ({common.cpu_model()}), {platform.platform()}; "
             f"run at {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {time.monotonic() - started:.0f} s",
             "peers: " + "; ".join(f"{l}: xgboost {v['xgboost']}, python {v['python']}, numpy {v['numpy']}"
                                   for l, v in versions.items()) + "; OMP_WAIT_POLICY=PASSIVE everywhere",
             "ours/peer > 1: dataml slower; SHAP s = the TreeSHAP call alone on both sides"]
    print()
    for n in notes:
        print("  " + n)
    print()
    print("| peer xgboost | peer threads | dataml SHAP s | peer predict(pred_contribs) s | "
          "peer DMatrix + predict s | ours/peer |")
    print("|---|---|---:|---:|---:|---:|")
    print("\n".join(md))
    out = os.path.join(common.OUT, "shap_results.json")
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"notes": notes, "peers": versions, "dataml": ours, "peer": peer_out,
                   "view_mismatch": {k: list(v) for k, v in mismatch.items()}}, f, indent=1)
    print(f"\nraw results: {out}")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
