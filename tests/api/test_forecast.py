"""Forecasting: Forecast trainings (8.1 with frequency and horizon, the model summary, 9.3's form)
and 9.4's forecasts with intervals, from the training's history or a dataset's, and the log."""
import datetime
import json
import random
import time

import pytest

from test_train import churn_csv, train, training, upload_csv, wait_completed, wait_training

START = datetime.date(2023, 1, 2)  # a Monday
SEASON = [1.25, 0.95, 0.8, 1.0]


def truth(store, week):
    """Store k's level grows 2 a week and repeats a 4-week season."""
    return (100 + 20 * store + 2.0 * week) * SEASON[week % 4]


def weekly_csv(stores=3, weeks=64, first_week=0, seed=7, region=True, noise=0.01, skip=None, twice=None):
    """Long format: store, week (a Date), sales and a static region per store."""
    rnd = random.Random(seed)
    lines = ["store,week,sales" + (",region" if region else "")]
    for s in range(stores):
        for w in range(first_week, first_week + weeks):
            if skip == (s, w):
                continue
            day = START + datetime.timedelta(days=7 * w)
            value = round(truth(s, w) * (1 + rnd.gauss(0, noise)), 3)
            line = f"S{s},{day.isoformat()},{value}" + (f",R{s % 2}" if region else "")
            lines.append(line)
            if twice == (s, w):
                lines.append(line)
    return "\n".join(lines) + "\n"


COLUMNS = [{"column_name": "store", "attribute_name": "Id"},
           {"column_name": "week", "attribute_name": "Timestamp"},
           {"column_name": "sales", "attribute_name": "Target"},
           {"column_name": "region", "attribute_name": "Feature"}]


def train_forecast(client, dataset, expect=201, columns=None, **extra):
    body = {"frequency": "Week", "horizon": 4, "hyperparameters": {"season_length": 4}, **extra}
    return train(client, dataset, problem="Forecast", columns=columns if columns is not None else COLUMNS,
                 expect=expect, **body)


def forecast(client, t, unique_id="S1", steps=4, expect=200, **extra):
    body = {"train_id": t["id"], "preprocess_id": t["preprocess_id"], "steps": steps, "frequency": "Week",
            "unique_id": unique_id, **extra}
    r = client.post("/api/v1/inference/forecast", json=body)
    assert r.status_code == expect, r.text
    return r.json()


@pytest.fixture(scope="module")
def weekly(api):
    """A completed auto forecaster of three weekly stores, in a tenant of its own."""
    tenant = api.create_tenant()
    _, token = api.create_user(tenant["id"], role="data_scientist")
    client = api.client(token)
    dataset = upload_csv(client, weekly_csv())
    t = train_forecast(client, dataset)
    wait_completed(client, t["id"])
    yield client, t, dataset
    client.close()


def test_details_list_forecast_and_its_algorithms(weekly):
    client, _, dataset = weekly
    r = client.post("/api/v1/train/get_details", json={"dataset_id": dataset, "predictor_name": "sales",
                                                       "domain": "Retail", "problem_type": "Forecast"})
    assert r.status_code == 200, r.text
    details = r.json()
    assert "Forecast" in details["problem_types"]
    assert details["algorithms_by_problem_type"]["Forecast"] == ["auto", "SeasonalNaive", "ETS", "Theta", "XGBoost",
                                                                 "Ensemble"]
    assert details["algorithms"] == ["auto", "XGBoost", "RandomForest", "Linear", "SeasonalNaive", "ETS", "Theta",
                                     "Ensemble"]
    assert "Theta" not in details["algorithms_by_problem_type"]["Regression"]


def test_training_reports_its_backtest(weekly):
    client, t, _ = weekly
    assert t["problem_type"] == "Forecast" and t["requested_algorithm"] == "auto"
    assert t["forecast"] == {"frequency": "Week", "horizon": 4, "season_length": 4, "aggregate": None, "fill": None}
    r = client.get("/api/v1/train/model-summary", params={"train_id": t["id"]})
    assert r.status_code == 200, r.text
    s = r.json()
    summary = s["model_summary"]
    assert summary["algorithm"] == "auto" and summary["model"] == "forecast"
    assert s["curves"] is None and s["residuals"] is None  # a forecaster's charts are its backtest
    # Smooth seasonal series with 1% noise: far better than the seasonal naive scale.
    assert 0 <= summary["mase"] < 0.8 and 0 <= summary["smape"] < 5
    assert summary["mae"] > 0 and summary["rmse"] >= summary["mae"]
    assert 0 <= summary["coverage"] <= 1
    assert (s["frequency"], s["horizon"], s["season_length"], s["series"]) == ("Week", 4, 4, 3)
    assert s["rows"] == {"read": 192, "periods": 192, "filled": 0}
    candidates = {c["algorithm"]: c for c in s["candidates"]}
    assert set(candidates) == {"SeasonalNaive", "ETS", "Theta", "XGBoost", "Ensemble"}
    assert sum(c["series_chosen"] for c in candidates.values()) == 3
    assert all(c["series_backtested"] == 3 for c in candidates.values())
    assert candidates["SeasonalNaive"]["mase"] > summary["mase"]  # the trend beats the naive
    assert s["hyperparameters"]["season_length"] == 4 and s["hyperparameters"]["backtest_windows"] == 3
    assert s["timings"]["total_seconds"] > 0


