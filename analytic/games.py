"""Test games with known structure: random exact utility tables with planted symmetry,
null users and normalization, for the axiom checks and the property tests.

A utility table is a nested list ``T[a_1]...[a_N]`` of exact Rationals over level indices
(eq. 10's layout, see :func:`analytic.fair_values.table_utility`). Level index 0 is the
level that shares nothing.

Examples
--------
>>> import numpy as np
>>> t = random_utility_table(np.random.default_rng(0), 2, 2, symmetric=[(0, 1)])
>>> t[0][1] == t[1][0], t[0][0]
(True, 0)
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import product
from typing import Any

import numpy as np
import sympy

from analytic.fair_values import nested

__all__ = ["random_utility_table", "table_entries"]


def random_utility_table(
    rng: np.random.Generator,
    n_users: int,
    n_levels: int,
    *,
    symmetric: Iterable[tuple[int, int]] = (),
    null: Iterable[int] = (),
    normalized: bool = True,
    denominator: int = 12,
) -> Any:
    """A random exact utility table with planted structure.

    Parameters
    ----------
    rng
        ``numpy.random.default_rng(seed)``: the only source of randomness.
    n_users, n_levels
        Table shape ``(n_levels,) * n_users``.
    symmetric
        Pairs ``(i, j)`` (0-based) made interchangeable: ``U`` is invariant under swapping
        the levels of users ``i`` and ``j``.
    null
        Users (0-based) whose level never changes ``U``.
    normalized
        Force ``U(0, ..., 0) = 0`` (Theorem 2's efficiency needs it).
    denominator
        Entries are ``k / denominator`` with ``k`` uniform in ``0 .. 3 * denominator``.

    Returns
    -------
    nested list of sympy.Rational

    Examples
    --------
    >>> t = random_utility_table(np.random.default_rng(1), 2, 3, null=[1])
    >>> all(t[a][0] == t[a][1] == t[a][2] for a in range(3))
    True
    """
    if n_users < 1 or n_levels < 2:
        raise ValueError(f"need n_users >= 1 and n_levels >= 2, got {n_users}, {n_levels}")
    null_users = set(null)
    pairs = list(symmetric)
    shape = (n_levels,) * n_users
    raw = {
        index: sympy.Rational(int(rng.integers(0, 3 * denominator + 1)), denominator)
        for index in product(range(n_levels), repeat=n_users)
    }

    def canonical(index: tuple[int, ...]) -> tuple[int, ...]:
        key = [0 if k in null_users else a for k, a in enumerate(index)]
        changed = True
        while changed:  # sort the levels within each symmetric pair until stable
            changed = False
            for i, j in pairs:
                if key[i] > key[j]:
                    key[i], key[j] = key[j], key[i]
                    changed = True
        return tuple(key)

    base = raw[(0,) * n_users] if normalized else sympy.Integer(0)
    entries = {index: raw[canonical(index)] - base for index in product(range(n_levels), repeat=n_users)}
    return _to_lists(nested(entries, shape))


def table_entries(table: Any) -> list[sympy.Expr]:
    """All entries of a nested table, flattened in index order.

    Examples
    --------
    >>> table_entries([[1, 2], [3, 4]])
    [1, 2, 3, 4]
    """
    if isinstance(table, (list, tuple)):
        return [x for row in table for x in table_entries(row)]
    return [table]


def _to_lists(value: Any) -> Any:
    return [_to_lists(x) for x in value] if isinstance(value, tuple) else value
