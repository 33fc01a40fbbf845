"""The web console, served by the API server at its own origin: its page, its hashed assets (gzip
when asked), the fallback of a browser's navigation to a client-side route, and no change for API
clients. The server finds the console where the CMake target `console` built it (the build tree's
console/ folder, compiled in as the default --console-dir)."""
import gzip
import re
import socket
from urllib.parse import urlparse

import pytest

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
IMMUTABLE = "public, max-age=31536000, immutable"
NOT_FOUND = {"detail": "Not Found"}


@pytest.fixture(scope="module")
def page(server):
    """The console's index.html as served at /."""
    with server.client() as c:
        r = c.get("/", headers={"Accept": BROWSER_ACCEPT})
    assert r.status_code == 200, (
        f"/ answered {r.status_code} {r.text[:200]}: build the console first (cmake --build build builds its target "
        "`console` into build/console)")
    return r


def referenced_assets(html, extension):
    return sorted(set(re.findall(r'(?:src|href)="(/assets/[^"?#]+\.' + extension + r')"', html)))


def assert_html_headers(r):
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert r.headers["cache-control"] == "no-cache"
    assert r.headers["content-security-policy"] == CSP
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["x-frame-options"] == "DENY"


def raw_get(server, target, headers=""):
    """(status, body) of a GET sent byte for byte: httpx would normalise "..", the point of the test."""
    url = urlparse(server.base_url)
    request = f"GET {target} HTTP/1.1\r\nHost: {url.hostname}\r\n{headers}Connection: close\r\n\r\n".encode("latin-1")
    with socket.create_connection((url.hostname, url.port), timeout=10) as s:
        s.sendall(request)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def test_root_is_the_console_page_with_a_strict_policy(server, page):
    assert_html_headers(page)
    assert "<html" in page.text.lower()
    assert "://" not in re.sub(r'xmlns(:\w+)?="[^"]*"', "", page.text)  # every asset is ours: no CDN
    with server.client() as c:
        again = c.get("/index.html")
    assert again.status_code == 200
    assert_html_headers(again)
    assert again.content == page.content


def test_head_of_the_root_has_the_headers_and_no_body(server, page):
    with server.client() as c:
        plain = c.head("/", headers={"Accept-Encoding": "identity"})
        zipped = c.head("/", headers={"Accept-Encoding": "gzip"})
    assert plain.status_code == 200
    assert_html_headers(plain)
    assert plain.content == b""
    assert int(plain.headers["content-length"]) == len(page.content)
    if zipped.headers.get("content-encoding") == "gzip":
        with server.client() as c, c.stream("GET", "/", headers={"Accept-Encoding": "gzip"}) as r:
            raw = b"".join(r.iter_raw())
        assert int(zipped.headers["content-length"]) == len(raw)


@pytest.mark.parametrize("extension,content_type", [("js", "text/javascript"), ("css", "text/css")])
def test_assets_are_immutable_and_gzipped_when_asked(server, page, extension, content_type):
    assets = referenced_assets(page.text, extension)
    assert assets, f"index.html references no .{extension} asset"
    with server.client() as c:
        for path in assets:
            plain = c.get(path, headers={"Accept-Encoding": "identity"})
            assert plain.status_code == 200, path
            assert plain.headers["content-type"].split(";")[0] == content_type
            assert plain.headers["cache-control"] == IMMUTABLE
            assert plain.headers["x-content-type-options"] == "nosniff"
            assert "content-encoding" not in plain.headers
            assert int(plain.headers["content-length"]) == len(plain.content)
            assert "content-security-policy" not in plain.headers  # not a page

            with c.stream("GET", path, headers={"Accept-Encoding": "gzip, deflate, br"}) as zipped:
                raw = b"".join(zipped.iter_raw())
            assert zipped.status_code == 200
            assert zipped.headers["content-encoding"] == "gzip", path
            assert zipped.headers["vary"] == "Accept-Encoding"
            assert zipped.headers["cache-control"] == IMMUTABLE
            assert zipped.headers["content-type"] == plain.headers["content-type"]
            assert int(zipped.headers["content-length"]) == len(raw)
            assert gzip.decompress(raw) == plain.content
            assert plain.headers["vary"] == "Accept-Encoding"  # the same URL varies by coding


