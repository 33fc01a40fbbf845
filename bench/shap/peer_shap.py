"""The SHAP peer: XGBoost's own TreeSHAP (Booster.predict(pred_contribs=True)) on the model file
dataml trained and on the very rows its feature-importance job sampled. Runs inside a peer venv.

Usage: python peer_shap.py SPEC.json   -> prints one JSON line

SPEC: model_path (dataml's model.json), parquet_files, features (columns, in dataml's feature
order), dataset_rows, sample_rows, seed, repeat, threads (list: null = XGBoost's default, or N).
The sample is dataml's (jobs/shap_job.cc SampleRows, reproduced in bench/train/common.py), worked
out before any timer starts. Timed per call, `repeat` times per thread setting:
  dmatrix   xgb.DMatrix(float32 rows x features)
  predict   booster.predict(dmatrix, pred_contribs=True)
Also returns mean |SHAP| per feature over the sample (bias column left out), to compare with
dataml's feature_importance_by_feature."""

import json
import os
import sys
import time

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import xgboost as xgb

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "train"))
from common import dataml_shap_sample  # noqa: E402


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    tables = [pq.read_table(p, columns=spec["features"]) for p in spec["parquet_files"]]
    table = tables[0] if len(tables) == 1 else pa.concat_tables(tables)
    if table.num_rows != spec["dataset_rows"]:
        raise SystemExit(f"peer: {table.num_rows} rows, dataml saw {spec['dataset_rows']}")
    rows = np.asarray(dataml_shap_sample(table.num_rows, spec["sample_rows"], spec["seed"]))
    x = np.column_stack([table.column(c).to_numpy().astype(np.float64) for c in spec["features"]])
    x = np.ascontiguousarray(x[rows], dtype=np.float32)
    if np.isnan(x).any():
        raise SystemExit("peer: missing values; this peer expects the numeric-only dataset")

    booster = xgb.Booster(model_file=spec["model_path"])
    results = []
    contribs = None
    for threads in spec["threads"]:
        if threads is not None:
            booster.set_param({"nthread": threads})
        dm_times, pred_times = [], []
        for _ in range(spec["repeat"]):
            t0 = time.perf_counter()
            dm = xgb.DMatrix(x, missing=np.nan)
            t1 = time.perf_counter()
            c0 = time.process_time()
            out = booster.predict(dm, pred_contribs=True)
            t2 = time.perf_counter()
            cpu = time.process_time() - c0
            dm_times.append(t1 - t0)
            pred_times.append(t2 - t1)
            if contribs is None:
                contribs = out
        results.append({"threads": threads, "dmatrix_seconds": dm_times, "predict_seconds": pred_times,
                        "predict_cpu_seconds_last": cpu})
    shape = list(contribs.shape)
    mean_abs = np.abs(contribs.reshape(len(rows), -1, len(spec["features"]) + 1)[..., :-1]).sum(axis=1).mean(axis=0)
    print(json.dumps({"xgboost": xgb.__version__, "rows": int(len(rows)), "contribs_shape": shape,
                      "runs": results,
                      "mean_abs_shap": dict(zip(spec["features"], map(float, mean_abs)))}))


if __name__ == "__main__":
    main()
