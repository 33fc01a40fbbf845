"""What running a training on Ray costs over running it beside the server: the same dataset, the
same training, submitted to two dataml servers in the same run, one with the local job backend,
one with the ray backend on a single-node Ray head started here (the head the tests start:
tests/api/ray_head.py). Both workers get the same cores (the Ray worker reserves
--ray-worker-cpus of them, and Ray sets OMP_NUM_THREADS to that).

Prints, per backend, the wall time from POST /train to the first poll that saw Completed, and the
worker's own total (its summary's timings.total_seconds); the difference between the two walls
is Ray's overhead (submission, the job supervisor's start, polling)."""

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
    ap.add_argument("--cpus", type=int, default=2, help="cores for each worker (and the Ray head)")
    ap.add_argument("--keep", action="store_true", help="keep the work dir and print its path")
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="dataml-bench-ray-")
    csv, meta = datasets.churn(rows=args.rows)
    head = RayHead(num_cpus=args.cpus)
    t0 = time.monotonic()
    head.start()
    print(f"Ray head ready in {time.monotonic() - t0:.1f} s ({head.address})")
    servers = {}
    try:
        servers["local"] = Server(args.bin, os.path.join(work, "local"))
        servers["ray"] = Server(args.bin, os.path.join(work, "ray"), env={
            "DATAML_JOB_BACKEND": "ray", "RAY_ADDRESS": head.address, "RAY_AUTH_TOKEN": head.token,
            "DATAML_RAY_WORKER_CPUS": str(args.cpus)})
        dataset = {name: s.upload_csv(csv, f"churn_{args.rows}") for name, s in servers.items()}
        walls = {name: [] for name in servers}
        worker = {name: [] for name in servers}
        for round_ in range(args.repeat):
            for name, s in servers.items():  # interleaved, so that a noisy moment hits both
                summary, wall, _, _ = s.train(dataset[name], f"bench_{name}_{round_}", "XGBoost",
                                              meta["columns"], HYPERPARAMETERS)
                walls[name].append(wall)
                worker[name].append(summary["timings"]["total_seconds"])
                print(f"  round {round_ + 1}: {name:5s} wall {wall:6.2f} s, worker {worker[name][-1]:6.2f} s", flush=True)
    finally:
        for s in servers.values():
            s.stop()
        head.cleanup()

    print(f"\nXGBoost, {args.rows:,} rows churn, {HYPERPARAMETERS['num_boost_round']} rounds, "
          f"{args.cpus} cores per worker, {args.repeat} rounds (median):")
    print(f"{'backend':8s} {'wall s':>8s} {'worker s':>9s} {'wall - worker s':>16s}")
    med = {name: (statistics.median(walls[name]), statistics.median(worker[name])) for name in servers}
    for name, (wall, inside) in med.items():
        print(f"{name:8s} {wall:8.2f} {inside:9.2f} {wall - inside:16.2f}")
    overhead = med["ray"][0] - med["local"][0]
    print(f"\nRay's overhead: {overhead:+.2f} s a training (ray/local wall: {med['ray'][0] / med['local'][0]:.2f}x)")
    if args.keep:
        print("work dir:", work)


if __name__ == "__main__":
    main()
