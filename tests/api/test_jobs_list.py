"""GET /api/v1/jobs: a tenant's jobs newest first, paged, filtered by status and kind, and
nobody else's."""
import pytest

from test_datasets import upload
from test_jobs import wait_for
from test_train import churn_csv, train, upload_csv, wait_training

STATISTICS_JOBS = 5


@pytest.fixture
def scientist(api, tenant):
    _, token = api.create_user(tenant["id"], role="data_scientist")
    return api.client(token)


def statistics_job(client, dataset_id):
    r = client.post("/api/v1/dataset/generate_statistics", params={"dataset_id": dataset_id})
    assert r.status_code == 202, r.text
    return int(r.json()["job_id"])


def listing(client, expect=200, **params):
    r = client.get("/api/v1/jobs", params=params)
    assert r.status_code == expect, r.text
    return r.json()


@pytest.fixture
def jobs(scientist):
    """Five finished statistics jobs and, newest, a finished train job; their ids oldest first."""
    dataset_id = upload(scientist).json()["dataset_id"]
    ids = [statistics_job(scientist, dataset_id) for _ in range(STATISTICS_JOBS)]
    for job_id in ids:
        assert wait_for(scientist, job_id)["status"] == "completed"
    created = train(scientist, upload_csv(scientist, churn_csv(rows=80)), algorithm="Linear")
    wait_training(scientist, created["id"])
    newest = listing(scientist, kind="train")["data"]
    assert len(newest) == 1
    return ids + [newest[0]["id"]]


def test_jobs_are_listed_newest_first_in_pages_with_the_total(scientist, jobs):
    body = listing(scientist)
    assert body["total"] == len(jobs)
    assert [job["id"] for job in body["data"]] == jobs[::-1]
    assert body["data"][0]["kind"] == "train"
    # Each as GET /api/v1/jobs/{job_id} shows it.
    for job in body["data"]:
        assert job == scientist.get(f"/api/v1/jobs/{job['id']}").json()
        assert "payload" not in job

    first = listing(scientist, limit=4)
    second = listing(scientist, skip=4, limit=4)
    assert first["total"] == second["total"] == len(jobs)
    assert [job["id"] for job in first["data"]] == jobs[::-1][:4]
    assert [job["id"] for job in second["data"]] == jobs[::-1][4:]
    past = listing(scientist, skip=len(jobs))
    assert past == {"total": len(jobs), "data": []}


def test_status_and_kind_narrow_the_list_and_the_total(scientist, jobs):
    statistics = listing(scientist, kind="statistics")
    assert statistics["total"] == STATISTICS_JOBS
    assert [job["id"] for job in statistics["data"]] == jobs[:STATISTICS_JOBS][::-1]
    assert {job["kind"] for job in statistics["data"]} == {"statistics"}

    completed = listing(scientist, status="completed", kind="statistics", limit=2)
    assert completed["total"] == STATISTICS_JOBS
    assert [job["id"] for job in completed["data"]] == jobs[STATISTICS_JOBS - 2:STATISTICS_JOBS][::-1]
    assert {job["status"] for job in completed["data"]} == {"completed"}

    for status in ("queued", "running", "cancelled"):
        assert listing(scientist, status=status) == {"total": 0, "data": []}
    assert listing(scientist, kind="shap") == {"total": 0, "data": []}
    assert listing(scientist, kind="forecast") == {"total": 0, "data": []}


def test_a_cancelled_job_is_listed_under_cancelled(scientist):
    dataset_id = upload(scientist).json()["dataset_id"]
    job_id = statistics_job(scientist, dataset_id)
    r = scientist.post("/api/v1/ray/terminate_ray_job", params={"ray_job_id": job_id, "usage": "statistics"})
    assert r.status_code in (200, 409), r.text  # 409 when it finished first
    final = wait_for(scientist, job_id)["status"]
    assert final == ("cancelled" if r.status_code == 200 else "completed")
    cancelled = listing(scientist, status="cancelled")
    assert [job["id"] for job in cancelled["data"]] == ([job_id] if final == "cancelled" else [])
    assert listing(scientist, status="completed")["total"] == (0 if final == "cancelled" else 1)


def test_bad_queries_answer_422_at_their_parameter(scientist):
    detail = listing(scientist, expect=422, status="done")["detail"]
    assert [(tuple(e["loc"]), e["type"]) for e in detail] == [(("query", "status"), "enum")]
    detail = listing(scientist, expect=422, kind="training")["detail"]
    assert [(tuple(e["loc"]), e["type"]) for e in detail] == [(("query", "kind"), "enum")]
    detail = listing(scientist, expect=422, limit=0, skip=-1)["detail"]
    assert {tuple(e["loc"]) for e in detail} == {("query", "limit"), ("query", "skip")}
    assert listing(scientist, expect=422, limit=1001)["detail"][0]["loc"] == ["query", "limit"]
    assert listing(scientist, limit=1000) == {"total": 0, "data": []}


def test_another_tenant_sees_none_of_the_jobs(api, tenant, scientist, jobs):
    other = api.create_tenant()
    _, token = api.create_user(other["id"], role="admin")
    with api.client(token) as outsider:
        assert listing(outsider) == {"total": 0, "data": []}
        # A non-superuser may not act in another tenant: 404, as for everything else there.
        r = outsider.get("/api/v1/jobs", params={"tenant_id": tenant["id"]})
        assert r.status_code == 404, r.text
    # A plain user of the tenant sees them (no permission beyond being signed in).
    _, token = api.create_user(tenant["id"])
    with api.client(token) as member:
        assert listing(member)["total"] == len(jobs)
    # The superuser acts in the tenant it names.
    with api.admin() as admin:
        body = listing(admin, tenant_id=tenant["id"])
        assert [job["id"] for job in body["data"]] == jobs[::-1]


def test_listing_needs_a_token(api):
    with api.client() as anonymous:
        assert anonymous.get("/api/v1/jobs").status_code == 401
