"""Model quality: dataml's holdout metrics next to XGBoost's Python package trained with the same
parameters, on scikit-learn's bundled breast-cancer and wine data and on the churn-like dataset
of the training benchmark. See README.md.

Usage: quality.py --bin build/dataml [--datasets breast_cancer,wine,churn] [--seeds N]
                  [--peers LABELS] [--keep]

For each dataset, dataml trains twice through the API: algorithm "XGBoost" with the benchmark's
hyperparameters (100 rounds, depth 6, learning rate 0.3, seed 42), and "auto" with the same
hyperparameters (dataml picks XGBoost, RandomForest or Linear on an inner validation split and
retrains it). Each peer then trains the algorithm dataml ended up with, with dataml's
xgboost_parameters, from the same Parquet files, on
  - dataml's own stratified split (holdout_split.cc, reproduced bit for bit): the same training
    and holdout rows as dataml, so any difference is the model's, not the split's;
  - its own seeded stratified split (sklearn train_test_split, seed 42), and N more seeds
    (43, 44, ...): how much the metrics move from one 80/20 split to another, i.e. the noise
    against which "dataml vs the peer on its own split" is judged.
"""

import argparse
import json
import os
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
METRICS = ("accuracy", "log_loss", "roc_auc")


def load(name):
    if name == "churn":
        csv, meta = datasets.churn()
        return csv, meta, f"churn-like ({meta['rows']:,} rows)"
    csv, meta = datasets.sklearn_dataset(name)
    return csv, meta, f"sklearn {name} ({meta['rows']:,} rows)"


def peer_runs(py, info, meta, summary, feature_names, seeds, work):
    seed = common.HYPERPARAMETERS["seed"]
    schema_order = [c["column_name"] for c in info["dataset_schema"]]
    not_features = {c["column_name"] for c in meta["columns"]}
    spec = {"parquet_files": info["parquet_files"], "schema": info["dataset_schema"],
            "features": [c for c in schema_order if c not in not_features],
            "target": meta["target"], "algorithm": summary["model_summary"]["algorithm"],
            "params": summary["xgboost_parameters"], "rounds": summary["num_boost_round"],
            "test_size": summary["hyperparameters"]["test_size"], "seed": seed,
            "feature_names": feature_names,
            "runs": [{"split": "dataml", "seed": seed + i} for i in range(seeds)]
                    + [{"split": "own", "seed": seed + i} for i in range(seeds)]}
    out = common.run_peer(py, os.path.join(HERE, "peer_train.py"), spec, work)
    ours_split = out["runs"][:seeds]
    own = out["runs"][seeds:]

    def spread_of(runs):
        spread = {}
        for k in METRICS:
            vals = [r["metrics"][k] for r in runs if r["metrics"][k] is not None]
            spread[k] = {"mean": statistics.fmean(vals) if vals else None,
                         "std": statistics.stdev(vals) if len(vals) > 1 else None,
                         "values": vals}
        return spread
    return {"version": out["xgboost"], "same_rows": ours_split[0], "own": own[0],
            "own_seeds": own, "dataml_split_seeds": ours_split,
            "spread": spread_of(own), "spread_dataml_split": spread_of(ours_split)}


def f(v, nd=4):
    return "n/a" if v is None else f"{v:.{nd}f}"


def d(a, b, nd=4):
    return "n/a" if a is None or b is None else f"{a - b:+.{nd}f}"


