"""Generate the benchmark CSV (deterministic, vectorised, chunked) into bench/out/, cached.

Usage: gen_csv.py ROWS [--force]    prints the path of the file

Only valid values of the template types in common.SCHEMA are written: integers, floats, quoted strings (categorical, e-mail, free text with commas, embedded
double quotes and non-ASCII UTF-8), true/false, YYYY-MM-DD and YYYY-MM-DDTHH:MM:SSZ. Two
columns have empty (null) cells. Chunk k is drawn from its own generator seeded with (SEED, k),
so the file depends only on ROWS.
"""

import json
import os
import sys
import time

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from common import GENERATOR_VERSION, SCHEMA, SEED, DATETIME_FORMAT, cached_meta, csv_path, meta_path

CHUNK = 500_000

COUNTRIES = ["Germany", "France", "United States", "United Kingdom", "Spain", "Italy", "Japan",
             "Brazil", "India", "Canada", "Mexico", "Poland", "Netherlands", "Sweden", "Norway",
             "Côte d'Ivoire", "Türkiye", "South Africa", "Australia", "New Zealand", "Chile",
             "Argentina", "Egypt", "Kenya", "Vietnam", "Thailand", "Indonesia", "Österreich",
             "Schweiz", "Ireland"]
STATUSES = ["new", "paid", "shipped", "delivered", "returned", "cancelled", "on hold"]
DOMAINS = ["example.com", "mail.example.org", "corp.example.net", "example.co.uk", "test.example"]
WORDS = ("the order arrived late but the package was intact and the customer asked for a refund "
         "please call back tomorrow morning about delivery window invoice missing item broken "
         "replacement sent via express courier warehouse north south east west priority standard "
         "gift wrap fragile handle with care café naïve résumé Zürich São Paulo München "
         "duplicate charge promo code expired loyalty points applied address updated twice").split()
QUOTED = ['"urgent"', '"VIP"', 'size 10"', '"as is"']  # need "" escaping inside quotes
VOCAB = WORDS + QUOTED


def chunk_table(start, n, k):
    rng = np.random.default_rng([SEED, k])
    row_id = np.arange(start + 1, start + n + 1, dtype=np.int64)
    customer_id = rng.integers(1, 2_000_000, n, dtype=np.int64)
    quantity = rng.integers(1, 100, n, dtype=np.int64)
    balance = rng.integers(-5_000_000, 50_000_000, n, dtype=np.int64)
    unit_price = np.round(rng.lognormal(3.0, 1.0, n), 2)
    discount = np.round(rng.uniform(0, 0.5, n), 3)
    latitude = np.round(rng.uniform(-90, 90, n), 6)
    longitude = np.round(rng.uniform(-180, 180, n), 6)
    score = np.round(rng.standard_normal(n) * 1000, 4)
    discount_null = rng.random(n) < 0.03

    country = pa.array(COUNTRIES).take(pa.array(rng.integers(0, len(COUNTRIES), n)))
    status = pa.array(STATUSES).take(pa.array(rng.integers(0, len(STATUSES), n)))
    domain = pa.array(DOMAINS).take(pa.array(rng.integers(0, len(DOMAINS), n)))
    email = pc.binary_join_element_wise("user", pc.cast(pa.array(customer_id), pa.string()),
                                        "@", domain, "")
    vocab = pa.array(VOCAB)

    def words(m):
        return [vocab.take(pa.array(rng.integers(0, len(VOCAB), n))) for _ in range(m)]

    first = pc.binary_join_element_wise(*words(3), " ")
    second = pc.binary_join_element_wise(*words(3), " ")
    comment = pc.binary_join_element_wise(first, second, ", ")
    comment_null = rng.random(n) < 0.05
    comment = pc.if_else(pa.array(comment_null), pa.scalar(None, pa.string()), comment)

    is_active = rng.random(n) < 0.7
    # Days since 1970-01-01: 2015-01-01 .. 2025-12-31.
    signup = rng.integers(16436, 20453, n).astype(np.int32)
    # Seconds: 2024-01-01T00:00:00Z .. 2026-01-01T00:00:00Z.
    seconds = rng.integers(1_704_067_200, 1_767_225_600, n)
    event_time = pc.strftime(pa.array(seconds, pa.timestamp("s")), format=DATETIME_FORMAT)

    cols = {
        "row_id": pa.array(row_id),
        "customer_id": pa.array(customer_id),
        "quantity": pa.array(quantity),
        "balance_cents": pa.array(balance),
        "unit_price": pa.array(unit_price),
        "discount": pa.array(discount, mask=discount_null),
        "latitude": pa.array(latitude),
        "longitude": pa.array(longitude),
        "score": pa.array(score),
        "country": country,
        "status": status,
        "email": email,
        "comment": comment,
        "is_active": pa.array(is_active),
        "signup_date": pa.array(signup, pa.date32()),
        "event_time": event_time,
    }
    assert list(cols) == [name for name, _ in SCHEMA]
    return pa.table(cols)


def generate(rows, force=False):
    path = csv_path(rows)
    if not force and cached_meta(rows):
        return path
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    t0 = time.monotonic()
    writer = None
    with open(tmp, "wb") as sink:
        for k, start in enumerate(range(0, rows, CHUNK)):
            table = chunk_table(start, min(CHUNK, rows - start), k)
            if writer is None:
                writer = pacsv.CSVWriter(sink, table.schema)
            writer.write_table(table)
        if writer is None:  # rows == 0: header only
            writer = pacsv.CSVWriter(sink, chunk_table(0, 0, 0).schema)
        writer.close()
    os.replace(tmp, path)
    meta = {"version": GENERATOR_VERSION, "seed": SEED, "rows": rows,
            "bytes": os.path.getsize(path), "schema": [list(c) for c in SCHEMA]}
    with open(meta_path(rows), "w", encoding="utf-8") as f:
        json.dump(meta, f)
    print(f"   generated {path}: {rows} rows, {meta['bytes'] / 1e6:.1f} MB in "
          f"{time.monotonic() - t0:.1f} s", file=sys.stderr)
    return path


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    print(generate(int(sys.argv[1]), force="--force" in sys.argv[2:]))
