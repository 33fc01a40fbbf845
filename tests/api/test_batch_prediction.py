"""Batch prediction (9.2, 9.5, and its entries in 9.6): a job that predicts a dataset's validated
rows into a results CSV registered as a file of the dataset, scored when the dataset holds the
target; the checks made before a job starts; and the worker callback only the job may call."""
import csv
import io
import time

import pytest

from test_datasets import make_template, upload
from test_inference import churn_model
from test_train import churn_csv, job_token, regression_csv, scientist_tenant, train, upload_csv, wait_completed

CHURN_COLUMNS = ["CustomerID", "Tenure", "MonthlyCharges", "Contract", "Senior", "SignupDate"]


def without_column(text, name):
    rows = list(csv.reader(io.StringIO(text)))
    index = rows[0].index(name)
    return "".join(",".join(r[:index] + r[index + 1:]) + "\n" for r in rows)


@pytest.fixture(scope="module")
def model(api):
    client, t, dataset = churn_model(api, 20)
    yield client, t, dataset
    client.close()


def dataset_entry(client, dataset_id):
    listing = client.get("/api/v1/dataset/list", params={"limit": 1000}).json()["data"]
    return next(d for d in listing if d["id"] == dataset_id)


def start(client, train_id, dataset_id, expect=202, path="/api/v1/inference/batchPrediction"):
    r = client.post(path, json={"train_id": train_id, "dataset_id": dataset_id})
    assert r.status_code == expect, r.text
    return r.json()