def print_block(label, mode, summary, peers, seeds):
    m = summary["model_summary"]
    alg = summary["model_summary"]["algorithm"]
    cands = ", ".join(f"{c['algorithm']} {f(c['validation_score'])}" for c in summary["candidates"])
    print()
    print(f"== {label} -- requested {mode}, trained {alg}"
          + (f" (validation log loss: {cands})" if cands else ""))
    print(f"   {'':<34}{'accuracy':>10}{'log loss':>10}{'AUC':>10}   rows evaluated")
    print(f"   {'dataml':<34}{f(m['accuracy']):>10}{f(m['log_loss']):>10}{f(m['roc_auc']):>10}   "
          f"dataml's split: {summary['rows']['test']} holdout rows")
    for plabel, p in peers.items():
        if isinstance(p, str):
            print(f"   {plabel:<34}FAILED: {p}")
            continue
        s, o, sp = p["same_rows"]["metrics"], p["own"]["metrics"], p["spread"]
        sd = p["spread_dataml_split"]
        print(f"   {plabel + ' ' + p['version'] + ', same rows':<34}{f(s['accuracy']):>10}"
              f"{f(s['log_loss']):>10}{f(s['roc_auc']):>10}   dataml's split "
              f"({p['same_rows']['rows']['test']} rows); features {p['same_rows']['features']}")
        print(f"   {'  difference peer - dataml':<34}{d(s['accuracy'], m['accuracy']):>10}"
              f"{d(s['log_loss'], m['log_loss']):>10}{d(s['roc_auc'], m['roc_auc']):>10}")
        print(f"   {plabel + ', own split (seed 42)':<34}{f(o['accuracy']):>10}{f(o['log_loss']):>10}"
              f"{f(o['roc_auc']):>10}   sklearn stratified split ({p['own']['rows']['test']} rows)")
        print(f"   {'  difference peer - dataml':<34}{d(o['accuracy'], m['accuracy']):>10}"
              f"{d(o['log_loss'], m['log_loss']):>10}{d(o['roc_auc'], m['roc_auc']):>10}")
        print(f"   {'  noise: sd over ' + str(seeds) + ' own splits':<34}"
              + "".join(f"{f(sp[k]['std']):>10}" for k in METRICS)
              + "   mean " + ", ".join(f"{f(sp[k]['mean'])}" for k in METRICS)
              + f" (sklearn splits, seeds 42..{41 + seeds})")
        print(f"   {'  peer on dataml splits: sd':<34}"
              + "".join(f"{f(sd[k]['std']):>10}" for k in METRICS)
              + "   mean " + ", ".join(f"{f(sd[k]['mean'])}" for k in METRICS)
              + f" (dataml's split, seeds 42..{41 + seeds})")
        verdict = []
        for k in METRICS:
            a_, b_ = sd[k], sp[k]
            if None in (a_["mean"], b_["mean"], a_["std"], b_["std"]):
                continue
            se = ((a_["std"] ** 2 + b_["std"] ** 2) / seeds) ** 0.5
            z = abs(a_["mean"] - b_["mean"]) / se if se > 0 else (0.0 if a_["mean"] == b_["mean"] else float("inf"))
            verdict.append(f"{k} {a_['mean'] - b_['mean']:+.4f} ({z:.1f} se)")
        print(f"   {'  split means, dataml - sklearn':<34}{', '.join(verdict)}; within 2 se = within noise")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--datasets", default="breast_cancer,wine,churn")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--peers", default="")
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    # The "on dataml's lib" peer is a speed diagnostic: its models are those of xgboost 1.7.4.
    peers = common.available_peers([p.strip() for p in a.peers.split(",") if p.strip()]
                                   or ["xgboost 1.7.4", "xgboost latest"])
    if not peers:
        raise SystemExit("no peer venv found; run bench/train/peer_venvs.sh")
    work = tempfile.mkdtemp(prefix="dataml-bench-quality.")
    server = None
    results, failed = [], False
    started = time.monotonic()
    rows_md = []
    try:
        print(f"== quality: starting dataml ({a.bin})")
        server = Server(a.bin, os.path.join(work, "server"))
        for name in [x.strip() for x in a.datasets.split(",") if x.strip()]:
            csv, meta, label = load(name)
            dataset_id = server.upload_csv(csv, f"quality_{name}")
            info = server.dataset(dataset_id)
            schema = {c["column_name"]: c["data_type"] for c in info["dataset_schema"]}
            if schema != meta["expected_types"]:
                raise Failure(f"{name}: dataml inferred {schema}, expected {meta['expected_types']}")
            for mode in ("XGBoost", "auto"):
                summary, wall, _, _ = server.train(dataset_id, f"quality_{name}_{mode}", mode,
                                                   meta["columns"], dict(common.HYPERPARAMETERS))
                feature_names = server.preprocess_json(summary["preprocess_id"])["feature_names"]
                pres = {}
                for plabel, py in peers:
                    try:
                        pres[plabel] = peer_runs(py, info, meta, summary, feature_names, a.seeds, work)
                    except Failure as e:
                        pres[plabel] = str(e)
                        failed = True
                print_block(label, mode, summary, pres, a.seeds)
                results.append({"dataset": name, "mode": mode, "algorithm": summary["model_summary"]["algorithm"],
                                "candidates": summary["candidates"],
                                "dataml": {"metrics": summary["model_summary"], "rows": summary["rows"],
                                           "xgboost_parameters": summary["xgboost_parameters"],
                                           "timings": summary["timings"], "wall_seconds": wall},
                                "peers": pres})
                m = summary["model_summary"]
                for plabel, p in pres.items():
                    if isinstance(p, str):
                        continue
                    s, o = p["same_rows"]["metrics"], p["own"]["metrics"]
                    sp, sd = p["spread"], p["spread_dataml_split"]
                    rows_md.append(
                        f"| {name} | {mode} -> {summary['model_summary']['algorithm']} | {plabel} | "
                        f"{summary['rows']['test']} / {p['own']['rows']['test']} | "
                        + " | ".join(f"{f(m[k])} / {f(s[k])} / {f(o[k])}" for k in METRICS) + " | "
                        + "; ".join(f"{f(sd[k]['mean'])} vs {f(sp[k]['mean'])} (sd {f(sd[k]['std'], 3)}, {f(sp[k]['std'], 3)})"
                                    for k in METRICS) + " |")
    finally:
        if server:
            server.stop()
        if a.keep:
            print(f"work dir kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    print()
    print(f"  run at {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {time.monotonic() - started:.0f} s")
    print()
    print(f"| dataset | requested -> trained | peer xgboost | holdout rows dataml / peer own | "
          f"accuracy dataml / peer same rows / peer own split | log loss (same) | ROC AUC (same) | "
          f"peer over {a.seeds} seeds, mean on dataml's splits vs sklearn's (sd): accuracy; log loss; AUC |")
    print("|---|---|---|---|---|---|---|---|")
    print("\n".join(rows_md))
    out = os.path.join(common.OUT, "train_quality_results.json")
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(results, fh, indent=1)
    print(f"\nraw results: {out}")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
