"""GET /metrics: Prometheus text for superusers and for the operator's scrape token."""
import re
import socket
from urllib.parse import urlparse

from conftest import Api

SCRAPE_TOKEN = "scrape-token-0123456789abcdef"
# A label value is a quoted string that may hold braces ("/users/{user_id}") and escapes.
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[^"}]|"(?:[^"\\]|\\.)*")*\})? (-?[0-9.e+\-]+|NaN|\+Inf)$')


def samples(text):
    """name{labels} -> value, for every sample line; each line must be well formed."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        assert m, f"malformed sample line: {line!r}"
        out[m.group(1) + (m.group(2) or "")] = float(m.group(3))
    return out


def test_metrics_need_a_superuser_or_the_scrape_token(make_server):
    server = make_server(env={"DATAML_METRICS_TOKEN": SCRAPE_TOKEN})
    api = Api(server)
    with api.client() as anonymous:
        r = anonymous.get("/metrics")
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    with api.client("not-a-token") as forged:
        assert forged.get("/metrics").status_code == 401
    tenant = api.create_tenant()
    _, token = api.create_user(tenant["id"], role="admin")
    with api.client(token) as tenant_admin:
        assert tenant_admin.get("/metrics").status_code == 403
    with api.client(SCRAPE_TOKEN) as scraper:
        r = scraper.get("/metrics")
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("text/plain; version=0.0.4")
    with api.admin() as admin:
        assert admin.get("/metrics").status_code == 200


def test_metrics_count_requests_connections_and_jobs(make_server):
    server = make_server(env={"DATAML_METRICS_TOKEN": SCRAPE_TOKEN})
    api = Api(server)
    with api.admin() as admin:
        for _ in range(3):
            assert admin.get("/api/v1/validate-token").status_code == 200
        assert admin.get("/api/v1/users/999999").status_code == 404
        assert admin.get("/no/such/path").status_code == 404
        with api.client(SCRAPE_TOKEN) as scraper:
            text = scraper.get("/metrics").text
    for family in ("dataml_http_requests_total", "dataml_http_request_duration_seconds",
                   "dataml_http_open_connections", "dataml_http_pool_queue_depth", "dataml_jobs"):
        assert f"# TYPE {family} " in text, family
    values = samples(text)
    assert values['dataml_http_requests_total{method="GET",route="/api/v1/validate-token",status="200"}'] == 3
    assert values['dataml_http_requests_total{method="GET",route="/api/v1/users/{user_id}",status="404"}'] == 1
    assert values['dataml_http_request_duration_seconds_count{method="GET",route="/api/v1/validate-token"}'] == 3
    assert values['dataml_http_request_duration_seconds_bucket{method="GET",route="/api/v1/validate-token",le="+Inf"}'] == 3
    assert values["dataml_http_open_connections"] >= 1
    assert values['dataml_jobs{state="queued"}'] == 0
    assert values['dataml_jobs{state="running"}'] == 0
    unrouted = [k for k in values if k.startswith("dataml_http_requests_total") and 'status="404"' in k
                and "/api/v1/users" not in k]
    assert unrouted and sum(values[k] for k in unrouted) >= 1


def test_a_route_refused_before_its_body_is_counted_under_that_route(make_server):
    """413 (declared length over the limit) and 411 (chunked outside uploads) are the route's."""
    server = make_server(env={"DATAML_METRICS_TOKEN": SCRAPE_TOKEN})
    api = Api(server)
    url = urlparse(server.base_url)
    for head in (b"Content-Length: %d\r\n\r\n" % (2 * 1024 * 1024), b"Transfer-Encoding: chunked\r\n\r\n"):
        with socket.create_connection((url.hostname, url.port), timeout=5) as s:
            s.sendall(b"POST /api/v1/login/access-token HTTP/1.1\r\nHost: x\r\n"
                      b"Content-Type: application/x-www-form-urlencoded\r\n" + head)
            assert s.recv(64).startswith(b"HTTP/1.1 41")
    with api.client(SCRAPE_TOKEN) as scraper:
        values = samples(scraper.get("/metrics").text)
    route = 'method="POST",route="/api/v1/login/access-token"'
    assert values[f'dataml_http_requests_total{{{route},status="413"}}'] == 1
    assert values[f'dataml_http_requests_total{{{route},status="411"}}'] == 1
