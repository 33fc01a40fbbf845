"""Peer of the batch prediction benchmark: what dataml's batch_prediction job does, in one Python
process with XGBoost's Python package (1.7.4, the version of the libxgboost dataml links),
pyarrow, NumPy and pandas.

    python peer_batch.py SPEC.json      (prints one JSON line with the timings)

SPEC: {"parquet_files": [...], "model": ".../model.json", "preprocess": ".../preprocess.json",
       "id_column": "customer_id" | null, "score": false, "output": "/path/results.csv",
       "predict": "dmatrix" | "inplace", "writer": "pandas" | "arrow", "nthread": 0}

Steps, each timed as dataml's job times them (src/jobs/batch_prediction_job.cc):
  load       preprocess.json parsed, Booster(model_file=model.json)
  read       pyarrow.parquet.read_table of the input (and Id/target) columns of every file
  transform  the features, vectorized with pyarrow.compute/NumPy, following dataml's preprocess
             (src/engine/ml/preprocess.cc; the same rules as ../predict_realtime/peer_app.py,
             one column at a time instead of one row at a time) into a float32 matrix
  predict    predict="dmatrix": xgb.DMatrix(X) then Booster.predict (the usual way);
             predict="inplace": Booster.inplace_predict(X) (no DMatrix);
             then the predicted class (argmax, ties to the first class, as dataml) and, with
             score, the accuracy on the rows that have a target
  write      the results table [Id,] prediction, probability_<class>... built and written as CSV
             with pandas DataFrame.to_csv (writer="pandas") or pyarrow.csv.write_csv
             (writer="arrow", quoting_style "needed": Arrow then quotes every string
             field and the header, so its file parses the same as dataml's but is not
             byte-identical)
Interpreter start-up and imports are not timed (dataml's in-worker total does not count the
worker process's start either); the driver measures the whole process separately.
"""

import json
import math
import os
import resource
import sys
import time

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import xgboost as xgb

MICROS_PER_DAY = 86400.0 * 1e6
DATE_PARTS = {"Date": 5, "DateTime": 6}


def numbers_of(column, dtype):
    """NumbersOf in preprocess.cc: a column as float64, NaN where null. Booleans 0/1, dates as
    days since 1970-01-01, timestamps (microseconds) as fractional days."""
    t = column.type
    if pa.types.is_date32(t):
        column = pc.cast(column, pa.int32())
    elif pa.types.is_timestamp(t):
        column = pc.cast(pc.cast(column, pa.int64()), pa.float64())
        return pc.divide(column, MICROS_PER_DAY).to_numpy(zero_copy_only=False)
    return pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False)


def date_features(days, kind):
    """DateFeatures in preprocess.cc, vectorized: days, year, month, day, weekday (Monday = 0)
    and for DateTime the hour."""
    whole = np.floor(days)
    d = whole.astype("int64").astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    out = [days,
           d.astype("datetime64[Y]").astype("int64").astype(np.float64) + 1970.0,
           (months.astype("int64") % 12 + 1).astype(np.float64),
           ((d - months).astype("int64") + 1).astype(np.float64),
           ((whole.astype("int64") % 7 + 3) % 7).astype(np.float64)]
    if kind == "DateTime":
        out.append(np.floor((days - whole) * 24.0 + 1e-9))
    return out


def transform(table, spec):
    """Preprocess::Transform over a whole table: a (rows x features) float32 matrix, columns in
    the order of spec["feature_names"]."""
    rows = table.num_rows
    width = len(spec["feature_names"])
    x = np.empty((rows, width), dtype=np.float32)
    standardize = bool(spec["standardize"])
    k = 0
    for e in spec["inputs"]:
        column = table.column(e["column_name"])
        dtype = e["data_type"]
        if dtype == "String":
            if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
                column = pc.cast(column, pa.string())
            cats = e["categories"]
            # index of the category (null: an unseen value or a null cell)
            index = pc.index_in(column, value_set=pa.array(cats, pa.string()))
            index = index.fill_null(-1).to_numpy(zero_copy_only=False)
            for i in range(len(cats)):
                x[:, k] = index == i
                k += 1
            is_null = column.is_null().to_numpy(zero_copy_only=False)
            if e["other"]:
                x[:, k] = (index < 0) & ~is_null
                k += 1
            if e["missing_flag"]:
                x[:, k] = is_null
                k += 1
            continue
        values = numbers_of(column, dtype)
        missing = np.isnan(values)
        filled = np.where(missing, e["fill"], values) if missing.any() else values
        parts = date_features(filled, dtype) if dtype in DATE_PARTS else [filled]
        for j, part in enumerate(parts):
            if standardize:
                part = (part - e["mean"][j]) / e["scale"][j]
            x[:, k] = part  # double -> float, as static_cast<float>
            k += 1
        if e["missing_flag"]:
            x[:, k] = missing
            k += 1
    if k != width:
        raise SystemExit(f"built {k} features, the preprocess names {width}")
    return x


