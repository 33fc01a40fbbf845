"""The transport under load and abuse: thousands of idle or slow connections must not delay other
clients; slow headers and idle connections are cut after their timeouts; pipelined requests are
answered in order; a client gone mid-upload or a SIGTERM mid-transfer leaves no staging behind;
connections past --max-connections get a 503. Raw sockets on loopback, every wait bounded."""
import gc
import json
import random
import resource
import select
import signal
import socket
import statistics
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

from conftest import Api, unique

HEALTH = "/api/v1/utils/health-check"
VALIDATE = "/api/v1/validate-token"
BOUNDARY = "dataml-transport-test-boundary"
GRACE_SECONDS = 3


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)


class Closed(Exception):
    """The server closed (or reset) the connection."""


class Conn:
    """One raw client connection to a server, reading HTTP/1.1 responses as they come."""

    def __init__(self, server, timeout=5, rcvbuf=None):
        url = urlparse(server.base_url)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:  # before connect, so the window is small from the start
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(timeout)
        try:
            self.sock.connect((url.hostname, url.port))
        except OSError:
            self.sock.close()
            raise
        self.buf = b""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.sock.close()

    def send(self, data):
        self.sock.sendall(data)

    def _recv(self, deadline, size=65536):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no answer in time")
        self.sock.settimeout(remaining)
        try:
            data = self.sock.recv(size)
        except ConnectionResetError as e:
            raise Closed("reset by the server") from e
        if not data:
            raise Closed("closed by the server")
        return data

    def read_head(self, timeout=5):
        """The next final response's status and headers (lower-case names); its body stays in buf."""
        deadline = time.monotonic() + timeout
        while True:
            while b"\r\n\r\n" not in self.buf:
                self.buf += self._recv(deadline)
            head, self.buf = self.buf.split(b"\r\n\r\n", 1)
            lines = head.decode("latin-1").split("\r\n")
            status = int(lines[0].split(" ")[1])
            if status >= 200:  # skips 100 Continue
                headers = {}
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                return status, headers

    def _take(self, n, deadline):
        while len(self.buf) < n:
            self.buf += self._recv(deadline)
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def response(self, timeout=5):
        deadline = time.monotonic() + timeout
        status, headers = self.read_head(timeout)
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body = b""
            while True:
                while b"\r\n" not in self.buf:
                    self.buf += self._recv(deadline)
                size_line, self.buf = self.buf.split(b"\r\n", 1)
                size = int(size_line.split(b";")[0], 16)
                body += self._take(size + 2, deadline)[:size]
                if size == 0:
                    break
        else:
            body = self._take(int(headers.get("content-length", "0")), deadline)
        return Response(status, headers, body)

    def try_response(self, timeout):
        try:
            return self.response(timeout)
        except (TimeoutError, Closed):
            return None

    def closed_within(self, timeout):
        """Whether the server closes the connection within `timeout` s (anything sent meanwhile,
        such as a 408, is read and dropped)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                self._recv(deadline)
            except Closed:
                return True
            except TimeoutError:
                return False

    def is_open(self):
        """Without waiting: False once the server has closed or reset the connection."""
        self.sock.setblocking(False)
        try:
            return self.sock.recv(1, socket.MSG_PEEK) != b""
        except BlockingIOError:
            return True
        except OSError:
            return False


def readable(sock, timeout):
    poller = select.poll()  # select() cannot take descriptors past 1024
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(timeout * 1000))


def get(path, token=None):
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}\r\n".encode()


def upload_head(token, name, content_length):
    """A multipart upload's request header and the start of its one file part."""
    return (f"POST /api/v1/dataset/upload?dataset_name={name}&usage=t HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {token}\r\n"
            f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
            f"Content-Length: {content_length}\r\n\r\n"
            f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.csv\"\r\n"
            f"Content-Type: text/csv\r\n\r\nid,label\n").encode()


def csv_rows(start, count):
    return b"".join(b"%08d,%s\n" % (i, b"x" * 200) for i in range(start, start + count))


