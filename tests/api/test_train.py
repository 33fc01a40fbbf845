"""Train (8.1-8.12, 10.5) and terminate (12.1): predictors trained as jobs by `dataml worker`,
their summaries, schemas, SHAP feature importance, incremental versions, preprocess swaps,
deletion, termination, and the worker callbacks that only a job's own token may call."""
import hashlib
import hmac
import os
import random
import time

import pytest

from conftest import unique
from dataml_server import JWT_SECRET
from test_datasets import upload

CONTRACTS = ["Monthly", "OneYear", "TwoYear"]


def churn_csv(rows=300, seed=1, extra_column=False):
    """A learnable churn-like table: Id, numbers (some missing), a category, a flag, a date."""
    rnd = random.Random(seed)
    header = "CustomerID,Tenure,MonthlyCharges,Contract,Senior,SignupDate,Churn" + (",Region" if extra_column else "")
    lines = [header]
    for i in range(rows):
        tenure = rnd.randint(0, 72)
        charges = round(rnd.uniform(20, 120), 2)
        contract = rnd.choice(CONTRACTS)
        senior = rnd.random() < 0.3
        churn = (contract == "Monthly" and charges > 60) or tenure < 6
        if rnd.random() < 0.05:
            churn = not churn
        cell = "" if rnd.random() < 0.05 else str(charges)
        line = f"C{seed}_{i},{tenure},{cell},{contract},{str(senior).lower()},2023-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d},{'Yes' if churn else 'No'}"
        lines.append(line + (f",R{rnd.randint(1, 3)}" if extra_column else ""))
    return "\n".join(lines) + "\n"


def regression_csv(rows=300, seed=2):
    rnd = random.Random(seed)
    lines = ["Id,Cells,Load,Band,Throughput"]
    for i in range(rows):
        cells, load, band = rnd.randint(1, 40), rnd.uniform(0, 1), rnd.choice(["n78", "n3", "n28"])
        value = 5 * cells - 30 * load + {"n78": 40, "n3": 10, "n28": 0}[band] + rnd.gauss(0, 2)
        lines.append(f"S{i},{cells},{load:.4f},{band},{value:.3f}")
    return "\n".join(lines) + "\n"


def multiclass_csv(rows=300, seed=3):
    rnd = random.Random(seed)
    lines = ["Signal,Noise,Quality"]
    for _ in range(rows):
        s, n = rnd.uniform(0, 30), rnd.uniform(0, 10)
        snr = s - n
        quality = "good" if snr > 15 else ("fair" if snr > 5 else "poor")
        lines.append(f"{s:.3f},{n:.3f},{quality}")
    return "\n".join(lines) + "\n"


def upload_csv(client, text, name=None):
    r = upload(client, name=name, files=[("files", ("data.csv", text.encode(), "text/csv"))])
    assert r.status_code == 201, r.text
    return r.json()["dataset_id"]


def train(client, dataset_id, name=None, problem="Classification", columns=None, expect=201, **extra):
    body = {"dataset_id": dataset_id, "predictor_name": name or unique("predictor"), "domain": "Churn",
            "problem_type": problem,
            "columns": columns if columns is not None else [
                {"column_name": "CustomerID", "attribute_name": "Id"},
                {"column_name": "Churn", "attribute_name": "Target"}],
            **extra}
    r = client.post("/api/v1/train/", json=body)
    assert r.status_code == expect, r.text
    return r.json()


def training(client, train_id):
    rows = client.get("/api/v1/train/list", params={"limit": 1000}).json()["data"]
    return next(row for row in rows if row["id"] == train_id)


