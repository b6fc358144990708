"""Fair values: exact (SymPy) and fast (NumPy) agree; the axioms hold as properties."""

from __future__ import annotations

from itertools import product
from typing import Any

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from analytic import fair_values as afv
from analytic.axioms import check_additivity, check_efficiency, check_null_player, check_symmetry
from analytic.exact import to_float
from analytic.games import random_utility_table
from numeric import fair_values as nfv

oo = sympy.oo
EQ10 = [[0, "2/3"], ["2/3", 1]]


@st.composite
def planted_games(draw: st.DrawFn) -> dict[str, Any]:
    """A random exact utility table (N <= 6, 2-4 levels) with planted structure, and a profile."""
    n = draw(st.integers(1, 6))
    n_levels = draw(st.integers(2, 4))
    seed = draw(st.integers(0, 2**32 - 1))
    pairs = [(0, 1)] if n >= 2 and draw(st.booleans()) else []
    null = [n - 1] if n >= 3 and draw(st.booleans()) else []
    table = random_utility_table(np.random.default_rng(seed), n, n_levels, symmetric=pairs, null=null)
    profile = tuple(draw(st.lists(st.integers(0, n_levels - 1), min_size=n, max_size=n)))
    if pairs and draw(st.booleans()):
        profile = (profile[0], profile[0], *profile[2:])  # make the planted symmetry visible
    levels = list(range(n_levels))
    return {"n": n, "levels": levels, "table": table, "profile": profile, "pairs": pairs, "null": null}


def _game(g: dict[str, Any]) -> list[sympy.Expr]:
    return afv.profile_game(afv.table_utility(g["levels"], g["table"]), g["profile"])


@given(planted_games())
def test_theorem1_axioms(g: dict[str, Any]) -> None:
    v = _game(g)
    phi_p, users = afv.platform_values_from_game(v)
    assert check_symmetry(v, users).holds
    assert check_null_player(v, users).holds
    assert check_efficiency(v[-1], (phi_p, *users)).holds
    w = [x * x - 1 for x in v]
    assert check_additivity(
        lambda game: (lambda r: (r[0], *r[1]))(afv.platform_values_from_game(list(game))), v, w
    ).holds


@given(planted_games(), st.fractions(0, 1, max_denominator=7))
def test_theorem2_axioms(g: dict[str, Any], alpha: Any) -> None:
    a = sympy.Rational(alpha.numerator, alpha.denominator)
    v = _game(g)
    users = afv.user_values_from_game(v, a)
    assert v[0] == 0  # normalized table
    assert check_symmetry(v, users).holds
    assert check_null_player(v, users).holds
    assert check_efficiency(a * v[-1], users).holds
    assert check_additivity(lambda game: afv.user_values_from_game(list(game), a), v, [3 * x for x in v]).holds


@given(planted_games())
def test_planted_structure_is_seen(g: dict[str, Any]) -> None:
    v = _game(g)
    users = afv.user_values_from_game(v)
    for i in g["null"]:
        assert users[i] == 0
    if g["pairs"] and g["profile"][0] == g["profile"][1]:
        assert check_symmetry(v, users).premises >= 1
        assert users[0] == users[1]


@given(planted_games(), st.sampled_from(["platform", "users"]))
def test_numeric_matches_exact(g: dict[str, Any], fairness: str) -> None:
    exact_u = afv.table_utility(g["levels"], g["table"])
    float_u = nfv.table_utility([float(x) for x in g["levels"]], _float_table(g["table"]))
    rho = g["profile"]
    if fairness == "platform":
        ex = afv.platform_values(exact_u, rho)
        fl = nfv.platform_values(float_u, [float(x) for x in rho])
        assert abs(fl.platform - to_float(ex.platform)) < 1e-12
    else:
        ex = afv.user_values(exact_u, rho, sympy.Rational(1, 3))
        fl = nfv.user_values(float_u, [float(x) for x in rho], 1 / 3)
    assert np.max(np.abs(np.array(fl.users) - np.array([to_float(x) for x in ex.users]))) < 1e-12
    assert abs(fl.utility - to_float(ex.utility)) < 1e-12


def _float_table(table: Any) -> Any:
    return [_float_table(x) for x in table] if isinstance(table, list) else to_float(table)


