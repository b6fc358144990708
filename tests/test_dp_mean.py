"""DP mean estimation: SymPy derivation, exact optimum, SciPy minimization, Monte Carlo."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from analytic import dp_mean as adp
from analytic.exact import to_float
from numeric import dp_mean as ndp

oo = sympy.oo
LADDER = [
    sympy.Integer(0),
    sympy.Rational(1, 5),
    sympy.Rational(1, 2),
    sympy.Integer(1),
    sympy.Integer(3),
    sympy.Integer(12),
    sympy.Integer(13),
    sympy.Integer(40),
    oo,
]
profiles = st.lists(st.sampled_from(LADDER), min_size=1, max_size=5).map(tuple)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_objective_from_sympy_stats_matches_coefficients(n: int) -> None:
    expr, w, b = adp.risk_objective(n)
    a, bc, v = adp.risk_coefficients()
    general = a * sum(x**2 for x in w) + bc * (sum(w) - 1) ** 2 + v * b**2
    assert sympy.expand(expr - general) == 0


def test_partition_solution_is_stationary() -> None:
    sol = adp.partition_solution()
    # at the solution, the free weight equals B (1 - W) / A and the b-equation holds
    a, bc, v = adp.risk_coefficients()
    m, e1, e2, t, b = sol["m"], sol["E1"], sol["E2"], sol["t"], sol["b"]
    assert sympy.simplify(a * t - bc * (1 - m * t - b * e1)) == 0
    assert sympy.simplify(v * b - a * (t * e1 - b * e2)) == 0
    assert sympy.simplify(sol["risk"] - a * t) == 0


def test_eq10_risks() -> None:
    assert adp.bayes_risk((0, 0)) == sympy.Rational(1, 12)
    assert adp.bayes_risk((0, oo)) == sympy.Rational(1, 18)
    assert adp.bayes_risk((oo, oo)) == sympy.Rational(1, 24)
    assert [[adp.utility((x, y)) for y in (0, oo)] for x in (0, oo)] == [
        [0, sympy.Rational(2, 3)],
        [sympy.Rational(2, 3), 1],
    ]


@given(profiles)
def test_exact_optimum_is_kkt_certified_and_matches_scipy(rho: tuple[sympy.Expr, ...]) -> None:
    est = adp.optimal_estimator(rho)
    assert adp.certify_kkt(est)
    floats = [to_float(x) for x in rho]
    assert abs(ndp.minimize_risk(floats).risk - to_float(est.risk)) < 1e-9
    w, b, r = ndp.optimal_estimator([floats])
    assert abs(r[0] - to_float(est.risk)) < 1e-12
    assert np.max(np.abs(w[0] - np.array([to_float(x) for x in est.weights]))) < 1e-12
    assert abs(b[0] - to_float(est.noise_scale)) < 1e-12


@given(profiles, st.integers(0, 4), st.sampled_from(LADDER[1:]))
def test_utility_is_weakly_monotone(rho: tuple[sympy.Expr, ...], which: int, bump: sympy.Expr) -> None:
    i = which % len(rho)
    higher = tuple(max(x, bump, key=lambda y: to_float(y)) if k == i else x for k, x in enumerate(rho))
    assert adp.utility(higher) >= adp.utility(rho)


def test_perturbing_the_optimum_never_helps() -> None:
    """A feasible perturbation of (w, b) cannot lower the risk (checks optimality directly)."""
    rng = np.random.default_rng(11)
    a, bc, v = (float(x) for x in adp.risk_coefficients())
    for rho in [(1.0, 2.0, np.inf), (0.5, 0.5), (3.0, 100.0), (0.0, 1.0, 1.0, 4.0)]:
        w, b, r = ndp.optimal_estimator([rho])
        w, b = w[0], float(b[0])
        eps = np.array(rho)
        for _ in range(200):
            b2 = max(0.0, b + rng.normal(0, 0.01))
            w2 = w + rng.normal(0, 0.01, size=w.size)
            w2 = np.clip(w2, 0, np.where(np.isinf(eps), np.inf, b2 * np.where(np.isinf(eps), 0, eps)))
            risk = a * w2 @ w2 + bc * (w2.sum() - 1) ** 2 + v * b2 * b2
            assert risk >= r[0] - 1e-15


@pytest.mark.parametrize("rho", [(np.inf, np.inf), (0.0, np.inf), (0.5, 2.0, np.inf), (1.0, 1.0, 1.0)])
def test_monte_carlo_agrees_within_four_standard_errors(rho: tuple[float, ...]) -> None:
    exact = float(ndp.bayes_risk([rho])[0])
    sim = ndp.simulate_risk(list(rho), 200_000, seed=2024)
    assert abs(sim.z_score(exact)) < 4, (sim, exact)


def test_monte_carlo_detects_a_suboptimal_estimator() -> None:
    """The simulation is sharp enough to see a worse estimator (so the check above can fail)."""
    sim = ndp.simulate_risk([np.inf, np.inf], 200_000, seed=2024, weights=[0.3, 0.3], noise_scale=0.0)
    assert abs(sim.z_score(1 / 24)) > 4


def test_simulation_is_reproducible() -> None:
    assert ndp.simulate_risk([1.0], 1000, seed=5) == ndp.simulate_risk([1.0], 1000, seed=5)


def test_symbolic_k_sharers() -> None:
    e = sympy.Symbol("epsilon", positive=True)
    u = adp.utility_k_sharers(2, 1, e)
    assert sympy.simplify(u - 2 * e**2 / (3 * (e**2 + 8))) == 0
    for n in range(1, 5):
        for k in range(1, n + 1):
            assert adp.utility_k_sharers(n, k) == sympy.Rational(k * (n + 2), n * (k + 2))
            assert adp.utility_k_sharers(n, k, 3) == adp.utility((3,) * k + (0,) * (n - k))


def test_saturation_threshold() -> None:
    assert adp.utility((1, 13)) == adp.utility((1, oo)) == sympy.Rational(7, 10)
    assert adp.utility((1, 12)) < sympy.Rational(7, 10)
    assert adp.optimal_estimator((1, 13)).capped[1] in (True, False)  # on the threshold both splits coincide
    assert adp.optimal_estimator((1, 14)).capped == (True, False)


def test_float_utility_normalization() -> None:
    rows = np.array([[0.0, 0.0, 0.0], [np.inf, np.inf, np.inf], [1.0, 2.0, 3.0]])
    u = ndp.utility(rows)
    assert abs(u[0]) < 1e-15 and abs(u[1] - 1) < 1e-15
    assert abs(u[2] - to_float(adp.utility((1, 2, 3)))) < 1e-12


@pytest.mark.parametrize("bad", [(-1,), ("x",), ()])
def test_bad_profiles(bad: tuple[object, ...]) -> None:
    with pytest.raises(ValueError):
        adp.optimal_estimator(bad)  # type: ignore[arg-type]


def test_bad_float_profiles_and_sizes() -> None:
    with pytest.raises(ValueError, match=">= 0"):
        ndp.bayes_risk([[1.0, -2.0]])
    with pytest.raises(ValueError, match="n_samples"):
        ndp.simulate_risk([1.0], 1)
    with pytest.raises(ValueError, match="positive"):
        adp.utility_k_sharers(2, 1, sympy.Symbol("e"))
