"""Inference (9.1, 9.3, 9.6): the prediction form, real-time predictions with the compiled
model (explained on request), and the predictions log."""
import pytest

from conftest import unique
from test_datasets import make_template, upload
from test_train import churn_csv, scientist_tenant, train, upload_csv, wait_completed

GOOD = {"CustomerID": "C-1", "Tenure": 3, "MonthlyCharges": 95.5, "Contract": "Monthly", "Senior": False,
        "SignupDate": "2023-05-17"}


def churn_model(api, rounds):
    """A completed churn model in a tenant of its own: (a scientist of that tenant, the training,
    its dataset)."""
    tenant = api.create_tenant()
    _, token = api.create_user(tenant["id"], role="data_scientist")
    client = api.client(token)
    dataset = upload_csv(client, churn_csv())
    t = train(client, dataset, algorithm="XGBoost", hyperparameters={"num_boost_round": rounds})
    wait_completed(client, t["id"])
    return client, t, dataset


@pytest.fixture(scope="module")
def model(api):
    client, t, _ = churn_model(api, 30)
    yield client, t
    client.close()


def predict(client, t, features, expect=200, **extra):
    body = {"train_id": t["id"], "preprocess_id": t["preprocess_id"], "features": features, "target": "Churn", **extra}
    params = {"explain": "true"} if body.pop("explain", False) else None
    r = client.post("/api/v1/inference/", json=body, params=params)
    assert r.status_code == expect, r.text
    return r.json()


def test_form_lists_the_models_inputs(model):
    client, t = model
    r = client.get("/api/v1/inference/form-based-prediction", params={"id": t["id"]})
    assert r.status_code == 200, r.text
    form = r.json()
    assert form["id"] == t["id"] and form["target"] == "Churn" and form["preprocess_id"] == t["preprocess_id"]
    headers = {h["column_name"]: h for h in form["headers"]}
    assert list(headers) == ["CustomerID", "Tenure", "MonthlyCharges", "Contract", "Senior", "SignupDate"]
    assert headers["CustomerID"]["attribute_name"] == "Id"
    assert headers["Tenure"] == {"column_name": "Tenure", "data_type": "Integer", "default_value": None,
                                 "attribute_name": "Feature"}
    assert client.get("/api/v1/inference/form-based-prediction", params={"id": 999999}).status_code == 404
    assert client.get("/api/v1/inference/form-based-prediction").status_code == 422


def test_realtime_prediction_with_probabilities_id_and_explanation(model):
    client, t = model
    answer = predict(client, t, GOOD)
    assert answer["prediction"] in ("false", "true")
    probabilities = answer["probabilities"]
    assert set(probabilities) == {"false", "true"} and abs(sum(probabilities.values()) - 1) < 1e-6
    assert answer["prediction"] == max(probabilities, key=probabilities.get)
    # Monthly, expensive, new: the rule behind the labels says churn.
    assert answer["prediction"] == "true" and probabilities["true"] > 0.7
    assert answer["id"] == {"CustomerID": "C-1"} and answer["target"] == "Churn"
    loyal = predict(client, t, {**GOOD, "Tenure": 60, "MonthlyCharges": 30.0, "Contract": "TwoYear"})
    assert loyal["prediction"] == "false"
    # The same input gives the same answer (the cached model is the same model).
    assert predict(client, t, GOOD)["probabilities"] == probabilities

    explained = predict(client, t, GOOD, explain=True)
    assert explained["probabilities"] == probabilities
    contributions = explained["explanation"]["contributions"]
    assert {c["column"] for c in contributions} <= {"Tenure", "MonthlyCharges", "Contract", "Senior", "SignupDate"}
    assert abs(contributions[0]["contribution"]) >= abs(contributions[-1]["contribution"])
    assert "explanation" not in answer


def test_missing_values_are_allowed_and_bad_ones_named(model):
    client, t = model
    # Missing inputs (absent or null) and a category never seen in training still predict.
    assert predict(client, t, {"Contract": "Lifetime"})["prediction"] in ("false", "true")
    assert predict(client, t, {"Tenure": None, "MonthlyCharges": ""})["prediction"] in ("false", "true")

    r = predict(client, t, {**GOOD, "Bogus": 1, "Other": 2}, expect=422)
    assert {tuple(e["loc"]) for e in r["detail"]} == {("body", "features", "Bogus"), ("body", "features", "Other")}
    r = predict(client, t, {**GOOD, "Tenure": "three"}, expect=422)
    assert "Tenure" in r["detail"][0]["msg"]
    assert "SignupDate" in predict(client, t, {**GOOD, "SignupDate": "17/05/2023"}, expect=422)["detail"][0]["msg"]
    assert predict(client, t, {**GOOD, "Senior": "maybe"}, expect=422)
    r = predict(client, t, GOOD, expect=422, preprocess_id=t["preprocess_id"] + 1000)
    assert r["detail"][0]["loc"] == ["body", "preprocess_id"]
    assert predict(client, t, GOOD, expect=422, target="Tenure")["detail"][0]["loc"] == ["body", "target"]
    assert predict(client, t, "not an object", expect=422)["detail"][0]["loc"] == ["body", "features"]
    r = client.post("/api/v1/inference/", json={"train_id": t["id"]})
    assert r.status_code == 422
    assert {tuple(e["loc"]) for e in r.json()["detail"]} >= {("body", "preprocess_id"), ("body", "features")}
    assert predict(client, t, GOOD, expect=404, train_id=999999)


