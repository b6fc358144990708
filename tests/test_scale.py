"""Large populations: estimators agree with the exact class sums within their error bars."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from numeric import federated as nfl
from numeric.binary_game import BinaryGame as FloatGame
from numeric.classes import class_platform_values, class_user_values
from numeric.multilinear import multilinear_values
from numeric.sampling import stratified_values
from proofs_check.scenarios import parse
from proofs_check.values import compute_values


def _population(counts: list[int], levels: list[int], n: list[int], s2: float, r2: float, kind: str = "users"):
    users = [{"n": a, "rho": b, "count": c} for a, b, c in zip(n, levels, counts, strict=True)]
    return parse({"model": {"kind": "fl-mean", "s2": s2, "r2": r2}, "fairness": {"kind": kind}, "users": users})


@pytest.mark.parametrize("seed", range(6))
def test_sampling_agrees_with_class_sums_on_a_few_hundred_users(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_classes = 3 + seed % 2
    counts = [int(x) for x in rng.integers(20, 60 if n_classes == 4 else 150, size=n_classes)]
    levels = [int(x) for x in rng.integers(1, 3, size=n_classes)]
    n = [int(x) for x in rng.integers(1, 50, size=n_classes)]
    kind = "platform" if seed % 2 else "users"
    sc = _population(counts, levels, n, float(rng.choice([0.1, 1.0, 100.0])), float(rng.choice([1.0, 10.0])), kind)
    exact = compute_values(sc, method="class-sum")
    est = compute_values(sc, method="sampling", seed=seed)
    for a, b in zip(exact.classes, est.classes, strict=True):
        assert b.error > 0 and abs(a.value - b.value) <= 4 * b.error, (a.value, b.value, b.error)
    if kind == "platform":
        assert abs(exact.platform - est.platform) <= 4 * est.platform_error
    assert est.efficiency_gap < 1e-8 * abs(est.total_utility)


@pytest.mark.parametrize("kind", ["users", "platform"])
def test_multilinear_agrees_with_class_sums_on_thousands_of_users(kind: str) -> None:
    sc = _population([2500, 2000, 1500], [2, 1, 0], [10, 30, 5], 1.0, 4.0, kind)
    exact = compute_values(sc, method="class-sum")
    est = compute_values(sc, method="multilinear")
    for a, b in zip(exact.classes, est.classes, strict=True):
        assert abs(a.value - b.value) <= b.error + 1e-12
    assert all(b.error < 1e-5 for b in est.classes)


def test_estimators_on_a_game_with_known_values() -> None:
    """v(m) = (m_1 + m_2)^2: all users are symmetric, so each is worth N (efficiency)."""

    def v(m: np.ndarray) -> np.ndarray:
        return np.asarray(m, dtype=float).sum(axis=1) ** 2

    for counts, est in (
        ((3000, 2000), multilinear_values(v, (3000, 2000))),
        ((300, 200), stratified_values(v, (300, 200), seed=3)),
    ):
        n = sum(counts)
        assert all(abs(x - n) <= max(4 * e, 1e-9 * n) for x, e in zip(est.raw, est.errors, strict=True))
        assert all(abs(x - n) <= max(4 * e, 1e-6 * n) for x, e in zip(est.classes, est.errors, strict=True))
    assert abs(class_user_values(v, (30, 20)).classes[0] - 50) < 1e-9
    fv = class_platform_values(v, (30, 20))
    assert abs(fv.platform + 50 * fv.classes[0] - 2500) < 1e-9


def test_auto_rule_picks_the_method() -> None:
    small = compute_values(_population([300, 200, 100], [2, 1, 0], [10, 20, 5], 1.0, 4.0))
    assert small.method.startswith("class-compressed")
    mid = compute_values(_population([300, 200, 100, 100], [2, 1, 2, 1], [10, 20, 5, 7], 1.0, 4.0))
    assert mid.method.startswith("stratified")
    big = compute_values(_population([50_000, 30_000, 20_000], [2, 1, 0], [10, 20, 5], 1.0, 4.0))
    assert big.method.startswith("multilinear") and big.efficiency_gap < 1e-6
    assert all(c.error < 1e-5 for c in big.classes[:2]) and big.classes[2].value == 0.0


def test_values_cli_handles_100000_users(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    path.write_text(
        '[model]\nkind = "fl-mean"\ns2 = 1\nr2 = 4\n[[users]]\nn = 10\nrho = 2\ncount = 50000\n'
        "[[users]]\nn = 20\nrho = 1\ncount = 30000\n[[users]]\nn = 5\nrho = 0\ncount = 20000\n"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "proofs_check", "values", str(path), "--json", "--summary", "--quiet"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["n_users"] == 100_000 and all("value_error" in c for c in doc["classes"])
    paid = sum(c["value"] * c["count"] for c in doc["classes"])
    assert abs(paid - doc["total_utility"]) < 1e-8 * doc["total_utility"]


def test_large_symmetric_game_matches_exact_small_and_runs_large() -> None:
    from analytic.binary_game import BinaryGame

    small, exact = FloatGame.large(20), BinaryGame.dp(6)
    assert abs(small.utilities[-1] - 1) < 1e-15
    g6 = FloatGame.large(6)
    for c in (0.01, 0.2, 0.35):
        a, b = g6.optimum_by_welfare(c), exact.optimum(str(c))
        assert abs(a.alpha - float(b.alpha)) < 1e-9 and a.regime == b.regime
    big = FloatGame.large(200_000).optimum_by_welfare(0.05)
    assert big.regime == 2 and 0 < big.alpha < 1
    assert nfl.check_model(0.0, 1.0) == (0.0, 1.0)
