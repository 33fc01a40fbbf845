"""Report of bench/http_ceiling/run.sh: the ceiling server against dataml's validate-token.

Usage: report.py WORK CLK_TCK ACCESS_LOG(on|off) NOTE...

WORK holds runs.tsv (name, connections, round, server CPU ticks, t0, t1, wrk CPU ticks, the rest
of the machine's busy ticks, per measured run), the
wrk outputs NAME_cC_rR.wrk (measured, --latency) and NAME_cC_rR.warmup, and dataml.out/.err.
"""

import os
import re
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "auth_get"))
from report import parse  # noqa: E402  (bench/auth_get/report.py)

AIM = 0.80  # the aim: validate-token at least 80% of the ceiling's throughput


def requests_in(path):
    m = re.search(r"(\d+) requests in", open(path, encoding="utf-8").read())
    return int(m.group(1)) if m else 0


def main():
    work, clk_tck, access_log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    notes = sys.argv[4:]
    runs = {}
    counted = {"ceiling": 0, "h2o": 0, "dataml": 0}
    with open(os.path.join(work, "runs.tsv"), encoding="utf-8") as f:
        for line in f:
            name, conns, rnd, ticks, t0, t1, wrk_ticks, other_ticks = line.split("\t")
            base = os.path.join(work, f"{name}_c{conns}_r{rnd}")
            r = parse(base + ".wrk")
            span = float(t1) - float(t0)
            r["cores"] = int(ticks) / clk_tck / span
            r["wrk_cores"] = int(wrk_ticks) / clk_tck / span
            r["other_cores"] = max(0.0, int(other_ticks) / clk_tck / span)
            r["us_per_req"] = 1e6 * r["cores"] / r["rps"] if r["rps"] else 0.0
            runs.setdefault((name, int(conns)), []).append(r)
            counted[name] += r["requests"] + requests_in(base + ".warmup")

    def med(name, c, key):
        return statistics.median(r[key] for r in runs[(name, c)])

    conns = sorted({c for _, c in runs})
    rounds = max(len(v) for v in runs.values())
    print()
    head = (f"{'conns':>5}  {'server':<16}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'CPU':>6}{'us/req':>8}"
            f"{'wrk':>5}{'other':>6}{'errors':>8}   {'x/ceiling':>14}{'p50 x/c':>9}{'p99 x/c':>9}")
    print(head)
    print("-" * len(head))
    verdicts = []
    for c in conns:
        # h2o (run.sh --h2o) is the other library's bare server, compared with the Beast ceiling.
        for name in ("ceiling", "h2o", "dataml"):
            if (name, c) not in runs:
                continue
            rs = runs[(name, c)]
            errors = sum(r["non2xx"] + r["sock_err"] for r in rs)
            label = {"ceiling": "ceiling", "h2o": "h2o bare", "dataml": "dataml validate"}[name]
            line = (f"{c if name == 'ceiling' else '':>5}  {label:<16}"
                    f"{med(name, c, 'rps'):>9.0f}{med(name, c, 'p50'):>9.3f}{med(name, c, 'p99'):>9.3f}"
                    f"{med(name, c, 'cores'):>6.2f}{med(name, c, 'us_per_req'):>8.1f}{med(name, c, 'wrk_cores'):>5.2f}"
                    f"{med(name, c, 'other_cores'):>6.2f}{errors:>8}")
            if name != "ceiling" and ("ceiling", c) in runs:
                share = med(name, c, "rps") / med("ceiling", c, "rps")
                if name == "dataml":
                    verdicts.append((c, share))
                line += (f"   {100 * share:>13.1f}%{med(name, c, 'p50') / med('ceiling', c, 'p50'):>8.2f}x"
                         f"{med(name, c, 'p99') / med('ceiling', c, 'p99'):>8.2f}x")
            if rounds > 1:
                line += ("   rounds: " + "/".join(f"{r['rps']:.0f}" for r in rs) + " req/s, p99 "
                         + "/".join(f"{r['p99']:.2f}" for r in rs) + " ms")
            print(line)
    print()
    for c, share in verdicts:
        print(f"aim (validate-token >= {100 * AIM:.0f}% of the ceiling) at {c} connections: "
              f"{'MET' if share >= AIM else 'NOT MET'} ({100 * share:.1f}%)")

    # dataml's own view: access-log lines against the answers wrk counted, warnings and errors.
    text = open(os.path.join(work, "dataml.out"), encoding="utf-8", errors="replace").read()
    err = open(os.path.join(work, "dataml.err"), encoding="utf-8", errors="replace").read()
    lines = text.count('"GET /api/v1/validate-token" 200')
    if access_log == "on":
        # wrk counts the answers it read; a run's last requests in flight are answered (and
        # logged) but not counted, so up to about one per connection and run more is normal.
        slack = sum(c * len(v) * 2 for (n, c), v in runs.items() if n == "dataml")
        expected = counted["dataml"] + 1  # + run.sh's curl check
        verdict = ("none lost" if expected <= lines <= expected + slack else
                   f"{expected - lines} LOST" if lines < expected else "more than expected")
        print(f"dataml access log: {lines} validate-token lines for {expected} answers counted by "
              f"wrk and curl ({verdict})")
    other = [l for l in (text + err).splitlines()
             if ("[warning]" in l or "[warn]" in l or "[error]" in l or "[critical]" in l)
             and "[access]" not in l]
    print(f"dataml warnings/errors in its log: {len(other)}" + "".join(f"\n   {l}" for l in other[:10]))
    for n in notes:
        print(f"note: {n}")
    print("note: CPU: the server's cores during the measured run and its CPU per request; wrk: wrk's "
          "cores; other: the rest of the machine (a figure above 0.15 means another process competed)")
    loaded = [f"{n} c={c} ({statistics.median(r['other_cores'] for r in v):.2f})"
              for (n, c), v in runs.items() if statistics.median(r["other_cores"] for r in v) > 0.15]
    if loaded:
        print(f"WARNING: other processes kept cores busy during: {', '.join(loaded)}; rerun on a quiet machine")
    bad = [f"{n} c={c}" for (n, c), v in runs.items() if any(r["non2xx"] or r["sock_err"] or not r["requests"] for r in v)]
    if bad:
        print(f"WARNING: errors (non-2xx or socket errors) in: {', '.join(bad)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
