"""Shared by the ingest benchmark scripts: the generated file's schema and small helpers."""

import json
import os

# Bump when the generated data changes, so cached files in bench/out/ are regenerated.
GENERATOR_VERSION = 1
SEED = 20261127

# (column name, dataml template type). The generator writes only valid values of these types;
# `discount` and `comment` have ~3% / ~5% empty cells (null in every tool's Parquet).
SCHEMA = [
    ("row_id", "Integer"),
    ("customer_id", "Integer"),
    ("quantity", "Integer"),
    ("balance_cents", "Integer"),
    ("unit_price", "Float"),
    ("discount", "Float"),
    ("latitude", "Float"),
    ("longitude", "Float"),
    ("score", "Float"),
    ("country", "String"),
    ("status", "String"),
    ("email", "String"),
    ("comment", "String"),
    ("is_active", "Boolean"),
    ("signup_date", "Date"),
    ("event_time", "DateTime"),
]

DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def out_dir():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return os.path.join(root, "bench", "out")


def csv_path(rows):
    return os.path.join(out_dir(), f"ingest_{rows}.csv")


def meta_path(rows):
    return csv_path(rows) + ".meta.json"


def cached_meta(rows):
    """The cache record of a generated file if it is present and current, else None."""
    try:
        with open(meta_path(rows), encoding="utf-8") as f:
            meta = json.load(f)
        ok = (meta.get("version") == GENERATOR_VERSION and meta.get("seed") == SEED
              and meta.get("rows") == rows and meta.get("schema") == [list(c) for c in SCHEMA]
              and os.path.getsize(csv_path(rows)) == meta.get("bytes"))
        return meta if ok else None
    except (OSError, ValueError):
        return None


def proc_status_kib(pid, field):
    """A kB field of /proc/<pid>/status (VmRSS, VmHWM, ...), in KiB; None if unreadable."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None
