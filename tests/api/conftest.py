"""Fixtures for the black-box HTTP tests. `--db sqlite` (default) or `--db postgres` picks the
metadata database of every server the tests start."""
import uuid

import pytest

from dataml_server import ADMIN_PASSWORD, ADMIN_USERNAME, DatamlServer
from postgres_server import PostgresServer

USER_PASSWORD = "Sup3r-secret-pw"


def pytest_addoption(parser):
    parser.addoption("--db", action="store", default="sqlite", choices=["sqlite", "postgres"],
                     help="metadata database for the servers under test")


@pytest.fixture(scope="session")
def db_kind(request):
    return request.config.getoption("--db")


@pytest.fixture(scope="session")
def postgres(db_kind):
    if db_kind != "postgres":
        yield None
        return
    server = PostgresServer().start()
    yield server
    server.stop()


# Every server the session started, for the failure reports below.
STARTED_SERVERS = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed test's report shows what the servers logged as errors meanwhile (a 500's cause)."""
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        errors = [line for server in STARTED_SERVERS for line in server.stdout_lines[-500:] + server.stderr_lines[-500:]
                  if "[error]" in line or "[critical]" in line]
        if errors:
            report.sections.append(("dataml server errors", "".join(errors[-20:])))


@pytest.fixture(scope="session")
def make_server(postgres):
    """Starts a fresh server (fresh data dir, fresh database); stopped at the end of the session,
    when its stderr must hold no sanitizer report."""
    started = STARTED_SERVERS

    def start(env=None, admin_password=ADMIN_PASSWORD, data_dir=None, db_url=None, port=0):
        if db_url is None and postgres:
            db_url = postgres.create_database()
        server = DatamlServer(db_url=db_url, env=env, admin_password=admin_password, data_dir=data_dir,
                              port=port).start()
        started.append(server)
        return server

    yield start
    problems = []
    for server in started:
        server.stop()
        problems += server.sanitizer_reports()
    assert not problems, "sanitizer reports:\n" + "".join(problems)


@pytest.fixture(scope="session")
def server(make_server):
    return make_server()


def unique(prefix):
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


class Api:
    """Small helpers over one server; every call checks its status so tests read as stories."""

    def __init__(self, server):
        self.server = server

    def client(self, token=None):
        return self.server.client(token)

    def login(self, username, password):
        with self.client() as c:
            r = c.post("/api/v1/login/access-token", data={"username": username, "password": password})
        assert r.status_code == 200, r.text
        return r.json()

    def token(self, username, password):
        return self.login(username, password)["access_token"]

    def admin_token(self):
        return self.token(ADMIN_USERNAME, ADMIN_PASSWORD)

    def admin(self):
        return self.client(self.admin_token())

    def create_tenant(self, name=None):
        with self.admin() as c:
            r = c.post("/api/v1/tenants", json={"name": name or unique("tenant")})
        assert r.status_code == 201, r.text
        return r.json()

    def role_id(self, tenant_id, role_name):
        with self.admin() as c:
            r = c.get("/api/v1/rbac/roles", params={"tenant_id": tenant_id, "limit": 1000})
        assert r.status_code == 200, r.text
        return next(role["id"] for role in r.json()["data"] if role["name"] == role_name)

    def create_user(self, tenant_id, role=None, username=None, password=USER_PASSWORD):
        """Creates a user (as the superuser), optionally with a role; returns (user, token)."""
        username = username or unique("user")
        with self.admin() as c:
            r = c.post("/api/v1/users/create-user", json={
                "tenant_id": tenant_id, "username": username, "email": f"{username}@example.com",
                "password": password, "first_name": "Test", "last_name": "User"})
            assert r.status_code == 201, r.text
            user = r.json()
            if role:
                r = c.post(f"/api/v1/rbac/users/{user['id']}/roles", params={"tenant_id": tenant_id},
                           json={"role_id": self.role_id(tenant_id, role)})
                assert r.status_code == 200, r.text
        return user, self.token(username, password)


@pytest.fixture(scope="session")
def api(server):
    return Api(server)


@pytest.fixture
def tenant(api):
    return api.create_tenant()
