"""FastAPI peer for the real-time prediction benchmark: one model, served the way dataml's
POST /api/v1/inference/ serves it.

Per request, as dataml does:
  1. parse and validate the JSON body {"train_id", "preprocess_id", "features": {...}, "target"}
     (a pydantic model, FastAPI's usual way);
  2. check that train_id / preprocess_id are the loaded model's (404 otherwise), that target
     is the preprocess's target column (422 otherwise) and that every key of features is an input
     of the model or its Id column (422 otherwise);
  3. encode the features into one row of floats exactly as dataml's Preprocess::TransformRow does
     (src/engine/ml/preprocess.cc), from the same preprocess.json;
  4. predict that one row with XGBoost's Booster.inplace_predict on the same model.json;
  5. answer JSON with the same fields as dataml: the predicted class, the probability of every
     class, train_id, preprocess_id, predictor_name, target and the Id column's value as `id`.

It does not verify the bearer token (dataml does: JWT, user and permission checks; bench/auth_get
measures that part on its own), so the peer does a little less work than dataml.

Runs under uvicorn (uvloop + httptools, no access log) with an `async def` handler, so the
prediction runs on the event loop without a thread hop. XGBoost predicts with one thread
(nthread=1): one row has nothing to parallelise, and each uvicorn worker process is one core.

Environment:
  PEER_MODEL          path of model.json (XGBoost JSON, as dataml wrote it)
  PEER_PREPROCESS     path of preprocess.json
  PEER_TRAIN_ID       the train_id requests must name
  PEER_PREPROCESS_ID  the preprocess_id requests must name
  PEER_NTHREAD        XGBoost nthread for prediction (default 1)
  PEER_ID_COLUMN      the dataset's Id column, accepted in features and echoed back (optional)
  PEER_PREDICTOR_NAME the training's predictor_name, echoed back
"""

import json
import math
import os
import re
from datetime import date, datetime, timedelta, timezone
from typing import Any

import numpy as np
import xgboost as xgb
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel

# ---- the preprocess, from preprocess.json ------------------------------------------------------

_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}
_INT_RE = re.compile(r"[+-]?[0-9]+\Z")
_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})\Z")
_DATETIME_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?"
    r"(?:([Zz])|([+-])(\d{2}):?(\d{2}))?\Z")
_EPOCH = date(1970, 1, 1)
_DATE_PARTS = {"Date": 5, "DateTime": 6}


class BadValue(Exception):
    pass


def _wrong_type(name, dtype, value):
    return BadValue(f"feature '{name}' must be {dtype}, got {json.dumps(value)}")


def _parse_float_text(s):
    # ParseFloat: from_chars (no leading '+', which is stripped first unless '+-'), finite only.
    t = s[1:] if len(s) > 1 and s[0] == "+" and s[1] != "-" else s
    if not t or t[0] == "+" or t.strip() != t or t.lower() in ("inf", "-inf", "infinity", "-infinity"):
        return None
    try:
        v = float(t)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def _parse_int_text(s):
    t = s[1:] if len(s) > 1 and s[0] == "+" and s[1] != "-" else s
    if not t or t[0] == "+" or not _INT_RE.match(t):
        return None
    v = int(t)
    return v if -(1 << 63) <= v < (1 << 63) else None


def _parse_date_text(s):
    m = _DATE_RE.match(s)
    if not m:
        return None
    try:
        return (date(int(m[1]), int(m[2]), int(m[3])) - _EPOCH).days
    except ValueError:
        return None


def _parse_datetime_text(s):
    m = _DATETIME_RE.match(s)
    if not m:
        return None
    days = _parse_date_text(s[:10])
    hh, mm, ss = int(m[4]), int(m[5]), int(m[6] or 0)
    if days is None or hh > 23 or mm > 59 or ss > 59:
        return None
    micros = int((m[7] or "0")[:6].ljust(6, "0"))
    offset = 0
    if m[9]:
        oh, om = int(m[10]), int(m[11])
        if oh > 23 or om > 59:
            return None
        offset = (oh * 60 + om) * (-1 if m[9] == "-" else 1)
    seconds = days * 86400 + hh * 3600 + mm * 60 + ss - offset * 60
    return (seconds * 1_000_000 + micros) / (86400.0 * 1e6)


def _number_of_value(name, dtype, value):
    """NumberOfValue in preprocess.cc: the number a numeric/boolean/date input holds, NaN when
    missing; BadValue for a value of the wrong type."""
    if value is None:
        return math.nan
    is_bool = isinstance(value, bool)
    if isinstance(value, str):
        if value == "":
            return math.nan
        if dtype == "Integer":
            v = _parse_int_text(value)
        elif dtype == "Float":
            v = _parse_float_text(value)
        elif dtype == "Boolean":
            low = value.lower()
            v = 1.0 if low in _TRUE else 0.0 if low in _FALSE else None
        elif dtype == "Date":
            v = _parse_date_text(value)
        else:
            v = _parse_datetime_text(value)
        if v is None:
            raise _wrong_type(name, dtype, value)
        return float(v)
    if dtype == "Integer":
        if isinstance(value, int) and not is_bool:
            return float(value)
        if isinstance(value, float) and math.isfinite(value) and math.floor(value) == value:
            return value
    elif dtype == "Float":
        if isinstance(value, (int, float)) and not is_bool and math.isfinite(value):
            return float(value)
    elif dtype == "Boolean":
        if is_bool:
            return 1.0 if value else 0.0
    raise _wrong_type(name, dtype, value)


