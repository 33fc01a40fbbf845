"""First start: default tenant, superuser with a random password printed once, and a JWT secret
generated once into the data dir and kept across restarts."""
import os
import re
import stat

import httpx


def test_first_start_prints_a_random_admin_password_once(make_server, tmp_path):
    env = {"DATAML_JWT_SECRET": ""}  # unset: the server generates and keeps its own
    first = make_server(env=env, admin_password=None, data_dir=str(tmp_path))
    out = "".join(first.stdout_lines)
    match = re.search(r"Created superuser 'admin' with password: (\S+)", out)
    assert match, out
    password = match.group(1)
    with first.client() as c:
        r = c.post("/api/v1/login/access-token", data={"username": "admin", "password": password})
        assert r.status_code == 200
        token = r.json()["access_token"]
        me = c.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"}).json()
        assert me["is_superuser"] is True
        tenants = c.get("/api/v1/tenants", headers={"Authorization": f"Bearer {token}"}).json()
        assert [t["name"] for t in tenants["data"]] == ["default"]
    secret_file = tmp_path / "jwt_secret"
    assert stat.S_IMODE(os.stat(secret_file).st_mode) == 0o600
    assert len(secret_file.read_text().strip()) >= 32
    assert first.stop() == 0  # SIGTERM is a clean shutdown

    second = make_server(env=env, admin_password=None, data_dir=str(tmp_path), db_url=first.db_url)
    assert "password" not in "".join(second.stdout_lines)  # shown once only
    with httpx.Client(base_url=second.base_url) as c:
        # Same secret after the restart: the earlier token is still valid.
        r = c.get("/api/v1/validate-token", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200


def test_weak_admin_password_is_refused_at_start(tmp_path, postgres):
    from dataml_server import DatamlServer
    import pytest
    db_url = postgres.create_database() if postgres else None
    server = DatamlServer(db_url=db_url, admin_password="weak", data_dir=str(tmp_path))
    with pytest.raises(RuntimeError, match="superuser"):
        server.start(timeout=30)
