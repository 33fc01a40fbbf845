"""Starts a real `dataml serve` process on a free port with a fresh data dir, and checks at the
end that it logged no sanitizer report."""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time

import httpx

ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "Admin-pass-123"
JWT_SECRET = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
SANITIZER_PATTERN = re.compile(r"ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:")


def binary():
    path = os.environ.get("DATAML_BIN") or os.path.join(os.path.dirname(__file__), "..", "..", "build", "dataml")
    if not os.path.exists(path):
        raise RuntimeError(f"{path} not found: build it (make build) or set DATAML_BIN")
    return os.path.abspath(path)


class DatamlServer:
    def __init__(self, db_url=None, env=None, admin_password=ADMIN_PASSWORD, data_dir=None, port=0):
        self.keep_data = data_dir is not None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="dataml-test-")
        self.db_url = db_url
        self.env = dict(os.environ)
        self.env.update({
            "DATAML_ADMIN_USERNAME": ADMIN_USERNAME,
            "DATAML_JWT_SECRET": JWT_SECRET,
            "DATAML_THREADS": "8",
        })
        if admin_password is None:
            self.env.pop("DATAML_ADMIN_PASSWORD", None)
        else:
            self.env["DATAML_ADMIN_PASSWORD"] = admin_password
        self.env.update(env or {})
        self.port = port
        self.stdout_lines = []
        self.stderr_lines = []
        self.proc = None
        self.base_url = None

    def start(self, timeout=60):
        args = [binary(), "serve", "--host", "127.0.0.1", "--port", str(self.port), "--data-dir", self.data_dir]
        if self.db_url:
            args += ["--db", self.db_url]
        self.proc = subprocess.Popen(args, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ready = threading.Event()

        def pump(stream, sink, watch):
            for line in stream:
                sink.append(line)
                if watch:
                    m = re.search(r"listening on (http://\S+)", line)
                    if m:
                        self.base_url = m.group(1)
                        ready.set()
            ready.set()  # the process ended

        threading.Thread(target=pump, args=(self.proc.stdout, self.stdout_lines, True), daemon=True).start()
        threading.Thread(target=pump, args=(self.proc.stderr, self.stderr_lines, False), daemon=True).start()
        if not ready.wait(timeout) or self.base_url is None:
            self.stop()
            raise RuntimeError("dataml did not start:\n" + "".join(self.stdout_lines + self.stderr_lines))
        return self

    def client(self, token=None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=30)

    def stop(self):
        """Stops the server; returns its exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        time.sleep(0.1)  # let the pump threads drain the pipes
        if not self.keep_data:
            shutil.rmtree(self.data_dir, ignore_errors=True)
        return self.proc.returncode

    def sanitizer_reports(self):
        """Each sanitizer report with the stack trace that follows it."""
        lines = self.stderr_lines
        return ["".join(lines[i:i + 40]) for i, line in enumerate(lines) if SANITIZER_PATTERN.search(line)]
