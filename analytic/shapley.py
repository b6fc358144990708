"""Generic transferable-utility games over bitmasks, exact (SymPy).

A game on ``n`` players is a sequence ``v`` of length ``2**n``: ``v[mask]`` is the worth
of the coalition whose members are the set bits of ``mask`` (player ``k`` is bit ``k``).
This module knows nothing about privacy; :mod:`analytic.fair_values` builds the paper's
games (``v[S] = U(rho_S)``) on top of it.

Three independent ways to the Shapley value live here, so that the paper's formulas can be
checked against algorithms that do not share their algebra:

* :func:`shapley_by_subsets` - the subset-sum formula;
* :func:`shapley_by_permutations` - the average marginal contribution over all ``n!``
  orders (brute force, small ``n``);
* :func:`harsanyi_dividends` + :func:`shapley_from_dividends` - the unanimity-game
  decomposition (each dividend is split equally among its carrier).

Examples
--------
>>> v = [0, 1, 1, 3]                 # two players, v({0,1}) = 3
>>> shapley_by_subsets(v) == shapley_by_permutations(v) == shapley_from_dividends(v)
True
>>> shapley_by_subsets(v)
(3/2, 3/2)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import permutations
from math import factorial

import sympy

from analytic.exact import exact_equal

__all__ = [
    "Game",
    "coalition_size",
    "game_from_function",
    "harsanyi_dividends",
    "is_null_player",
    "is_symmetric_pair",
    "members",
    "n_players",
    "shapley_by_permutations",
    "shapley_by_subsets",
    "shapley_from_dividends",
    "unanimity_game",
]

Game = Sequence[sympy.Expr]


def n_players(v: Game) -> int:
    """Number of players of a game vector of length ``2**n``.

    Raises
    ------
    ValueError
        If ``len(v)`` is not a power of two.

    Examples
    --------
    >>> n_players([0, 1, 1, 2])
    2
    """
    size = len(v)
    n = size.bit_length() - 1
    if size < 1 or (1 << n) != size:
        raise ValueError(f"a game vector has length 2**n, got length {size}")
    return n


def coalition_size(mask: int) -> int:
    """Number of players in coalition ``mask``.

    Examples
    --------
    >>> coalition_size(0b1011)
    3
    """
    return mask.bit_count()


def members(mask: int) -> tuple[int, ...]:
    """Players in coalition ``mask`` (ascending).

    Examples
    --------
    >>> members(0b101)
    (0, 2)
    """
    return tuple(k for k in range(mask.bit_length()) if mask >> k & 1)


def game_from_function(worth: Callable[[int], sympy.Expr], n: int) -> list[sympy.Expr]:
    """Tabulate ``worth(mask)`` for every coalition of ``n`` players.

    Examples
    --------
    >>> game_from_function(lambda m: coalition_size(m) ** 2, 2)
    [0, 1, 1, 4]
    """
    return [sympy.sympify(worth(mask)) for mask in range(1 << n)]


def unanimity_game(carrier: int, n: int, scale: sympy.Expr = sympy.S.One) -> list[sympy.Expr]:
    """The unanimity game ``scale * u_T``: worth ``scale`` iff ``T`` is inside the coalition.

    Examples
    --------
    >>> unanimity_game(0b01, 2)
    [0, 1, 0, 1]
    """
    return [sympy.sympify(scale) if mask & carrier == carrier else sympy.Integer(0) for mask in range(1 << n)]


def shapley_by_subsets(v: Game) -> tuple[sympy.Expr, ...]:
    """Shapley value by the subset formula ``sum_S |S|!(n-|S|-1)!/n! (v(S+i) - v(S))``.

    Examples
    --------
    >>> shapley_by_subsets([0, 0, 0, 1])
    (1/2, 1/2)
    """
    n = n_players(v)
    values = []
    for i in range(n):
        bit = 1 << i
        total = sympy.Integer(0)
        for mask in range(1 << n):
            if mask & bit:
                continue
            s = coalition_size(mask)
            weight = sympy.Rational(factorial(s) * factorial(n - s - 1), factorial(n))
            total += weight * (v[mask | bit] - v[mask])
        values.append(total)
    return tuple(values)


def shapley_by_permutations(v: Game) -> tuple[sympy.Expr, ...]:
    """Shapley value as the mean marginal contribution over all ``n!`` arrival orders.

    Brute force (``n <= 8``); independent of the subset weights.

    Raises
    ------
    ValueError
        If the game has more than 8 players (``8! = 40320`` orders).

    Examples
    --------
    >>> shapley_by_permutations([0, 1, 0, 1])
    (1, 0)
    """
    n = n_players(v)
    if n > 8:
        raise ValueError(f"permutation brute force is limited to 8 players, got {n}")
    totals = [sympy.Integer(0)] * n
    orders = 0
    for order in permutations(range(n)):
        mask = 0
        for player in order:
            totals[player] += v[mask | (1 << player)] - v[mask]
            mask |= 1 << player
        orders += 1
    return tuple(total / orders for total in totals)


def harsanyi_dividends(v: Game) -> list[sympy.Expr]:
    """Harsanyi dividends: the unique ``d`` with ``v = sum_T d[T] u_T`` (Moebius inversion).

    Examples
    --------
    >>> harsanyi_dividends([0, 1, 1, 3])
    [0, 1, 1, 1]
    """
    n = n_players(v)
    d = [sympy.sympify(x) for x in v]
    for k in range(n):  # fast Moebius transform, one coordinate at a time
        bit = 1 << k
        for mask in range(1 << n):
            if mask & bit:
                d[mask] = d[mask] - d[mask ^ bit]
    return d


def shapley_from_dividends(v: Game) -> tuple[sympy.Expr, ...]:
    """Shapley value as each dividend split equally among its carrier.

    Examples
    --------
    >>> shapley_from_dividends([0, 0, 0, 1])
    (1/2, 1/2)
    """
    n = n_players(v)
    d = harsanyi_dividends(v)
    values = [sympy.Integer(0)] * n
    for mask in range(1, 1 << n):
        share = d[mask] / coalition_size(mask)
        for player in members(mask):
            values[player] += share
    return tuple(values)


def is_null_player(v: Game, i: int) -> bool:
    """True iff ``v(S + i) == v(S)`` for every coalition ``S`` without ``i`` (exact).

    Examples
    --------
    >>> is_null_player([0, 0, 1, 1], 0), is_null_player([0, 0, 1, 1], 1)
    (True, False)
    """
    n = n_players(v)
    bit = 1 << i
    return all(exact_equal(v[mask | bit], v[mask]) for mask in range(1 << n) if not mask & bit)


def is_symmetric_pair(v: Game, i: int, j: int) -> bool:
    """True iff ``v(S + i) == v(S + j)`` for every ``S`` containing neither ``i`` nor ``j``.

    Examples
    --------
    >>> is_symmetric_pair([0, 1, 1, 3], 0, 1)
    True
    """
    n = n_players(v)
    bi, bj = 1 << i, 1 << j
    return all(exact_equal(v[mask | bi], v[mask | bj]) for mask in range(1 << n) if not mask & (bi | bj))
