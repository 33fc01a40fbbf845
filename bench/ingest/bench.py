"""Ingest benchmark driver: CSV -> validated Parquet, dataml vs pandas vs DuckDB. See README.md.

Usage: bench.py --bin build/dataml [--rows N] [--small-rows N] [--repeat N] [--keep]
                [--no-peers] [--no-dataml]

For each size (small first, then --rows): generate or reuse the cached CSV, then run one after
the other (never two at once)
  dataml          a fresh server per run; wall time of POST /api/v1/dataset/upload streaming the
                  file as multipart (sendfile), i.e. upload + validation + Parquet written.
                  Memory: the server's VmRSS just before the upload (baseline) and its VmHWM
                  after it, the high-water mark having been reset (clear_refs 5) right before,
                  cross-checked by sampling VmRSS every 5 ms.
  peers           peer.py in its own process each: pandas (C parser), pandas (pyarrow parser),
                  DuckDB (default threads = all cores) and DuckDB with threads=1.
Every tool's output is checked: the row count of its Parquet file equals the generated count
and no value failed its type check (dataml: total_records and error_report of the response).
"""

import argparse
import http.client
import json
import os
import platform
import resource
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

from common import SCHEMA, proc_status_kib
from gen_csv import generate

HERE = os.path.dirname(os.path.abspath(__file__))
PY = sys.executable
PEERS = [  # (label, peer.py arguments)
    ("pandas read_csv (C)", ["pandas"]),
    ("pandas read_csv (pyarrow)", ["pandas-pyarrow"]),
    ("duckdb (threads=all)", ["duckdb"]),
    ("duckdb (threads=1)", ["duckdb", "--threads", "1"]),
]


class Failure(Exception):
    pass


# ---- dataml ------------------------------------------------------------------------------------

class Server:
    def __init__(self, binary, work):
        self.work = work
        self.data_dir = os.path.join(work, "data")
        os.makedirs(self.data_dir)
        self.out_path = os.path.join(work, "dataml.out")
        self.err_path = os.path.join(work, "dataml.err")
        env = dict(os.environ, DATAML_ADMIN_PASSWORD="Admin12345",
                   DATAML_JWT_SECRET=secrets.token_urlsafe(36))
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            self.proc = subprocess.Popen(
                [binary, "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", self.data_dir],
                stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env)
        self.port = None
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with open(self.out_path, encoding="utf-8", errors="replace") as f:
                for line in f:
                    if line.startswith("dataml listening on http://127.0.0.1:"):
                        self.port = int(line.split("127.0.0.1:")[1].split()[0].rstrip("/"))
            if self.port:
                break
            if self.proc.poll() is not None:
                raise Failure(f"dataml exited early (code {self.proc.returncode}): {self.logs()}")
            time.sleep(0.05)
        if not self.port:
            raise Failure("dataml did not print its port within 15 s")
        self.token = None

    def logs(self):
        text = ""
        for p in (self.out_path, self.err_path):
            with open(p, encoding="utf-8", errors="replace") as f:
                text += f.read()[-3000:]
        return text

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        h = dict(headers or {})
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        conn.request(method, path, body=body, headers=h)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        return resp.status, data

    def login_and_template(self, name):
        status, data = self.request(
            "POST", "/api/v1/login/access-token",
            urllib.parse.urlencode({"username": "admin", "password": "Admin12345"}),
            {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 200:
            raise Failure(f"login answered {status}: {data[:300]!r}")
        self.token = json.loads(data)["access_token"]
        body = {"template_name": name,
                "template_schema": [{"column_name": n, "data_type": t} for n, t in SCHEMA]}
        status, data = self.request("POST", "/api/v1/template/", json.dumps(body),
                                    {"Content-Type": "application/json"})
        if status not in (200, 201):
            raise Failure(f"POST /api/v1/template/ answered {status}: {data[:300]!r}")
        return json.loads(data)["id"]

    def upload(self, csv, dataset_name, template_id):
        """Streams `csv` as multipart field `files`; returns (status, body, t_sent, t_done)."""
        boundary = "dataml-bench-" + secrets.token_hex(12)
        pre = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; "
               f"filename=\"{os.path.basename(csv)}\"\r\nContent-Type: text/csv\r\n\r\n").encode()
        post = f"\r\n--{boundary}--\r\n".encode()
        size = os.path.getsize(csv)
        query = urllib.parse.urlencode({"dataset_name": dataset_name, "usage": "t",
                                        "template_id": template_id})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=3600)
        t0 = time.monotonic()
        conn.putrequest("POST", "/api/v1/dataset/upload?" + query, skip_accept_encoding=True)
        conn.putheader("Authorization", "Bearer " + self.token)
        conn.putheader("Content-Type", "multipart/form-data; boundary=" + boundary)
        conn.putheader("Content-Length", str(len(pre) + size + len(post)))
        conn.endheaders()
        send_error = None
        try:
            conn.send(pre)
            with open(csv, "rb") as f:
                conn.sock.sendfile(f)
            conn.send(post)
        except OSError as e:  # the server may answer (e.g. 404) and close before reading it all
            send_error = e
        t_sent = time.monotonic()
        try:
            resp = conn.getresponse()
            data = resp.read()
            status = resp.status
        except (OSError, http.client.HTTPException) as e:
            raise Failure(f"upload failed: {e} (while sending: {send_error})") from e
        t_done = time.monotonic()
        conn.close()
        return status, data, t_sent - t0, t_done - t0


