"""The training peer: XGBoost's Python package doing what a dataml `train` job does, from the same
validated Parquet files. Runs inside a peer venv (bench/out/.venv-xgb174, .venv-xgblatest or
.venv-xgb174-dataml-lib).

Usage: python peer_train.py SPEC.json   -> prints one JSON line

SPEC: parquet_files, schema [{column_name, data_type}], features [names], target, algorithm
(XGBoost | RandomForest | Linear), params (dataml's xgboost_parameters, used as they are), rounds,
test_size, seed, runs [{"split": "own" | "dataml", "seed": N, "timed": bool}],
feature_names (dataml's, from its preprocess.json), model_out.

For each run, in phases timed like dataml's (engine/ml/training_pipeline.cc, jobs/train_job.cc):
  read        pyarrow reads the target and feature columns of every Parquet file
  preprocess  target -> class index (classes sorted as text, numerically for number targets),
              the 80/20 split, the preprocess fitted on the training rows (below)
  train       features of every row (the fitted preprocess), the training rows taken, a float32
              DMatrix, xgb.train(params, rounds)
  evaluate    predict the holdout, accuracy / macro precision, recall, F1 / ROC AUC / log loss
              with scikit-learn, the model saved as JSON (dataml writes its model too)
Splits: "own" = sklearn train_test_split(stratify=y, random_state=seed); "dataml" = dataml's own
stratified split (holdout_split.cc, reproduced in common.py, worked out before the timers start),
so both sides train and evaluate on the very same rows.

The preprocess is dataml's (docs/training.md): Integer/Float -> the value, missing -> the training
median plus a `<c>.missing` flag when the training rows had missing values; Boolean -> 0/1,
missing -> the training majority (+ flag); String -> one-hot over the most frequent values (at
most 50; ties by value), `<c>=__other__` / `<c>=__missing__` only when the training rows need
them; Linear z-scores the numeric (not flag, not one-hot) features with the training mean and
population standard deviation."""

import json
import sys
import time

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import xgboost as xgb
from sklearn import metrics as skm
from sklearn.model_selection import train_test_split

MAX_CATEGORIES = 50


def read(spec):
    cols = spec["features"] + [spec["target"]]
    tables = [pq.read_table(p, columns=cols) for p in spec["parquet_files"]]
    table = tables[0] if len(tables) == 1 else pa.concat_tables(tables)
    return table.to_pandas()


def encode_target(df, spec, types):
    t = spec["target"]
    col = df[t]
    ttype = types[t]
    present = col.notna().to_numpy()
    if ttype == "Boolean":
        text = col.map(lambda v: None if pd.isna(v) else ("true" if v else "false"))
    elif ttype == "Integer":
        text = col.map(lambda v: None if pd.isna(v) else str(int(v)))
    else:
        text = col.map(lambda v: None if pd.isna(v) else str(v))
    classes = sorted({v for v in text if v is not None})
    if ttype in ("Integer", "Float"):
        classes.sort(key=float)
    index = {c: i for i, c in enumerate(classes)}
    y = np.full(len(df), np.nan, dtype=np.float32)
    y[present] = [index[v] for v in text[present]]
    return y, classes


def fit_preprocess(df, spec, types, train_rows, standardize):
    encoders = []
    for c in spec["features"]:
        t = types[c]
        col = df[c].iloc[train_rows]
        e = {"name": c, "type": t, "missing": bool(col.isna().any())}
        if t == "String":
            counts = col.dropna().astype(str).value_counts()
            ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            e["other"] = len(ranked) > MAX_CATEGORIES
            e["categories"] = [v for v, _ in ranked[:MAX_CATEGORIES]]
        elif t in ("Integer", "Float", "Boolean"):
            v = col.astype("float64").to_numpy()
            present = v[~np.isnan(v)]
            if t == "Boolean":
                e["fill"] = 1.0 if (present == 1.0).sum() * 2 > len(present) else 0.0
            else:
                e["fill"] = float(np.median(present)) if len(present) else 0.0
            filled = np.where(np.isnan(v), e["fill"], v)
            n = max(1, len(filled))
            mean = filled.sum() / n
            var = max(0.0, (filled * filled).sum() / n - mean * mean)
            e["mean"], e["scale"] = mean, (np.sqrt(var) if var > 1e-24 else 1.0)
        else:
            raise SystemExit(f"peer: column {c}: {t} features are not implemented in the peer")
        encoders.append(e)
    names = []
    for e in encoders:
        c = e["name"]
        if e["type"] == "String":
            names += [f"{c}={v}" for v in e["categories"]]
            if e["other"]:
                names.append(f"{c}=__other__")
            if e["missing"]:
                names.append(f"{c}=__missing__")
        else:
            names.append(c)
            if e["missing"]:
                names.append(f"{c}.missing")
    return {"encoders": encoders, "names": names, "standardize": standardize}


def transform(df, pre):
    cols = []
    for e in pre["encoders"]:
        s = df[e["name"]]
        if e["type"] == "String":
            text = s.astype(object)
            isna = s.isna().to_numpy()
            known = np.zeros(len(df), dtype=bool)
            for v in e["categories"]:
                hit = (text == v).to_numpy() & ~isna
                known |= hit
                cols.append(hit.astype(np.float32))
            if e["other"]:
                cols.append((~known & ~isna).astype(np.float32))
            if e["missing"]:
                cols.append(isna.astype(np.float32))
        else:
            v = s.astype("float64").to_numpy()
            isna = np.isnan(v)
            filled = np.where(isna, e["fill"], v)
            if pre["standardize"]:
                filled = (filled - e["mean"]) / e["scale"]
            cols.append(filled.astype(np.float32))
            if e["missing"]:
                cols.append(isna.astype(np.float32))
    return np.ascontiguousarray(np.column_stack(cols), dtype=np.float32)