def wait_for(predicate, timeout, interval=0.05):
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def leftovers(data_dir):
    """Upload staging entries (tenants/*/staging/*) and temporary blobs (.*.tmp-*) under a data dir."""
    root = Path(data_dir) / "tenants"
    return sorted(str(p) for p in list(root.glob("*/staging/*")) + list(root.rglob(".*.tmp-*")))


def staged(data_dir):
    return any(Path(data_dir).glob("tenants/*/staging/*/*"))


def raise_open_files_limit(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else 1 << 20
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    assert soft == resource.RLIM_INFINITY or soft >= needed, f"open-files limit {soft} < {needed}: raise ulimit -Hn"


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@pytest.fixture
def own_server(make_server):
    """A server of the test's own (with the given environment), stopped when the test ends."""
    started = []

    def start(**env):
        server = make_server(env={k: str(v) for k, v in env.items()})
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="module")
def short_timeouts(make_server):
    return make_server(env={"DATAML_HEADER_TIMEOUT_SECONDS": "2", "DATAML_IDLE_TIMEOUT_SECONDS": "2"})


IDLE_CONNECTIONS = 2000
SLOW_CLIENTS = 200


def trickle(conns, stop, dropped):
    """Sends each connection one more byte of a request header every 0.5-1 s, never ending it."""
    prefix = f"GET {HEALTH} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".encode()
    rng = random.Random(1)
    sent = [0] * len(conns)
    due = [time.monotonic() + rng.uniform(0, 0.5) for _ in conns]
    while not stop.is_set():
        now = time.monotonic()
        for i, c in enumerate(conns):
            if i in dropped or due[i] > now:
                continue
            byte = prefix[sent[i]:sent[i] + 1] or b"a"
            try:
                c.sock.send(byte)
            except OSError:
                dropped.add(i)
            sent[i] += 1
            due[i] = now + rng.uniform(0.5, 1.0)
        stop.wait(0.02)


def test_idle_and_slow_connections_do_not_delay_other_clients(own_server):
    raise_open_files_limit(IDLE_CONNECTIONS + SLOW_CLIENTS + 500)
    # Long header and idle timeouts: every connection stays held while the client measures.
    server = own_server(DATAML_HEADER_TIMEOUT_SECONDS=120, DATAML_IDLE_TIMEOUT_SECONDS=120)
    token = Api(server).admin_token()
    idle, slow, dropped, stop = [], [], set(), threading.Event()
    trickler = threading.Thread(target=trickle, args=(slow, stop, dropped), daemon=True)
    try:
        for _ in range(IDLE_CONNECTIONS):
            idle.append(Conn(server))
            idle[-1].send(get(HEALTH))
        deadline = time.monotonic() + 20
        answered = 0
        for c in idle:
            r = c.try_response(deadline - time.monotonic())
            if r is None or r.status != 200:
                break
            answered += 1
        assert answered == IDLE_CONNECTIONS, (
            f"only {answered} of {IDLE_CONNECTIONS} keep-alive connections had their one request answered "
            f"within 20 s (connections waiting for a thread?)")

        for _ in range(SLOW_CLIENTS):
            slow.append(Conn(server))
        trickler.start()
        time.sleep(1.5)  # every slow client is now part-way into its request line

        latencies, failures = [], []
        # The client's own garbage collector pauses 100+ ms once earlier tests left many objects
        # (pyiceberg, pyarrow): keep it out of the figures.
        gc.collect()
        gc.disable()
        with httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"},
                          timeout=2) as c:
            measure_until = time.monotonic() + 20
            for i in range(120):
                path = HEALTH if i % 6 == 5 else VALIDATE
                start = time.perf_counter()
                try:
                    status = c.get(path).status_code
                except httpx.HTTPError as e:
                    status = type(e).__name__
                latencies.append(time.perf_counter() - start)
                if status != 200:
                    failures.append((i, path, status))
                if len(failures) >= 3 or time.monotonic() > measure_until:
                    break
                time.sleep(0.01)
        ms = [1000 * x for x in latencies]
        summary = (f"{len(ms)} requests: p50 {percentile(ms, 0.5):.1f} ms, p99 {percentile(ms, 0.99):.1f} ms, "
                   f"max {max(ms):.1f} ms, mean {statistics.fmean(ms):.1f} ms")
        assert not failures, f"failed requests {failures}; {summary}"
        assert len(ms) == 120, summary
        # A server whose threads the held connections starved would answer late or never (the client
        # gives up at 2 s). The bound leaves room for one lost loopback segment (a 200 ms retransmit)
        # on a loaded machine; the figures themselves belong to bench/http_ceiling.
        assert max(ms) < 1000, f"a request took over 1 s with {IDLE_CONNECTIONS} idle and {SLOW_CLIENTS} slow connections held; {summary}"
        assert percentile(ms, 0.9) < 50, f"most requests were slow with {IDLE_CONNECTIONS} idle and {SLOW_CLIENTS} slow connections held; {summary}"
        closed_idle = sum(1 for c in idle if not c.is_open())
        assert closed_idle == 0 and not dropped, (
            f"the server closed {closed_idle} idle and {len(dropped)} slow connections during the test")
    finally:
        gc.enable()
        stop.set()
        if trickler.is_alive():
            trickler.join(5)
        for c in idle + slow:
            c.close()