def test_forecast_continues_the_series_with_intervals(weekly):
    client, t, _ = weekly
    answer = forecast(client, t)
    assert answer["train_id"] == t["id"] and answer["unique_id"] == "S1" and answer["frequency"] == "Week"
    points = answer["forecast"]
    assert [p["date"] for p in points] == [(START + datetime.timedelta(days=7 * w)).isoformat() for w in range(64, 68)]
    for w, p in zip(range(64, 68), points):
        assert abs(p["value"] - truth(1, w)) / truth(1, w) < 0.06, (w, p)
        assert p["lower"] < p["value"] < p["upper"] and p["confidence"] == 0.95
    narrow = forecast(client, t, steps=2, confidence=0.8, frequency="week")["forecast"]
    assert len(narrow) == 2
    for wide, tight in zip(points, narrow):
        assert tight["value"] == pytest.approx(wide["value"])
        assert tight["upper"] - tight["lower"] <= wide["upper"] - wide["lower"]
        assert tight["confidence"] == 0.8
    # unique_id is the Id's value as text.
    assert forecast(client, t, unique_id="S0")["forecast"][0]["value"] != points[0]["value"]


def test_forecast_from_a_newer_dataset_without_refitting(weekly):
    client, t, _ = weekly
    newer = upload_csv(client, weekly_csv(weeks=72, region=False))
    answer = forecast(client, t, dataset_id=newer)
    assert answer["dataset_id"] == newer
    points = answer["forecast"]
    assert points[0]["date"] == (START + datetime.timedelta(days=7 * 72)).isoformat()
    assert abs(points[0]["value"] - truth(1, 72)) / truth(1, 72) < 0.06
    # The dataset must carry the model's series columns and the series asked for.
    renamed = upload_csv(client, weekly_csv().replace("store,week", "shop,week"))
    r = forecast(client, t, dataset_id=renamed, expect=422)
    assert r["detail"][0]["loc"] == ["body", "dataset_id"] and "store" in r["detail"][0]["msg"]
    two_stores = upload_csv(client, weekly_csv(stores=1))
    assert "not in the dataset" in forecast(client, t, dataset_id=two_stores, expect=404)["detail"]
    gap = upload_csv(client, weekly_csv(skip=(1, 30)))
    r = forecast(client, t, dataset_id=gap, expect=422)
    assert "S1" in r["detail"][0]["msg"] and "2023-07-31" in r["detail"][0]["msg"]
    assert forecast(client, t, dataset_id=999999, expect=422)["detail"][0]["loc"] == ["body", "dataset_id"]


def test_forecasts_are_logged(weekly):
    client, t, _ = weekly
    forecast(client, t, unique_id="S2", steps=3)
    r = client.get("/api/v1/inference/predictions", params={"train_id": t["id"]})
    assert r.status_code == 200, r.text
    entry = r.json()["data"][0]
    assert entry["prediction_type"] == "forecast" and entry["no_of_records"] == 3
    assert json.loads(entry["input_data"])["unique_id"] == "S2"
    output = entry["output"] if isinstance(entry["output"], dict) else json.loads(entry["output"])
    assert len(output["forecast"]) == 3 and output["unique_id"] == "S2"


def test_form_names_the_series_id_frequency_and_horizon(weekly):
    client, t, _ = weekly
    r = client.get("/api/v1/inference/form-based-prediction", params={"id": t["id"]})
    assert r.status_code == 200, r.text
    form = r.json()
    assert [h["column_name"] for h in form["headers"]] == ["store"]
    assert (form["frequency"], form["horizon"], form["target"], form["ready"]) == ("Week", 4, "sales", True)