def test_other_top_level_files_are_cached_for_an_hour(server, page):
    if 'href="/favicon.svg"' not in page.text:
        pytest.skip("the build has no favicon.svg")
    with server.client() as c:
        r = c.get("/favicon.svg", headers={"Accept": "image/avif,image/webp,*/*"})
    assert r.status_code == 200
    assert r.headers["content-type"] == "image/svg+xml"
    assert r.headers["cache-control"] == "public, max-age=3600"
    assert r.headers["x-content-type-options"] == "nosniff"


def test_a_browser_navigating_to_a_client_route_gets_the_page(server, page):
    with server.client() as c:
        for method in ("GET", "HEAD"):
            r = c.request(method, "/datasets/42?x=1", headers={"Accept": BROWSER_ACCEPT, "Accept-Encoding": "identity"})
            assert r.status_code == 200, method
            assert_html_headers(r)
            if method == "GET":
                assert r.content == page.content
        # Without text/html in Accept (an API client, a script) the same path keeps its 404.
        for accept in ("application/json", "*/*"):
            r = c.get("/datasets/42?x=1", headers={"Accept": accept})
            assert r.status_code == 404, accept
            assert r.json() == NOT_FOUND
        assert c.post("/datasets/42", headers={"Accept": BROWSER_ACCEPT}).status_code == 404


def test_server_paths_never_fall_back_to_the_page(server, page):
    with server.client() as c:
        for path in ("/api/v1/nope", "/api/v1/datasets/42/nope", "/api", "/docs/nope/deeper", "/metrics/x",
                     "/openapi.json/x", "/assets/nope.js", "/assets/sub/dir.js"):
            r = c.get(path, headers={"Accept": BROWSER_ACCEPT})
            assert r.status_code == 404, path
            assert r.headers["content-type"] == "application/json", path
            assert r.json() == NOT_FOUND, path


def test_hostile_asset_paths_are_404(server, page):
    asset = referenced_assets(page.text, "js")[0].rsplit("/", 1)[1]
    for target in ("/assets/../index.html", "/assets/%2e%2e/index.html", "/assets/%2E%2E%2Findex.html",
                   "/assets/..", "/assets/%2e%2e", f"/assets/..%5C{asset}", f"/assets/x\\..\\{asset}",
                   f"/assets/{asset}%00", f"/assets/{asset}%00.png", f"/assets/{asset}.gz", "/assets/.%2F" + asset,
                   "/assets/%2Fetc%2Fpasswd", "/assets/..%2F..%2F..%2Fetc%2Fpasswd", "/assets/"):
        status, body = raw_get(server, target, f"Accept: {BROWSER_ACCEPT}\r\n")
        assert status in (400, 404), target  # 400: a target that is not even a URL path
        assert b'"detail"' in body, target
        assert b"<html" not in body.lower(), target
    # Outside /assets/, a browser gets the page for a path the build did not have, never a file.
    for target in ("/%2e%2e/%2e%2e/etc/passwd", "/..%5C..%5Cetc%5Cpasswd", "/index.html.gz"):
        status, body = raw_get(server, target, f"Accept: {BROWSER_ACCEPT}\r\nAccept-Encoding: identity\r\n")
        assert (status, body) == (200, page.content), target


def test_api_clients_see_no_change(server, page):
    with server.client() as c:
        health = c.get("/api/v1/utils/health-check")
        assert health.status_code == 200 and health.json()["status"] == "ok"
        r = c.get("/api/v1/nope")
        assert r.status_code == 404 and r.json() == NOT_FOUND
        r = c.get("/nope")
        assert r.status_code == 404 and r.json() == NOT_FOUND
        r = c.delete("/nope")
        assert r.status_code == 404 and r.json() == NOT_FOUND
        r = c.delete("/api/v1/utils/health-check")
        assert r.status_code == 405 and r.json() == {"detail": "Method Not Allowed"}
        r = c.post("/", headers={"Accept": BROWSER_ACCEPT})
        assert r.status_code == 405
        assert c.get("/api/v1/users/me").status_code == 401
        assert c.get("/docs").headers["content-type"].startswith("text/html")
        spec = c.get("/openapi.json").json()
    assert spec["paths"]["/"]["get"]["tags"] == ["Console"]
    assert "/assets/{asset}" in spec["paths"]