def test_slow_header_is_cut_after_the_header_timeout(short_timeouts):
    header = f"GET {HEALTH} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".encode()
    with Conn(short_timeouts) as c:
        start = time.monotonic()
        closed_after = None
        for i in range(32):  # a byte every 0.25 s, for 8 s at most
            try:
                c.send(header[i:i + 1] or b"a")
                closed = c.closed_within(0.25)
            except OSError:
                closed = True
            if closed:
                closed_after = time.monotonic() - start
                break
        assert closed_after is not None, "a header trickled for 8 s is still being read (DATAML_HEADER_TIMEOUT_SECONDS=2)"
        assert 1.5 <= closed_after <= 4, f"closed {closed_after:.1f} s after the first byte, expected ~2 s"


def test_idle_keep_alive_connection_is_closed_after_the_idle_timeout(short_timeouts):
    with Conn(short_timeouts) as c:
        c.send(get(HEALTH))
        assert c.response().status == 200
        start = time.monotonic()
        closed = c.closed_within(8)
        elapsed = time.monotonic() - start
        assert closed, "an idle keep-alive connection is still open after 8 s (DATAML_IDLE_TIMEOUT_SECONDS=2)"
        assert 1.5 <= elapsed <= 4, f"idle connection closed after {elapsed:.1f} s, expected ~2 s"


def test_pipelined_requests_are_answered_in_order(server, api):
    token = api.admin_token()
    with Conn(server) as c:
        c.send(get(HEALTH) + get(VALIDATE, token) + get("/api/v1/no-such-path"))
        responses = []
        while len(responses) < 3:
            r = c.try_response(5)
            assert r is not None, f"pipelined response {len(responses) + 1} of 3 never came; got {[x.body for x in responses]}"
            responses.append(r)
        first, second, third = responses
        assert [first.status, second.status, third.status] == [200, 200, 404], [first.body, second.body, third.body]
        assert first.json()["status"] == "ok", first.body
        assert second.json()["valid"] is True and second.json()["username"] == "admin", second.body
        assert third.json() == {"detail": "Not Found"}
        c.send(get(VALIDATE, token))
        fourth = c.response()
        assert fourth.status == 200 and fourth.json()["valid"] is True, fourth.body


def test_client_gone_mid_upload_leaves_nothing(server, api, tenant):
    _, token = api.create_user(tenant["id"], role="data_scientist")
    tenant_dir = Path(server.data_dir) / "tenants" / str(tenant["id"])
    with Conn(server) as c:
        c.send(upload_head(token, unique("cut"), 50 << 20) + csv_rows(0, 1000))
        assert wait_for(lambda: any(tenant_dir.glob("staging/*/*")), 3), (
            "the upload never reached the staging directory: nothing to check")
    assert wait_for(lambda: not leftovers(server.data_dir), 5), f"left behind: {leftovers(server.data_dir)}"
    with api.client(token) as c:
        r = c.get("/api/v1/dataset/list")
        assert r.status_code == 200 and r.json()["total"] == 0, r.text
        assert c.get(HEALTH).status_code == 200


