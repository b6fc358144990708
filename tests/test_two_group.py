"""Section 5.2: exact two-group equilibria vs nashpy, and the exact optimum of eq. 26."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from analytic.exact import to_float
from analytic.two_group import BEHAVIOURS, EXACT, FLOAT, TwoGroupGame, equilibrium_cases
from numeric import dp_mean
from numeric.equilibria import is_nash
from numeric.two_group import grid_optimum, level_game, nashpy_report, payoff_matrices

U = [[0.0, 2 / 3], [2 / 3, 1.0]]
fractions = st.fractions(0, 1, max_denominator=12).map(lambda f: sympy.Rational(f.numerator, f.denominator))


@given(fractions, fractions, fractions)
@settings(max_examples=60)
def test_exact_equilibria_are_nash_and_nashpy_agrees(alpha: sympy.Expr, c1: sympy.Expr, c2: sympy.Expr) -> None:
    comps = TwoGroupGame.dp(c1, c2).equilibria(alpha)
    A, B = payoff_matrices(U, to_float(alpha), to_float(c1), to_float(c2))
    for comp in comps:
        for s1, s2 in comp.corners():  # every extreme point of every component is an equilibrium
            x = np.array([1 - to_float(s1), to_float(s1)])
            y = np.array([1 - to_float(s2), to_float(s2)])
            assert is_nash(A, B, x, y)
    rep = nashpy_report(U, to_float(alpha), to_float(c1), to_float(c2), exact=comps)
    assert not rep.outside and not rep.uncertified
    assert "vertex_enumeration" not in rep.missed and "vertex_enumeration" not in rep.missed_vertices


@given(st.floats(0, 1), st.floats(0, 1), st.floats(0, 1))
@settings(max_examples=60)
def test_points_off_the_equilibrium_set_are_not_nash(alpha: float, s1: float, s2: float) -> None:
    game = TwoGroupGame.dp(sympy.Rational(3, 10), sympy.Rational(2, 5), field=FLOAT)
    comps = game.equilibria(alpha)
    A, B = payoff_matrices(U, alpha, 0.3, 0.4)
    inside = any(c.contains(s1, s2, tol=1e-9) for c in comps)
    nash = is_nash(A, B, np.array([1 - s1, s1]), np.array([1 - s2, s2]), tol=1e-12)
    if nash:
        assert any(c.contains(s1, s2, tol=1e-6) for c in comps)
    if not inside:
        far = min(abs(s1 - float(c.s1[0])) + abs(s2 - float(c.s2[0])) for c in comps)
        assert not nash or far < 1e-6


def test_twenty_five_cases_and_continua() -> None:
    rows = equilibrium_cases()
    assert len(rows) == 25 and {r["group1"] for r in rows} == set(BEHAVIOURS)
    kinds = {c.kind for r in rows for c in r["components"]}
    assert kinds == {"point", "segment"}
    assert TwoGroupGame.dp(0, 0).equilibria(0)[0].kind == "square"


@pytest.mark.parametrize(
    ("c1", "c2", "alpha", "shares", "platform"),
    [
        ("1/5", "1/5", "2/5", (1, 1), "3/5"),
        ("1/2", "2/5", "3/5", (0, 1), "4/15"),
        ("9/10", "4/5", "0", (0, 0), "0"),
        ("4/15", "1/4", "1/2", (1, sympy.Rational(4, 5)), "7/15"),
    ],
)
def test_exact_optimum(c1: str, c2: str, alpha: str, shares: tuple, platform: str) -> None:
    opt = TwoGroupGame.dp(c1, c2).solve()
    assert opt.alpha == sympy.Rational(alpha) and opt.shares == shares and opt.platform == sympy.Rational(platform)


@pytest.mark.parametrize(("c1", "c2"), [(0.1, 0.15), (0.3, 0.05), (0.45, 0.4), (0.2, 0.9), (0.6, 0.62)])
def test_exact_optimum_beats_every_grid_alpha(c1: float, c2: float) -> None:
    exact = TwoGroupGame.dp(sympy.Rational(str(c1)), sympy.Rational(str(c2))).solve()
    _, value = grid_optimum(U, c1, c2, np.linspace(0, 1, 101))
    assert value <= to_float(exact.platform) + 1e-12
    assert to_float(exact.platform) - value < 0.02


@given(fractions, fractions)
@settings(max_examples=25)
def test_float_kernel_matches_exact(c1: sympy.Expr, c2: sympy.Expr) -> None:
    for pessimistic in (False, True):
        e = TwoGroupGame.dp(c1, c2, field=EXACT).solve(pessimistic=pessimistic)
        f = TwoGroupGame.dp(to_float(c1), to_float(c2), field=FLOAT).solve(pessimistic=pessimistic)
        assert abs(float(f.platform) - to_float(e.platform)) < 1e-12
        assert abs(float(f.alpha) - to_float(e.alpha)) < 1e-9


def test_any_two_by_two_utility() -> None:
    game = TwoGroupGame.dp("1/10", "1/10", utility=[[0, 1], [1, 3]])  # increasing returns: coordination
    assert game.behaviour(sympy.Rational(1, 2)) == ("always", "always")
    assert game.behaviour(sympy.Rational(1, 12)) == ("coordinate", "coordinate")
    assert [c.kind for c in game.equilibria(sympy.Rational(1, 12))] == ["point", "point", "point"]
    with pytest.raises(ValueError, match="U\\(0, 0\\)"):
        TwoGroupGame.dp(0, 0, utility=[[1, 1], [1, 1]])


def test_three_levels_bimatrix_certified() -> None:
    A, B, eqs = level_game(dp_mean.utility, [0, 1, np.inf], 0.8, [0, 0.05, 0.3], [0, 0.1, 0.2])
    assert A.shape == (3, 3) and eqs and all(is_nash(A, B, x, y) for x, y in eqs)
    with pytest.raises(ValueError, match="cost 0 at level 0"):
        level_game(dp_mean.utility, [0, 1, np.inf], 0.8, [0.1, 0.05, 0.3], [0, 0.1, 0.2])


@pytest.mark.parametrize("bad", [("-1", "0"), ("x", "0"), ("oo", "0")])
def test_bad_costs(bad: tuple[str, str]) -> None:
    with pytest.raises(ValueError, match="c1"):
        TwoGroupGame.dp(*bad)