def classification_metrics(y_true, proba, k):
    y_true = y_true.astype(int)
    pred = proba.argmax(axis=1)
    out = {"accuracy": float(skm.accuracy_score(y_true, pred))}
    p, r, f, _ = skm.precision_recall_fscore_support(y_true, pred, average="macro", zero_division=0)
    out.update(precision=float(p), recall=float(r), f1_score=float(f))
    try:
        if k == 2:
            out["roc_auc"] = float(skm.roc_auc_score(y_true, proba[:, 1]))
        else:
            out["roc_auc"] = float(skm.roc_auc_score(y_true, proba, multi_class="ovr",
                                                     average="macro", labels=list(range(k))))
    except ValueError:
        out["roc_auc"] = None
    clipped = np.clip(proba.astype(np.float64), 1e-15, 1 - 1e-15)
    clipped /= clipped.sum(axis=1, keepdims=True)
    out["log_loss"] = float(skm.log_loss(y_true, clipped, labels=list(range(k))))
    return out


def run_once(spec, types, run):
    """One pipeline run; returns timings, CPU seconds, metrics, rows, feature names."""
    c0, t0 = time.process_time(), time.perf_counter()
    df = read(spec)
    t_read = time.perf_counter()

    y_all, classes = encode_target(df, spec, types)
    labelled = np.flatnonzero(~np.isnan(y_all))
    y = y_all[labelled]
    if run["split"] == "own":
        train_pos, test_pos = train_test_split(np.arange(len(labelled)), test_size=spec["test_size"],
                                               stratify=y, random_state=run["seed"])
        train_pos, test_pos = np.sort(train_pos), np.sort(test_pos)
    else:
        test_pos = np.asarray(run["test_positions"], dtype=np.int64)
        mask = np.ones(len(labelled), dtype=bool)
        mask[test_pos] = False
        train_pos = np.flatnonzero(mask)
    train_rows, test_rows = labelled[train_pos], labelled[test_pos]
    pre = fit_preprocess(df, spec, types, train_rows, spec["algorithm"] == "Linear")
    t_pre = time.perf_counter()

    x = transform(df, pre)
    # Same features as dataml's preprocess.json? The same set in another order is put in dataml's
    # order (XGBoost breaks ties between equal splits by feature index).
    ours = spec.get("feature_names")
    feature_check = "same"
    if ours is not None and pre["names"] != ours:
        if sorted(pre["names"]) == sorted(ours):
            x = np.ascontiguousarray(x[:, [pre["names"].index(n) for n in ours]])
            feature_check = "same set, reordered to dataml's order"
        else:
            feature_check = ("DIFFERENT: peer only " + str(sorted(set(pre["names"]) - set(ours))) +
                             ", dataml only " + str(sorted(set(ours) - set(pre["names"]))))
    dtrain = xgb.DMatrix(x[train_rows], label=y_all[train_rows], missing=np.nan)
    t_dm = time.perf_counter()
    booster = xgb.train(dict(spec["params"]), dtrain, num_boost_round=spec["rounds"])
    t_train = time.perf_counter()

    dtest = xgb.DMatrix(x[test_rows], missing=np.nan)
    out = booster.predict(dtest)
    k = len(classes)
    proba = np.column_stack([1 - out, out]) if out.ndim == 1 else out.reshape(len(test_rows), k)
    m = classification_metrics(y_all[test_rows], proba, k)
    if spec.get("model_out"):
        booster.save_model(spec["model_out"])
    t_eval = time.perf_counter()
    cpu = time.process_time() - c0
    return {
        "split": run["split"], "seed": run["seed"],
        "timings": {"read_seconds": t_read - t0, "preprocess_seconds": t_pre - t_read,
                    "train_seconds": t_train - t_pre, "xgb_train_seconds": t_train - t_dm,
                    "evaluate_seconds": t_eval - t_train, "total_seconds": t_eval - t0},
        "cpu_seconds": cpu,
        "metrics": m, "classes": classes,
        "rows": {"total": int(len(df)), "training": int(len(train_rows)), "test": int(len(test_rows))},
        "features": feature_check,
    }


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    types = {c["column_name"]: c["data_type"] for c in spec["schema"]}
    if any(run["split"] == "dataml" for run in spec["runs"]):
        # dataml's split of the labelled rows, worked out before any timer starts.
        from common import dataml_stratified_split
        y_all, _ = encode_target(read(dict(spec, features=[])), spec, types)
        y = y_all[~np.isnan(y_all)].astype(int).tolist()
        for run in spec["runs"]:
            if run["split"] == "dataml":
                run["test_positions"] = dataml_stratified_split(y, spec["test_size"], run["seed"])[1]
    results = []
    for run in spec["runs"]:
        r = run_once(spec, types, run)
        r["timed"] = bool(run.get("timed"))
        results.append(r)
    print(json.dumps({"xgboost": xgb.__version__, "runs": results}))


if __name__ == "__main__":
    main()