def _date_features(days, kind):
    whole = math.floor(days)
    d = _EPOCH + timedelta(days=whole)
    out = [days, float(d.year), float(d.month), float(d.day), float((whole % 7 + 3) % 7)]
    if kind == "DateTime":
        out.append(float(math.floor((days - whole) * 24.0 + 1e-9)))
    return out


class Preprocess:
    def __init__(self, spec):
        if spec["format_version"] != 1:
            raise ValueError("unsupported preprocess format")
        self.problem = spec["problem_type"]
        self.target = spec["target"]["column_name"]
        self.classes = list(spec["classes"])
        self.feature_names = list(spec["feature_names"])
        self.standardize = bool(spec["standardize"])
        self.inputs = spec["inputs"]
        for e in self.inputs:
            if e["data_type"] == "String":
                e["_index"] = {c: i for i, c in enumerate(e["categories"])}
                e["_width"] = len(e["categories"]) + int(e["other"]) + int(e["missing_flag"])
        self.width = len(self.feature_names)

    def transform_row(self, values):
        """Preprocess::TransformRow: one JSON object of values by column name -> list of floats
        (absent or null = missing; keys that are not inputs are ignored)."""
        out = []
        for e in self.inputs:
            name, dtype = e["column_name"], e["data_type"]
            value = values.get(name)
            if dtype == "String":
                if value is None:
                    text = None
                elif isinstance(value, str):
                    text = value
                elif isinstance(value, (bool, int, float)):
                    text = json.dumps(value)  # an id-like number sent as a number
                else:
                    raise _wrong_type(name, dtype, value)
                row = [0.0] * e["_width"]
                if text is None:
                    if e["missing_flag"]:
                        row[len(e["categories"]) + int(e["other"])] = 1.0
                else:
                    i = e["_index"].get(text)
                    if i is not None:
                        row[i] = 1.0
                    elif e["other"]:
                        row[len(e["categories"])] = 1.0
                out += row
                continue
            number = _number_of_value(name, dtype, value)
            missing = math.isnan(number)
            v = e["fill"] if missing else number
            parts = _date_features(v, dtype) if dtype in _DATE_PARTS else [v]
            if self.standardize:
                parts = [(p - m) / s for p, m, s in zip(parts, e["mean"], e["scale"])]
            out += parts
            if e["missing_flag"]:
                out.append(1.0 if missing else 0.0)
        return out


# ---- the app -----------------------------------------------------------------------------------

with open(os.environ["PEER_PREPROCESS"], encoding="utf-8") as f:
    PRE = Preprocess(json.load(f))
BOOSTER = xgb.Booster(model_file=os.environ["PEER_MODEL"])
BOOSTER.set_param({"nthread": int(os.environ.get("PEER_NTHREAD", "1"))})
if BOOSTER.num_features() != PRE.width:
    raise SystemExit(f"model has {BOOSTER.num_features()} features, preprocess {PRE.width}")
TRAIN_ID = int(os.environ["PEER_TRAIN_ID"])
PREPROCESS_ID = int(os.environ["PEER_PREPROCESS_ID"])
OBJECTIVE = json.loads(BOOSTER.save_config())["learner"]["objective"]["name"]
ID_COLUMN = os.environ.get("PEER_ID_COLUMN") or None
PREDICTOR_NAME = os.environ.get("PEER_PREDICTOR_NAME", "")
ALLOWED_KEYS = frozenset(e["column_name"] for e in PRE.inputs) | ({ID_COLUMN} if ID_COLUMN else set())

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


class PredictRequest(BaseModel):
    train_id: int
    preprocess_id: int
    features: dict[str, Any]
    target: str


def _error(status, detail):
    return JSONResponse({"detail": detail}, status_code=status)


@app.get("/health")
async def health():
    return {"status": "ok", "pid": os.getpid()}


@app.post("/api/v1/inference/")
async def predict(req: PredictRequest):
    if req.train_id != TRAIN_ID:
        return _error(404, "Training not found")
    if req.preprocess_id != PREPROCESS_ID:
        return _error(404, "Preprocess not found")
    if req.target != PRE.target:
        return _error(422, f"the model predicts '{PRE.target}', not '{req.target}'")
    unknown = [k for k in req.features if k not in ALLOWED_KEYS]
    if unknown:
        return _error(422, [{"loc": ["body", "features", k], "msg": "Not an input of the model",
                             "type": "extra_forbidden"} for k in unknown])
    try:
        row = PRE.transform_row(req.features)
    except BadValue as e:
        return _error(422, str(e))
    x = np.array([row], dtype=np.float32)
    y = BOOSTER.inplace_predict(x)
    answer = {"train_id": TRAIN_ID, "preprocess_id": PREPROCESS_ID,
              "predictor_name": PREDICTOR_NAME, "target": PRE.target}
    if PRE.problem == "Regression":
        answer["prediction"] = float(y[0])
    else:
        if OBJECTIVE == "binary:logistic":
            p1 = float(y[0])
            probs = [1.0 - p1, p1]
        else:  # multi:softprob
            probs = [float(v) for v in y[0]]
        best = max(range(len(probs)), key=probs.__getitem__)
        answer["prediction"] = PRE.classes[best]
        answer["probabilities"] = dict(zip(PRE.classes, probs))
    if ID_COLUMN:
        answer["id"] = {ID_COLUMN: req.features.get(ID_COLUMN)}
    return JSONResponse(answer)