def test_value_tables_exact_and_float_agree_on_three_users() -> None:
    table = random_utility_table(np.random.default_rng(7), 3, 3, symmetric=[(0, 2)])
    exact = afv.value_tables(afv.table_utility([0, 1, 2], table), [0, 1, 2], 3, fairness="platform")
    floats = nfv.value_tables(nfv.table_utility([0, 1, 2], _float_table(table)), [0, 1, 2], 3, fairness="platform")
    for a, b, c in product(range(3), repeat=3):
        assert abs(floats.platform[a, b, c] - to_float(exact.platform[a][b][c])) < 1e-12
        for i in range(3):
            assert abs(floats.users[i][a, b, c] - to_float(exact.users[i][a][b][c])) < 1e-12


def test_eq10_layout_and_values() -> None:
    u = afv.table_utility("0,oo", EQ10)
    t = afv.value_tables(u, "0,oo", 2, fairness="platform")
    assert t.platform == ((0, sympy.Rational(1, 3)), (sympy.Rational(1, 3), sympy.Rational(5, 9)))
    assert t.users[0] == ((0, 0), (sympy.Rational(1, 3), sympy.Rational(2, 9)))  # row = user 1's level
    t2 = afv.value_tables(u, "0,oo", 2, fairness="users", alpha="1/2")
    assert t2.users[1] == ((0, sympy.Rational(1, 3)), (0, sympy.Rational(1, 4)))


def test_alpha_as_function_of_utility() -> None:
    u = afv.table_utility("0,oo", EQ10)
    fv = afv.user_values(u, (oo, oo), alpha=lambda value: value / 2)
    assert fv.alpha == sympy.Rational(1, 2) and fv.users == (sympy.Rational(1, 4), sympy.Rational(1, 4))
    fl = nfv.user_values(
        nfv.table_utility([0, np.inf], [[0, 2 / 3], [2 / 3, 1]]), [np.inf, np.inf], alpha=lambda x: x / 2
    )
    assert abs(fl.users[0] - 0.25) < 1e-15


def test_z_zero_gives_zero() -> None:
    fv = afv.platform_values(afv.table_utility("0,oo", EQ10), (oo, oo), z=0)
    assert fv.total == 0 and fv.platform == 0


@pytest.mark.parametrize("alpha", ["-1/2", "3/2", -0.1, 2])
def test_bad_alpha(alpha: Any) -> None:
    u = afv.table_utility("0,oo", EQ10)
    with pytest.raises(ValueError, match="alpha"):
        afv.user_values(u, (oo, oo), alpha)
    with pytest.raises(ValueError, match="alpha"):
        nfv.user_values(
            nfv.table_utility([0, np.inf], [[0, 2 / 3], [2 / 3, 1]]), [np.inf, np.inf], float(sympy.sympify(alpha))
        )


def test_unknown_level_in_table() -> None:
    u = afv.table_utility("0,oo", EQ10)
    with pytest.raises(ValueError, match="not in the table's levels"):
        u((1, 0))
    with pytest.raises(ValueError, match="not in the table's levels"):
        nfv.table_utility([0, np.inf], [[0, 2 / 3], [2 / 3, 1]])(np.array([[1.0, 0.0]]))


def test_size_limits_name_the_limit_and_the_way_forward() -> None:
    with pytest.raises(ValueError, match=r"limit of 12.*numeric.fair_values"):
        afv.profile_game(lambda r: 0, (1,) * 13)
    with pytest.raises(ValueError, match=r"limit of 20.*classes"):
        nfv.profile_game(lambda r: np.zeros(len(r)), [1.0] * 21)
    with pytest.raises(ValueError, match="too large for exact tables"):
        afv.value_tables(lambda r: 0, "0,1", 9)


def test_numeric_twenty_users_efficiency() -> None:
    rng = np.random.default_rng(3)
    weights = rng.uniform(0.5, 2.0, size=20)

    def utility(profiles: np.ndarray) -> np.ndarray:
        return np.sqrt((np.minimum(profiles, 5.0) * weights).sum(axis=1))

    rho = rng.uniform(0, 3, size=20)
    fv = nfv.user_values(utility, rho, 0.7)
    assert abs(sum(fv.users) - 0.7 * fv.utility) < 1e-9
    fp = nfv.platform_values(utility, rho)
    assert abs(fp.total - fp.utility) < 1e-9


def test_vectorized_utility_contract() -> None:
    with pytest.raises(ValueError, match="vectorized utility"):
        nfv.profile_game(lambda r: np.zeros((len(r), 2)), [1.0, 1.0])
    with pytest.raises(ValueError, match=">= 0"):
        nfv.profile_game(lambda r: np.zeros(len(r)), [1.0, -1.0])
