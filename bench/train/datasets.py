"""Seeded datasets of the train, quality and SHAP benchmarks, written once as CSV into bench/out/
(cached: a file is regenerated only when missing or made by another version of this code).

Each function returns (csv path, dict) where the dict has `columns` (the roles given to
POST /train: the Id and Target columns; every other column is a Feature) and `expected_types`
(the schema dataml should infer on upload, checked by the benchmark)."""

import json
import os
import re

import numpy as np
import pandas as pd

from common import OUT

VERSION = 1  # bump when a generator changes, so cached CSVs are regenerated


def _cached(name, make):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name + ".csv")
    meta_path = path + ".meta.json"
    if os.path.exists(path) and os.path.exists(meta_path):
        with open(meta_path, encoding="utf-8") as f:
            meta = json.load(f)
        if meta.get("version") == VERSION:
            return path, meta
    df, meta = make()
    tmp = path + ".tmp"
    df.to_csv(tmp, index=False, float_format="%.6f", na_rep="")
    os.replace(tmp, path)
    meta = dict(meta, version=VERSION, rows=len(df))
    with open(meta_path, "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=1)
    return path, meta


def numeric(rows=200_000, features=20, seed=7):
    """`features` float columns f00.. (standard normal, some correlated) and a binary Integer
    target `label` drawn from a logistic model with interactions and thresholds, so the trees
    have something to find beyond a linear fit. No missing values."""
    def make():
        rng = np.random.default_rng(seed)
        x = rng.standard_normal((rows, features))
        x[:, 1] = 0.6 * x[:, 0] + 0.8 * x[:, 1]  # correlated pairs
        x[:, 3] = 0.5 * x[:, 2] + 0.866 * x[:, 3]
        logit = (1.2 * x[:, 0] - 0.9 * x[:, 2] + 0.7 * x[:, 4] * x[:, 5]
                 + 1.0 * (x[:, 6] > 0.5) - 0.8 * np.abs(x[:, 7]) + 0.5 * np.sin(2 * x[:, 8])
                 + 0.3 * x[:, 9:14].sum(axis=1) + 0.4)
        label = (rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(np.int64)
        df = pd.DataFrame(x, columns=[f"f{i:02d}" for i in range(features)])
        df["label"] = label
        types = {c: "Float" for c in df.columns[:-1]}
        types["label"] = "Integer"
        return df, {"columns": [{"column_name": "label", "attribute_name": "Target"}],
                    "expected_types": types, "target": "label"}
    return _cached(f"train_numeric_{rows}x{features}_s{seed}", make)


CONTRACTS = ["Monthly", "OneYear", "TwoYear"]


def churn(rows=100_000, seed=11):
    """A churn-like table: a String id (role Id), Integer and Float columns (the two charges
    columns ~3% missing each), a 3-value String category, a Boolean, and a binary target
    `churned` written Yes/No (dataml infers it as Boolean)."""
    def make():
        rng = np.random.default_rng(seed)
        tenure = rng.integers(0, 73, rows)
        monthly = np.round(rng.uniform(18, 120, rows), 2)
        total = np.round(tenure * monthly * rng.uniform(0.9, 1.1, rows), 2)
        calls = rng.poisson(1.5, rows)
        age = rng.integers(18, 86, rows)
        contract = rng.choice(CONTRACTS, rows, p=[0.55, 0.25, 0.20])
        paperless = rng.random(rows) < 0.6
        logit = (-1.0 + 1.6 * (contract == "Monthly") - 0.8 * (contract == "TwoYear")
                 - 0.045 * tenure + 0.018 * (monthly - 60) + 0.35 * calls
                 + 0.4 * paperless - 0.01 * (age - 45) + 0.5 * ((calls >= 4) & (tenure < 12)))
        churned = rng.random(rows) < 1 / (1 + np.exp(-logit))
        monthly_col = pd.Series(monthly, dtype="float64")
        total_col = pd.Series(total, dtype="float64")
        monthly_col[rng.random(rows) < 0.03] = np.nan
        total_col[rng.random(rows) < 0.03] = np.nan
        df = pd.DataFrame({
            "customer_id": [f"C{i:07d}" for i in range(rows)],
            "tenure_months": tenure,
            "monthly_charges": monthly_col,
            "total_charges": total_col,
            "support_calls": calls,
            "age": age,
            "contract": contract,
            "paperless_billing": np.where(paperless, "true", "false"),
            "churned": np.where(churned, "Yes", "No"),
        })
        types = {"customer_id": "String", "tenure_months": "Integer", "monthly_charges": "Float",
                 "total_charges": "Float", "support_calls": "Integer", "age": "Integer",
                 "contract": "String", "paperless_billing": "Boolean", "churned": "Boolean"}
        return df, {"columns": [{"column_name": "customer_id", "attribute_name": "Id"},
                                {"column_name": "churned", "attribute_name": "Target"}],
                    "expected_types": types, "target": "churned"}
    return _cached(f"train_churn_{rows}_s{seed}", make)


def sklearn_dataset(name):
    """scikit-learn's bundled load_breast_cancer / load_wine as CSV: features (names made
    identifier-like) and an Integer `target`."""
    def make():
        from sklearn import datasets as skd
        loader = {"breast_cancer": skd.load_breast_cancer, "wine": skd.load_wine}[name]
        data = loader(as_frame=True)
        df = data.frame.copy()
        df.columns = [re.sub(r"[^0-9A-Za-z]+", "_", c).strip("_") for c in df.columns]
        df = df.astype({c: "float64" for c in df.columns if c != "target"})
        types = {c: "Float" for c in df.columns if c != "target"}
        types["target"] = "Integer"
        return df, {"columns": [{"column_name": "target", "attribute_name": "Target"}],
                    "expected_types": types, "target": "target"}
    return _cached(f"quality_{name}", make)
