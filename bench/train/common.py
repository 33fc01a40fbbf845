"""Shared by the train, quality and SHAP benchmarks (bench/train, bench/shap): a dataml server
driven over its HTTP API, the peers' virtualenvs, machine-load accounting, and Python copies of
the two seeded samplers dataml uses (so that a peer can work on exactly the same rows).

Runs in the benchmark venv (the project .venv); the peers run in their own venvs as
subprocesses (peer_train.py, ../shap/peer_shap.py)."""

import glob
import http.client
import json
import os
import secrets
import signal
import subprocess
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
OUT = os.path.join(ROOT, "bench", "out")

# The peers: label -> venv (made by peer_venvs.sh from requirements-<name>.txt here).
PEER_VENVS = {
    "xgboost 1.7.4": os.path.join(OUT, ".venv-xgb174"),
    "xgboost latest": os.path.join(OUT, ".venv-xgblatest"),
    # The 1.7.4 package on the libxgboost build/dataml links (Debian's): same library, so the
    # difference to dataml is dataml's own work around it.
    "xgboost 1.7.4 on dataml's lib": os.path.join(OUT, ".venv-xgb174-dataml-lib"),
}

HYPERPARAMETERS = {"num_boost_round": 100, "max_depth": 6, "learning_rate": 0.3, "seed": 42}


class Failure(Exception):
    pass


def peer_env():
    """The environment every XGBoost process of the benchmarks runs with. dataml's server starts
    its workers with OMP_WAIT_POLICY=PASSIVE (unless set); the peers get the same, so that idle
    OpenMP threads sleep instead of spinning on both sides."""
    return dict(os.environ, OMP_WAIT_POLICY="PASSIVE")


def available_peers(only=None):
    """(label, python) of each peer venv that exists; run.sh creates them."""
    out = []
    for label, venv in PEER_VENVS.items():
        if only and label not in only:
            continue
        py = os.path.join(venv, "bin", "python")
        if os.path.exists(py):
            out.append((label, py))
    return out


def peer_version(py):
    r = subprocess.run([py, "-c", "import os, sys, xgboost, sklearn, numpy, pandas; "
                        "info = xgboost.build_info(); "
                        "print(xgboost.__version__, sklearn.__version__, numpy.__version__, "
                        "pandas.__version__, sys.version.split()[0], "
                        "os.path.realpath(info['libxgboost']), info.get('DEBUG'), "
                        "'.'.join(map(str, info.get('GCC_VERSION', []))) or '?')"],
                       capture_output=True, text=True, env=peer_env())
    if r.returncode != 0:
        raise Failure(f"{py}: cannot import xgboost: {r.stderr[-500:]}")
    xgb, skl, np_, pd_, pyv, lib, debug, gcc = r.stdout.split()
    return {"xgboost": xgb, "sklearn": skl, "numpy": np_, "pandas": pd_, "python": pyv,
            "libxgboost": lib, "lib_debug_build": debug == "True", "lib_gcc": gcc}


