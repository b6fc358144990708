"""Three independent Shapley algorithms agree on random exact games (property tests)."""

from __future__ import annotations

import sympy
from hypothesis import given
from hypothesis import strategies as st

from analytic.axioms import check_efficiency
from analytic.shapley import (
    harsanyi_dividends,
    n_players,
    shapley_by_permutations,
    shapley_by_subsets,
    shapley_from_dividends,
    unanimity_game,
)


@st.composite
def games(draw: st.DrawFn, max_players: int = 5) -> list[sympy.Expr]:
    n = draw(st.integers(1, max_players))
    values = draw(st.lists(st.fractions(-5, 5, max_denominator=9), min_size=1 << n, max_size=1 << n))
    return [sympy.Rational(v.numerator, v.denominator) for v in values]


@given(games())
def test_three_algorithms_agree(v: list[sympy.Expr]) -> None:
    by_subsets = shapley_by_subsets(v)
    assert by_subsets == shapley_by_permutations(v) == shapley_from_dividends(v)
    assert check_efficiency(v[-1] - v[0], by_subsets).holds


@given(games())
def test_dividends_reconstruct_the_game(v: list[sympy.Expr]) -> None:
    n = n_players(v)
    d = harsanyi_dividends(v)
    rebuilt = [sum((d[t] for t in range(1 << n) if t & s == t), start=sympy.Integer(0)) for s in range(1 << n)]
    assert rebuilt == v


def test_unanimity_game_splits_equally() -> None:
    v = unanimity_game(0b101, 3, sympy.Integer(6))
    assert shapley_by_subsets(v) == (3, 0, 3)