def wait_result(client, prediction_id, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        r = client.get("/api/v1/inference/result", params={"prediction_id": prediction_id})
        assert r.status_code == 200, r.text
        if r.json()["status"] in ("completed", "failed", "terminated"):
            return r.json()
        time.sleep(0.2)
    raise AssertionError(f"batch prediction {prediction_id} did not finish")


def download(client, file_id):
    r = client.get("/api/v1/files/download", params={"file_id": file_id})
    assert r.status_code == 200, r.text
    return list(csv.reader(io.StringIO(r.text)))


def test_batch_prediction_writes_scored_results_as_a_file_of_the_dataset(model):
    client, t, _ = model
    text = churn_csv(rows=120, seed=9)
    dataset = upload_csv(client, text)
    before = dataset_entry(client, dataset)
    started = start(client, t["id"], dataset)
    assert started["status"] in ("submitted", "running") and started["prediction_type"] == "batch"
    assert started["train_id"] == t["id"] and started["dataset_id"] == dataset and started["job_id"]
    assert started["no_of_records"] == 120 and started["file_id"] is None

    result = wait_result(client, started["prediction_id"])
    assert result["status"] == "completed", result["error"]
    assert result["dataset_id"] == dataset and result["no_of_records"] == 120
    assert result["result_path"].endswith(f"prediction_{started['prediction_id']}.csv")
    assert 0.7 <= result["accuracy"] <= 1 and result["rmse"] is None and result["scored_records"] == 120

    rows = download(client, result["file_id"])
    assert rows[0] == ["CustomerID", "prediction", "probability_false", "probability_true"]
    assert len(rows) == 121
    source = list(csv.DictReader(io.StringIO(text)))
    assert [r[0] for r in rows[1:]] == [s["CustomerID"] for s in source]
    # Each row is what real-time prediction answers for it.
    for row, s in list(zip(rows[1:], source))[:15]:
        features = {k: (s[k] if s[k] != "" else None) for k in CHURN_COLUMNS}
        answer = client.post("/api/v1/inference/", json={"train_id": t["id"], "preprocess_id": t["preprocess_id"],
                                                          "features": features}).json()
        assert row[1] == answer["prediction"]
        assert abs(float(row[3]) - answer["probabilities"]["true"]) < 1e-6
        assert abs(float(row[2]) + float(row[3]) - 1) < 1e-6
    # The accuracy is that of the file's predictions against the dataset's labels.
    truth = ["true" if s["Churn"] == "Yes" else "false" for s in source]
    correct = sum(r[1] == y for r, y in zip(rows[1:], truth))
    assert result["accuracy"] == pytest.approx(correct / 120)

    # The results file is a file of the dataset, also by its path, but not the dataset's data.
    files = client.get("/api/v1/files/list", params={"dataset_id": dataset}).json()["data"]
    listed = {f["id"]: f for f in files}
    assert [f["kind"] for f in files] == ["upload", "prediction"]
    assert listed[result["file_id"]]["kind"] == "prediction"
    r = client.get("/api/v1/files/download", params={"file_path": result["result_path"]})
    assert r.status_code == 200 and r.text.startswith("CustomerID,prediction,")
    after = dataset_entry(client, dataset)
    assert before["file_count"] == 1 and before["total_records"] == 120
    for key in ("file_count", "total_records", "valid_records", "dataset_usability"):
        assert after[key] == before[key], key

    # The predictions log lists it with its score.
    log = client.get("/api/v1/inference/predictions", params={"train_id": t["id"]}).json()
    entry = next(e for e in log["data"] if e["prediction_id"] == started["prediction_id"])
    assert entry["prediction_type"] == "batch" and entry["status"] == "completed"
    assert entry["input_data"] == f"dataset_id:{dataset}" and entry["dataset_id"] == dataset
    assert entry["accuracy"] == result["accuracy"] and entry["no_of_records"] == 120
    assert entry["file_id"] == result["file_id"]

    # Deleting the results file is allowed though models use the dataset; the result says so.
    assert client.delete(f"/api/v1/files/delete/{result['file_id']}").status_code in (200, 204)
    gone = client.get("/api/v1/inference/result", params={"prediction_id": started["prediction_id"]}).json()
    assert gone["status"] == "completed" and gone["file_id"] is None and gone["result_path"] is None


def test_unlabelled_data_and_the_alias_path(model):
    client, t, _ = model
    dataset = upload_csv(client, without_column(churn_csv(rows=50, seed=10), "Churn"))
    started = start(client, t["id"], dataset, path="/api/v1/inference/batch-prediction")
    result = wait_result(client, started["prediction_id"])
    assert result["status"] == "completed", result["error"]
    assert result["accuracy"] is None and result["scored_records"] == 0 and result["no_of_records"] == 50
    rows = download(client, result["file_id"])
    assert len(rows) == 51 and all(r[1] in ("false", "true") for r in rows[1:])


def test_regression_is_scored_with_rmse(api, model):
    client, _, _ = model
    dataset = upload_csv(client, regression_csv())
    t = train(client, dataset, problem="Regression", algorithm="XGBoost",
              columns=[{"column_name": "Id", "attribute_name": "Id"},
                       {"column_name": "Throughput", "attribute_name": "Target"}])
    wait_completed(client, t["id"])
    fresh = upload_csv(client, regression_csv(rows=80, seed=5))
    result = wait_result(client, start(client, t["id"], fresh)["prediction_id"])
    assert result["status"] == "completed", result["error"]
    assert result["accuracy"] is None and 0 < result["rmse"] < 15
    rows = download(client, result["file_id"])
    assert rows[0] == ["Id", "prediction"] and len(rows) == 81
    float(rows[1][1])


def test_datasets_that_do_not_fit_are_refused_before_a_job(api, model):
    client, t, training_dataset = model
    text = churn_csv(rows=30, seed=11)
    no_contract = upload_csv(client, without_column(text, "Contract"))
    r = start(client, t["id"], no_contract, expect=422)
    assert r["detail"][0]["loc"] == ["body", "dataset_id"] and "Contract" in r["detail"][0]["msg"]
    retyped = upload_csv(client, text.replace(",Monthly,", ",12,").replace(",OneYear,", ",7,")
                         .replace(",TwoYear,", ",3,"))
    r = start(client, t["id"], retyped, expect=422)
    assert "Contract" in r["detail"][0]["msg"] and "Integer" in r["detail"][0]["msg"]
    both = upload_csv(client, without_column(without_column(text, "Contract"), "Tenure"))
    assert {e["msg"].split("'")[1] for e in start(client, t["id"], both, expect=422)["detail"]} == {"Contract", "Tenure"}

    # Whole numbers where the model reads a Float (a column inferred as Integer) are fine.
    rows = list(csv.DictReader(io.StringIO(text)))
    for r in rows:
        r["MonthlyCharges"] = str(round(float(r["MonthlyCharges"]))) if r["MonthlyCharges"] else ""
    whole = io.StringIO()
    writer = csv.DictWriter(whole, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    integers = upload_csv(client, whole.getvalue())
    schema = client.get("/api/v1/dataset/get_dataset_by_id", params={"dataset_id": integers}).json()["dataset_schema"]
    assert {c["column_name"]: c["data_type"] for c in schema}["MonthlyCharges"] == "Integer"
    assert wait_result(client, start(client, t["id"], integers)["prediction_id"])["status"] == "completed"

    # A dataset without one valid row: nothing to predict.
    template = make_template(client, [{"column_name": c, "data_type": d} for c, d in [
        ("CustomerID", "String"), ("Tenure", "Integer"), ("MonthlyCharges", "Float"), ("Contract", "String"),
        ("Senior", "Boolean"), ("SignupDate", "Date")]])
    bad = "CustomerID,Tenure,MonthlyCharges,Contract,Senior,SignupDate\nC1,x,1.5,Monthly,true,2024-01-01\n"
    r = upload(client, template_id=template, files=[("files", ("bad.csv", bad.encode(), "text/csv"))])
    assert r.status_code == 201, r.text
    assert start(client, t["id"], r.json()["dataset_id"], expect=409)

    assert start(client, t["id"], 999999, expect=404)
    assert start(client, 999999, training_dataset, expect=404)
    r = client.post("/api/v1/inference/batchPrediction", json={"train_id": "x"})
    assert r.status_code == 422
    assert {tuple(e["loc"]) for e in r.json()["detail"]} == {("body", "train_id"), ("body", "dataset_id")}
    assert client.get("/api/v1/inference/result").status_code == 422
    assert client.get("/api/v1/inference/result", params={"prediction_id": 999999}).status_code == 404
    # A real-time prediction has no batch result.
    client.post("/api/v1/inference/", json={"train_id": t["id"], "preprocess_id": t["preprocess_id"], "features": {}})
    realtime = client.get("/api/v1/inference/predictions", params={"train_id": t["id"], "limit": 1}).json()["data"][0]
    assert realtime["prediction_type"] == "realtime"
    assert client.get("/api/v1/inference/result", params={"prediction_id": realtime["prediction_id"]}).status_code == 404


def test_other_tenants_and_roles(api, model):
    client, t, training_dataset = model
    started = start(client, t["id"], training_dataset)
    other = api.create_tenant()
    _, token = api.create_user(other["id"], role="admin")
    with api.client(token) as outsider:
        own = upload_csv(outsider, churn_csv(rows=20, seed=12))
        start(outsider, t["id"], own, expect=404)  # another tenant's model
        outsider_model = train(outsider, own, algorithm="Linear", hyperparameters={"num_boost_round": 2})
        wait_completed(outsider, outsider_model["id"])
        start(outsider, outsider_model["id"], training_dataset, expect=404)  # another tenant's dataset
        r = outsider.get("/api/v1/inference/result", params={"prediction_id": started["prediction_id"]})
        assert r.status_code == 404
    _, viewer_token = api.create_user(scientist_tenant(client), role="viewer")
    with api.client(viewer_token) as viewer:
        start(viewer, t["id"], training_dataset, expect=403)
        r = viewer.get("/api/v1/inference/result", params={"prediction_id": started["prediction_id"]})
        assert r.status_code == 200
    assert wait_result(client, started["prediction_id"])["status"] == "completed"


def test_the_callback_takes_only_the_jobs_own_word(api, model):
    client, t, training_dataset = model
    started = start(client, t["id"], training_dataset)
    job_id, prediction_id = started["job_id"], started["prediction_id"]
    forged = {"job_id": job_id, "prediction_id": prediction_id,
              "result": {"error": None, "result_key": "x", "rows": 1}}
    with api.client() as anonymous:
        assert anonymous.post("/api/v1/inference/batch-result", json=forged).status_code == 401
        r = anonymous.post("/api/v1/inference/batch-result", json=forged, headers={"X-Job-Token": job_token(job_id + 1)})
        assert r.status_code == 401
    result = wait_result(client, prediction_id)
    assert result["status"] == "completed", result["error"]

    headers = {"X-Job-Token": job_token(job_id)}
    job = client.get(f"/api/v1/jobs/{job_id}").json()
    with api.client() as worker:
        replay = {"job_id": job_id, "result": job["result"]}
        assert worker.post("/api/v1/inference/batch-result", json=replay, headers=headers).status_code == 200
        failure = {"job_id": job_id, "result": {"error": "boom"}}
        assert worker.post("/api/v1/inference/batch-result", json=failure, headers=headers).status_code == 409
        other = {"job_id": job_id, "prediction_id": prediction_id + 1000, "result": {"error": "boom"}}
        assert worker.post("/api/v1/inference/batch-result", json=other, headers=headers).status_code == 404
        bad = {"job_id": job_id, "result": "nope"}
        assert worker.post("/api/v1/inference/batch-result", json=bad, headers=headers).status_code == 422
        # A training job's token does not make its job a batch prediction's.
        train_job = int(t["ray_job_id"])
        r = worker.post("/api/v1/inference/batch-result", json={"job_id": train_job, "result": {"error": "boom"}},
                        headers={"X-Job-Token": job_token(train_job)})
        assert r.status_code == 404
    again = wait_result(client, prediction_id)
    assert again == result


def test_each_completed_batch_prediction_appends_to_gold(model):
    client, t, _ = model
    table = f"predictions_{t['id']}"
    params = {"schema_name": "gold", "table_name": table}
    before = client.get("/api/v1/datalake/table_metadata", params=params)
    rows_before = before.json()["record_count"] if before.status_code == 200 else 0
    dataset = upload_csv(client, churn_csv(rows=50, seed=4))
    ids = []
    for _ in range(2):
        started = start(client, t["id"], dataset)
        result = wait_result(client, started["prediction_id"])
        assert result["status"] == "completed", result["error"]
        ids.append(started["prediction_id"])
    info = client.get("/api/v1/datalake/table_metadata", params=params).json()
    assert info["record_count"] == rows_before + 100 and info["format"] == "iceberg"
    columns = client.get("/api/v1/datalake/tables/columns", params=params).json()
    assert [(c["column_name"], c["data_type"]) for c in columns] == [
        ("prediction_id", "bigint"), ("predicted_at", "timestamp"), ("CustomerID", "varchar"),
        ("prediction", "varchar"), ("probability_false", "double"), ("probability_true", "double")]
    stats = client.get("/api/v1/datalake/numeric_stats", params={**params, "column_name": "prediction_id"}).json()
    assert stats["count"] == rows_before + 100 and stats["max"] == max(ids)
    r = client.get("/api/v1/datalake/distinct-count", params={"schema": "gold", "table": table, "column": "CustomerID"})
    assert r.json()["distinct_count"] >= 50
    probability = client.get("/api/v1/datalake/numeric_stats", params={**params, "column_name": "probability_true"}).json()
    assert 0 <= probability["min"] <= probability["max"] <= 1