def encode_target(column, classes):
    """Class index of each target cell (-1: a class the model never saw), NaN when missing."""
    if pa.types.is_boolean(column.type):
        text = pc.if_else(column, "true", "false")
    else:
        text = pc.cast(column, pa.string())
    index = pc.index_in(text, value_set=pa.array(classes, pa.string()))
    out = index.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.float64)
    out[column.is_null().to_numpy(zero_copy_only=False)] = np.nan
    return out


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    ru0 = resource.getrusage(resource.RUSAGE_SELF)
    t = {}
    t0 = time.perf_counter()

    # -- load --
    with open(spec["preprocess"], encoding="utf-8") as f:
        pre = json.load(f)
    booster = xgb.Booster(model_file=spec["model"])
    if spec.get("nthread"):
        booster.set_param({"nthread": int(spec["nthread"])})
    objective = json.loads(booster.save_config())["learner"]["objective"]["name"]
    if booster.num_features() != len(pre["feature_names"]):
        raise SystemExit(f"model has {booster.num_features()} features, preprocess "
                         f"{len(pre['feature_names'])}")
    classification = pre["problem_type"] == "Classification"
    classes = list(pre["classes"])
    t1 = time.perf_counter()
    t["load"] = t1 - t0

    # -- read --
    id_column = spec.get("id_column")
    columns = [e["column_name"] for e in pre["inputs"]]
    if id_column:
        columns.append(id_column)
    if spec.get("score"):
        columns.append(pre["target"]["column_name"])
    tables = [pq.read_table(p, columns=columns) for p in spec["parquet_files"]]
    table = tables[0] if len(tables) == 1 else pa.concat_tables(tables)
    t2 = time.perf_counter()
    t["read"] = t2 - t1

    # -- transform --
    x = transform(table, pre)
    t3 = time.perf_counter()
    t["transform"] = t3 - t2

    # -- predict --
    if spec["predict"] == "dmatrix":
        dm = xgb.DMatrix(x, missing=np.nan, nthread=int(spec.get("nthread") or -1))
        t["dmatrix"] = time.perf_counter() - t3
        y = booster.predict(dm)
    else:
        y = booster.inplace_predict(x, missing=np.nan)
    t["booster_predict"] = time.perf_counter() - t3 - t.get("dmatrix", 0.0)
    accuracy = scored = None
    if classification:
        if objective == "binary:logistic":
            p1 = y.astype(np.float32, copy=False)
            p0 = np.float32(1.0) - p1
            probs = [p0, p1]
            predicted = (p0 < p1).astype(np.int64)
        else:  # multi:softprob
            probs = [y[:, c] for c in range(y.shape[1])]
            predicted = np.argmax(y, axis=1)
        if spec.get("score"):
            labels = encode_target(table.column(pre["target"]["column_name"]), classes)
            has = ~np.isnan(labels)
            scored = int(has.sum())
            accuracy = float((labels[has] == predicted[has]).mean()) if scored else None
    else:
        if spec.get("score"):
            labels = numbers_of(table.column(pre["target"]["column_name"]), "Float")
            has = ~np.isnan(labels)
            scored = int(has.sum())
            err = y[has].astype(np.float64) - labels[has].astype(np.float32)
            accuracy = math.sqrt(float((err * err).mean())) if scored else None  # rmse
    t4 = time.perf_counter()
    t["predict"] = t4 - t3

    # -- write --
    out_cols = {}
    if id_column:
        out_cols[id_column] = table.column(id_column)
    if classification:
        label_array = np.array(classes, dtype=object)[predicted]
        out_cols["prediction"] = label_array
        for c, p in zip(classes, probs):
            out_cols["probability_" + c] = p
    else:
        out_cols["prediction"] = y.astype(np.float32, copy=False)
    if spec["writer"] == "pandas":
        if id_column:
            out_cols[id_column] = out_cols[id_column].to_pandas()
        pd.DataFrame(out_cols).to_csv(spec["output"], index=False)
    else:
        arrays = {k: (v if isinstance(v, pa.ChunkedArray) else pa.array(v)) for k, v in out_cols.items()}
        pacsv.write_csv(pa.table(arrays), spec["output"],
                        write_options=pacsv.WriteOptions(quoting_style="needed"))
    t5 = time.perf_counter()
    t["write"] = t5 - t4
    t["total"] = t5 - t0

    ru1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
    print(json.dumps({"rows": int(table.num_rows), "features": int(x.shape[1]), "timings": t,
                      "cpu_seconds": cpu, "objective": objective, "scored_rows": scored,
                      "accuracy_or_rmse": accuracy, "bytes": os.path.getsize(spec["output"]),
                      "maxrss_mib": ru1.ru_maxrss / 1024,
                      "versions": {"xgboost": xgb.__version__, "numpy": np.__version__,
                                   "pandas": pd.__version__, "pyarrow": pa.__version__,
                                   "python": sys.version.split()[0]}}))


if __name__ == "__main__":
    main()