def run_peer(py, script, spec, work, timeout=1800):
    """Runs `script` in the peer venv with the JSON spec; returns its last JSON line."""
    spec_path = os.path.join(work, f"spec_{secrets.token_hex(4)}.json")
    with open(spec_path, "w", encoding="utf-8") as f:
        json.dump(spec, f)
    proc = subprocess.run([py, script, spec_path], capture_output=True, text=True,
                          env=peer_env(), timeout=timeout)
    lines = [l for l in proc.stdout.splitlines() if l.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise Failure(f"{os.path.basename(script)} exit {proc.returncode}: "
                      f"{(proc.stderr or proc.stdout)[-1500:]}")
    return json.loads(lines[-1])


# ---- machine load ------------------------------------------------------------------------------

def busy_seconds():
    """CPU seconds the whole machine spent busy since boot (all cores, /proc/stat)."""
    with open("/proc/stat", encoding="ascii") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (sum(v[:8]) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid):
    """utime + stime + cutime + cstime of `pid`: its own CPU and that of its reaped children
    (the server reaps each `dataml worker` it starts, so a job's CPU lands here)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def has_children(pid):
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children", encoding="ascii") as f:
                if f.read().strip():
                    return True
    except OSError:
        return False
    return False


def wait_reaped(pid, timeout=5.0):
    """Waits until `pid` has no child process left (its finished worker reaped), so that the
    worker's CPU time shows in the server's cutime/cstime."""
    deadline = time.monotonic() + timeout
    while has_children(pid) and time.monotonic() < deadline:
        time.sleep(0.01)


def cpu_model():
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown cpu"


# ---- dataml ------------------------------------------------------------------------------------

class Server:
    """A fresh `dataml serve` on 127.0.0.1 with its own data dir, logged in as admin."""

    def __init__(self, binary, work, env=None):
        """`env`: more environment for the server (e.g. its job backend)."""
        self.work = work
        self.data_dir = os.path.join(work, "data")
        os.makedirs(self.data_dir, exist_ok=True)
        self.out_path = os.path.join(work, "dataml.out")
        self.err_path = os.path.join(work, "dataml.err")
        # The worker would add OMP_WAIT_POLICY=PASSIVE itself; set it here so both sides are
        # started the same way even if that default changes.
        env = dict(peer_env(), DATAML_ADMIN_PASSWORD="Admin12345",
                   DATAML_JWT_SECRET=secrets.token_urlsafe(36),
                   DATAML_ACCESS_TOKEN_TTL_SECONDS="86400", **(env or {}))
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            self.proc = subprocess.Popen(
                [binary, "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", self.data_dir],
                stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env)
        self.port = None
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not self.port:
            with open(self.out_path, encoding="utf-8", errors="replace") as f:
                for line in f:
                    if line.startswith("dataml listening on http://127.0.0.1:"):
                        self.port = int(line.split("127.0.0.1:")[1].split()[0].rstrip("/"))
            if self.proc.poll() is not None:
                raise Failure(f"dataml exited early (code {self.proc.returncode}): {self.logs()}")
            time.sleep(0.05)
        if not self.port:
            raise Failure("dataml did not print its port within 15 s")
        self.token = None
        self.login()
        me = self.get("/api/v1/users/me")
        self.tenant_id = me["tenant_id"]

    @property
    def pid(self):
        return self.proc.pid

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

    # -- HTTP --
    def request(self, method, path, body=None, headers=None, timeout=600):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        h = dict(headers or {})
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        conn.request(method, path, body=body, headers=h)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        return resp.status, data

    def call(self, method, path, params=None, body=None, expect=(200,)):
        if params:
            path += "?" + urllib.parse.urlencode(params)
        headers = {}
        if body is not None:
            body = json.dumps(body)
            headers["Content-Type"] = "application/json"
        status, data = self.request(method, path, body, headers)
        if status not in expect:
            raise Failure(f"{method} {path} answered {status}: {data[:600]!r}")
        return json.loads(data) if data else None

    def get(self, path, params=None, expect=(200,)):
        return self.call("GET", path, params=params, expect=expect)

    def login(self):
        status, data = self.request(
            "POST", "/api/v1/login/access-token",
            urllib.parse.urlencode({"username": "admin", "password": "Admin12345"}),
            {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 200:
            raise Failure(f"login answered {status}: {data[:300]!r}")
        self.token = json.loads(data)["access_token"]

    # -- datasets --
    def upload_csv(self, csv, dataset_name):
        """POST /api/v1/dataset/upload?dataset_name=..&usage=t with the file as multipart `files`
        (inferred schema); checks every row was valid; returns the dataset id."""
        boundary = "dataml-bench-" + secrets.token_hex(12)
        pre = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; "
               f"filename=\"{os.path.basename(csv)}\"\r\nContent-Type: text/csv\r\n\r\n").encode()
        post = f"\r\n--{boundary}--\r\n".encode()
        size = os.path.getsize(csv)
        query = urllib.parse.urlencode({"dataset_name": dataset_name, "usage": "t"})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=3600)
        conn.putrequest("POST", "/api/v1/dataset/upload?" + query, skip_accept_encoding=True)
        conn.putheader("Authorization", "Bearer " + self.token)
        conn.putheader("Content-Type", "multipart/form-data; boundary=" + boundary)
        conn.putheader("Content-Length", str(len(pre) + size + len(post)))
        conn.endheaders()
        conn.send(pre)
        with open(csv, "rb") as f:
            conn.sock.sendfile(f)
        conn.send(post)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        if resp.status != 201:
            raise Failure(f"upload of {csv} answered {resp.status}: {data[:600]!r}")
        body = json.loads(data)
        f0 = body["files"][0]
        if f0.get("error_report") is not None or f0["valid_records"] != f0["total_records"]:
            raise Failure(f"upload of {csv}: not every row was valid: {json.dumps(f0)[:800]}")
        return body["dataset_id"]

    def dataset(self, dataset_id):
        """get_dataset_by_id plus the validated Parquet files under its validated_path."""
        d = self.get("/api/v1/dataset/get_dataset_by_id", {"dataset_id": dataset_id})
        files = sorted(glob.glob(os.path.join(d["validated_path"], "*", "validated.parquet")),
                       key=lambda p: int(os.path.basename(os.path.dirname(p))))
        if not files:
            raise Failure(f"no validated.parquet under {d['validated_path']}")
        d["parquet_files"] = files
        return d

    # -- training --
    def submit_training(self, dataset_id, name, algorithm, columns, hyperparameters,
                        problem="Classification", **extra):
        body = {"dataset_id": dataset_id, "predictor_name": name, "domain": "bench",
                "problem_type": problem, "algorithm": algorithm, "columns": columns,
                "hyperparameters": hyperparameters, **extra}
        return self.call("POST", "/api/v1/train/", body=body, expect=(201,))

    def training_row(self, train_id):
        rows = self.get("/api/v1/train/list", {"skip": 0, "limit": 1000})["data"]
        for row in rows:
            if row["id"] == train_id:
                return row
        raise Failure(f"training {train_id} is not in /train/list")

    def train(self, dataset_id, name, algorithm, columns, hyperparameters, poll=0.05,
              timeout=1800, **extra):
        """Submits a training and polls /train/list until it ends. Returns (summary, wall seconds
        from the POST to the first poll that saw Completed, CPU seconds of server + worker, and
        the span those CPU seconds were counted over: until the worker was reaped)."""
        cpu0 = tree_cpu_seconds(self.pid)
        t0 = time.monotonic()
        created = self.submit_training(dataset_id, name, algorithm, columns, hyperparameters, **extra)
        train_id = created["id"]
        deadline = t0 + timeout
        while True:
            row = self.training_row(train_id)
            if row["training_status"] in ("Completed", "Failed", "Terminated"):
                break
            if time.monotonic() > deadline:
                raise Failure(f"training {train_id} did not finish within {timeout} s")
            time.sleep(poll)
        wall = time.monotonic() - t0
        wait_reaped(self.pid)
        cpu = tree_cpu_seconds(self.pid) - cpu0
        span = time.monotonic() - t0
        if row["training_status"] != "Completed":
            raise Failure(f"training {train_id} ({algorithm}) {row['training_status']}: {row.get('error')}")
        summary = self.get("/api/v1/train/model-summary", {"train_id": train_id})
        summary["_row"] = row
        return summary, wall, cpu, span

    def model_path(self, train_id):
        return os.path.join(self.data_dir, "tenants", self.tenant_id, "models", str(train_id),
                            "model.json")

    def preprocess_json(self, preprocess_id):
        path = os.path.join(self.data_dir, "tenants", self.tenant_id, "preprocesses",
                            str(preprocess_id), "preprocess.json")
        with open(path, encoding="utf-8") as f:
            return json.load(f)

    # -- feature importance --
    def shap(self, train_id, sample_rows, poll=0.05, timeout=1800):
        """generate-feature-importance, then polls view-feature-importance until it ends.
        Returns (view body, job result from /jobs/{id}, wall seconds)."""
        t0 = time.monotonic()
        started = self.get("/api/v1/train/generate-feature-importance",
                           {"train_id": train_id, "sample_rows": sample_rows}, expect=(202,))
        job_id = started["shap_job_id"]
        while True:
            status, data = self.request(
                "GET", "/api/v1/train/view-feature-importance?train_id=" + str(train_id))
            if status == 200:
                view = json.loads(data)
                if view["shap_job_id"] == job_id and view["status"] in ("completed", "failed",
                                                                         "terminated"):
                    break
            if time.monotonic() - t0 > timeout:
                raise Failure(f"feature importance of {train_id} did not finish in {timeout} s")
            time.sleep(poll)
        wall = time.monotonic() - t0
        if view["status"] != "completed":
            raise Failure(f"feature importance of {train_id} {view['status']}: {view.get('error')}")
        job = self.get(f"/api/v1/jobs/{job_id}")
        return view, job.get("result") or {}, wall


# ---- dataml's seeded samplers, in Python ------------------------------------------------------

_M64 = (1 << 64) - 1


class MT19937_64:
    """std::mt19937_64 (its output sequence is fixed by the C++ standard)."""

    def __init__(self, seed):
        mt = [0] * 312
        mt[0] = seed & _M64
        for i in range(1, 312):
            mt[i] = (6364136223846793005 * (mt[i - 1] ^ (mt[i - 1] >> 62)) + i) & _M64
        self.mt, self.index = mt, 312

    def _twist(self):
        mt = self.mt
        for i in range(312):
            x = (mt[i] & 0xFFFFFFFF80000000) | (mt[(i + 1) % 312] & 0x7FFFFFFF)
            xa = x >> 1
            if x & 1:
                xa ^= 0xB5026F5AA96619E9
            mt[i] = mt[(i + 156) % 312] ^ xa
        self.index = 0

    def __call__(self):
        if self.index >= 312:
            self._twist()
        y = self.mt[self.index]
        self.index += 1
        y ^= (y >> 29) & 0x5555555555555555
        y ^= (y << 17) & 0x71D67FFFEDA60000
        y ^= (y << 37) & 0xFFF7EEE000000000
        y ^= y >> 43
        return y & _M64


def _uniform_below(rng, bound):  # holdout_split.cc UniformBelow
    threshold = ((1 << 64) - bound) % bound
    while True:
        r = rng()
        if r >= threshold:
            return r % bound


def _round_half_away(x):  # std::llround for x >= 0
    import math
    return int(math.floor(x + 0.5))


def dataml_stratified_split(labels, test_fraction, seed):
    """engine/ml/holdout_split.cc StratifiedSplit: per class (ascending), a Fisher-Yates shuffle
    of that class's positions and round(n x fraction) of them (1..n-1) to test. Returns sorted
    (train positions, test positions) into `labels`."""
    by_class = {}
    for i, y in enumerate(labels):
        by_class.setdefault(int(y), []).append(i)
    rng = MT19937_64(seed)
    train, test = [], []
    for cls in sorted(by_class):
        v = by_class[cls]
        for i in range(len(v), 1, -1):
            j = _uniform_below(rng, i)
            v[i - 1], v[j] = v[j], v[i - 1]
        n = len(v)
        n_test = 0 if n < 2 else min(max(_round_half_away(n * test_fraction), 1), n - 1)
        test += v[:n_test]
        train += v[n_test:]
    return sorted(train), sorted(test)


def dataml_shap_sample(rows, count, seed):
    """jobs/shap_job.cc SampleRows: a partial Fisher-Yates over 0..rows-1, sorted."""
    if count >= rows:
        return list(range(rows))
    allr = list(range(rows))
    rng = MT19937_64(seed)
    for i in range(count):
        span = rows - i
        limit = _M64 - _M64 % span
        draw = rng()
        while draw >= limit:
            draw = rng()
        j = i + draw % span
        allr[i], allr[j] = allr[j], allr[i]
    return sorted(allr[:count])


def _self_test():
    rng = MT19937_64(5489)
    for _ in range(9999):
        rng()
    assert rng() == 9981545732273789042, "MT19937_64 does not match std::mt19937_64"


_self_test()