class RssSampler(threading.Thread):
    def __init__(self, pid, period=0.005):
        super().__init__(daemon=True)
        self.pid, self.period = pid, period
        self.peak = 0
        self.trace = []  # (seconds, KiB) every ~50 ms
        self._halt = threading.Event()

    def run(self):
        t0 = time.monotonic()
        last = -1.0
        while not self._halt.is_set():
            v = proc_status_kib(self.pid, "VmRSS")
            if v:
                self.peak = max(self.peak, v)
                now = time.monotonic() - t0
                if now - last >= 0.05:
                    self.trace.append((round(now, 3), v))
                    last = now
            time.sleep(self.period)

    def stop(self):
        self._halt.set()
        self.join()


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def busy_seconds():
    """CPU seconds spent busy by the whole machine since boot (all cores, /proc/stat)."""
    with open("/proc/stat", encoding="ascii") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (sum(v[:8]) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")  # minus idle and iowait


def run_dataml(binary, csv, rows, work):
    server = Server(binary, work)
    try:
        template_id = server.login_and_template(f"bench_{rows}")
        # A 3-row upload first: checks that the endpoint exists and accepts the file's header.
        tiny = os.path.join(work, "preflight.csv")
        with open(csv, "rb") as src, open(tiny, "wb") as dst:
            for _ in range(4):
                dst.write(src.readline())
        status, data, _, _ = server.upload(tiny, "bench_preflight", template_id)
        if status not in (200, 201):
            raise Failure(f"POST /api/v1/dataset/upload answered {status}: {data[:300]!r}")
        pf = json.loads(data)["files"][0]
        if pf.get("total_records") != 3 or pf.get("error_report") is not None:
            raise Failure(f"preflight upload of 3 valid rows was not accepted as such: {pf}")

        pid = server.proc.pid
        time.sleep(0.3)
        rss0 = proc_status_kib(pid, "VmRSS")
        try:
            with open(f"/proc/{pid}/clear_refs", "w", encoding="ascii") as f:
                f.write("5")  # resets VmHWM to the current RSS
            hwm_reset = True
        except OSError:
            hwm_reset = False
        cpu0 = cpu_seconds(pid)
        busy0, self0 = busy_seconds(), time.process_time()
        sampler = RssSampler(pid)
        sampler.start()
        status, data, t_sent, seconds = server.upload(csv, f"bench_{rows}_{secrets.token_hex(4)}",
                                                      template_id)
        sampler.stop()
        cpu = cpu_seconds(pid) - cpu0
        other = busy_seconds() - busy0 - cpu - (time.process_time() - self0)
        hwm = proc_status_kib(pid, "VmHWM") if hwm_reset else None
        rss_after = proc_status_kib(pid, "VmRSS")
        if status not in (200, 201):
            raise Failure(f"upload answered {status}: {data[:500]!r}")
        body = json.loads(data)
        f0 = body["files"][0]
        if f0.get("total_records") != rows or f0.get("error_report") is not None:
            raise Failure(f"expected {rows} records and error_report null, got "
                          f"total_records={f0.get('total_records')} "
                          f"error_report={json.dumps(f0.get('error_report'))[:500]}")
        parquet = newest_parquet(server.data_dir)
        pq_rows = pq_bytes = pq_schema = None
        if parquet:
            import pyarrow.parquet as pq
            md = pq.read_metadata(parquet)
            pq_rows, pq_bytes = md.num_rows, os.path.getsize(parquet)
            pq_schema = [str(t) for t in md.schema.to_arrow_schema().types]
            if pq_rows != rows:
                raise Failure(f"dataml's Parquet {parquet} has {pq_rows} rows, expected {rows}")
        return {"seconds": seconds, "upload_sent_seconds": t_sent, "cpu_seconds": cpu,
                "other_cpu_seconds": other, "other_cpu_span": seconds,
                "rss_base_kib": rss0, "rss_peak_kib": max(hwm or 0, sampler.peak),
                "rss_peak_hwm_kib": hwm, "rss_peak_sampled_kib": sampler.peak,
                "rss_after_kib": rss_after, "rss_trace": sampler.trace,
                "response_file": {k: v for k, v in f0.items() if k != "error_report"},
                "parquet_rows": pq_rows, "parquet_bytes": pq_bytes, "parquet_schema": pq_schema,
                "parquet_path_found": bool(parquet)}
    finally:
        server.stop()


def newest_parquet(root):
    best = None
    for d, _, files in os.walk(root):
        for name in files:
            if name.endswith(".parquet"):
                p = os.path.join(d, name)
                if best is None or os.path.getmtime(p) > os.path.getmtime(best):
                    best = p
    return best


# ---- peers -------------------------------------------------------------------------------------

def run_peer(args, csv, rows, work):
    out = os.path.join(work, "peer.parquet")
    r0, busy0, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), busy_seconds(), time.monotonic()
    proc = subprocess.run([PY, os.path.join(HERE, "peer.py"), args[0], csv, out, str(rows)] + args[1:],
                          capture_output=True, text=True, cwd=HERE)
    r1, busy1, span = resource.getrusage(resource.RUSAGE_CHILDREN), busy_seconds(), time.monotonic() - t0
    if os.path.exists(out):
        os.remove(out)
    lines = [l for l in proc.stdout.splitlines() if l.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise Failure(f"exit {proc.returncode}: {(proc.stderr or proc.stdout)[-800:]}")
    child = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    # Whole child process (imports included) against the whole span it ran.
    return dict(json.loads(lines[-1]), other_cpu_seconds=busy1 - busy0 - child, other_cpu_span=span)


# ---- report ------------------------------------------------------------------------------------

def mib(kib):
    return kib / 1024 if kib is not None else float("nan")


def fmt_ratio(x):
    return f"{x:.2f}x" if x == x else "n/a"


def print_table(rows, csv_bytes, results, notes):
    print()
    print(f"== {rows:,} rows, {csv_bytes / 1e6:,.1f} MB CSV, {len(SCHEMA)} columns")
    head = (f"{'tool':<28}{'seconds':>9}{'MB/s':>9}{'CPU s':>8}{'peak RSS':>10}{'RSS +':>9}"
            f"{'time/dataml':>13}{'RSS+/dataml':>13}{'other load':>12}")
    print(head)
    print("-" * len(head))
    ours = results.get("dataml")
    noisy = []
    for label, r in results.items():
        if isinstance(r, str):
            print(f"{label:<28}  FAILED: {r}")
            continue
        inc = mib(r["rss_peak_kib"] - r["rss_base_kib"])
        t_ratio = r["seconds"] / ours["seconds"] if isinstance(ours, dict) else float("nan")
        ours_inc = (mib(ours["rss_peak_kib"] - ours["rss_base_kib"]) if isinstance(ours, dict)
                    else float("nan"))
        m_ratio = inc / ours_inc if ours_inc and ours_inc == ours_inc else float("nan")
        print(f"{label:<28}{r['seconds']:>9.2f}{csv_bytes / 1e6 / r['seconds']:>9.1f}"
              f"{r['cpu_seconds']:>8.1f}{mib(r['rss_peak_kib']):>10.0f}{inc:>9.0f}"
              f"{fmt_ratio(t_ratio):>13}{fmt_ratio(m_ratio):>13}"
              f"{max(0.0, r['other_cpu_seconds'] / r['other_cpu_span']):>12.2f}")
        if r["other_cpu_seconds"] / r["other_cpu_span"] > 0.15:
            noisy.append(label)
    if isinstance(ours, dict):
        print(f"  dataml: request body fully sent after {ours['upload_sent_seconds']:.2f} s, "
              f"response {ours['seconds'] - ours['upload_sent_seconds']:.2f} s later; "
              f"server RSS {mib(ours['rss_base_kib']):.0f} MiB before, "
              f"{mib(ours['rss_after_kib']):.0f} MiB after the upload")
    if noisy:
        print(f"  WARNING: other processes kept the machine busy during: {', '.join(noisy)} "
              f"('other load' = cores used by everything else); rerun on a quiet machine")
    for n in notes:
        print("  " + n)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--rows", type=int, default=5_000_000)
    ap.add_argument("--small-rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--no-dataml", action="store_true")
    a = ap.parse_args()

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sizes = sorted({n for n in (a.small_rows, a.rows) if n > 0})
    work = tempfile.mkdtemp(prefix="dataml-bench-ingest.")
    all_results = {}
    failed = False
    try:
        for rows in sizes:
            print(f"== CSV with {rows:,} rows")
            csv = generate(rows)
            csv_bytes = os.path.getsize(csv)
            with open(csv, "rb") as f:  # page-cache it once, so no tool pays the first read
                while f.read(1 << 24):
                    pass
            tools = ([] if a.no_dataml else [("dataml", None)]) + \
                    ([] if a.no_peers else PEERS)
            results = {}
            for label, args in tools:
                runs = []
                for i in range(a.repeat):
                    d = tempfile.mkdtemp(dir=work)
                    print(f"   {label} ({i + 1}/{a.repeat}) ...", end="", flush=True)
                    try:
                        r = (run_dataml(a.bin, csv, rows, d) if args is None
                             else run_peer(args, csv, rows, d))
                    except Failure as e:
                        print(" FAILED")
                        results[label] = str(e)
                        failed = True
                        break
                    finally:
                        if not a.keep:
                            shutil.rmtree(d, ignore_errors=True)
                    print(f" {r['seconds']:.2f} s, peak RSS {mib(r['rss_peak_kib']):.0f} MiB")
                    runs.append(r)
                if runs:
                    best = min(runs, key=lambda r: r["seconds"])
                    best = dict(best, all_seconds=[r["seconds"] for r in runs],
                                rss_peak_kib=max(r["rss_peak_kib"] for r in runs))
                    results[label] = best
            all_results[rows] = {"csv": csv, "csv_bytes": csv_bytes, "results": results}

        cpu = "unknown cpu"
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        notes = [
            f"machine: {os.cpu_count()} cores ({cpu}), {platform.python_implementation()} "
            f"{platform.python_version()}; tools run one after the other; CSV in page cache",
            "seconds: dataml = wall time of the upload request (send over loopback + stage to "
            "disk + validate + Parquet); peers = read_csv + type checks + to_parquet, no start-up",
            "MB/s = CSV bytes (10^6) / seconds; RSS in MiB; peak RSS = VmHWM; RSS + = peak - RSS "
            "just before the work (server idle after start-up; peer after its imports)",
            f"time/dataml > 1: dataml is that many times faster; RSS+/dataml > 1: the tool used "
            f"that many times more memory; best of {a.repeat} run(s) for time",
            "CPU s / seconds = cores used on average; 'duckdb (threads=all)' may use every "
            "core, 'duckdb (threads=1)' is DuckDB's single-core figure",
            f"dataml binary: {a.bin} ({os.path.getsize(a.bin):,} bytes, modified "
            f"{time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(os.path.getmtime(a.bin)))})"
            if os.path.exists(a.bin) else "dataml binary: not found",
            "other load: average cores busy with other processes while the tool ran "
            "(/proc/stat busy time minus the tool's and the client's own CPU)",
        ]
        for rows, entry in all_results.items():
            print_table(rows, entry["csv_bytes"], entry["results"], notes if rows == sizes[-1] else [])
        if len(sizes) == 2:
            small, large = sizes
            print()
            print(f"== memory vs file size: peak RSS increase at {small:,} -> {large:,} rows "
                  f"(file x{all_results[large]['csv_bytes'] / all_results[small]['csv_bytes']:.1f})")
            for label in all_results[large]["results"]:
                r1 = all_results[small]["results"].get(label)
                r2 = all_results[large]["results"].get(label)
                if isinstance(r1, dict) and isinstance(r2, dict):
                    i1 = mib(r1["rss_peak_kib"] - r1["rss_base_kib"])
                    i2 = mib(r2["rss_peak_kib"] - r2["rss_base_kib"])
                    print(f"   {label:<28}{i1:>8.0f} -> {i2:>6.0f} MiB  (x{i2 / i1:.2f})")
        results_path = os.path.join(os.path.dirname(all_results[sizes[-1]]["csv"]),
                                    "ingest_results.json")
        with open(results_path, "w", encoding="utf-8") as f:
            json.dump({str(k): v for k, v in all_results.items()}, f, indent=1)
        print(f"\nraw results: {results_path}")
    finally:
        if a.keep:
            print(f"work dir kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
