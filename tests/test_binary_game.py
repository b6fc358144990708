"""Section 5: the exact solution of eq. 21 against the numeric one, and its structure."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from analytic.binary_game import BinaryGame, C, P
from analytic.exact import to_float
from numeric.binary_game import BinaryGame as FloatGame
from numeric.equilibria import is_nash

oo = sympy.oo


@pytest.mark.parametrize("n", [2, 3, 4, 6])
def test_analytic_and_numeric_optima_agree_on_a_grid_of_costs(n: int) -> None:
    exact, approx = BinaryGame.dp(n), FloatGame.dp(n)
    for c in [sympy.Rational(k, 24) for k in range(0, 20)]:
        e, a = exact.optimum(c), approx.optimum(to_float(c))
        assert e.regime == a.regime, (n, c)
        assert abs(a.alpha - to_float(e.alpha)) < 1e-9
        assert abs(a.platform - to_float(e.platform)) < 1e-9
        assert abs(a.p - to_float(e.p)) < 1e-9


def test_n2_closed_forms() -> None:
    game = BinaryGame.dp(2)
    assert game.gamma == P / 6 + sympy.Rational(1, 2)
    assert (game.gamma_min, game.gamma_max, game.c_th, game.c_th_eq24()) == (
        sympy.Rational(1, 2),
        sympy.Rational(2, 3),
        sympy.Rational(1, 3),
        sympy.Rational(1, 3),
    )
    cv = game.curves
    assert sympy.simplify(cv.alpha.args[1][0] - 6 * C / (3 * C + 2)) == 0
    assert sympy.simplify(cv.platform.args[1][0] - (2 - 3 * C) ** 2 / 3) == 0


@pytest.mark.parametrize("n", [2, 3, 5, 8])
def test_general_n_constants(n: int) -> None:
    game = BinaryGame.dp(n)
    assert game.gamma_min == sympy.Rational(1, n)
    assert game.gamma_max == sympy.Rational(n + 2, 3 * n)
    assert game.c_th == sympy.Rational(2, n * (n + 1)) == game.c_th_eq24()
    assert sympy.expand(game.expected_utility - n * (1 - P) * game.gamma) == 0
    assert sympy.expand(game.marginal + sympy.diff(game.expected_utility, P) / n) == 0


@given(st.lists(st.fractions(0, 1, max_denominator=20), min_size=2, max_size=5), st.fractions(0, 1, max_denominator=30))
@settings(max_examples=25)
def test_optimum_structure_for_any_concave_utility(increments: list, c_frac: object) -> None:
    """Random strictly concave U(k): the exact optimum has the printed regime structure and is
    at least as good as every alpha on a grid (an independent brute-force check)."""
    offset = sympy.Rational(1, 100)
    steps = sorted({sympy.Rational(x.numerator, x.denominator) + offset for x in increments}, reverse=True)
    if len(steps) < 2:
        return
    utilities = [sympy.Integer(0)]
    for s in steps:
        utilities.append(utilities[-1] + s)
    game = BinaryGame.from_utilities(utilities)
    c = sympy.Rational(c_frac.numerator, c_frac.denominator)  # type: ignore[attr-defined]
    opt = game.optimum(c)
    assert opt.regime == game.regime(c) or c in (game.c_th, game.gamma_max)
    floats = FloatGame.from_utilities(np.array([to_float(u) for u in utilities]))
    grid_best = max(floats.platform_share(a, to_float(c))[0] for a in np.linspace(0, 1, 201))
    assert to_float(opt.platform) >= grid_best - 1e-12
    assert abs(to_float(opt.net_utility_per_user)) < 1e-12


def test_symmetric_equilibria_pure_and_interior() -> None:
    game = BinaryGame.dp(2)
    assert game.symmetric_equilibria(1, "1/3") == [0]
    assert game.symmetric_equilibria("1/2", "1/2") == [1]
    assert game.symmetric_equilibria("6/7", "1/2") == [sympy.Rational(1, 2)]
    assert FloatGame.dp(2).symmetric_equilibria(6 / 7, 0.5) == pytest.approx([0.5], abs=1e-12)


def test_nashpy_equilibria_are_certified_and_include_asymmetric_ones() -> None:
    game = FloatGame.dp(2)
    A, B = game.two_user_bimatrix(0.9, 0.5)
    eqs = game.two_user_equilibria(0.9, 0.5)
    assert all(is_nash(A, B, x, y) for x, y in eqs)
    pure_asym = [(x, y) for x, y in eqs if abs(x[0] - y[0]) > 0.5]
    assert len(pure_asym) == 2 and len(eqs) == 3


def test_pure_equilibria_counts_match_exact_conditions() -> None:
    exact, floats = BinaryGame.dp(4), FloatGame.dp(4)
    for alpha, c in [(0.9, 0.2), (0.5, 0.05), (0.3, 0.2)]:
        expected = []
        for k in range(5):
            stay = k == 0 or alpha * to_float(exact.sharer_value(k - 1)) >= c
            out = k == 4 or alpha * to_float(exact.sharer_value(k)) <= c
            if stay and out:
                expected.append(k)
        assert floats.pure_equilibrium_counts(alpha, c) == expected


def test_finite_eps_breaks_assumption_2_below_2_sqrt_3() -> None:
    assert BinaryGame.dp(3, "3.46").assumptions() == (True, False)
    assert BinaryGame.dp(3, "3.47").assumptions() == (True, True)
    with pytest.raises(ValueError, match="Assumptions 1-2 fail"):
        _ = BinaryGame.dp(2, 1).curves


BAD_GAMES = [({"n": 1}, "N >= 2"), ({"n": 2, "eps": 0}, "eps"), ({"n": 2, "eps": -1}, "eps")]


@pytest.mark.parametrize(("bad", "match"), BAD_GAMES)
def test_bad_games(bad: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        BinaryGame.dp(**bad)
    with pytest.raises(ValueError, match=match):
        FloatGame.dp(bad["n"], float(bad.get("eps", np.inf)))


def test_bad_costs() -> None:
    with pytest.raises(ValueError, match="c must be"):
        BinaryGame.dp(2).optimum(-1)
    with pytest.raises(ValueError, match="alpha"):
        BinaryGame.dp(2).symmetric_equilibria(2, 0)
    with pytest.raises(ValueError, match="c must be"):
        FloatGame.dp(2).optimum(-0.5)
