"""A throwaway single-node Ray cluster for the ray backend's tests: `ray start --head --block` from
the project's .venv as a child process, every port on a free one of 127.0.0.1 (a second head on
Ray's default ports gets no job agent), its own temp dir, token authentication on. Stopped by
signalling it (`ray stop` would stop every Ray on the machine), or killed as if its machine died. It can be started again on the same
ports, as a head that restarted (it then knows none of its earlier jobs)."""
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import httpx

RAY_VERSION = "2.60.0"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _free_port_range(size):
    """`size` consecutive free ports (Ray's worker ports)."""
    for _ in range(100):
        base = 20000 + secrets.randbelow(20000)
        sockets = []
        try:
            for port in range(base, base + size):
                s = socket.socket()
                sockets.append(s)
                s.bind(("127.0.0.1", port))
            return base, base + size - 1
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    raise RuntimeError("no free port range for Ray's workers")


def kill_matching(text, sig=signal.SIGKILL):
    """Signals every process whose command line contains `text` (pkill -f, without procps, which
    a minimal machine may lack)."""
    needle = text.encode()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        if int(pid) == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ")
            if needle in cmdline:
                os.kill(int(pid), sig)
        except (OSError, ProcessLookupError):
            pass  # gone meanwhile, or not ours to signal


def ray_binary():
    path = os.path.join(os.path.dirname(sys.executable), "ray")
    if not os.path.exists(path):
        raise RuntimeError(f"{path} not found: run scripts/setup.sh (ray[default]=={RAY_VERSION} in .venv)")
    return path


class RayHead:
    def __init__(self, num_cpus=2):
        self.num_cpus = num_cpus
        self.token = secrets.token_hex(16)
        # Short: Ray puts Unix sockets under it, and their paths are limited to 107 bytes.
        self.temp_dir = tempfile.mkdtemp(prefix="ray-", dir="/tmp")
        self.ports = {name: _free_port() for name in (
            "port", "dashboard-port", "node-manager-port", "object-manager-port", "ray-client-server-port",
            "dashboard-agent-listen-port", "dashboard-agent-grpc-port", "runtime-env-agent-port",
            "metrics-export-port")}
        self.worker_ports = _free_port_range(20)
        self.address = f"http://127.0.0.1:{self.ports['dashboard-port']}"
        self.proc = None
        self.log_path = os.path.join(self.temp_dir, "ray-start.log")

    def start(self, timeout=180):
        args = [ray_binary(), "start", "--head", "--block", "--node-ip-address", "127.0.0.1",
                "--num-cpus", str(self.num_cpus), "--object-store-memory", "500000000",
                "--dashboard-host", "127.0.0.1", "--disable-usage-stats", "--temp-dir", self.temp_dir,
                "--min-worker-port", str(self.worker_ports[0]), "--max-worker-port", str(self.worker_ports[1])]
        for name, port in self.ports.items():
            args += [f"--{name}", str(port)]
        env = dict(os.environ, RAY_AUTH_MODE="token", RAY_AUTH_TOKEN=self.token)
        log = open(self.log_path, "a")
        # Its own process group: stopping it reaches the raylet, the GCS and every worker.
        self.proc = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout):
        """Ready once the Jobs API answers and takes a submission (its job agent may come later)."""
        deadline = time.time() + timeout
        headers = {"Authorization": f"Bearer {self.token}"}
        last = "no answer"
        with httpx.Client(base_url=self.address, headers=headers, timeout=30) as c:
            while time.time() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"ray start exited with {self.proc.returncode}:\n{self.log()}")
                try:
                    r = c.get("/api/jobs/")
                    if r.status_code == 200:
                        r = c.post("/api/jobs/", json={"entrypoint": "true", "submission_id": f"probe-{secrets.token_hex(4)}"})
                        if r.status_code == 200:
                            return
                    last = f"{r.status_code}: {r.text[:200]}"
                except httpx.HTTPError as e:
                    last = repr(e)
                time.sleep(1)
        self.stop()
        raise RuntimeError(f"the Ray head did not take jobs within {timeout} s ({last}):\n{self.log()}")

    def job(self, submission_id):
        with httpx.Client(base_url=self.address, headers={"Authorization": f"Bearer {self.token}"}, timeout=30) as c:
            r = c.get(f"/api/jobs/{submission_id}")
            r.raise_for_status()
            return r.json()

    def job_logs(self, submission_id):
        with httpx.Client(base_url=self.address, headers={"Authorization": f"Bearer {self.token}"}, timeout=30) as c:
            r = c.get(f"/api/jobs/{submission_id}/logs")
            r.raise_for_status()
            return r.json()["logs"]

    def log(self):
        try:
            with open(self.log_path) as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        # `ray start --block` ends its cluster on SIGTERM within seconds; signalling its whole group
        # instead has every process stop on its own and takes ~30 s.
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        # What the head started in sessions of its own (raylet children) goes too.
        kill_matching(self.temp_dir)

    def kill(self):
        """The head's machine dies: every process of the cluster is killed at once, no goodbyes."""
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGKILL)
        kill_matching(self.temp_dir)
        self.proc.wait()

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.temp_dir, ignore_errors=True)
