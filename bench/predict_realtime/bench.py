"""Real-time prediction benchmark driver: dataml's POST /api/v1/inference/ against a FastAPI +
uvicorn + XGBoost 1.7.4 peer serving the same model file, both driven by wrk with keep-alive
connections, in the same run. See README.md.

Usage: bench.py --bin build/dataml --peer-python bench/out/.venv-predict-peer/bin/python
                [--connections 1,2,4,8,16,32,64] [--main-connections 64] [--workers 1,2]
                [--duration 10] [--warmup 3] [--repeat 1] [--bodies 64] [--io-threads N]
                [--threads N] [--access-log on|off] [--peer-nthread 1] [--quiet S]
                [--no-reference] [--peer-only] [--keep]
(run.sh installs the prerequisites and passes these on; see its --help.)

1. A fresh `dataml serve` (bench/train/common.py's Server); the churn-like dataset of
   bench/train/datasets.py (100,000 rows: 7 features incl. a 3-value string and a boolean) is
   uploaded and an XGBoost model trained through the API (100 rounds, depth 6).
2. Request bodies: --bodies rows of that dataset (seeded; some with missing charges, sent as
   null), each {"train_id", "preprocess_id", "features": {...}, "target": "churned"}.
3. The peer (peer_app.py) starts under uvicorn with the model.json and preprocess.json dataml
   wrote; for each worker count asked for, one peer.
4. Before any timing: a dozen bodies go to dataml and to every peer; the predicted class and
   every other field of the answer must be the same and every class probability equal to 1e-6.
5. For each connection count, each server in turn (dataml, then each peer): a warm-up wrk run
   (discarded), then the measured one (wrk --latency with predict.lua). While one server is
   measured, the others are frozen (SIGSTOP), so that they cost nothing. Around each dataml
   measurement the newest id of the predictions log is read (the list endpoint waits for queued
   records to be written): the records written must cover every answer wrk counted.
6. Reference: dataml's GET /api/v1/validate-token (HTTP + token + user lookup, no prediction)
   at the peer's saturation load and at --main-connections.
7. The report: one table row per server and connection count, with ratios dataml/peer; the peer's saturation
   load (the fewest connections at which its throughput is within 5% of the best it reached);
   the headline figures at --main-connections and at that saturation load. With --repeat N the
   whole sweep runs N times and each figure is the median of the rounds.
"""

import argparse
import http.client
import json
import math
import os
import platform
import random
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "train"))
sys.path.insert(0, os.path.join(HERE, "..", "auth_get"))

import common  # noqa: E402
import datasets  # noqa: E402
from common import Failure, Server  # noqa: E402
from report import parse as parse_wrk  # noqa: E402  (bench/auth_get/report.py)

ENDPOINT = "/api/v1/inference/"
SATURATION_SHARE = 0.95  # "stops growing": within 5% of the best throughput of the sweep
TOLERANCE = 1e-6


# ---- dataml --------------------------------------------------------------------------------------

def start_dataml(binary, work, attempts=10):
    """A Server on `work` (a data dir that already exists is reused: same DB, same models). The
    binary is rebuilt by others from time to time: when it is missing or does not start, wait a
    minute and try again."""
    for attempt in range(1, attempts + 1):
        try:
            if not os.access(binary, os.X_OK):
                raise Failure(f"{binary} is missing")
            return Server(binary, work)
        except Failure as e:
            if attempt == attempts:
                raise
            print(f"   dataml did not start ({str(e)[:300]}); retrying in 60 s "
                  f"({attempt}/{attempts})", flush=True)
            time.sleep(60)
    raise AssertionError("unreachable")


def train_model(server):
    csv, meta = datasets.churn()
    dataset_id = server.upload_csv(csv, "predict_bench_churn")
    info = server.dataset(dataset_id)
    schema = {c["column_name"]: c["data_type"] for c in info["dataset_schema"]}
    if schema != meta["expected_types"]:
        raise Failure(f"dataml inferred {schema}, expected {meta['expected_types']}")
    summary, wall, _, _ = server.train(dataset_id, "predict_bench_churn", "XGBoost", meta["columns"],
                                       dict(common.HYPERPARAMETERS))
    return csv, meta, summary, wall


