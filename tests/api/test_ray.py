"""The ray job backend against a real Ray 2.60 head (started by the tests, token auth on): jobs run
as Ray jobs, Ray's word is shown, terminate stops the Ray job, a cluster that dies mid-job fails
its job instead of leaving it running, and jobs submitted while Ray is down wait and then run."""
import time

import pytest

from conftest import Api
from dataml_server import SANITIZER_PATTERN
from postgres_server import free_port
from ray_head import RayHead, kill_matching
from test_jobs import wait_for
from test_train import churn_csv, train, training, upload_csv, wait_completed, wait_training

LONG_TRAINING = {"algorithm": "XGBoost", "hyperparameters": {"num_boost_round": 5000, "max_depth": 12}}


@pytest.fixture(scope="module")
def ray_head():
    head = RayHead().start()
    yield head
    head.cleanup()


@pytest.fixture(scope="module")
def ray_server(make_server, ray_head):
    return make_server(env={"DATAML_JOB_BACKEND": "ray", "RAY_ADDRESS": ray_head.address,
                            "RAY_AUTH_TOKEN": ray_head.token})


@pytest.fixture
def scientist(ray_server):
    api = Api(ray_server)
    tenant = api.create_tenant()
    _, token = api.create_user(tenant["id"], role="data_scientist")
    return api.client(token)


def wait_until(what, predicate, timeout=60, every=0.2):
    deadline = time.time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(every)


def job(client, job_id):
    r = client.get(f"/api/v1/jobs/{job_id}")
    assert r.status_code == 200, r.text
    return r.json()


def health(server):
    with server.client() as c:
        return c.get("/api/v1/utils/health-check").json()


def test_a_training_runs_as_a_ray_job_with_the_token(ray_head, ray_server, scientist):
    assert health(ray_server)["job_backend"] == {"name": "ray", "status": "ok"}
    dataset = upload_csv(scientist, churn_csv())
    created = train(scientist, dataset, algorithm="XGBoost")
    assert created["training_status"] == "submitted_to_ray"
    row = wait_completed(scientist, created["id"])
    assert row["accuracy"] > 0.7

    job_id = created["ray_job_id"]
    # The dispatcher records Ray's last word once it polls the ended job.
    done = wait_until("Ray's SUCCEEDED", lambda: (j := job(scientist, job_id))["backend_status"] == "SUCCEEDED" and j)
    assert done["backend"] == "ray" and done["status"] == "completed"
    assert done["backend_ref"].startswith(f"dataml-{job_id}-")
    on_ray = ray_head.job(done["backend_ref"])
    assert on_ray["status"] == "SUCCEEDED"
    assert on_ray["entrypoint"].startswith("'/") and f" worker --job {job_id} --server " in on_ray["entrypoint"]
    assert set(on_ray["runtime_env"]["env_vars"]) == {"DATAML_JOB_TOKEN", "OMP_WAIT_POLICY"}
    assert on_ray["metadata"] == {"dataml_job_id": str(job_id), "dataml_kind": "train"}
    # A worker on Ray writes to Ray's log, not to the server's stderr the suite checks.
    assert not SANITIZER_PATTERN.search(ray_head.job_logs(done["backend_ref"]))


def test_terminate_stops_the_ray_job(ray_head, scientist):
    big = upload_csv(scientist, churn_csv(rows=20000, seed=11))
    t = train(scientist, big, **LONG_TRAINING)
    job_id = t["ray_job_id"]
    wait_until("the training to run on Ray", lambda: job(scientist, job_id)["backend_status"] == "RUNNING", timeout=120)
    assert training(scientist, t["id"])["training_status"] == "running"
    r = scientist.post("/api/v1/ray/terminate_ray_job", params={"ray_job_id": job_id, "usage": "training"})
    assert r.status_code == 200, r.text
    assert wait_training(scientist, t["id"], timeout=30)["training_status"] == "Terminated"
    stopped = wait_until("Ray's STOPPED", lambda: (j := job(scientist, job_id))["backend_status"] == "STOPPED" and j)
    assert stopped["status"] == "cancelled"
    assert ray_head.job(stopped["backend_ref"])["status"] == "STOPPED"


def test_a_cluster_that_dies_fails_its_job_and_jobs_wait_until_it_is_back(ray_head, ray_server, scientist):
    big = upload_csv(scientist, churn_csv(rows=20000, seed=12))
    t = train(scientist, big, **LONG_TRAINING)
    long_job = t["ray_job_id"]
    wait_until("the training to run on Ray", lambda: job(scientist, long_job)["backend_status"] == "RUNNING", timeout=120)
    # The machine goes down, the worker with it. (A head stopped politely lets its running jobs end
    # first: seen here, the training then completed.)
    kill_matching(f"worker --job {long_job} --server {ray_server.base_url}")
    ray_head.kill()

    # The API stays up and says why jobs wait.
    down = wait_until("a degraded health check", lambda: (h := health(ray_server))["status"] == "degraded" and h, timeout=30)
    assert down["job_backend"]["name"] == "ray" and down["job_backend"]["status"] == "unreachable"
    dataset = upload_csv(scientist, churn_csv(rows=200, seed=13))
    r = scientist.post("/api/v1/dataset/generate_statistics", params={"dataset_id": dataset})
    assert r.status_code in (200, 201, 202), r.text
    stats_job = r.json()["job_id"]
    time.sleep(3)
    assert job(scientist, stats_job)["status"] == "queued"
    assert job(scientist, long_job)["status"] == "running", "Ray may answer again: the job is not failed at once"

    ray_head.start()  # the same address, but a new cluster: it knows none of the earlier jobs
    failed = wait_training(scientist, t["id"], timeout=60)
    assert failed["training_status"] == "Failed"
    assert "unknown to the Ray cluster" in failed["error"], failed["error"]
    assert wait_for(scientist, stats_job, timeout=120)["status"] == "completed"
    assert job(scientist, stats_job)["backend"] == "ray"
    wait_until("a healthy check", lambda: health(ray_server)["status"] == "ok", timeout=30)