def wait_training(client, train_id, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        row = training(client, train_id)
        if row["training_status"] in ("Completed", "Failed", "Terminated"):
            return row
        time.sleep(0.2)
    raise AssertionError(f"training {train_id} did not finish")


def wait_completed(client, train_id):
    row = wait_training(client, train_id)
    assert row["training_status"] == "Completed", row["error"]
    return row


def wait_importance(client, train_id, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        r = client.get("/api/v1/train/view-feature-importance", params={"train_id": train_id})
        if r.status_code == 200 and r.json()["status"] in ("completed", "failed", "terminated"):
            return r.json()
        time.sleep(0.2)
    raise AssertionError(f"feature importance of {train_id} did not finish")


def job_token(job_id):
    return hmac.new(JWT_SECRET.encode(), f"dataml-job:{job_id}".encode(), hashlib.sha256).hexdigest()


def check_binary_curves(summary):
    """A two-class summary's ROC and precision-recall points, computed on its holdout rows."""
    assert summary["residuals"] is None
    roc, pr = summary["curves"]["roc"], summary["curves"]["pr"]
    assert 2 <= len(roc) <= 200 and 2 <= len(pr) <= 200
    assert (roc[0]["fpr"], roc[0]["tpr"], roc[0]["threshold"]) == (0, 0, None)
    assert (roc[-1]["fpr"], roc[-1]["tpr"]) == (1, 1)
    for before, after in zip(roc, roc[1:]):
        assert before["fpr"] <= after["fpr"] and before["tpr"] <= after["tpr"]
        assert before["threshold"] is None or after["threshold"] < before["threshold"]
    # 60 holdout rows make fewer points than the thinning keeps: the area is exactly roc_auc.
    area = sum((b["fpr"] - a["fpr"]) * (a["tpr"] + b["tpr"]) / 2 for a, b in zip(roc, roc[1:]))
    assert area == pytest.approx(summary["model_summary"]["roc_auc"], abs=1e-9)
    for point in pr:
        assert 0 <= point["recall"] <= 1 and 0 <= point["precision"] <= 1
    assert pr[0]["recall"] == 1 and (pr[-1]["recall"], pr[-1]["precision"], pr[-1]["threshold"]) == (0, 1, None)


@pytest.fixture
def scientist(api, tenant):
    _, token = api.create_user(tenant["id"], role="data_scientist")
    return api.client(token)


@pytest.fixture
def churn(scientist):
    return upload_csv(scientist, churn_csv())


def test_get_details_gives_schema_and_roles(scientist, churn):
    r = scientist.post("/api/v1/train/get_details", json={
        "dataset_id": churn, "predictor_name": "p", "domain": "Churn", "problem_type": "Classification"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["dataset_id"] == churn and body["predictor_name"] == "p" and body["problem_type"] == "Classification"
    assert {"column_name": "Contract", "data_type": "String"} in body["dataset_schema"]
    assert {"column_name": "SignupDate", "data_type": "Date"} in body["dataset_schema"]
    assert body["attributes"][:3] == ["Id", "Target", "Feature"] and "Ignore" in body["attributes"]
    r = scientist.post("/api/v1/train/get_details", json={"dataset_id": churn})
    assert r.status_code == 422
    assert {tuple(e["loc"]) for e in r.json()["detail"]} >= {("body", "predictor_name"), ("body", "problem_type")}
    assert scientist.post("/api/v1/train/get_details", json={
        "dataset_id": 999999, "predictor_name": "p", "domain": "d", "problem_type": "Classification"}).status_code == 404


def test_binary_classification_auto_with_summary_schema_and_shap(api, server, scientist, churn):
    created = train(scientist, churn, shap_enabled=True)
    assert created["training_status"] in ("submitted", "running")
    assert created["requested_algorithm"] == "auto" and created["ml_model_status"] == "pending"
    assert created["ray_job_id"] and created["preprocess_id"] > 0
    assert created["num_workers"] == 1
    r = scientist.get("/api/v1/train/model-summary", params={"train_id": created["id"]})
    assert r.status_code in (200, 409)  # 409 until completed

    row = wait_completed(scientist, created["id"])
    assert row["train_status"] == "completed" and row["ml_model_status"] == "completed"
    assert row["algorithm"] in ("XGBoost", "RandomForest", "Linear")
    assert 0.75 <= row["accuracy"] <= 1.0  # the rule behind the labels holds for 95% of rows
    assert row["dataset_name"] and row["data_source"] == "csv"

    summary = scientist.get("/api/v1/train/model-summary", params={"train_id": created["id"]}).json()
    ms = summary["model_summary"]
    assert ms["model"].endswith("Classifier") or ms["model"] == "LogisticRegression"
    for key in ("accuracy", "precision", "recall", "f1_score", "roc_auc", "log_loss"):
        assert ms[key] is not None and ms[key] >= 0, key
    matrix = summary["confusion_matrix"]
    assert len(matrix) == 2 and all(len(r) == 2 for r in matrix)
    assert sum(map(sum, matrix)) == summary["rows"]["test"] == 60  # 20% holdout of 300
    assert summary["classes"] == ["false", "true"]
    assert summary["num_workers"] == 1
    assert {c["algorithm"] for c in summary["candidates"]} == {"XGBoost", "RandomForest", "Linear"}
    assert set(summary["per_class"]) == {"false", "true"}
    check_binary_curves(summary)

    r = scientist.get(f"/api/v1/train/download-schema/{created['id']}")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    schema = {c["column_name"]: c for c in r.json()["schema"]}
    assert schema["CustomerID"]["attribute_name"] == "Id" and schema["Churn"]["attribute_name"] == "Target"
    assert schema["Contract"] == {"column_name": "Contract", "data_type": "String", "attribute_name": "Feature"}

    # shap_enabled: a SHAP job follows the training on its own.
    fi = wait_importance(scientist, created["id"])
    assert fi["status"] == "completed", fi
    importance = fi["feature_importance"]
    assert set(importance) == {"Tenure", "MonthlyCharges", "Contract", "Senior", "SignupDate"}
    values = list(importance.values())
    assert values == sorted(values, reverse=True) and all(v >= 0 for v in values)
    # The labels follow Contract, MonthlyCharges and Tenure only: one of them leads, by a margin.
    assert list(importance)[0] in {"Contract", "Tenure", "MonthlyCharges"} and values[0] > 0
    assert importance["Senior"] < values[0] / 2
    assert fi["sample_rows"] == 1000 and fi["shap_job_id"]

    # Delete it, then generate it again on a sample of our choosing.
    assert scientist.delete(f"/api/v1/train/delete-feature-importance/{created['id']}").status_code == 200
    assert scientist.get("/api/v1/train/view-feature-importance", params={"train_id": created["id"]}).status_code == 404
    # A replayed training result (here without train_id, which the document makes optional) is
    # answered as before and starts no second SHAP job.
    job_id = int(created["ray_job_id"])
    result = scientist.get(f"/api/v1/jobs/{job_id}").json()["result"]
    with api.client() as worker:
        r = worker.post("/api/v1/train/result", json={"job_id": job_id, "result": result},
                        headers={"X-Job-Token": job_token(job_id)})
        assert r.status_code == 200 and r.json()["train_id"] == created["id"]
    time.sleep(0.3)
    assert scientist.get("/api/v1/train/view-feature-importance", params={"train_id": created["id"]}).status_code == 404
    assert scientist.delete(f"/api/v1/train/delete-feature-importance/{created['id']}").status_code == 404
    r = scientist.get("/api/v1/train/generate-feature-importance", params={"train_id": created["id"], "sample_rows": 50})
    assert r.status_code == 202 and r.json()["status"] == "success" and r.json()["shap_job_id"]
    fi = wait_importance(scientist, created["id"])
    assert fi["status"] == "completed" and fi["sample_rows"] == 50
    r = scientist.get("/api/v1/train/generate-feature-importance", params={"train_id": created["id"], "sample_rows": 0})
    assert r.status_code == 422


@pytest.mark.parametrize("algorithm", ["XGBoost", "RandomForest", "Linear"])
def test_multiclass_with_each_algorithm(scientist, algorithm):
    dataset = upload_csv(scientist, multiclass_csv())
    created = train(scientist, dataset, algorithm=algorithm,
                    columns=[{"column_name": "Quality", "attribute_name": "Target"}])
    row = wait_completed(scientist, created["id"])
    assert row["algorithm"] == algorithm and row["requested_algorithm"] == algorithm
    summary = scientist.get("/api/v1/train/model-summary", params={"train_id": created["id"]}).json()
    assert summary["classes"] == ["fair", "good", "poor"]
    assert len(summary["confusion_matrix"]) == 3
    assert summary["model_summary"]["accuracy"] >= 0.7, summary
    assert summary["candidates"] == []
    assert summary["curves"] is None and summary["residuals"] is None


@pytest.mark.parametrize("algorithm", ["XGBoost", "Linear", "auto"])
def test_regression(scientist, algorithm):
    dataset = upload_csv(scientist, regression_csv())
    created = train(scientist, dataset, problem="Regression", algorithm=algorithm,
                    columns=[{"column_name": "Id", "attribute_name": "Id"},
                             {"column_name": "Throughput", "attribute_name": "Target"}])
    row = wait_completed(scientist, created["id"])
    assert row["accuracy"] is None and row["metrics"]["r2"] > 0.8, row
    summary = scientist.get("/api/v1/train/model-summary", params={"train_id": created["id"]}).json()
    ms = summary["model_summary"]
    assert ms["model"].endswith("Regressor") or ms["model"] == "LinearRegression"
    assert ms["rmse"] > 0 and ms["mae"] > 0 and ms["mape"] is not None
    # All 60 holdout rows (under the 500 kept), whose errors are the summary's MAE.
    assert summary["curves"] is None
    residuals = summary["residuals"]
    assert len(residuals) == summary["rows"]["test"] == 60
    for row in residuals:
        assert isinstance(row["actual"], float) and isinstance(row["predicted"], float)
    mae = sum(abs(r["actual"] - r["predicted"]) for r in residuals) / len(residuals)
    assert mae == pytest.approx(ms["mae"], rel=1e-5)


def test_incremental_training_continues_the_latest_model(scientist, churn):
    name = unique("inc")
    first = train(scientist, churn, name=name, algorithm="XGBoost", hyperparameters={"num_boost_round": 20})
    wait_completed(scientist, first["id"])
    more = upload_csv(scientist, churn_csv(seed=7))
    second = train(scientist, more, name=name, is_incremental=True, hyperparameters={"num_boost_round": 20})
    assert second["version"] == 2 and second["is_incremental"] and second["base_training_id"] == first["id"]
    assert second["preprocess_id"] == first["preprocess_id"]
    wait_completed(scientist, second["id"])
    summary = scientist.get("/api/v1/train/model-summary", params={"train_id": second["id"]}).json()
    assert summary["boosted_rounds_total"] == 40 and summary["version"] == 2
    # The earlier version is kept.
    assert training(scientist, first["id"])["training_status"] == "Completed"

    # Unknown predictor, other columns, and a forest (which cannot be continued) are refused.
    assert train(scientist, more, name=unique("nope"), is_incremental=True, expect=404)
    other = upload_csv(scientist, churn_csv(seed=8, extra_column=True))
    r = train(scientist, other, name=name, is_incremental=True, expect=422)
    assert "Incremental" in str(r["detail"])
    forest = train(scientist, churn, algorithm="RandomForest", hyperparameters={"num_parallel_tree": 5})
    wait_completed(scientist, forest["id"])
    train(scientist, more, name=forest["predictor_name"], is_incremental=True, expect=422)
    r = train(scientist, more, name=name, is_incremental=True, algorithm="Linear", expect=422)
    assert r["detail"][0]["loc"] == ["body", "algorithm"]


def test_update_swaps_only_a_compatible_preprocess(scientist, churn):
    a = train(scientist, churn, algorithm="XGBoost", hyperparameters={"num_boost_round": 5})
    b = train(scientist, churn, algorithm="XGBoost", hyperparameters={"num_boost_round": 5})
    other = upload_csv(scientist, churn_csv(seed=9, extra_column=True))
    c = train(scientist, other, algorithm="XGBoost", hyperparameters={"num_boost_round": 5})
    for t in (a, b, c):
        wait_completed(scientist, t["id"])
    # b was fitted on the same rows with the same columns: the same features.
    r = scientist.post("/api/v1/train/update/", json={"train_id": a["id"], "preprocess_id": b["preprocess_id"]})
    assert r.status_code == 200, r.text
    assert r.json()["preprocess_id"] == b["preprocess_id"]
    assert training(scientist, a["id"])["preprocess_id"] == b["preprocess_id"]
    # c reads another column: its input schema differs.
    r = scientist.post("/api/v1/train/update/", json={"train_id": a["id"], "preprocess_id": c["preprocess_id"]})
    assert r.status_code == 422 and "preprocess_id" in r.json()["detail"][0]["loc"]
    assert scientist.post("/api/v1/train/update/", json={"train_id": a["id"], "preprocess_id": 999999}).status_code == 404
    assert scientist.post("/api/v1/train/update/", json={"train_id": 999999, "preprocess_id": b["preprocess_id"]}).status_code == 404
    assert scientist.post("/api/v1/train/update/", json={"train_id": a["id"]}).status_code == 422


def test_delete_removes_model_files_and_frees_the_dataset(server, scientist, churn):
    t = train(scientist, churn, algorithm="Linear", shap_enabled=True)
    wait_completed(scientist, t["id"])
    wait_importance(scientist, t["id"])
    tenant_dir = os.path.join(server.data_dir, "tenants", t["tenant_id"])
    model_dir = os.path.join(tenant_dir, "models", str(t["id"]))
    preprocess_dir = os.path.join(tenant_dir, "preprocesses", str(t["preprocess_id"]))
    assert os.path.isfile(os.path.join(model_dir, "model.json"))
    assert os.path.isfile(os.path.join(preprocess_dir, "preprocess.json"))

    r = scientist.delete(f"/api/v1/dataset/delete/{churn}")
    assert r.status_code == 409 and "model" in r.json()["detail"]
    file_id = scientist.get("/api/v1/files/list", params={"dataset_id": churn}).json()["data"][0]["id"]
    assert scientist.delete(f"/api/v1/files/delete/{file_id}").status_code == 409
    r = scientist.delete(f"/api/v1/train/delete/{t['id']}")
    assert r.status_code == 200, r.text
    assert not os.path.exists(model_dir) and not os.path.exists(preprocess_dir)
    assert scientist.get("/api/v1/train/model-summary", params={"train_id": t["id"]}).status_code == 404
    assert scientist.get("/api/v1/train/view-feature-importance", params={"train_id": t["id"]}).status_code == 404
    assert scientist.delete(f"/api/v1/train/delete/{t['id']}").status_code == 404
    assert all(row["id"] != t["id"] for row in scientist.get("/api/v1/train/list").json()["data"])
    assert scientist.delete(f"/api/v1/dataset/delete/{churn}").status_code == 200


def test_terminate_stops_a_running_training(api, scientist):
    big = upload_csv(scientist, churn_csv(rows=3000, seed=11))
    t = train(scientist, big, algorithm="XGBoost", hyperparameters={"num_boost_round": 5000, "max_depth": 12})
    job_id = t["ray_job_id"]
    deadline = time.time() + 60
    while training(scientist, t["id"])["training_status"] != "running":
        assert time.time() < deadline
        time.sleep(0.1)
    assert scientist.get("/api/v1/train/model-summary", params={"train_id": t["id"]}).status_code == 409
    with api.client() as worker:
        headers = {"X-Job-Token": job_token(int(job_id))}
        # Its token cannot finish it through the generic job callback, bypassing the training's.
        r = worker.post(f"/api/v1/jobs/{job_id}/result", json={"result": {"x": 1}}, headers=headers)
        assert r.status_code == 409 and "/api/v1/train/result" in r.json()["detail"]
        # A worker's word is checked: a malformed summary, or success without a model on disk.
        for summary in ({"model": 1, "algorithm": 7, "metrics": []}, {"model": "m", "algorithm": "XGBoost", "metrics": {}}):
            r = worker.post("/api/v1/train/result", headers=headers,
                            json={"train_id": t["id"], "job_id": int(job_id), "result": {"error": None, "summary": summary}})
            assert r.status_code == 422, r.text
    assert training(scientist, t["id"])["training_status"] == "running"

    params = {"ray_job_id": job_id, "usage": "training"}
    other = api.create_tenant()
    _, token = api.create_user(other["id"], role="admin")
    with api.client(token) as outsider:
        assert outsider.post("/api/v1/ray/terminate_ray_job", params=params).status_code == 404
    assert scientist.post("/api/v1/ray/terminate_ray_job", params={**params, "usage": "statistics"}).status_code == 404
    assert scientist.post("/api/v1/ray/terminate_ray_job", params={**params, "usage": "nonsense"}).status_code == 422
    assert scientist.post("/api/v1/ray/terminate_ray_job", params={"ray_job_id": "ray-job-abc", "usage": "training"}).status_code == 404
    r = scientist.post("/api/v1/ray/terminate_ray_job", params=params)
    assert r.status_code == 200, r.text
    assert r.json() == {"status": "success", "message": f"Termination request for Ray job '{job_id}' has been sent."}
    row = wait_training(scientist, t["id"], timeout=30)
    assert row["training_status"] == "Terminated" and row["train_status"] == "terminated"
    assert row["ml_model_status"] == "terminated" and "terminated by" in row["error"]
    assert scientist.post("/api/v1/ray/terminate_ray_job", params=params).status_code == 409
    # Its worker is gone: the job never flips to completed or failed later.
    time.sleep(1.5)
    assert training(scientist, t["id"])["training_status"] == "Terminated"
    assert scientist.delete(f"/api/v1/train/delete/{t['id']}").status_code == 200


def test_refused_before_any_job_starts(api, scientist, churn):
    def refused(status, **body):
        return train(scientist, body.pop("dataset_id", churn), expect=status, **body)

    target = [{"column_name": "Churn", "attribute_name": "Target"}]
    assert refused(422, columns=[])["detail"][0]["msg"].startswith("Exactly one column must be the Target")
    r = refused(422, columns=target + [{"column_name": "Tenure", "attribute_name": "Target"}])
    assert "found 2" in r["detail"][0]["msg"]
    everything_ignored = target + [{"column_name": c, "attribute_name": "Ignore"} for c in
                                   ("CustomerID", "Tenure", "MonthlyCharges", "Contract", "Senior", "SignupDate")]
    assert "Feature" in refused(422, columns=everything_ignored)["detail"][0]["msg"]
    r = refused(422, columns=target + [{"column_name": "Nope", "attribute_name": "Feature"}])
    assert r["detail"][0]["loc"] == ["body", "columns", 1, "column_name"]
    r = refused(422, columns=target + [{"column_name": "Tenure", "attribute_name": "Label"}])
    assert r["detail"][0]["loc"][-1] == "attribute_name"
    r = refused(422, columns=[{"column_name": "Churn", "data_type": "Integer", "attribute_name": "Target"}])
    assert "Boolean" in r["detail"][0]["msg"]
    assert "Timestamp" in refused(422, problem="Forecast")["detail"][0]["msg"]  # docs/forecasting.md
    assert refused(422, problem="Clustering")["detail"][0]["loc"] == ["body", "problem_type"]
    assert refused(422, algorithm="DeepNet")["detail"][0]["loc"] == ["body", "algorithm"]
    assert refused(422, hyperparameters={"max_depth": 0})["detail"][0]["loc"] == ["body", "hyperparameters", "max_depth"]
    assert refused(422, hyperparameters={"bogus": 1})["detail"][0]["type"] == "extra_forbidden"
    # One model on several workers needs the ray backend (this server runs jobs locally).
    r = refused(422, algorithm="XGBoost", num_workers=2)
    assert r["detail"][0]["loc"] == ["body", "num_workers"] and "ray job backend" in r["detail"][0]["msg"]
    assert refused(422, num_workers=0)["detail"][0]["loc"] == ["body", "num_workers"]
    assert refused(422, num_workers="two")["detail"][0]["loc"] == ["body", "num_workers"]
    assert refused(422, problem="Regression", columns=[{"column_name": "Contract", "attribute_name": "Target"}])
    single = upload_csv(scientist, "A,B\n1,x\n2,x\n3,x\n")
    r = refused(422, dataset_id=single, columns=[{"column_name": "B", "attribute_name": "Target"}])
    assert "distinct" in r["detail"][0]["msg"]
    assert refused(404, dataset_id=999999)
    r = scientist.post("/api/v1/train/", json={"dataset_id": "x", "columns": "y"})
    assert r.status_code == 422 and {tuple(e["loc"]) for e in r.json()["detail"]} >= {
        ("body", "dataset_id"), ("body", "predictor_name"), ("body", "columns")}

    name = unique("dup")
    train(scientist, churn, name=name, algorithm="Linear", hyperparameters={"num_boost_round": 3})
    assert "already exists" in train(scientist, churn, name=name.upper(), expect=409)["detail"]

    # Another tenant's dataset, and a viewer who may not train.
    other = api.create_tenant()
    _, token = api.create_user(other["id"], role="admin")
    with api.client(token) as outsider:
        assert train(outsider, churn, expect=404)
        assert outsider.get("/api/v1/train/list").json()["total"] == 0
    _, viewer_token = api.create_user(scientist_tenant(scientist), role="viewer")
    with api.client(viewer_token) as viewer:
        assert train(viewer, churn, expect=403)
        assert viewer.get("/api/v1/train/list").status_code == 200


def scientist_tenant(client):
    return client.get("/api/v1/users/me").json()["tenant_id"]


def test_callbacks_accept_only_the_jobs_own_token(api, scientist, churn):
    t = train(scientist, churn, algorithm="Linear", hyperparameters={"num_boost_round": 3})
    job_id = int(t["ray_job_id"])
    forged = {"train_id": t["id"], "job_id": job_id, "result": {"error": None, "summary": {"metrics": {"accuracy": 1.0}}}}
    with api.client() as anonymous:
        assert anonymous.post("/api/v1/train/result", json=forged).status_code == 401
        r = anonymous.post("/api/v1/train/result", json=forged, headers={"X-Job-Token": "0" * 64})
        assert r.status_code == 401
        r = anonymous.post("/api/v1/train/shap-result", json={"training_id": t["id"], "job_id": job_id, "result": {}},
                           headers={"X-Job-Token": job_token(job_id + 1000)})
        assert r.status_code == 401
    row = wait_completed(scientist, t["id"])
    assert "confusion_matrix" in row["metrics"], "the forged summary was not taken"

    headers = {"X-Job-Token": job_token(job_id)}
    with api.client() as worker:
        # A replay of the accepted outcome is answered as the first time, and changes nothing...
        job = scientist.get(f"/api/v1/jobs/{job_id}").json()
        replay = {"train_id": t["id"], "job_id": job_id, "result": job["result"]}
        assert worker.post("/api/v1/train/result", json=replay, headers=headers).status_code == 200
        # ...but another outcome for a finished job is a conflict.
        failure = {"train_id": t["id"], "job_id": job_id, "result": {"error": "boom"}}
        assert worker.post("/api/v1/train/result", json=failure, headers=headers).status_code == 409
        # The job's token does not make it another training's or another kind's job.
        other = {"train_id": t["id"] + 1000, "job_id": job_id, "result": {"error": "boom"}}
        assert worker.post("/api/v1/train/result", json=other, headers=headers).status_code == 404
        shap = {"training_id": t["id"], "job_id": job_id, "result": {"feature_importance": {}}}
        assert worker.post("/api/v1/train/shap-result", json=shap, headers=headers).status_code == 404
        bad = {"train_id": t["id"], "job_id": job_id, "result": "nope"}
        assert worker.post("/api/v1/train/result", json=bad, headers=headers).status_code == 422
    assert training(scientist, t["id"])["training_status"] == "Completed"
    assert scientist.get(f"/api/v1/jobs/{job_id}").json()["status"] == "completed"


def test_the_rendezvous_of_a_jobs_workers_needs_its_token_and_takes_one_address(api, scientist):
    big = upload_csv(scientist, churn_csv(rows=3000, seed=15))
    t = train(scientist, big, algorithm="XGBoost", hyperparameters={"num_boost_round": 5000, "max_depth": 12})
    job_id = int(t["ray_job_id"])
    deadline = time.time() + 60
    while training(scientist, t["id"])["training_status"] != "running":
        assert time.time() < deadline
        time.sleep(0.1)
    path = f"/api/v1/jobs/{job_id}/rendezvous"
    headers = {"X-Job-Token": job_token(job_id)}
    with api.client() as worker:
        assert worker.get(path).status_code == 401
        assert worker.put(path, json={"host": "10.0.0.7", "port": 9091}, headers={"X-Job-Token": job_token(job_id + 1)}).status_code == 401
        r = worker.get(path, headers=headers)
        assert r.status_code == 404 and "no rendezvous yet" in r.json()["detail"]
        for body in ({"host": "", "port": 9091}, {"host": "10.0.0.7", "port": 0}, {"host": "10.0.0.7"}, {"port": 70000}):
            r = worker.put(path, json=body, headers=headers)
            assert r.status_code == 422, (body, r.text)
        r = worker.put(path, json={"host": "10.0.0.7", "port": 9091}, headers=headers)
        assert r.status_code == 200 and r.json() == {"host": "10.0.0.7", "port": 9091}
        assert worker.put(path, json={"host": "10.0.0.7", "port": 9091}, headers=headers).status_code == 200  # a retry
        assert worker.put(path, json={"host": "10.0.0.8", "port": 9091}, headers=headers).status_code == 409
        assert worker.get(path, headers=headers).json() == {"host": "10.0.0.7", "port": 9091}
    r = scientist.post("/api/v1/ray/terminate_ray_job", params={"ray_job_id": job_id, "usage": "training"})
    assert r.status_code == 200, r.text
    with api.client() as worker:
        assert worker.get(path, headers=headers).status_code == 409  # no longer running
