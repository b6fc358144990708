"""Benchmark: exact mechanism design (eq. 19) vs the paper's method (alpha grid + direct values).

Run on demand (not in CI):  python bench/bench_design.py [--grid 101] [--skip-baseline]

For each population (five types, the paper's size N = 10 and larger), it prints the number of
class profiles, the exact solver's time and peak memory (tracemalloc), and, where it is
feasible, the baseline measured in the same run: a grid over alpha where every class profile is
checked directly with class-compressed Shapley values (no potential), and the ratio of the two
times. The exact alpha* must beat or equal the grid's best value.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np

from numeric.privacy_game import PlayerType, PrivacyGame, grid_design

BASE = [
    (100, (0.0, 0.04, 2.8)),
    (10, (0.0, 0.9, 1.0)),
    (10, (0.0, 0.17, 3.4)),
    (10, (0.0, 0.02, 0.13)),
    (10, (0.0, 0.2, 8.0)),
]


def population(per_type: int, levels: int) -> list[PlayerType]:
    out = []
    for n, cost in BASE:
        c = cost if levels == 3 else (0.0, cost[2])
        out.append(PlayerType(count=per_type, n=n, cost=c))
    return out


def build(types: list[PlayerType], levels: int) -> PrivacyGame:
    if levels == 3:
        return PrivacyGame.federated(types, s2=100.0, r2=1.0)
    from numeric import federated as fl

    full = fl.type_utility([t.n for t in types], None, [t.count for t in types], s2=100.0, r2=1.0)
    return PrivacyGame(types, lambda x: full(np.concatenate([np.zeros_like(x), x], axis=2)))  # levels {0, 2}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--grid", type=int, default=101)
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()
    cases = [(2, 3), (4, 3), (6, 3), (2, 2), (10, 2)]
    print(
        f"{'N':>4} {'levels':>6} {'profiles':>10} {'exact s':>9} {'peak MB':>8} {'alpha*':>9} {'baseline s':>11} {'ratio':>7} {'grid ok':>8}"
    )
    for per_type, levels in cases:
        types = population(per_type, levels)
        tracemalloc.start()
        t0 = time.perf_counter()
        game = build(types, levels)
        res = game.design()
        exact_s = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        base_s, ratio, ok = "-", "-", "-"
        if not args.skip_baseline and game.n_profiles <= 10_000:
            t0 = time.perf_counter()
            _, value, _ = grid_design(game, np.linspace(0, 1, args.grid))
            b = time.perf_counter() - t0
            base_s, ratio, ok = f"{b:.2f}", f"{b / exact_s:.0f}x", str(res.platform >= value - 1e-12)
        print(
            f"{5 * per_type:>4} {levels:>6} {game.n_profiles:>10} {exact_s:>9.3f} {peak:>8.1f} {res.alpha:>9.4f} {base_s:>11} {ratio:>7} {ok:>8}"
        )
    three_level_50 = 66**5
    print(
        f"  50      3 {three_level_50:>10}  not run: one potential value per class profile would need {three_level_50 * 8 / 1e9:.0f} GB"
    )


if __name__ == "__main__":
    main()