def test_forecast_refusals(api, weekly):
    client, t, _ = weekly
    assert forecast(client, t, unique_id="S9", expect=404)["detail"].startswith("Series 'S9'")
    for steps in (0, 5):
        assert forecast(client, t, steps=steps, expect=422)["detail"][0]["loc"] == ["body", "steps"]
    assert forecast(client, t, frequency="Month", expect=422)["detail"][0]["loc"] == ["body", "frequency"]
    r = forecast(client, t, preprocess_id=t["preprocess_id"] + 1000, expect=422)
    assert r["detail"][0]["loc"] == ["body", "preprocess_id"]
    assert forecast(client, t, confidence=1.5, expect=422)["detail"][0]["loc"] == ["body", "confidence"]
    r = client.post("/api/v1/inference/forecast", json={"train_id": t["id"]})
    assert r.status_code == 422 and {tuple(e["loc"]) for e in r.json()["detail"]} >= {
        ("body", "steps"), ("body", "frequency"), ("body", "unique_id"), ("body", "preprocess_id")}
    # Another tenant's model is not found.
    other = api.create_tenant()
    _, token = api.create_user(other["id"], role="admin")
    with api.client(token) as outsider:
        assert forecast(outsider, t, expect=404)
    # The row paths are not a forecaster's.
    r = client.post("/api/v1/inference/", json={"train_id": t["id"], "preprocess_id": t["preprocess_id"],
                                                "features": {"store": "S1"}})
    assert r.status_code == 422 and "Forecast" in r.json()["detail"][0]["msg"]
    r = client.post("/api/v1/inference/batch-prediction", json={"train_id": t["id"], "dataset_id": t["dataset_id"]})
    assert r.status_code == 422 and "batch prediction predicts rows" in r.json()["detail"][0]["msg"], r.text
    r = client.get("/api/v1/train/generate-feature-importance", params={"train_id": t["id"]})
    assert r.status_code == 422 and "SHAP" in r.json()["detail"][0]["msg"], r.text
    r = client.post("/api/v1/train/update/", json={"train_id": t["id"], "preprocess_id": t["preprocess_id"]})
    assert r.status_code == 422 and "series rules" in r.json()["detail"][0]["msg"], r.text


def test_a_classifier_does_not_forecast(api, weekly):
    client, _, _ = weekly
    churn = upload_csv(client, churn_csv(rows=60))
    t = train(client, churn, algorithm="Linear", hyperparameters={"num_boost_round": 2})
    r = forecast(client, t, expect=422)
    assert r["detail"][0]["loc"] == ["body", "train_id"] and "Classification" in r["detail"][0]["msg"]


def test_forecast_trainings_refused_before_any_job(weekly):
    client, _, dataset = weekly

    def refused(dataset_id=dataset, columns=None, **extra):
        r = train_forecast(client, dataset_id, expect=422, columns=columns, **extra)
        return r["detail"][0]

    assert refused(frequency=None)["loc"] == ["body", "frequency"]
    r = train(client, dataset, problem="Forecast", columns=COLUMNS, expect=422, frequency="Week")
    assert r["detail"][0]["loc"] == ["body", "horizon"]
    assert refused(frequency="Fortnight")["loc"] == ["body", "frequency"]
    assert refused(horizon=0)["loc"] == ["body", "horizon"]
    assert refused(horizon=1001)["loc"] == ["body", "horizon"]
    assert refused(aggregate="median")["loc"] == ["body", "aggregate"]
    assert refused(fill="spline")["loc"] == ["body", "fill"]
    assert refused(algorithm="RandomForest")["loc"] == ["body", "algorithm"]
    assert refused(is_incremental=True)["loc"] == ["body", "is_incremental"]
    assert refused(shap_enabled=True)["loc"] == ["body", "shap_enabled"]
    assert refused(num_workers=2)["loc"] == ["body", "num_workers"]
    assert refused(hyperparameters={"test_size": 0.3})["loc"] == ["body", "hyperparameters", "test_size"]
    assert refused(hyperparameters={"season_length": 0})["loc"] == ["body", "hyperparameters", "season_length"]
    assert refused(hyperparameters={"backtest_windows": 21})["loc"] == ["body", "hyperparameters", "backtest_windows"]
    no_time = [c for c in COLUMNS if c["attribute_name"] != "Timestamp"]
    assert "Timestamp" in refused(columns=no_time)["msg"]
    string_target = [COLUMNS[0], COLUMNS[1], {"column_name": "region", "attribute_name": "Target"}]
    assert "Integer or Float" in refused(columns=string_target)["msg"]
    time_is_number = [COLUMNS[0], {"column_name": "sales", "attribute_name": "Timestamp"},
                      {"column_name": "week", "attribute_name": "Target"}]
    assert "Date or DateTime" in " ".join(e["msg"] for e in train_forecast(client, dataset, expect=422,
                                                                           columns=time_is_number)["detail"])
    # The series are read before the job: a Feature that changes, a gap, two rows in a week.
    moving = upload_csv(client, weekly_csv().replace(",R1\n", ",R9\n", 1))
    assert "changes within series 'S1'" in refused(dataset_id=moving)["msg"]
    gap = upload_csv(client, weekly_csv(skip=(2, 10)))
    r = refused(dataset_id=gap)
    assert r["loc"] == ["body", "dataset_id"] and "S2" in r["msg"] and "2023-03-13" in r["msg"] and "fill" in r["msg"]
    twice = upload_csv(client, weekly_csv(twice=(0, 5)))
    assert "aggregate" in refused(dataset_id=twice)["msg"]
    # Told how, the same data trains: the gap filled, the doubled week summed.
    filled = train_forecast(client, gap, fill="linear", algorithm="Theta")
    assert filled["forecast"]["fill"] == "linear"
    summed = train_forecast(client, twice, aggregate="SUM", algorithm="SeasonalNaive")
    assert summed["forecast"]["aggregate"] == "sum"
    for t in (filled, summed):
        assert wait_completed(client, t["id"])["algorithm"] in ("Theta", "SeasonalNaive")
    # Forecast's fields and algorithms are Forecast's only.
    churn = upload_csv(client, churn_csv(rows=60))
    r = train(client, churn, expect=422, frequency="Week")
    assert r["detail"][0]["loc"] == ["body", "frequency"]
    assert train(client, churn, expect=422, algorithm="ETS")["detail"][0]["loc"] == ["body", "algorithm"]