def test_two_workers_train_one_model_as_well_as_one(ray_head, scientist):
    dataset = upload_csv(scientist, churn_csv(rows=2000, seed=14))
    # Several workers need an algorithm XGBoost's collective trains, and a new predictor.
    for body in ({"num_workers": 2}, {"num_workers": 2, "algorithm": "Linear"}, {"num_workers": 65, "algorithm": "XGBoost"}):
        r = train(scientist, dataset, expect=422, **body)
        assert r["detail"][0]["loc"] == ["body", "num_workers"], r

    one = train(scientist, dataset, algorithm="XGBoost", num_workers=1)
    two = train(scientist, dataset, algorithm="XGBoost", num_workers=2)
    assert two["num_workers"] == 2 and one["num_workers"] == 1
    one_row, two_row = wait_completed(scientist, one["id"]), wait_completed(scientist, two["id"])
    assert abs(one_row["accuracy"] - two_row["accuracy"]) <= 0.02, (one_row["accuracy"], two_row["accuracy"])
    summary = scientist.get("/api/v1/train/model-summary", params={"train_id": two["id"]}).json()
    assert summary["num_workers"] == 2 and summary["rows"]["test"] == 400
    # Each rank read its own half of the rows.
    assert summary["rows"]["per_worker"] == [1000, 1000], summary["rows"]

    # One Ray job per rank: rank 0's id is the job's reference, rank 1's adds "-r1".
    ref = wait_until("Ray's SUCCEEDED", lambda: (j := job(scientist, two["ray_job_id"]))["backend_status"] == "SUCCEEDED"
                     and j)["backend_ref"]
    assert ref.endswith("-w2")
    assert ray_head.job(ref)["status"] == "SUCCEEDED"
    rank1 = ray_head.job(ref + "-r1")
    assert rank1["status"] == "SUCCEEDED" and rank1["entrypoint"].endswith(" --rank 1")
    rank1_logs = ray_head.job_logs(ref + "-r1")
    assert "rank 1 of 2 joined the training" in rank1_logs and "it holds 1000 rows" in rank1_logs, rank1_logs
    assert not SANITIZER_PATTERN.search(rank1_logs)

    # The model predicts like any other.
    features = {"Tenure": 3, "MonthlyCharges": 99.0, "Contract": "Monthly", "Senior": False, "SignupDate": "2023-01-01"}
    r = scientist.post("/api/v1/inference/", json={"train_id": two["id"], "preprocess_id": two["preprocess_id"],
                                                   "features": features, "target": "Churn"})
    assert r.status_code == 200, r.text


def test_a_server_that_restarts_adopts_its_running_ray_jobs(ray_head, make_server, tmp_path):
    # Ray jobs outlive the server that submitted them. A server on the same database (and the same
    # callback URL, which the worker reports to) takes over a running one once its lease runs out.
    port = free_port()
    env = {"DATAML_JOB_BACKEND": "ray", "RAY_ADDRESS": ray_head.address, "RAY_AUTH_TOKEN": ray_head.token,
           "DATAML_JOB_LEASE_SECONDS": "4"}
    first = make_server(env=env, data_dir=str(tmp_path), port=port)
    api = Api(first)
    tenant = api.create_tenant()
    _, token = api.create_user(tenant["id"], role="data_scientist")
    with api.client(token) as c:
        t = train(c, upload_csv(c, churn_csv(rows=40000, seed=16)), **LONG_TRAINING)
        wait_until("the training to run on Ray", lambda: job(c, t["ray_job_id"])["backend_status"] == "RUNNING",
                   timeout=120)
    assert first.stop() == 0  # leaves its Ray job running

    second = make_server(env=env, data_dir=str(tmp_path), db_url=first.db_url, port=port)
    with Api(second).client(token) as c:
        wait_until("the adoption", lambda: any(f"job {t['ray_job_id']} adopted" in line for line in second.stdout_lines),
                   timeout=60)
        assert wait_training(c, t["id"], timeout=300)["training_status"] == "Completed"
        # The new server follows it on Ray as its own.
        wait_until("Ray's SUCCEEDED", lambda: job(c, t["ray_job_id"])["backend_status"] == "SUCCEEDED")
