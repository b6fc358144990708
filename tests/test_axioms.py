"""Uniqueness by linear algebra on unanimity games; the Theorem 1 counterexample."""

from __future__ import annotations

import sympy

from analytic import dp_mean
from analytic.axioms import (
    check_efficiency,
    check_null_player,
    check_symmetry,
    platform_takes_all,
    unanimity_solutions,
    values_from_unanimity,
)
from analytic.fair_values import platform_values_from_game, profile_game, user_values_from_game

oo = sympy.oo


def test_printed_theorem1_axioms_leave_one_free_parameter_per_nonempty_carrier() -> None:
    for n in range(1, 5):
        dims = [s.dimension for s in unanimity_solutions(n, theorem=1)]
        assert dims[0] == 0 and all(d == 1 for d in dims[1:])


def test_platform_symmetry_restores_uniqueness_and_gives_eq5_6() -> None:
    sols = unanimity_solutions(3, theorem=1, platform_symmetric=True, scale=sympy.Integer(1))
    assert all(s.dimension == 0 for s in sols)
    v = profile_game(dp_mean.utility, (1, oo, 2))
    p, u = platform_values_from_game(v)
    assert values_from_unanimity(v, sols) == (p, *u)


def test_theorem2_unique_for_symbolic_alpha_but_constant_game_inconsistent() -> None:
    alpha = sympy.Symbol("alpha", positive=True)
    sols = unanimity_solutions(3, theorem=2, alpha=alpha, scale=sympy.Integer(1))
    assert not sols[0].consistent
    assert all(s.dimension == 0 for s in sols[1:])
    v = profile_game(dp_mean.utility, (oo, 2, 0))
    assert values_from_unanimity(v, sols) == tuple(sympy.simplify(x) for x in user_values_from_game(v, alpha))


def test_platform_takes_all_satisfies_the_printed_axioms() -> None:
    for rho in [(0, oo), (oo, oo), (0, 0)]:
        v = profile_game(dp_mean.utility, rho)
        p, users = platform_takes_all(v)
        assert check_symmetry(v, users).holds and check_null_player(v, users).holds
        assert check_efficiency(v[-1], (p, *users)).holds
