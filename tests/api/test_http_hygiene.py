"""A refused request body must never be read as the next request on a keep-alive connection
(request smuggling), and chunked bodies must respect the size limits."""
import socket
import time
from urllib.parse import urlparse

SMUGGLED = b"GET /api/v1/utils/health-check HTTP/1.1\r\nHost: x\r\n\r\n"


def exchange(server, payload, wait=0.5):
    url = urlparse(server.base_url)
    with socket.create_connection((url.hostname, url.port)) as s:
        s.sendall(payload)
        time.sleep(wait)
        s.settimeout(2)
        out = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                out += chunk
        except (socket.timeout, ConnectionResetError):
            pass
    return out


def test_oversized_body_is_refused_and_not_replayed(server):
    # The declared length is over the limit; only its start (a request) is sent, as an attacker
    # would, hoping the server reads it as the next request.
    out = exchange(server, b"POST /api/v1/login/access-token HTTP/1.1\r\nHost: x\r\n"
                           b"Content-Type: application/x-www-form-urlencoded\r\n"
                           b"Content-Length: %d\r\n\r\n" % (2 * 1024 * 1024) + SMUGGLED)
    assert out.startswith(b"HTTP/1.1 413")
    assert out.count(b"HTTP/1.1 ") == 1


def test_refused_upload_body_is_not_replayed(server):
    out = exchange(server, b"POST /api/v1/dataset/upload?dataset_name=a&usage=t HTTP/1.1\r\nHost: x\r\n"
                           b"Content-Type: multipart/form-data; boundary=zz\r\n"
                           b"Content-Length: %d\r\n\r\n" % len(SMUGGLED) + SMUGGLED)
    assert out.startswith(b"HTTP/1.1 401")
    assert out.count(b"HTTP/1.1 ") == 1


def test_chunked_bodies_only_for_uploads(server):
    out = exchange(server, b"POST /api/v1/login/access-token HTTP/1.1\r\nHost: x\r\n"
                           b"Transfer-Encoding: chunked\r\n\r\n5\r\nab=cd\r\n0\r\n\r\n" + SMUGGLED)
    assert out.startswith(b"HTTP/1.1 411")
    assert out.count(b"HTTP/1.1 ") == 1


def test_chunked_upload_over_the_limit_is_413(make_server, api):
    from conftest import Api
    small = make_server(env={"DATAML_MAX_UPLOAD_BYTES": "100000"})
    token = Api(small).admin_token()
    part = (b"--zz\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.csv\"\r\n"
            b"Content-Type: text/csv\r\n\r\n" + b"a,b\n" + b"1,2\n" * 60000 + b"\r\n--zz--\r\n")
    chunks = b"".join(b"%x\r\n" % len(part[i:i + 8192]) + part[i:i + 8192] + b"\r\n"
                      for i in range(0, len(part), 8192)) + b"0\r\n\r\n"
    out = exchange(small, b"POST /api/v1/dataset/upload?dataset_name=big&usage=t HTTP/1.1\r\nHost: x\r\n"
                          b"Authorization: Bearer " + token.encode() + b"\r\n"
                          b"Content-Type: multipart/form-data; boundary=zz\r\n"
                          b"Transfer-Encoding: chunked\r\n\r\n" + chunks, wait=1.5)
    assert out.startswith(b"HTTP/1.1 413")
    assert out.count(b"HTTP/1.1 ") == 1
    with Api(small).admin() as c:
        assert c.get("/api/v1/dataset/list").json()["total"] == 0