def test_other_tenants_and_roles(api, model):
    client, t = model
    other = api.create_tenant()
    _, token = api.create_user(other["id"], role="admin")
    with api.client(token) as outsider:
        predict(outsider, t, GOOD, expect=404)
        assert outsider.get("/api/v1/inference/form-based-prediction", params={"id": t["id"]}).status_code == 404
        assert outsider.get("/api/v1/inference/predictions", params={"train_id": t["id"]}).status_code == 404
    _, viewer_token = api.create_user(scientist_tenant(client), role="viewer")
    with api.client(viewer_token) as viewer:
        predict(viewer, t, GOOD, expect=403)
        assert viewer.get("/api/v1/inference/predictions", params={"train_id": t["id"]}).status_code == 200


def test_predictions_log_records_each_prediction(model):
    client, t = model
    before = client.get("/api/v1/inference/predictions", params={"train_id": t["id"]}).json()["total"]
    marker = unique("C")
    for tenure in (1, 2, 3):
        predict(client, t, {**GOOD, "CustomerID": marker, "Tenure": tenure})
    log = client.get("/api/v1/inference/predictions", params={"train_id": t["id"], "limit": 2}).json()
    assert log["total"] == before + 3 and len(log["data"]) == 2
    newest = log["data"][0]
    assert newest["prediction_type"] == "realtime" and newest["status"] == "completed"
    assert newest["train_id"] == t["id"] and newest["no_of_records"] == 1
    assert marker in newest["input_data"] and '"Tenure":3' in newest["input_data"]
    assert newest["output"]["prediction"] in ("false", "true")
    assert newest["predictor_name"] == t["predictor_name"] and newest["problem_type"] == "Classification"
    assert client.get("/api/v1/inference/predictions", params={"train_id": t["id"], "limit": 0}).status_code == 422


def test_updates_and_deletes_are_noticed(model):
    client, t = model
    dataset = upload_csv(client, churn_csv(seed=3))
    a = train(client, dataset, algorithm="XGBoost", hyperparameters={"num_boost_round": 5})
    b = train(client, dataset, algorithm="XGBoost", hyperparameters={"num_boost_round": 5})
    wait_completed(client, a["id"])
    wait_completed(client, b["id"])
    assert predict(client, a, GOOD)["prediction"] in ("false", "true")
    # a swaps to b's (compatible) preprocess: its old one no longer fits, b's does.
    r = client.post("/api/v1/train/update/", json={"train_id": a["id"], "preprocess_id": b["preprocess_id"]})
    assert r.status_code == 200, r.text
    predict(client, a, GOOD, expect=422)
    assert predict(client, {**a, "preprocess_id": b["preprocess_id"]}, GOOD)["preprocess_id"] == b["preprocess_id"]
    # Deleted: the cached model is not served.
    assert client.delete(f"/api/v1/train/delete/{b['id']}").status_code == 200
    predict(client, b, GOOD, expect=404)


def test_a_model_still_training_answers_409(model):
    client, t = model
    big = upload_csv(client, churn_csv(rows=3000, seed=12))
    pending = train(client, big, algorithm="XGBoost", hyperparameters={"num_boost_round": 5000, "max_depth": 12})
    r = predict(client, pending, GOOD, expect=409)
    assert "has not completed" in r["detail"]
    r = client.post("/api/v1/ray/terminate_ray_job", params={"ray_job_id": pending["ray_job_id"], "usage": "training"})
    assert r.status_code == 200, r.text


def test_absent_inputs_take_the_template_default(api):
    """A template default fills an absent (or null) input, as it fills an empty cell at upload."""
    tenant = api.create_tenant()
    _, token = api.create_user(tenant["id"], role="data_scientist")
    with api.client(token) as client:
        template = make_template(client, [
            {"column_name": "CustomerID", "data_type": "String"},
            {"column_name": "Tenure", "data_type": "Integer", "default_value": "60"},
            {"column_name": "MonthlyCharges", "data_type": "Float"},
            {"column_name": "Contract", "data_type": "String"},
            {"column_name": "Senior", "data_type": "Boolean"},
            {"column_name": "SignupDate", "data_type": "Date"},
            {"column_name": "Churn", "data_type": "Boolean"}])
        r = upload(client, template_id=template, files=[("files", ("c.csv", churn_csv().encode(), "text/csv"))])
        assert r.status_code == 201, r.text
        t = train(client, r.json()["dataset_id"], algorithm="XGBoost", hyperparameters={"num_boost_round": 20})
        wait_completed(client, t["id"])
        form = client.get("/api/v1/inference/form-based-prediction", params={"id": t["id"]}).json()
        assert {h["column_name"]: h["default_value"] for h in form["headers"]}["Tenure"] == "60"
        rest = {k: v for k, v in GOOD.items() if k != "Tenure"}
        stated = predict(client, t, {**rest, "Tenure": 60})["probabilities"]
        assert predict(client, t, rest)["probabilities"] == stated
        assert predict(client, t, {**rest, "Tenure": None})["probabilities"] == stated
        assert predict(client, t, {**rest, "Tenure": 1})["probabilities"] != stated
