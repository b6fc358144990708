"""Exact fair values of private data: Theorem 1 (eq. 5-6) and Theorem 2 (eq. 7).

Conventions (``../shared/spec/models.md``):

* a privacy profile is ``rho = (rho_1, ..., rho_N)``; ``rho_S`` keeps ``rho_i`` for ``i`` in
  ``S`` and sets every other entry to the level that shares nothing (``null_level``,
  ``0`` in the paper, eq. 4);
* the coalition game at ``rho`` is ``v(S) = U(rho_S)``; subsets are bitmasks (user ``k`` is
  bit ``k - 1``);
* two-user tables follow eq. 10: ``M[a][b]`` is the value at ``rho_1 = levels[a]``,
  ``rho_2 = levels[b]`` (row = user 1's level); ``N``-user tables are nested ``N`` deep.

The formulas are implemented literally as printed, so that the claims can compare them with
independent algorithms (:mod:`analytic.shapley`).

Examples
--------
The paper's eq. 10 utility and the values of eq. 11 and eq. 12 (eq. 10's indexing):

>>> U = table_utility([0, "oo"], [[0, "2/3"], ["2/3", 1]])
>>> fv = platform_values(U, (sympy.oo, sympy.oo))
>>> fv.platform, fv.users
(5/9, (2/9, 2/9))
>>> user_values(U, (sympy.oo, 0)).users
(2/3, 0)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import product
from math import comb
from typing import Any, Literal

import sympy

from analytic.exact import ExactLike, parse_exact, parse_level, parse_levels, parse_unit_interval
from analytic.shapley import coalition_size, n_players

__all__ = [
    "MAX_EXACT_TABLE_WORK",
    "MAX_EXACT_USERS",
    "Alpha",
    "FairValues",
    "Fairness",
    "Profile",
    "Utility",
    "ValueTables",
    "nested",
    "platform_values",
    "platform_values_from_game",
    "profile_game",
    "resolve_alpha",
    "sub_profile",
    "table_utility",
    "user_values",
    "user_values_from_game",
    "value_tables",
]

Profile = tuple[sympy.Expr, ...]
Utility = Callable[[Profile], ExactLike]
Alpha = ExactLike | Callable[[sympy.Expr], ExactLike]
Fairness = Literal["platform", "users"]

#: Largest N for exact values at one profile (``2**N`` utility evaluations, exact sums).
MAX_EXACT_USERS = 12
#: Largest ``len(levels)**N * 2**N`` for exact value tables over every profile.
MAX_EXACT_TABLE_WORK = 2**17


@dataclass(frozen=True)
class FairValues:
    """Fair values at one profile.

    Attributes
    ----------
    profile
        The privacy profile ``rho``.
    utility
        ``U(z, rho)`` (Theorem 1) or ``U(rho)`` (Theorem 2).
    users
        ``phi_i`` for ``i = 1..N``.
    platform
        ``phi_p`` (Theorem 1), ``None`` under Theorem 2.
    alpha
        The payment fraction ``alpha(rho)`` (Theorem 2), ``None`` under Theorem 1.
    """

    profile: tuple[Any, ...]
    utility: Any
    users: tuple[Any, ...]
    platform: Any = None
    alpha: Any = None

    @property
    def theorem(self) -> int:
        """1 if the platform is a player (eq. 5-6), 2 for fairness among users (eq. 7)."""
        return 1 if self.alpha is None else 2

    @property
    def total(self) -> Any:
        """Sum of every value handed out (platform included under Theorem 1)."""
        paid = sum(self.users, start=0 * self.utility)
        return paid + self.platform if self.platform is not None else paid


@dataclass(frozen=True)
class ValueTables:
    """Fair values for every profile in ``levels**N`` (eq. 10-12 layout).

    ``utility``, ``platform`` and each ``users[i]`` are nested tuples ``N`` deep:
    ``M[a_1][a_2]...[a_N]`` is the value at ``rho_k = levels[a_k]`` (row = user 1).
    """

    levels: tuple[Any, ...]
    fairness: Fairness
    utility: Any
    users: tuple[Any, ...]
    platform: Any = None
    alpha: Any = None

    @property
    def n_users(self) -> int:
        """Number of users ``N``."""
        return len(self.users)


def sub_profile(profile: Sequence[Any], mask: int, null_level: Any = 0) -> tuple[Any, ...]:
    """``rho_S`` of eq. 4: keep ``rho_i`` for users in ``mask``, ``null_level`` elsewhere.

    Examples
    --------
    >>> sub_profile((1, 2, 3), 0b101)
    (1, 0, 3)
    """
    return tuple(level if mask >> k & 1 else null_level for k, level in enumerate(profile))


def profile_game(utility: Utility, profile: Sequence[ExactLike], null_level: ExactLike = 0) -> list[sympy.Expr]:
    """The coalition game ``v(S) = U(rho_S)`` at ``profile`` (exact).

    Examples
    --------
    >>> profile_game(lambda r: sum(1 for x in r if x), (1, 1))
    [0, 1, 1, 2]
    """
    rho = _exact_profile(profile)
    null = parse_level(null_level, name="null level")
    _check_size(len(rho), MAX_EXACT_USERS, "exact fair values at one profile")
    return [_evaluate(utility, sub_profile(rho, mask, null)) for mask in range(1 << len(rho))]


def platform_values_from_game(v: Sequence[sympy.Expr], z: int = 1) -> tuple[sympy.Expr, tuple[sympy.Expr, ...]]:
    """Eq. 5 and eq. 6 as printed, on the game ``v(S) = U(rho_S)``; returns ``(phi_p, phi)``.

    ``z`` is the platform's action: with ``z = 0`` the augmented utility ``U(0, rho)`` is 0
    for every coalition (eq. 4), hence every value is 0.

    Examples
    --------
    >>> platform_values_from_game([0, sympy.Rational(2, 3), sympy.Rational(2, 3), 1])
    (5/9, (2/9, 2/9))
    """
    if z not in (0, 1):
        raise ValueError(f"the platform's action z must be 0 or 1, got {z!r}")
    n = n_players(v)
    worth = list(v) if z == 1 else [sympy.Integer(0)] * len(v)
    phi_p = sympy.Rational(1, n + 1) * sum(
        (sympy.Rational(1, comb(n, coalition_size(m))) * worth[m] for m in range(1 << n)),
        start=sympy.Integer(0),
    )
    users = []
    for i in range(n):
        bit = 1 << i
        total = sympy.Integer(0)
        for m in range(1 << n):
            if not m & bit:
                total += sympy.Rational(1, comb(n, coalition_size(m) + 1)) * (worth[m | bit] - worth[m])
        users.append(total / (n + 1))
    return phi_p, tuple(users)


def user_values_from_game(v: Sequence[sympy.Expr], alpha: ExactLike = 1) -> tuple[sympy.Expr, ...]:
    """Eq. 7 as printed, on the game ``v(S) = U(rho_S)`` with a given ``alpha``.

    Examples
    --------
    >>> user_values_from_game([0, sympy.Rational(2, 3), 0, sympy.Rational(2, 3)])
    (2/3, 0)
    """
    n = n_players(v)
    a = parse_exact(alpha, name="alpha")
    values = []
    for i in range(n):
        bit = 1 << i
        total = sympy.Integer(0)
        for m in range(1 << n):
            if not m & bit:
                total += sympy.Rational(1, comb(n - 1, coalition_size(m))) * (v[m | bit] - v[m])
        values.append(a * total / n)
    return tuple(values)


def platform_values(
    utility: Utility, profile: Sequence[ExactLike], *, z: int = 1, null_level: ExactLike = 0
) -> FairValues:
    """Theorem 1: the platform is a player without whom the utility is 0 (eq. 4-6).

    Parameters
    ----------
    utility
        ``U(rho)``: a callable on profiles (tuples of SymPy levels) returning exact values,
        e.g. :func:`table_utility` or :func:`analytic.dp_mean.utility`.
    profile
        The privacy profile ``rho`` (levels ``>= 0`` or ``oo``).
    z
        The platform's action (1 = joins, 0 = stays out, in which case all values are 0).
    null_level
        The level that shares nothing, used for ``rho_S`` (0 in the paper).

    Returns
    -------
    FairValues
        ``platform = phi_p(z, rho)`` (eq. 5), ``users = (phi_1, ..., phi_N)`` (eq. 6) and
        ``utility = U(z, rho)``; they sum to ``U(z, rho)`` (axiom A.ii).

    Examples
    --------
    >>> U = table_utility([0, "oo"], [[0, "2/3"], ["2/3", 1]])
    >>> platform_values(U, (0, sympy.oo)).users
    (0, 1/3)
    >>> platform_values(U, (0, sympy.oo), z=0).total
    0
    """
    v = profile_game(utility, profile, null_level)
    phi_p, users = platform_values_from_game(v, z)
    total = v[-1] if z == 1 else sympy.Integer(0)
    return FairValues(profile=_exact_profile(profile), utility=total, users=users, platform=phi_p)


def user_values(
    utility: Utility, profile: Sequence[ExactLike], alpha: Alpha = 1, *, null_level: ExactLike = 0
) -> FairValues:
    """Theorem 2: fairness among users, a fraction ``alpha(rho)`` of ``U`` is paid (eq. 7).

    Parameters
    ----------
    utility
        ``U(rho)`` as in :func:`platform_values`.
    profile
        The privacy profile ``rho``.
    alpha
        A constant in ``[0, 1]`` or a callable ``alpha(U(rho))`` returning one (axiom B.ii
        lets ``alpha`` depend on ``rho`` only through ``U(rho)``).
    null_level
        The level that shares nothing (0 in the paper).

    Returns
    -------
    FairValues
        ``users = (phi_1, ..., phi_N)``; they sum to ``alpha (U(rho) - U(0))``, which is
        ``alpha U(rho)`` (axiom B.ii) exactly when ``U(0) = 0``.

    Raises
    ------
    ValueError
        If ``alpha`` (or its value at ``U(rho)``) is outside ``[0, 1]``.

    Examples
    --------
    >>> U = table_utility([0, "oo"], [[0, "2/3"], ["2/3", 1]])
    >>> user_values(U, (sympy.oo, sympy.oo), alpha="1/2").users
    (1/4, 1/4)
    """
    v = profile_game(utility, profile, null_level)
    a = resolve_alpha(alpha, v[-1])
    return FairValues(profile=_exact_profile(profile), utility=v[-1], users=user_values_from_game(v, a), alpha=a)


def resolve_alpha(alpha: Alpha, utility_value: sympy.Expr) -> sympy.Expr:
    """The payment fraction at a profile whose utility is ``utility_value``.

    Examples
    --------
    >>> resolve_alpha(lambda u: u / 2, sympy.Rational(2, 3))
    1/3
    """
    raw = alpha(utility_value) if callable(alpha) else alpha
    value = parse_exact(raw, name="alpha")
    if value.is_number:
        return parse_unit_interval(value, name="alpha")
    return value


def value_tables(
    utility: Utility,
    levels: Sequence[ExactLike] | str,
    n_users: int,
    *,
    fairness: Fairness = "users",
    alpha: Alpha = 1,
    null_level: ExactLike = 0,
) -> ValueTables:
    """Fair values at every profile in ``levels**n_users``, as nested tables (eq. 10-12).

    Parameters
    ----------
    utility
        ``U(rho)`` as in :func:`platform_values`.
    levels
        The finite level set (sorted; ``"0,oo"`` accepted).
    n_users
        ``N >= 1``.
    fairness
        ``"platform"`` (Theorem 1, ``z = 1``) or ``"users"`` (Theorem 2).
    alpha
        Theorem 2's ``alpha`` (ignored under Theorem 1).
    null_level
        The level that shares nothing.

    Raises
    ------
    ValueError
        If ``N < 1``, ``fairness`` is unknown, or ``len(levels)**N * 2**N`` exceeds
        :data:`MAX_EXACT_TABLE_WORK` (use :func:`numeric.fair_values.value_tables`).

    Examples
    --------
    >>> U = table_utility([0, "oo"], [[0, "2/3"], ["2/3", 1]])
    >>> t = value_tables(U, "0,oo", 2, fairness="platform")
    >>> t.platform, t.users[0]
    (((0, 1/3), (1/3, 5/9)), ((0, 0), (1/3, 2/9)))
    """
    level_set = parse_levels(levels) if isinstance(levels, str) else parse_levels(list(levels))
    if fairness not in ("platform", "users"):
        raise ValueError(f"fairness must be 'platform' or 'users', got {fairness!r}")
    if isinstance(n_users, bool) or not isinstance(n_users, int) or n_users < 1:
        raise ValueError(f"the number of users must be an integer >= 1, got {n_users!r}")
    work = len(level_set) ** n_users * 2**n_users
    if work > MAX_EXACT_TABLE_WORK:
        raise ValueError(
            f"N = {n_users} users with {len(level_set)} levels is too large for exact tables "
            f"({len(level_set)}^N * 2^N = {work} > {MAX_EXACT_TABLE_WORK}); use the float "
            "tables (numeric.fair_values.value_tables) or values at single profiles"
        )
    cached = lru_cache(maxsize=None)(lambda rho: _evaluate(utility, rho))
    shape = (len(level_set),) * n_users
    util, plat, users = {}, {}, {}
    for index in product(range(len(level_set)), repeat=n_users):
        rho = tuple(level_set[k] for k in index)
        if fairness == "platform":
            fv = platform_values(cached, rho, null_level=null_level)
            plat[index] = fv.platform
        else:
            fv = user_values(cached, rho, alpha, null_level=null_level)
        util[index] = fv.utility
        users[index] = fv.users
    return ValueTables(
        levels=level_set,
        fairness=fairness,
        utility=nested(util, shape),
        users=tuple(nested({k: u[i] for k, u in users.items()}, shape) for i in range(n_users)),
        platform=nested(plat, shape) if fairness == "platform" else None,
        alpha=None if fairness == "platform" else (alpha if callable(alpha) else parse_exact(alpha)),
    )


def table_utility(levels: Sequence[ExactLike] | str, table: Any) -> Utility:
    """A utility given as a nested table over level indices (eq. 10's layout).

    ``table[a_1][a_2]...[a_N]`` is ``U`` at ``rho_k = levels[a_k]``; entries are exact
    numbers or strings such as ``"2/3"``. ``levels`` need not be sorted here: the table is
    read in the order given.

    Raises
    ------
    ValueError
        When called on a profile with a level not in ``levels`` or of the wrong length.

    Examples
    --------
    >>> U = table_utility("0,oo", [[0, "2/3"], ["2/3", 1]])
    >>> U((0, sympy.oo))
    2/3
    """
    level_list = (
        [parse_level(x) for x in levels.split(",")] if isinstance(levels, str) else [parse_level(x) for x in levels]
    )
    position = {level: k for k, level in enumerate(level_list)}

    def depth(t: Any) -> int:
        return 1 + depth(t[0]) if isinstance(t, (list, tuple)) else 0

    n = depth(table)

    def utility(profile: Profile) -> sympy.Expr:
        if len(profile) != n:
            raise ValueError(f"the table is for {n} users, got a profile of length {len(profile)}")
        entry = table
        for level in profile:
            key = parse_level(level)
            if key not in position:
                raise ValueError(f"level {key} is not in the table's levels {tuple(level_list)}")
            entry = entry[position[key]]
        return parse_exact(entry, name="table entry")

    return utility


def nested(entries: dict[tuple[int, ...], Any], shape: tuple[int, ...]) -> Any:
    """Nested tuples ``M[a_1]...[a_N]`` from a dict keyed by index tuples.

    Examples
    --------
    >>> nested({(0, 0): 1, (0, 1): 2, (1, 0): 3, (1, 1): 4}, (2, 2))
    ((1, 2), (3, 4))
    """

    def build(prefix: tuple[int, ...]) -> Any:
        if len(prefix) == len(shape):
            return entries[prefix]
        return tuple(build((*prefix, k)) for k in range(shape[len(prefix)]))

    return build(())


def _exact_profile(profile: Sequence[ExactLike]) -> Profile:
    if isinstance(profile, str):
        raise TypeError("profile must be a sequence of levels; parse strings with parse_profile")
    return tuple(parse_level(x, name=f"entry {k + 1} of the profile") for k, x in enumerate(profile))


def _evaluate(utility: Utility, rho: Profile) -> sympy.Expr:
    return parse_exact(utility(rho), name=f"U{rho}")


def _check_size(n: int, limit: int, what: str) -> None:
    if n > limit:
        raise ValueError(
            f"N = {n} users exceeds the limit of {limit} for {what} (2^N coalitions); "
            "use numeric.fair_values (floats, N <= 20) or group exchangeable users into classes (analytic.classes)"
        )