def make_bodies(csv, meta, train_id, preprocess_id, count, seed=5):
    """`count` request bodies from rows of the CSV: a seeded sample, an eighth of it rows with a
    missing value (sent as JSON null). Values have their column's JSON type (integers, floats,
    booleans, strings)."""
    import pandas as pd
    df = pd.read_csv(csv)
    roles = {c["column_name"] for c in meta["columns"]}
    features = [c for c in df.columns if c not in roles]
    types = meta["expected_types"]
    rng = random.Random(seed)
    has_missing = df[features].isna().any(axis=1).to_numpy()
    with_missing = [i for i in range(len(df)) if has_missing[i]]
    complete = [i for i in range(len(df)) if not has_missing[i]]
    n_missing = min(len(with_missing), max(1, count // 8))
    picked = rng.sample(with_missing, n_missing) + rng.sample(complete, count - n_missing)
    rng.shuffle(picked)
    bodies = []
    for i in picked:
        row = df.iloc[i]
        values = {}
        for c in features:
            v = row[c]
            if pd.isna(v):
                values[c] = None
            elif types[c] == "Integer":
                values[c] = int(v)
            elif types[c] == "Float":
                values[c] = float(v)
            elif types[c] == "Boolean":
                values[c] = bool(v) if not isinstance(v, str) else v.lower() == "true"
            else:
                values[c] = str(v)
        bodies.append({"train_id": train_id, "preprocess_id": preprocess_id, "features": values,
                       "target": meta["target"]})
    return bodies


def post(port, body, token=None, timeout=30):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    conn.request("POST", ENDPOINT, body=json.dumps(body), headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, data


def newest_prediction_id(server, train_id):
    """The newest id in `train_id`'s predictions log (0 when empty); ids only grow, pruning keeps
    the newest. The list endpoint waits for the queued records to be written first."""
    body = server.get("/api/v1/inference/predictions", {"train_id": train_id, "skip": 0, "limit": 1})
    return int(body["data"][0]["prediction_id"]) if body["data"] else 0


def server_log_summary(server):
    """What dataml's own log says once it has stopped: predictions-log drops (it warns at the
    first one and every 10,000), other warnings and errors, and its access-log lines for the
    prediction endpoint."""
    with open(server.out_path, encoding="utf-8", errors="replace") as f:
        out = f.read()
    with open(server.err_path, encoding="utf-8", errors="replace") as f:
        err = f.read()
    lines = (out + "\n" + err).splitlines()
    drops = [l for l in lines if "predictions log full" in l]
    other = [l for l in lines if any(t in l for t in ("[warning]", "[error]", "[critical]"))
             and "[access]" not in l and "predictions log full" not in l]
    return {"drop_warnings": drops, "other_warnings": other,
            "access_lines": out.count(f'"POST {ENDPOINT}" 200')}


# ---- the peer ------------------------------------------------------------------------------------

def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Peer:
    """peer_app.py under uvicorn (uvloop + httptools, no access log), `workers` processes, in
    its own session so the whole group can be frozen and stopped."""

    def __init__(self, python, workers, env, work):
        self.workers = workers
        self.label = f"FastAPI x{workers}"
        self.port = free_port()
        self.out_path = os.path.join(work, f"peer{workers}.out")
        uvicorn = os.path.join(os.path.dirname(python), "uvicorn")
        with open(self.out_path, "wb") as out:
            self.proc = subprocess.Popen(
                [uvicorn, "peer_app:app", "--app-dir", HERE, "--host", "127.0.0.1",
                 "--port", str(self.port), "--workers", str(workers), "--loop", "uvloop",
                 "--http", "httptools", "--no-access-log", "--log-level", "warning"],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                start_new_session=True)
        self.pgid = self.proc.pid
        try:
            self._wait_ready(workers)
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self, workers):
        """Until every worker has answered /health (the kernel hands each new connection to one
        of them), or at least one has and 10 s have passed; at most 60 s."""
        start = time.monotonic()
        pids = set()
        while time.monotonic() - start < 60:
            if self.proc.poll() is not None:
                raise Failure(f"uvicorn exited early: {self.logs()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/health")
                pids.add(json.loads(conn.getresponse().read())["pid"])
                conn.close()
                if len(pids) >= workers or time.monotonic() - start > 10:
                    time.sleep(0.5)
                    return
            except (OSError, ValueError):
                pass
            time.sleep(0.05)
        raise Failure(f"the peer did not answer within 60 s: {self.logs()}")

    def logs(self):
        with open(self.out_path, encoding="utf-8", errors="replace") as f:
            return f.read()[-3000:]

    def signal(self, sig):
        try:
            os.killpg(self.pgid, sig)
        except ProcessLookupError:
            pass

    def cpu_seconds(self):
        total = 0.0
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/stat", encoding="ascii") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == self.pgid:  # field 5 of stat: the process group
                total += sum(int(x) for x in fields[11:13])
        return total / os.sysconf("SC_CLK_TCK")

    def stop(self):
        if self.proc.poll() is not None:
            return
        self.signal(signal.SIGCONT)
        self.signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            self.proc.wait()


# ---- checks --------------------------------------------------------------------------------------

def normalise(body):
    """(prediction as text, {class: probability}) of an answer."""
    pred = body.get("prediction")
    if isinstance(pred, bool):
        pred = "true" if pred else "false"
    probs = body.get("probabilities") or {}
    if isinstance(probs, list):  # [{"class":..,"probability":..}] or plain list, just in case
        probs = {str(p.get("class", i)) if isinstance(p, dict) else str(i):
                 (p.get("probability") if isinstance(p, dict) else p) for i, p in enumerate(probs)}
    return str(pred), {str(k): float(v) for k, v in probs.items()}


def check_same(server, peers, bodies, count=12):
    print(f"== same answers: {count} bodies to dataml and to each peer "
          f"(class and every other field must match, probabilities to {TOLERANCE:g}); features "
          f"in the order {', '.join(bodies[0]['features'])}")
    worst = 0.0
    ok = True
    first = None
    for body in bodies[:count]:
        st, data = post(server.port, body, server.token)
        if st != 200:
            raise Failure(f"dataml answered {st}: {data[:400]!r} to {json.dumps(body)}")
        ours = json.loads(data)
        first = first or data
        o_pred, o_probs = normalise(ours)
        for peer in peers:
            st, pdata = post(peer.port, body)
            if st != 200:
                raise Failure(f"{peer.label} answered {st}: {pdata[:400]!r}")
            theirs = json.loads(pdata)
            p_pred, p_probs = normalise(theirs)
            diff = max((abs(o_probs.get(k, math.inf) - v) for k, v in p_probs.items()),
                       default=math.inf)
            if set(o_probs) != set(p_probs):
                diff = math.inf
            worst = max(worst, diff)
            # Every other field of the answer must be equal too (same keys, same values).
            rest_o = {k: v for k, v in ours.items() if k != "probabilities"}
            rest_p = {k: v for k, v in theirs.items() if k != "probabilities"}
            if rest_o != rest_p:
                print(f"   DIFF fields: dataml {json.dumps(rest_o)} {peer.label} {json.dumps(rest_p)}")
            same = o_pred == p_pred and diff <= TOLERANCE and rest_o == rest_p
            ok &= same
            if peer is peers[0] or not same:
                feats = ",".join("null" if v is None else str(v).lower() if isinstance(v, bool)
                                 else str(v) for v in body["features"].values())
                fmt = lambda probs: " ".join(f"{k}={v:.9f}" for k, v in probs.items())  # noqa: E731
                print(f"   {'ok  ' if same else 'DIFF'} [{feats}] dataml {o_pred} {fmt(o_probs)} | "
                      f"{peer.label} {p_pred} {fmt(p_probs)} | max |diff| {diff:.1e}")
    print(f"   largest probability difference: {worst:.2e} "
          f"({'within' if worst <= TOLERANCE else 'ABOVE'} {TOLERANCE:g})")
    print(f"   dataml's answer, e.g.: {first.decode(errors='replace')[:400]}")
    return ok, worst, json.loads(first)


# ---- load --------------------------------------------------------------------------------------

def run_wrk(url, conns, seconds, bodies_path, token, out_path=None, wrk_threads=2, post=True):
    """wrk against `url`: POSTs of the bodies in turn (predict.lua), or plain GETs with the
    bearer token (post=False)."""
    threads = max(1, min(wrk_threads, conns))
    cmd = ["wrk", f"-t{threads}", f"-c{conns}", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    cmd += ["-s", os.path.join(HERE, "predict.lua")] if post else ["-H", f"Authorization: Bearer {token}"]
    cmd.append(url)
    env = dict(os.environ, BODIES=bodies_path, TOKEN=token or "")
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise Failure(f"wrk exit {r.returncode}: {r.stderr[-800:]}")
    if out_path:
        with open(out_path, "w", encoding="utf-8") as f:
            f.write(" ".join(c if not c.startswith("Authorization") else "Authorization: Bearer ..."
                             for c in cmd) + "\n" + r.stdout)
    return r.stdout


def tcp_counters():
    """System-wide TCP counters: connections opened (ActiveOpens, /proc/net/snmp) and SYNs or
    handshakes dropped because a listen queue was full (ListenOverflows, /proc/net/netstat)."""
    out = {}
    for path, prefix, keys in (("/proc/net/snmp", "Tcp:", ("ActiveOpens",)),
                               ("/proc/net/netstat", "TcpExt:", ("ListenOverflows",))):
        with open(path, encoding="ascii") as f:
            rows = [line.split() for line in f if line.startswith(prefix)]
        names, values = rows[0], rows[1]
        for k in keys:
            out[k] = int(values[names.index(k)])
    return out


def wait_quiet(max_wait, threshold=0.2):
    """Waits (up to `max_wait` s) until the rest of the machine keeps less than `threshold` cores
    busy over a second; returns the seconds waited and the last load seen."""
    t0 = time.monotonic()
    while True:
        b0 = common.busy_seconds()
        time.sleep(1.0)
        load = common.busy_seconds() - b0
        waited = time.monotonic() - t0
        if load < threshold or waited >= max_wait:
            return waited, load
        time.sleep(4.0)


def measure(target, all_targets, conns, a, bodies_path, work, path=ENDPOINT, post=True, tag=""):
    """Warm-up, then the measured wrk run against `target`, the other servers frozen."""
    name, port, token, cpu_fn = target["name"], target["port"], target["token"], target["cpu"]
    others = [t for t in all_targets if t is not target]
    log_id = target.get("log_id") if post else None
    waited = 0.0
    if a.quiet > 0:
        waited, load = wait_quiet(a.quiet)
        if waited > 1.5:
            print(f"      (waited {waited:.0f} s for a quieter machine; {load:.2f} cores busy elsewhere)",
                  flush=True)
    id0 = log_id() if log_id else None
    for t in others:
        t["freeze"](signal.SIGSTOP)
    warm = None
    try:
        url = f"http://127.0.0.1:{port}{path}"
        if a.warmup > 0:
            warm = run_wrk(url, conns, a.warmup, bodies_path, token, post=post)
        out_path = os.path.join(work, f"{name.replace(' ', '_')}{tag}_c{conns}.wrk")
        busy0, cpu0, tcp0 = common.busy_seconds(), cpu_fn(), tcp_counters()
        ch0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.monotonic()
        text = run_wrk(url, conns, a.duration, bodies_path, token, out_path, post=post)
        span = time.monotonic() - t0
        ch1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        busy1, cpu1, tcp1 = common.busy_seconds(), cpu_fn(), tcp_counters()
    finally:
        for t in others:
            t["freeze"](signal.SIGCONT)
    r = parse_wrk(out_path)
    if log_id:
        # Answers wrk read (warm-up + measured; a run's last requests in flight are answered but
        # not counted) against the records the predictions log wrote meanwhile.
        warm_n = re.search(r"(\d+) requests in", warm or "")
        warm_non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", warm or "")
        r["log_answered"] = r["requests"] - r["non2xx"] + (int(warm_n.group(1)) if warm_n else 0) \
            - (int(warm_non2xx.group(1)) if warm_non2xx else 0)
        r["log_written"] = log_id() - id0
        r["log_inflight"] = 2 * conns
    wrk_cpu = (ch1.ru_utime - ch0.ru_utime) + (ch1.ru_stime - ch0.ru_stime)
    r["server_cores"] = (cpu1 - cpu0) / span
    r["wrk_cores"] = wrk_cpu / span
    r["other_cores"] = max(0.0, (busy1 - busy0 - (cpu1 - cpu0) - wrk_cpu) / span)
    r["connects"] = tcp1["ActiveOpens"] - tcp0["ActiveOpens"]
    r["listen_overflows"] = tcp1["ListenOverflows"] - tcp0["ListenOverflows"]
    r["raw"] = text
    return r


def combine(rs):
    """The rounds of one measurement: the median of each figure, errors summed, all rounds'
    req/s and p99 kept."""
    out = {k: statistics.median(r[k] for r in rs)
           for k in ("rps", "p50", "p99", "server_cores", "wrk_cores", "other_cores", "connects",
                     "listen_overflows")}
    out["non2xx"] = sum(r["non2xx"] for r in rs)
    out["sock_err"] = sum(r["sock_err"] for r in rs)
    out["requests"] = sum(r["requests"] for r in rs)
    for k in ("log_answered", "log_written", "log_inflight"):
        if all(k in r for r in rs):
            out[k] = sum(r[k] for r in rs)
    out["rounds_rps"] = [r["rps"] for r in rs]
    out["rounds_p99"] = [r["p99"] for r in rs]
    return out


def saturation(sweep):
    """The fewest connections at which the throughput is within 5% of the best of the sweep."""
    best = max(r["rps"] for r in sweep.values())
    for c in sorted(sweep):
        if sweep[c]["rps"] >= SATURATION_SHARE * best:
            return c
    return max(sweep)


# ---- report ------------------------------------------------------------------------------------

def measured(conns_list, names, results):
    """(connections, server, its figures, dataml's figures at that count) for each measurement."""
    for c in conns_list:
        d = results.get("dataml", {}).get(c)
        for name in names:
            r = results[name].get(c)
            if r is not None:
                yield c, name, r, d


def table(conns_list, names, results):
    head = (f"{'conns':>5}  {'server':<13}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>10}{'non-2xx':>8}"
            f"{'sock err':>9}{'server CPU':>11}{'wrk CPU':>8}{'other':>6}{'connects':>9}{'lst ovf':>8}"
            f"   {'req/s o/p':>9}{'p50 o/p':>8}{'p99 o/p':>9}")
    lines = [head, "-" * len(head)]
    for c, name, r, d in measured(conns_list, names, results):
        ratio = ""
        if name != "dataml" and d is not None:
            ratio = (f"{d['rps'] / r['rps']:>8.2f}x{d['p50'] / r['p50']:>7.2f}x"
                     f"{d['p99'] / r['p99']:>8.2f}x")
        lines.append(f"{c if name == names[0] else '':>5}  {name:<13}{r['rps']:>9.0f}{r['p50']:>9.3f}"
                     f"{r['p99']:>10.3f}{r['non2xx']:>8}{r['sock_err']:>9}{r['server_cores']:>11.2f}"
                     f"{r['wrk_cores']:>8.2f}{r['other_cores']:>6.2f}{r['connects']:>9.0f}"
                     f"{r['listen_overflows']:>8.0f}   {ratio}"
                     + (f"   rounds: {'/'.join(f'{x:.0f}' for x in r['rounds_rps'])} req/s, p99 "
                        f"{'/'.join(f'{x:.2f}' for x in r['rounds_p99'])} ms"
                        if len(r.get("rounds_rps", [])) > 1 else ""))
    return "\n".join(lines)


def markdown(conns_list, names, results):
    lines = ["| connections | server | req/s | p50 ms | p99 ms | server CPU (cores) | wrk CPU | "
             "connects | listen overflows | req/s ours/peer | p50 ours/peer | p99 ours/peer |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for c, name, r, d in measured(conns_list, names, results):
        ratio = " | | "
        if name != "dataml" and d is not None:
            ratio = (f"{d['rps'] / r['rps']:.2f}x | {d['p50'] / r['p50']:.2f}x | "
                     f"{d['p99'] / r['p99']:.2f}x")
        spread = (f" ({min(r['rounds_rps']):.0f}-{max(r['rounds_rps']):.0f})"
                  if len(r.get("rounds_rps", [])) > 1 else "")
        lines.append(f"| {c} | {name} | {r['rps']:.0f}{spread} | {r['p50']:.3f} | {r['p99']:.3f} | "
                     f"{r['server_cores']:.2f} | {r['wrk_cores']:.2f} | {r['connects']:.0f} | "
                     f"{r['listen_overflows']:.0f} | {ratio} |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--peer-python", required=True)
    ap.add_argument("--connections", default="1,2,4,8,16,32,64")
    ap.add_argument("--main-connections", type=int, default=64)
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--bodies", type=int, default=64)
    ap.add_argument("--repeat", type=int, default=1,
                    help="rounds of the whole sweep; each figure is the median of the rounds")
    ap.add_argument("--io-threads", type=int, default=0,
                    help="dataml --io-threads: event loops owning the connections, running "
                         "predictions inline (0: its default, one per core)")
    ap.add_argument("--threads", type=int, default=0,
                    help="dataml --threads: the pool for blocking handlers (0: its default, 16)")
    ap.add_argument("--access-log", choices=("on", "off"), default=None,
                    help="dataml's access log (default: DATAML_ACCESS_LOG, else dataml's default, on)")
    ap.add_argument("--peer-nthread", type=int, default=1)
    ap.add_argument("--quiet", type=float, default=0,
                    help="before each measurement wait up to this many seconds for the rest of "
                         "the machine to be idle (< 0.2 cores busy)")
    ap.add_argument("--no-reference", action="store_true",
                    help="skip dataml's GET /api/v1/validate-token reference runs")
    ap.add_argument("--peer-only", action="store_true", help="measure the peers without dataml")
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    conns_list = sorted({int(x) for x in a.connections.split(",") if x.strip()})
    if a.main_connections not in conns_list:
        conns_list = sorted(set(conns_list) | {a.main_connections})
    workers_list = [int(x) for x in a.workers.split(",") if x.strip()]
    if a.threads:
        os.environ["DATAML_THREADS"] = str(a.threads)
    if a.io_threads:
        os.environ["DATAML_IO_THREADS"] = str(a.io_threads)
    if a.access_log:
        os.environ["DATAML_ACCESS_LOG"] = "1" if a.access_log == "on" else "0"
    access_log = os.environ.get("DATAML_ACCESS_LOG", "") not in ("0", "off")
    os.environ["OMP_WAIT_POLICY"] = "PASSIVE"

    work = tempfile.mkdtemp(prefix="dataml-bench-predict.")
    started = time.monotonic()
    server, peers = None, []
    log_summary = None
    rc = 0
    try:
        print(f"== starting dataml ({a.bin}); dataset and training through the API")
        server = start_dataml(a.bin, os.path.join(work, "server"))
        csv, meta, summary, wall = train_model(server)
        train_id, preprocess_id = summary["train_id"], summary["preprocess_id"]
        model_path = server.model_path(train_id)
        pre_path = os.path.join(server.data_dir, "tenants", server.tenant_id, "preprocesses",
                                str(preprocess_id), "preprocess.json")
        pre = server.preprocess_json(preprocess_id)
        print(f"   trained {summary['model_summary']['model']} train_id {train_id} (preprocess "
              f"{preprocess_id}) in {wall:.1f} s: {summary['num_boost_round']} rounds, depth "
              f"{summary['xgboost_parameters'].get('max_depth')}, objective "
              f"{summary['xgboost_parameters'].get('objective')}, accuracy "
              f"{summary['model_summary']['accuracy']:.4f}")
        print(f"   inputs: {', '.join(i['column_name'] + ' ' + i['data_type'] for i in pre['inputs'])}"
              f" -> {len(pre['feature_names'])} features")
        print(f"   model: {model_path}")
        bodies = make_bodies(csv, meta, train_id, preprocess_id, a.bodies)
        bodies_path = os.path.join(work, "bodies.jsonl")
        with open(bodies_path, "w", encoding="utf-8") as f:
            for b in bodies:
                f.write(json.dumps(b, separators=(",", ":")) + "\n")
        sizes = [len(json.dumps(b, separators=(",", ":"))) for b in bodies]
        print(f"   {len(bodies)} request bodies ({min(sizes)}-{max(sizes)} bytes), "
              f"{sum(any(v is None for v in b['features'].values()) for b in bodies)} with a null; e.g.\n"
              f"   {json.dumps(bodies[0], separators=(',', ':'))}")

        if not a.peer_only:
            print("== dataml's endpoint")
            status, data = post(server.port, bodies[0], server.token)
            if status != 200:
                print(f"   dataml answers {status}: {data[:300]!r}")
                raise Failure(f"dataml's {ENDPOINT} answered {status}")
            print(f"   dataml answers 200: {data[:300].decode(errors='replace')}")

        id_column = next((c["column_name"] for c in meta["columns"]
                          if c["attribute_name"] == "Id"), "")
        peer_env = dict(common.peer_env(), PEER_MODEL=model_path, PEER_PREPROCESS=pre_path,
                        PEER_TRAIN_ID=str(train_id), PEER_PREPROCESS_ID=str(preprocess_id),
                        PEER_NTHREAD=str(a.peer_nthread), PEER_ID_COLUMN=id_column,
                        PEER_PREDICTOR_NAME=summary["predictor_name"])
        for w in workers_list:
            print(f"== starting the peer: uvicorn, {w} worker process(es), uvloop + httptools, "
                  f"XGBoost nthread={a.peer_nthread}")
            peers.append(Peer(a.peer_python, w, peer_env, work))
        peer_version = subprocess.run(
            [a.peer_python, "-c", "import sys, xgboost, numpy, fastapi, uvicorn, pydantic; "
             "print(xgboost.__version__, numpy.__version__, fastapi.__version__, "
             "uvicorn.__version__, pydantic.__version__, sys.version.split()[0])"],
            capture_output=True, text=True, env=common.peer_env()).stdout.split()

        same, worst, sample = (True, 0.0, None)
        if not a.peer_only:
            same, worst, sample = check_same(server, peers, bodies)
            if not same:
                rc = 1
                print("   WARNING: the answers differ; the timings below compare different work")
        else:
            for p in peers:
                for body in bodies:
                    st, data = post(p.port, body)
                    if st != 200:
                        raise Failure(f"{p.label} answered {st}: {data[:300]!r}")
            print(f"   every peer answers 200 to every body, e.g. {data[:200].decode()}")

        targets = []
        if not a.peer_only:
            srv = server
            targets.append({"name": "dataml", "port": srv.port, "token": srv.token,
                            "cpu": lambda: common.tree_cpu_seconds(srv.pid),
                            "freeze": lambda sig: os.kill(srv.pid, sig),
                            "log_id": lambda: newest_prediction_id(srv, train_id)})
        for p in peers:
            targets.append({"name": p.label, "port": p.port, "token": server.token,
                            "cpu": p.cpu_seconds, "freeze": p.signal})
        names = [t["name"] for t in targets]
        runs = {n: {c: [] for c in conns_list} for n in names}
        reference = {}
        total = a.repeat * len(conns_list) * len(targets) * (a.duration + a.warmup)
        print(f"== load: wrk, {a.duration} s per measurement after a {a.warmup} s warm-up, "
              f"connections {conns_list}, {a.repeat} round(s); about {total // 60} min {total % 60} s")
        for i in range(a.repeat):
            for c in conns_list:
                line = f"   {f'{i + 1}/{a.repeat} ' if a.repeat > 1 else ''}c={c:<4}"
                for t in targets:
                    r = measure(t, targets, c, a, bodies_path, work, tag=f"_r{i + 1}")
                    runs[t["name"]][c].append(r)
                    line += f" {t['name']} {r['rps']:.0f} req/s p50 {r['p50']:.3f} p99 {r['p99']:.3f} ms;"
                    if r["non2xx"] or r["sock_err"]:
                        line += f" ({r['non2xx']} non-2xx, {r['sock_err']} socket errors)"
                print(line, flush=True)
        results = {n: {c: combine(runs[n][c]) for c in conns_list} for n in names}
        if not a.peer_only and not a.no_reference and peers:
            best = max(peers, key=lambda p: max(r["rps"] for r in results[p.label].values()))
            ref_conns = sorted({saturation(results[best.label]), a.main_connections})
            print(f"== reference: dataml's GET /api/v1/validate-token (HTTP + the same token and "
                  f"user checks, no prediction) at {ref_conns} connections")
            for c in ref_conns:
                r = measure(targets[0], targets, c, a, bodies_path, work,
                            path="/api/v1/validate-token", post=False, tag="_validate_token")
                reference[c] = r
                print(f"   c={c:<4} dataml validate-token {r['rps']:.0f} req/s p50 {r['p50']:.3f} "
                      f"p99 {r['p99']:.3f} ms; server CPU {r['server_cores']:.2f} cores", flush=True)
    finally:
        for p in peers:
            p.stop()
        if server:
            try:
                os.kill(server.pid, signal.SIGCONT)
            except ProcessLookupError:
                pass
            server.stop()
            try:
                log_summary = server_log_summary(server)
            except OSError as e:
                print(f"   cannot read dataml's log: {e}")
        if a.keep or rc:
            print(f"work dir kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    # ---- report ----
    print()
    print(table(conns_list, names, results))
    peer_names = [n for n in names if n != "dataml"]
    sat = {n: saturation(results[n]) for n in peer_names}
    best_peer = max(peer_names, key=lambda n: max(r["rps"] for r in results[n].values()))
    summary_out = {"peer_saturation": sat, "best_peer": best_peer}
    print()
    for n in peer_names:
        best = max(r["rps"] for r in results[n].values())
        print(f"{n}: best {best:.0f} req/s; saturation load (fewest connections within 5% of that): "
              f"{sat[n]} connections")
    print(f"the better peer (highest throughput): {best_peer}")
    if "dataml" in results:
        d, p = results["dataml"], results[best_peer]
        m, s = a.main_connections, sat[best_peer]
        head = {
            "main": {"connections": m, "rps_ratio": d[m]["rps"] / p[m]["rps"],
                     "p50_ratio": d[m]["p50"] / p[m]["p50"], "p99_ratio": d[m]["p99"] / p[m]["p99"],
                     "dataml": {k: d[m][k] for k in ("rps", "p50", "p99")},
                     "peer": {k: p[m][k] for k in ("rps", "p50", "p99")}},
            "saturation": {"connections": s, "rps_ratio": d[s]["rps"] / p[s]["rps"],
                           "dataml_p99": d[s]["p99"], "peer_p99": p[s]["p99"],
                           "dataml_rps": d[s]["rps"], "peer_rps": p[s]["rps"]},
            "best_rps_ratio": max(r["rps"] for r in d.values()) / max(r["rps"] for r in p.values()),
        }
        summary_out.update(head)
        print()
        print(f"at {m} connections (both): throughput ours/peer {head['main']['rps_ratio']:.2f}x, "
              f"p50 {head['main']['p50_ratio']:.2f}x, p99 {head['main']['p99_ratio']:.2f}x "
              f"(dataml {d[m]['rps']:.0f} req/s, p50 {d[m]['p50']:.3f} ms, p99 {d[m]['p99']:.3f} ms; "
              f"{best_peer} {p[m]['rps']:.0f} req/s, p50 {p[m]['p50']:.3f} ms, p99 {p[m]['p99']:.3f} ms)")
        hs = head["saturation"]
        print(f"at the peer's saturation load, {s} connections: throughput ours/peer "
              f"{hs['rps_ratio']:.2f}x ({hs['dataml_rps']:.0f} vs {hs['peer_rps']:.0f} req/s); "
              f"dataml p99 {hs['dataml_p99']:.3f} ms (peer {hs['peer_p99']:.3f} ms)")
        print(f"best throughput of each over the sweep: ours/peer {head['best_rps_ratio']:.2f}x")
        for c, r in sorted(reference.items()):
            pred = d[c]
            print(f"reference at {c} connections: dataml's GET /api/v1/validate-token (no prediction) "
                  f"{r['rps']:.0f} req/s, p50 {r['p50']:.3f} ms, p99 {r['p99']:.3f} ms, server CPU "
                  f"{r['server_cores']:.2f} cores = {1e6 * r['server_cores'] / r['rps']:.0f} us/request; "
                  f"the prediction endpoint: {1e6 * pred['server_cores'] / pred['rps']:.0f} us/request")
        summary_out["reference_validate_token"] = {str(c): {k: r[k] for k in ("rps", "p50", "p99", "server_cores")}
                                                   for c, r in reference.items()}
        answered = sum(r.get("log_answered", 0) for r in d.values())
        written = sum(r.get("log_written", 0) for r in d.values())
        inflight = sum(r.get("log_inflight", 0) for r in d.values())
        lost = max(0, answered - written)
        print(f"predictions log: {written} records written during the dataml runs for {answered} "
              f"answers wrk counted (+ up to {inflight} in flight at the runs' ends): "
              f"{'none missing' if not lost else f'{lost} MISSING'}")
        summary_out["predictions_log"] = {"written": written, "answered": answered,
                                          "missing": lost}
        if log_summary is not None:
            drops = log_summary["drop_warnings"]
            print(f"dataml's log: {len(drops)} 'predictions log full' warning(s)"
                  + (f", the last: {drops[-1]}" if drops else "")
                  + f"; {len(log_summary['other_warnings'])} other warning(s)/error(s)"
                  + "".join(f"\n   {l}" for l in log_summary["other_warnings"][:10]))
            if access_log:
                print(f"dataml's access log: {log_summary['access_lines']} lines for its prediction "
                      f"answers (wrk counted {answered} during the runs, plus the checks' and "
                      f"in-flight ones)")
            summary_out["server_log"] = {"drop_warnings": len(drops),
                                         "other_warnings": log_summary["other_warnings"][:20],
                                         "access_lines": log_summary["access_lines"]}
            if drops or lost:
                rc = 1
        goal_rps = hs["rps_ratio"] >= 10
        goal_p99 = hs["dataml_p99"] < 1.0
        print(f"goal (issue): >= 10x the peer's throughput and p99 < 1 ms at the peer's saturation "
              f"load: throughput {'MET' if goal_rps else 'NOT MET'} ({hs['rps_ratio']:.2f}x), "
              f"p99 {'MET' if goal_p99 else 'NOT MET'} ({hs['dataml_p99']:.3f} ms)")
    bad = [f"{n} c={c}" for n in names for c, r in results[n].items() if r["non2xx"] or r["sock_err"]]
    if bad:
        print(f"WARNING: errors (non-2xx or socket errors) in: {', '.join(bad)}")
        rc = 1
    loaded = [f"{n} c={c} ({r['other_cores']:.2f})" for n in names for c, r in results[n].items()
              if r["other_cores"] > 0.15]
    if loaded:
        print(f"WARNING: other processes kept cores busy during: {', '.join(loaded)}; rerun on a "
              f"quiet machine")
    notes = [
        f"machine: {os.cpu_count()} cores ({common.cpu_model()}), {platform.platform()}; the load "
        f"generator (wrk) and the server under test share them. Run at "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {time.monotonic() - started:.0f} s",
        f"wrk: -t2 (-t1 for 1 connection) -c N -d{a.duration}s --latency, after a {a.warmup}s "
        f"warm-up, {len(bodies)} different bodies in turn (predict.lua), keep-alive; one server "
        f"at a time, the others frozen (SIGSTOP)",
        f"dataml: {a.bin} serve --io-threads {a.io_threads or f'default ({os.cpu_count()})'} "
        f"--threads {a.threads or 'default (16)'}, access log {'on' if access_log else 'off'}; "
        f"predictions inline on the I/O threads, bearer token checked on every request, every "
        f"prediction queued for the predictions log; OMP_WAIT_POLICY=PASSIVE",
        f"peer: FastAPI {peer_version[2] if len(peer_version) > 2 else '?'} + uvicorn "
        f"{peer_version[3] if len(peer_version) > 3 else '?'} (uvloop, httptools, no access log), "
        f"xgboost {peer_version[0] if peer_version else '?'}, numpy "
        f"{peer_version[1] if len(peer_version) > 1 else '?'}, python "
        f"{peer_version[5] if len(peer_version) > 5 else '?'}; inplace_predict nthread="
        f"{a.peer_nthread}; OMP_WAIT_POLICY=PASSIVE; no token check",
        "CPU columns: cores used on average during the measured run (server: all its processes; "
        "wrk; other: the rest of the machine). connects: TCP connections opened during the run "
        "(wrk's, plus any other process's); lst ovf: connections the kernel dropped at a full "
        "listen queue (TcpExt ListenOverflows), both machine-wide",
        "p50/p99 are wrk 4.1's figures, which include its coordinated-omission correction: a "
        "request that took T counts as T / (mean interval between requests on a connection) "
        "samples, so a few stalls of seconds can set p99",
    ]
    print()
    for n in notes:
        print("note: " + n)
    print()
    print(markdown(conns_list, names, results))
    for n in names:
        for r in results[n].values():
            r.pop("raw", None)
    out = os.path.join(common.OUT, "predict_realtime_results.json")
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"notes": notes, "summary": summary_out, "same_answers": same,
                   "largest_probability_difference": worst, "dataml_sample_answer": sample,
                   "results": {n: {str(c): r for c, r in v.items()} for n, v in results.items()}},
                  f, indent=1)
    print(f"\nraw results: {out}")
    sys.exit(rc)


if __name__ == "__main__":
    try:
        main()
    except Failure as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(1)
