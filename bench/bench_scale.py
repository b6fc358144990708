"""Benchmark: fair values of N = 10^2 ... 10^6 users in three classes (run on demand, not in CI).

Population: half the users share their estimate (level 2, n = 10), 30 % federate (level 1,
n = 20), 20 % share nothing (level 0, n = 5); s2 = 1, r2 = 4; Theorem 2 with alpha = 1.
For each N it prints the method the automatic rule picks, its time, peak memory
(the process's maximum resident set size; each measurement runs in a fresh process), the
largest relative error bar, and the efficiency gap; and, measured in the
same run, the exact class sums' time where they still fit in memory, and the estimator's
largest difference from them.

    python bench/bench_scale.py [--max 1000000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

from proofs_check.scenarios import parse
from proofs_check.values import compute_values


def population(n_users: int):
    counts = [n_users // 2, n_users * 3 // 10, n_users - n_users // 2 - n_users * 3 // 10]
    users = [
        {"n": 10, "rho": 2, "count": counts[0]},
        {"n": 20, "rho": 1, "count": counts[1]},
        {"n": 5, "rho": 0, "count": counts[2]},
    ]
    return parse({"model": {"kind": "fl-mean", "s2": 1, "r2": 4}, "users": users})


def one(n_users: int, method: str) -> None:
    """Measure one case in this process and print it as JSON (called in a subprocess)."""
    t0 = time.perf_counter()
    res = compute_values(population(n_users), method=method)
    seconds = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux -> MB
    print(
        json.dumps(
            {
                "seconds": seconds,
                "rss_mb": rss,
                "method": res.method.split(";")[0].split(" (")[0],
                "values": [c.value for c in res.classes],
                "errors": [c.error for c in res.classes],
                "gap": res.efficiency_gap,
            }
        )
    )


def measure(n_users: int, method: str) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--one", str(n_users), "--method", method],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max", type=int, default=1_000_000)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--method", default="auto", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.one, args.method)
        return
    print(
        "| N | method | time (s) | peak RSS (MB) | largest relative error bar | efficiency gap | exact class sums (s) | max abs(estimate - exact) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    n = 100
    while n <= args.max:
        res = measure(n, "auto")
        rel = max((e / abs(v) for v, e in zip(res["values"], res["errors"], strict=True) if v), default=0.0)
        exact_s, diff = "-", "-"
        if res["method"].startswith("class-compressed"):
            exact_s = f"{res['seconds']:.2f}"
        elif n <= 10_000:
            ex = measure(n, "class-sum")
            exact_s = f"{ex['seconds']:.2f}"
            diff = f"{max(abs(a - b) for a, b in zip(ex['values'], res['values'], strict=True)):.1e}"
        print(
            f"| {n:,} | {res['method']} | {res['seconds']:.2f} | {res['rss_mb']:.0f} | {rel:.1e} | {res['gap']:.1e} | {exact_s} | {diff} |"
        )
        n *= 10


if __name__ == "__main__":
    main()
