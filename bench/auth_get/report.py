"""Parse two `wrk --latency` outputs and print a comparison table.

Usage: report.py <dataml_wrk.txt> <peer_wrk.txt> <peer_label> <notes...>
"""

import re
import sys

_UNITS_MS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _to_ms(value: str, unit: str) -> float:
    return float(value) * _UNITS_MS[unit]


def parse(path: str) -> dict:
    text = open(path, encoding="utf-8").read()
    out = {}
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    if not m:
        raise SystemExit(f"{path}: no 'Requests/sec' line; wrk output was:\n{text}")
    out["rps"] = float(m.group(1))
    for pct in ("50", "99"):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
        if not m:
            raise SystemExit(f"{path}: no {pct}% latency line (was --latency passed?)")
        out[f"p{pct}"] = _to_ms(m.group(1), m.group(2))
    m = re.search(r"(\d+) requests in", text)
    out["requests"] = int(m.group(1)) if m else 0
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    out["non2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    out["sock_err"] = sum(int(g) for g in m.groups()) if m else 0
    return out


def main() -> int:
    dataml_path, peer_path, peer_label = sys.argv[1:4]
    notes = sys.argv[4:]
    d, p = parse(dataml_path), parse(peer_path)
    rows = [("dataml (C++)", d), (peer_label, p)]
    w = max(len(r[0]) for r in rows) + 2
    print()
    print(f"{'server':<{w}}{'req/s':>12}{'p50 ms':>10}{'p99 ms':>10}{'requests':>11}{'non-2xx':>9}{'sock err':>10}")
    print("-" * (w + 62))
    for name, r in rows:
        print(f"{name:<{w}}{r['rps']:>12.0f}{r['p50']:>10.3f}{r['p99']:>10.3f}"
              f"{r['requests']:>11}{r['non2xx']:>9}{r['sock_err']:>10}")
    print()
    print(f"ratio dataml/peer  throughput: {d['rps'] / p['rps']:.2f}x   (higher = dataml better)")
    print(f"ratio dataml/peer  p50 latency: {d['p50'] / p['p50']:.2f}x   (lower = dataml better)")
    print(f"ratio dataml/peer  p99 latency: {d['p99'] / p['p99']:.2f}x   (lower = dataml better)")
    for n in notes:
        print(f"note: {n}")
    bad = [name for name, r in rows if r["non2xx"] or r["requests"] == 0]
    if bad:
        print(f"WARNING: non-2xx responses from {', '.join(bad)}: figures are not comparable")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