def sigterm_and_wait(server, reading=None):
    """Sends SIGTERM; calls `reading()` (which returns False when done) until the process exits or
    grace + 4 s pass; the seconds it took to exit (None: still running)."""
    server.proc.send_signal(signal.SIGTERM)
    start = time.monotonic()
    deadline = start + GRACE_SECONDS + 4
    active = reading is not None
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            return time.monotonic() - start
        if active:
            active = reading()
        else:
            time.sleep(0.02)
    return None


def assert_graceful_exit(server, exited_after):
    """Exit 0 once the grace period is over: not before (a request was in flight all along, too
    slow to finish), nor long after."""
    assert exited_after is not None, f"still running {GRACE_SECONDS + 4} s after SIGTERM (grace {GRACE_SECONDS} s)"
    assert exited_after >= GRACE_SECONDS - 0.5, (
        f"exited {exited_after:.1f} s after SIGTERM: the request in flight was not given its {GRACE_SECONDS} s of grace")
    assert server.proc.returncode == 0


def finish(server, conn):
    """Closes the client side and makes sure the process is gone."""
    conn.close()
    try:
        server.proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        server.proc.wait()


def test_sigterm_during_a_slow_download(own_server):
    server = own_server(DATAML_SHUTDOWN_GRACE_SECONDS=GRACE_SECONDS)
    content = b"id,label\n" + csv_rows(0, 120_000)  # ~25 MB: far more than the socket buffers hold
    token = Api(server).admin_token()
    with server.client(token) as c:
        r = c.post("/api/v1/dataset/upload", params={"dataset_name": "big", "usage": "t"},
                   files=[("files", ("big.csv", content, "text/csv"))], timeout=120)
    assert r.status_code == 201, r.text
    file_id = r.json()["files"][0]["id"]
    conn = Conn(server, rcvbuf=16384)
    try:
        conn.send(get(f"/api/v1/files/download?file_id={file_id}", token))
        status, headers = conn.read_head()
        assert status == 200, (status, headers)
        assert "content-length" in headers, f"a download must state its length, or a cut looks complete: {headers}"
        length = int(headers["content-length"])
        assert length == len(content)
        body = bytearray(conn.buf)
        ending = None

        def read_some(pause=0.02):  # ~0.8 MB/s: the download cannot finish within the grace period
            nonlocal ending
            try:
                body.extend(conn._recv(time.monotonic() + 0.2, 16384))
            except Closed as e:
                ending = str(e)
                return False
            except TimeoutError:
                pass
            if len(body) >= length:
                ending = "complete"
                return False
            time.sleep(pause)
            return True

        while len(body) < 256 * 1024 and read_some():
            pass
        assert ending is None, f"the download ended before SIGTERM: {ending}"
        exited_after = sigterm_and_wait(server, read_some)
        drain_until = time.monotonic() + 10
        while exited_after is not None and ending is None and time.monotonic() < drain_until:
            read_some(pause=0)  # what the dead server left in the socket buffers, to its end
    finally:
        finish(server, conn)
    assert_graceful_exit(server, exited_after)
    assert len(body) <= length and bytes(body) == content[:len(body)], "received bytes that are not the file's"
    assert ending in ("complete", "closed by the server", "reset by the server"), ending
    assert (ending == "complete") == (len(body) == length), f"{ending} after {len(body)} of {length} bytes"


def test_sigterm_during_a_slow_upload(own_server):
    server = own_server(DATAML_SHUTDOWN_GRACE_SECONDS=GRACE_SECONDS)
    token = Api(server).admin_token()
    conn = Conn(server)
    stop = threading.Event()

    def send_slowly():  # ~3 MB/s of a 200 MB body: still in flight when the grace period ends
        row = 1000
        try:
            while not stop.is_set():
                conn.send(csv_rows(row, 300))
                row += 300
                time.sleep(0.02)
        except OSError:
            pass  # the server cut the connection

    sender = threading.Thread(target=send_slowly, daemon=True)
    try:
        conn.send(upload_head(token, "sigterm", 200 << 20) + csv_rows(0, 1000))
        sender.start()
        assert wait_for(lambda: staged(server.data_dir), 3), "the upload never reached the staging directory"
        exited_after = sigterm_and_wait(server)
        left = leftovers(server.data_dir)
    finally:
        stop.set()
        sender.join(5)
        finish(server, conn)
    assert_graceful_exit(server, exited_after)
    assert not left, f"left behind: {left}"