def test_global_booster_with_a_static_feature_and_the_ensemble(weekly):
    client, _, dataset = weekly
    for algorithm in ("XGBoost", "Ensemble"):
        t = train_forecast(client, dataset, algorithm=algorithm, hyperparameters={"season_length": 4,
                                                                                  "num_boost_round": 60})
        wait_completed(client, t["id"])
        s = client.get("/api/v1/train/model-summary", params={"train_id": t["id"]}).json()
        assert s["model_summary"]["algorithm"] == algorithm
        assert {c["algorithm"]: c["series_chosen"] for c in s["candidates"]} == {algorithm: 3}
        assert s["hyperparameters"]["num_boost_round"] == 60 and s["hyperparameters"]["learning_rate"] == 0.1
        points = forecast(client, t, unique_id="S2")["forecast"]
        for w, p in zip(range(64, 68), points):
            assert abs(p["value"] - truth(2, w)) / truth(2, w) < 0.08, (algorithm, w, p)
        # A newer history is forecast by the same booster, the series' static feature kept.
        newer = upload_csv(client, weekly_csv(weeks=68, region=False))
        first = forecast(client, t, unique_id="S2", dataset_id=newer)["forecast"][0]
        assert first["date"] == (START + datetime.timedelta(days=7 * 68)).isoformat()
        assert abs(first["value"] - truth(2, 68)) / truth(2, 68) < 0.08


def test_one_series_without_an_id(weekly):
    client, _, _ = weekly
    dataset = upload_csv(client, weekly_csv(stores=1, region=False))
    columns = [{"column_name": "store", "attribute_name": "Ignore"}, COLUMNS[1], COLUMNS[2]]
    t = train_forecast(client, dataset, columns=columns, algorithm="ETS", horizon=2)
    wait_completed(client, t["id"])
    a = forecast(client, t, unique_id="anything", steps=2)
    b = forecast(client, t, unique_id="S0", steps=2)
    assert a["forecast"] == b["forecast"]
    assert abs(a["forecast"][0]["value"] - truth(0, 64)) / truth(0, 64) < 0.06
    s = client.get("/api/v1/train/model-summary", params={"train_id": t["id"]}).json()
    assert s["series"] == 1 and s["model_summary"]["algorithm"] == "ETS"


def test_a_forecast_needs_a_completed_model_and_its_training_terminates_like_any(weekly):
    client, _, _ = weekly
    dataset = upload_csv(client, weekly_csv(stores=40))
    t = train_forecast(client, dataset, algorithm="XGBoost",
                       hyperparameters={"season_length": 4, "num_boost_round": 5000, "max_depth": 12})
    deadline = time.time() + 60
    while wait_status(client, t["id"]) != "running":
        assert time.time() < deadline
        time.sleep(0.1)
    r = forecast(client, t, expect=409)
    assert "has not completed" in r["detail"]
    r = client.post("/api/v1/ray/terminate_ray_job", params={"ray_job_id": t["ray_job_id"], "usage": "training"})
    assert r.status_code == 200, r.text
    row = wait_training(client, t["id"], timeout=30)
    assert row["training_status"] == "Terminated"
    assert "Terminated" in forecast(client, t, expect=409)["detail"]
    assert client.delete(f"/api/v1/train/delete/{t['id']}").status_code == 200
    assert forecast(client, t, expect=404)


def wait_status(client, train_id):
    return training(client, train_id)["training_status"]
