"""A throwaway PostgreSQL server for the API tests: initdb in a temp dir, a free port on
127.0.0.1, trust auth, fsync off. Runs as the `postgres` user when the tests run as root,
because PostgreSQL refuses to run as root."""
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time


def _bin_dir():
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for c in candidates:
        if os.path.exists(os.path.join(c, "initdb")):
            return c
    raise RuntimeError("PostgreSQL server binaries not found: run scripts/setup.sh (apt package postgresql)")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self):
        self.bin = _bin_dir()
        self.root = tempfile.mkdtemp(prefix="dataml-pg-")
        self.data = os.path.join(self.root, "data")
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        self._db_counter = 0

    def _run(self, args, **kw):
        if self.as_root:
            args = ["runuser", "-u", "postgres", "--"] + args
        return subprocess.run(args, check=True, capture_output=True, text=True, **kw)

    def start(self):
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
            os.chmod(self.root, 0o700)
        self._run([os.path.join(self.bin, "initdb"), "-D", self.data, "-U", "postgres",
                   "--auth=trust", "-E", "UTF8", "--no-sync"])
        opts = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400")
        self._run([os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-o", opts, "-w", "-t", "60",
                   "-l", os.path.join(self.root, "server.log"), "start"])
        return self

    def create_database(self):
        self._db_counter += 1
        name = f"dataml_{os.getpid()}_{self._db_counter}"
        self._run([os.path.join(self.bin, "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                   "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", f"CREATE DATABASE {name}"])
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self):
        try:
            self._run([os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-m", "immediate", "stop"])
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.root, ignore_errors=True)