def test_connections_past_the_cap_get_503(own_server):
    server = own_server(DATAML_MAX_CONNECTIONS=50, DATAML_THREADS=64)
    conns = []
    try:
        for i in range(50):
            conns.append(Conn(server))
            conns[-1].send(get(HEALTH))
            r = conns[-1].try_response(5)
            assert r is not None and r.status == 200, f"connection {i + 1} of 50 was not served"

        try:
            extra = Conn(server)
        except ConnectionRefusedError:
            extra = None  # refused outright: allowed
        if extra is not None:
            with extra:
                try:  # the server may answer on accept, before any request
                    if not readable(extra.sock, 0.3):
                        extra.send(get(HEALTH))
                except OSError:
                    pass
                r = extra.try_response(5)
                assert r is not None, "the 51st connection got no answer"
                assert r.status == 503, f"the 51st connection (cap 50) got {r.status}: {r.body[:200]}"
                assert r.headers.get("content-type", "").startswith("application/json") and r.json()["detail"], r.body
                assert r.headers.get("connection", "").lower() == "close", r.headers
                assert extra.closed_within(3), "the 51st connection was not closed after its 503"

        for i, c in enumerate(conns):
            c.send(get(HEALTH))
            r = c.try_response(5)
            assert r is not None and r.status == 200, f"connection {i + 1} stopped working after the 51st was refused"

        for c in conns[:10]:
            c.close()
        conns = conns[10:]

        def served():
            try:
                with Conn(server) as c:
                    c.send(get(HEALTH))
                    r = c.try_response(5)
            except OSError:
                return False
            return r is not None and r.status == 200

        assert wait_for(served, 3, interval=0.1), "no new connection served after 10 of 50 were closed"
    finally:
        for c in conns:
            c.close()


def test_uploads_past_their_cap_get_503_and_logins_keep_their_threads(own_server):
    """Each upload holds a pool thread while its body arrives; slow uploaders past the cap are
    refused, so the rest of the pool stays free for logins and other blocking handlers."""
    server = own_server(DATAML_THREADS=2, DATAML_MAX_UPLOADS=1)
    api = Api(server)
    token = api.admin_token()
    slow = Conn(server)
    try:
        slow.send(upload_head(token, "slow", 10 << 20) + csv_rows(0, 10))  # then nothing more
        assert wait_for(lambda: staged(server.data_dir), 3), "the first upload never started"
        with Conn(server) as second:
            second.send(upload_head(token, "second", 10 << 20) + csv_rows(0, 10))
            r = second.try_response(5)
            assert r is not None and r.status == 503, r and (r.status, r.body[:200])
            assert r.json()["detail"] and r.headers.get("retry-after") == "5", (r.headers, r.body)
            assert second.closed_within(3), "a refused upload's connection must close (its body was not read)"
        started = time.monotonic()
        assert api.admin_token(), "a login during the slow upload"
        assert time.monotonic() - started < 5
    finally:
        slow.close()
    # The slot is given back when the slow upload ends: a next upload is served.
    assert wait_for(lambda: not staged(server.data_dir), 5), "the abandoned upload left its staging file"
    with api.client(token) as c:
        def served():
            files = {"files": ("ok.csv", b"id,label\n1,a\n2,b\n", "text/csv")}
            r = c.post("/api/v1/dataset/upload", params={"dataset_name": "after", "usage": "t"}, files=files)
            assert r.status_code < 500 or r.status_code == 503, r.text
            return r.status_code != 503
        assert wait_for(served, 5, interval=0.2), "the slot of the abandoned upload was never given back"
