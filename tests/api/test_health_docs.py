"""Health check (4.1), the OpenAPI document and the Swagger UI page."""


def test_health_check_needs_no_auth_and_reports_the_database(server, db_kind):
    with server.client() as c:
        for path in ("/api/v1/utils/health-check/", "/api/v1/utils/health-check"):
            r = c.get(path)
            assert r.status_code == 200
            body = r.json()
            assert body["status"] == "ok"
            assert body["database"]["status"] == "ok"
            assert body["database"]["backend"] == ("postgresql" if db_kind == "postgres" else "sqlite")
            assert body["database"]["schema_version"] >= 1
            # The shared server's dispatcher has probed its backend since it started.
            assert body["job_backend"] == {"name": "local", "status": "ok"}


def test_openapi_document_lists_the_endpoints(server):
    with server.client() as c:
        r = c.get("/openapi.json")
    assert r.status_code == 200
    spec = r.json()
    assert spec["openapi"].startswith("3.1")
    for path in ("/api/v1/login/access-token", "/api/v1/users/create-user", "/api/v1/rbac/roles",
                 "/api/v1/template", "/api/v1/template/{template_id}", "/api/v1/utils/health-check"):
        assert path in spec["paths"], path


def test_swagger_ui_is_served_locally(server):
    with server.client() as c:
        page = c.get("/docs")
        assert page.status_code == 200
        assert "swagger-ui-bundle.js" in page.text
        assert "://" not in page.text  # every asset is ours: no CDN
        bundle = c.get("/docs/swagger-ui-bundle.js")
        assert bundle.status_code == 200
        assert bundle.headers["content-type"].startswith("application/javascript")
        assert len(bundle.content) > 100_000
        assert c.get("/docs/swagger-init.js").status_code == 200


def test_docs_assets_cannot_escape_the_package(server):
    with server.client() as c:
        for path in ("/docs/..%2F..%2Fpackage.json", "/docs/%2E%2E", "/docs/.env", "/docs/../CMakeLists.txt"):
            r = c.get(path)
            assert r.status_code == 404, path
            assert "detail" in r.json()


def test_unknown_path_and_wrong_method(server):
    with server.client() as c:
        r = c.get("/api/v1/nope")
        assert r.status_code == 404 and r.json() == {"detail": "Not Found"}
        r = c.delete("/api/v1/utils/health-check")
        assert r.status_code == 405 and r.json() == {"detail": "Method Not Allowed"}
