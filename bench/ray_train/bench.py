"""What running a training on Ray costs over running it beside the server, and what a second
worker gives: the same dataset, the same XGBoost training, submitted in the same run to three
dataml servers on a single-node Ray head started here (the head the tests start:
tests/api/ray_head.py):

- `local`: the local job backend, the worker a child process using --cpus cores;
- `ray`: the ray backend, each worker reserving --cpus cores (Ray sets OMP_NUM_THREADS to it);
- `ray 1 cpu`: the ray backend with 1 core a worker, training with num_workers 1 and then 2 (one
  model, two Ray jobs joined through our rabit tracker, each on half the training rows).

Prints, per case, the wall time from POST /train to the first poll that saw Completed, the
worker's own total (its summary's timings.total_seconds; each round also shows rank 0's phases)
and the holdout accuracy; the
difference between the local and the ray walls is Ray's overhead (submission, the job
supervisor's start, polling)."""

import argparse
import os
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path[:0] = [os.path.join(ROOT, "bench", "train"), os.path.join(ROOT, "tests", "api")]

import datasets  # noqa: E402
from common import Server  # noqa: E402
from ray_head import RayHead  # noqa: E402

HYPERPARAMETERS = {"num_boost_round": 100, "max_depth": 6, "learning_rate": 0.3, "seed": 42}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "dataml"))
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cpus", type=int, default=2, help="cores of the local and the ray worker (and the Ray head)")
    ap.add_argument("--keep", action="store_true", help="keep the work dir and print its path")
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="dataml-bench-ray-")
    csv, meta = datasets.churn(rows=args.rows)
    head = RayHead(num_cpus=max(2, args.cpus))
    t0 = time.monotonic()
    head.start()
    print(f"Ray head ready in {time.monotonic() - t0:.1f} s ({head.address})")
    ray_env = {"DATAML_JOB_BACKEND": "ray", "RAY_ADDRESS": head.address, "RAY_AUTH_TOKEN": head.token}
    servers = {}
    # case -> (server, extra training fields)
    cases = {}
    try:
        servers["local"] = Server(args.bin, os.path.join(work, "local"))
        servers["ray"] = Server(args.bin, os.path.join(work, "ray"), env=dict(ray_env, DATAML_RAY_WORKER_CPUS=str(args.cpus)))
        servers["ray1"] = Server(args.bin, os.path.join(work, "ray1"), env=dict(ray_env, DATAML_RAY_WORKER_CPUS="1"))
        cases = {"local": ("local", {}), "ray": ("ray", {}),
                 "ray 1 cpu, 1 worker": ("ray1", {"num_workers": 1}),
                 "ray 1 cpu, 2 workers": ("ray1", {"num_workers": 2})}
        dataset = {name: s.upload_csv(csv, f"churn_{args.rows}") for name, s in servers.items()}
        results = {case: [] for case in cases}
        for round_ in range(args.repeat):
            for case, (name, extra) in cases.items():  # interleaved, so that a noisy moment hits all
                s = servers[name]
                summary, wall, _, _ = s.train(dataset[name], f"bench_{len(results[case])}_{round_}_{case.replace(' ', '_').replace(',', '')}",
                                              "XGBoost", meta["columns"], HYPERPARAMETERS, **extra)
                inside = summary["timings"]["total_seconds"]
                accuracy = summary["model_summary"]["accuracy"]
                results[case].append((wall, inside, accuracy))
                phases = ", ".join(f"{k.removesuffix('_seconds')} {v:.2f}" for k, v in summary["timings"].items()
                                   if k != "total_seconds")
                print(f"  round {round_ + 1}: {case:22s} wall {wall:6.2f} s, worker {inside:6.2f} s ({phases}), "
                      f"accuracy {accuracy:.4f}", flush=True)
    finally:
        for s in servers.values():
            s.stop()
        head.cleanup()

    print(f"\nXGBoost, {args.rows:,} rows churn, {HYPERPARAMETERS['num_boost_round']} rounds, {args.repeat} rounds (median):")
    print(f"{'case':22s} {'wall s':>8s} {'worker s':>9s} {'wall - worker s':>16s} {'accuracy':>9s}")
    med = {}
    for case, rows in results.items():
        wall = statistics.median(r[0] for r in rows)
        inside = statistics.median(r[1] for r in rows)
        med[case] = wall
        print(f"{case:22s} {wall:8.2f} {inside:9.2f} {wall - inside:16.2f} {rows[-1][2]:9.4f}")
    print(f"\nRay's overhead ({args.cpus} cores a worker): {med['ray'] - med['local']:+.2f} s a training "
          f"(ray/local wall: {med['ray'] / med['local']:.2f}x)")
    print(f"Two workers against one (1 core each): {med['ray 1 cpu, 2 workers'] / med['ray 1 cpu, 1 worker']:.2f}x the wall")
    if args.keep:
        print("work dir:", work)


if __name__ == "__main__":
    main()
