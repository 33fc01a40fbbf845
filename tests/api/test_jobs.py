"""The job protocol seen from outside: callbacks need the job's token; users see their
tenant's jobs only."""
import time

import pytest

from test_datasets import upload


@pytest.fixture
def scientist(api, tenant):
    _, token = api.create_user(tenant["id"], role="data_scientist")
    return api.client(token)


def wait_for(client, job_id, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        job = client.get(f"/api/v1/jobs/{job_id}").json()
        if job["status"] in ("completed", "failed", "cancelled"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish")


def test_callbacks_refuse_missing_wrong_and_late_tokens(api, scientist):
    dataset_id = upload(scientist).json()["dataset_id"]
    job_id = int(scientist.post("/api/v1/dataset/generate_statistics", params={"dataset_id": dataset_id}).json()["job_id"])
    with api.client() as anonymous:
        r = anonymous.post(f"/api/v1/jobs/{job_id}/result", json={"result": {"forged": True}})
        assert r.status_code == 401
        r = anonymous.post(f"/api/v1/jobs/{job_id}/result", json={"result": {"forged": True}},
                           headers={"X-Job-Token": "0" * 64})
        assert r.status_code == 401
        assert anonymous.get(f"/api/v1/jobs/{job_id}/spec").status_code == 401
        assert anonymous.get(f"/api/v1/jobs/{job_id}").status_code == 401
    job = wait_for(scientist, job_id)
    assert job["status"] == "completed" and job["kind"] == "statistics"
    stats = scientist.get("/api/v1/dataset/statistics", params={"dataset_id": dataset_id}).json()
    assert "forged" not in stats["statistics"]


def test_jobs_are_tenant_scoped(api, scientist):
    dataset_id = upload(scientist).json()["dataset_id"]
    job_id = scientist.post("/api/v1/dataset/generate_statistics", params={"dataset_id": dataset_id}).json()["job_id"]
    other = api.create_tenant()
    _, token = api.create_user(other["id"], role="admin")
    with api.client(token) as c:
        assert c.get(f"/api/v1/jobs/{job_id}").status_code == 404
    wait_for(scientist, job_id)


def test_statistics_need_valid_records(scientist):
    r = scientist.post("/api/v1/template", json={"template_name": "only_ints", "template_schema": [
        {"column_name": "x", "data_type": "Integer"}]})
    tid = r.json()["id"]
    dataset_id = upload(scientist, template_id=tid, files=[("files", ("x.csv", b"x\nnope\n", "text/csv"))]).json()["dataset_id"]
    r = scientist.post("/api/v1/dataset/generate_statistics", params={"dataset_id": dataset_id})
    assert r.status_code == 409


def test_an_unknown_job_backend_is_refused_at_start(tmp_path, postgres):
    from dataml_server import DatamlServer
    db_url = postgres.create_database() if postgres else None
    server = DatamlServer(db_url=db_url, env={"DATAML_JOB_BACKEND": "bogus"}, data_dir=str(tmp_path))
    with pytest.raises(RuntimeError, match=r"unknown job backend 'bogus' \(known: local, ray\)"):
        server.start(timeout=30)
    assert server.proc.wait(timeout=10) == 1


def test_jobs_record_the_backend_they_run_on(scientist):
    dataset_id = upload(scientist).json()["dataset_id"]
    r = scientist.post("/api/v1/dataset/generate_statistics", params={"dataset_id": dataset_id})
    assert r.status_code == 202, r.text
    job = wait_for(scientist, r.json()["job_id"])
    assert job["status"] == "completed", job
    assert job["backend"] == "local"  # the default backend (--job-backend)


def test_the_ray_backend_needs_an_address_and_absolute_worker_paths(tmp_path):
    from dataml_server import DatamlServer
    env = {"DATAML_JOB_BACKEND": "ray", "RAY_ADDRESS": "", "RAY_API_SERVER_ADDRESS": ""}
    server = DatamlServer(env=env, data_dir=str(tmp_path / "a"))
    with pytest.raises(RuntimeError, match="needs the Ray dashboard's address"):
        server.start(timeout=30)
    env = {"DATAML_JOB_BACKEND": "ray", "RAY_ADDRESS": "127.0.0.1:1", "DATAML_RAY_WORKER_BINARY": "build/dataml"}
    server = DatamlServer(env=env, data_dir=str(tmp_path / "b"))
    with pytest.raises(RuntimeError, match="paths must be absolute"):
        server.start(timeout=30)


def test_a_job_token_opens_its_own_job_while_it_runs_and_nothing_else(api, scientist):
    from test_train import job_token
    dataset_id = upload(scientist).json()["dataset_id"]
    first = int(scientist.post("/api/v1/dataset/generate_statistics", params={"dataset_id": dataset_id}).json()["job_id"])
    wait_for(scientist, first)
    with api.client() as anonymous:
        # As a bearer token on a user endpoint it is no token at all.
        r = anonymous.get("/api/v1/users/me", headers={"Authorization": f"Bearer {job_token(first)}"})
        assert r.status_code == 401
        # Another job's token does not open this one.
        r = anonymous.get(f"/api/v1/jobs/{first}/spec", headers={"X-Job-Token": job_token(first + 1)})
        assert r.status_code == 401
        # Its own token after the job ended: the job takes no more callbacks.
        r = anonymous.get(f"/api/v1/jobs/{first}/spec", headers={"X-Job-Token": job_token(first)})
        assert r.status_code == 409, r.text
        r = anonymous.post(f"/api/v1/jobs/{first}/result", json={"result": {"forged": True}},
                           headers={"X-Job-Token": job_token(first)})
        assert r.status_code == 409, r.text
    stats = scientist.get("/api/v1/dataset/statistics", params={"dataset_id": dataset_id}).json()
    assert "forged" not in stats["statistics"]
