"""Fast fair values (NumPy): Theorem 1 (eq. 5-6) and Theorem 2 (eq. 7), vectorized.

The float mirror of :mod:`analytic.fair_values`: same names, same conventions (``rho_S``
sets users outside ``S`` to ``null_level``; tables are indexed ``M[a_1]...[a_N]``, row =
user 1's level), but coalitions are bitmasks processed as NumPy index arrays, so a profile
with ``N <= 20`` users costs ``2**N`` utility evaluations done in one vectorized call.

Utilities here are *vectorized*: a callable taking an ``(M, N)`` float array of profiles
(``np.inf`` for ``oo``) and returning ``M`` utilities, such as
:func:`numeric.dp_mean.utility` or :func:`table_utility`. Wrap a scalar function with
:func:`vectorize_utility`.

Examples
--------
>>> U = table_utility([0, np.inf], [[0, 2 / 3], [2 / 3, 1]])
>>> fv = platform_values(U, [np.inf, np.inf])
>>> round(float(fv.platform), 12), np.round(fv.users, 12).tolist()
(0.555555555556, [0.222222222222, 0.222222222222])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from math import comb
from typing import Any

import numpy as np

from analytic.fair_values import Fairness, FairValues, ValueTables

__all__ = [
    "MAX_USERS",
    "FloatUtility",
    "platform_values",
    "platform_values_from_game",
    "profile_game",
    "subset_profiles",
    "table_utility",
    "user_values",
    "user_values_from_game",
    "value_tables",
    "vectorize_utility",
]

FloatUtility = Callable[[np.ndarray], np.ndarray]

#: Largest N handled by the subset (bitmask) method: 2**20 coalitions.
MAX_USERS = 20


def subset_profiles(profile: Sequence[float], null_level: float = 0.0, masks: np.ndarray | None = None) -> np.ndarray:
    """``rho_S`` (eq. 4) for every coalition (or the given ``masks``) as a ``(len, N)`` array.

    Row ``k`` keeps the users whose bits are set in ``masks[k]`` (default: all ``2**N``).

    Examples
    --------
    >>> subset_profiles([1.0, 2.0]).tolist()
    [[0.0, 0.0], [1.0, 0.0], [0.0, 2.0], [1.0, 2.0]]
    """
    rho = _float_profile(profile)
    n = rho.size
    _check_users(n)
    rows = np.arange(1 << n) if masks is None else np.asarray(masks)
    inside = ((rows[:, None] >> np.arange(n, dtype=rows.dtype)[None, :]) & 1).astype(bool)
    return np.where(inside, rho[None, :], float(null_level))


def profile_game(utility: FloatUtility, profile: Sequence[float], null_level: float = 0.0) -> np.ndarray:
    """The coalition game ``v[mask] = U(rho_mask)`` at ``profile``.

    The utility is called on blocks of at most ``2**16`` sub-profiles, so ``N = 20`` needs
    16 vectorized calls and bounded memory.

    Examples
    --------
    >>> profile_game(lambda r: (r > 0).sum(axis=1).astype(float), [1.0, 1.0]).tolist()
    [0.0, 1.0, 1.0, 2.0]
    """
    rho = _float_profile(profile)
    _check_users(rho.size)
    size = 1 << rho.size
    block = 1 << 16
    v = np.empty(size)
    for start in range(0, size, block):
        masks = np.arange(start, min(size, start + block))
        values = np.asarray(utility(subset_profiles(rho, null_level, masks)), dtype=float)
        if values.shape != masks.shape:
            raise ValueError(
                f"a vectorized utility must map ({masks.size}, {rho.size}) profiles to shape "
                f"({masks.size},), got {values.shape}"
            )
        v[start : start + masks.size] = values
    return v


def user_values_from_game(v: np.ndarray, alpha: float | np.ndarray = 1.0) -> np.ndarray:
    """Eq. 7 on game vectors ``v[..., 2**N]`` (leading axes are batches).

    Examples
    --------
    >>> user_values_from_game(np.array([0.0, 2 / 3, 2 / 3, 1.0])).round(12).tolist()
    [0.5, 0.5]
    """
    v = np.asarray(v, dtype=float)
    n = _players(v)
    sizes = _popcounts(n)
    weights = np.array([1.0 / comb(n - 1, s) for s in range(n)] + [0.0])
    out = np.empty((*v.shape[:-1], n))
    for i in range(n):
        bit = 1 << i
        without = np.flatnonzero((np.arange(1 << n) & bit) == 0)
        out[..., i] = (v[..., without | bit] - v[..., without]) @ weights[sizes[without]]
    return np.asarray(alpha, dtype=float)[..., None] * out / n


def platform_values_from_game(v: np.ndarray, z: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Eq. 5 and eq. 6 on game vectors; returns ``(phi_p, phi)`` (zeros when ``z = 0``).

    Examples
    --------
    >>> p, u = platform_values_from_game(np.array([0.0, 2 / 3, 2 / 3, 1.0]))
    >>> round(float(p), 12), u.round(12).tolist()
    (0.555555555556, [0.222222222222, 0.222222222222])
    """
    if z not in (0, 1):
        raise ValueError(f"the platform's action z must be 0 or 1, got {z!r}")
    v = np.asarray(v, dtype=float) * z
    n = _players(v)
    sizes = _popcounts(n)
    platform_w = np.array([1.0 / comb(n, s) for s in range(n + 1)])
    user_w = np.array([1.0 / comb(n, s + 1) for s in range(n)] + [0.0])
    phi_p = v @ platform_w[sizes] / (n + 1)
    users = np.empty((*v.shape[:-1], n))
    for i in range(n):
        bit = 1 << i
        without = np.flatnonzero((np.arange(1 << n) & bit) == 0)
        users[..., i] = (v[..., without | bit] - v[..., without]) @ user_w[sizes[without]] / (n + 1)
    return phi_p, users


def platform_values(
    utility: FloatUtility, profile: Sequence[float], *, z: int = 1, null_level: float = 0.0
) -> FairValues:
    """Theorem 1 values (eq. 5-6) in floats; see :func:`analytic.fair_values.platform_values`.

    Examples
    --------
    >>> U = table_utility([0, np.inf], [[0, 2 / 3], [2 / 3, 1]])
    >>> np.round(platform_values(U, [0, np.inf]).users, 12).tolist()
    [0.0, 0.333333333333]
    """
    v = profile_game(utility, profile, null_level)
    phi_p, users = platform_values_from_game(v, z)
    return FairValues(
        profile=tuple(_float_profile(profile)), utility=float(v[-1] * z), users=tuple(users), platform=float(phi_p)
    )


def user_values(
    utility: FloatUtility,
    profile: Sequence[float],
    alpha: float | Callable[[float], float] = 1.0,
    *,
    null_level: float = 0.0,
) -> FairValues:
    """Theorem 2 values (eq. 7) in floats; see :func:`analytic.fair_values.user_values`.

    Examples
    --------
    >>> U = table_utility([0, np.inf], [[0, 2 / 3], [2 / 3, 1]])
    >>> np.round(user_values(U, [np.inf, 0]).users, 12).tolist()
    [0.666666666667, 0.0]
    """
    v = profile_game(utility, profile, null_level)
    a = _alpha(alpha, np.asarray(v[-1]))
    return FairValues(
        profile=tuple(_float_profile(profile)),
        utility=float(v[-1]),
        users=tuple(user_values_from_game(v, a)),
        alpha=float(a),
    )


def value_tables(
    utility: FloatUtility,
    levels: Sequence[float],
    n_users: int,
    *,
    fairness: Fairness = "users",
    alpha: float | Callable[[np.ndarray], np.ndarray] = 1.0,
    null_level: float = 0.0,
) -> ValueTables:
    """Fair values at every profile of ``levels**n_users`` as arrays of shape ``(L,)*N``.

    The utility is evaluated once on the whole grid (``null_level`` must be a level), then
    every profile's game is gathered by index arithmetic and all profiles are valued in
    one batch.

    Raises
    ------
    ValueError
        If ``null_level`` is not in ``levels``, ``N < 1``, or the batch would exceed
        ``2**24`` entries (``L**N * 2**N``).

    Examples
    --------
    >>> U = table_utility([0, np.inf], [[0, 2 / 3], [2 / 3, 1]])
    >>> t = value_tables(U, [0, np.inf], 2, fairness="platform")
    >>> t.platform.round(12).tolist()
    [[0.0, 0.333333333333], [0.333333333333, 0.555555555556]]
    """
    level_arr = np.array([float(x) for x in levels])
    if fairness not in ("platform", "users"):
        raise ValueError(f"fairness must be 'platform' or 'users', got {fairness!r}")
    if isinstance(n_users, bool) or not isinstance(n_users, int) or n_users < 1:
        raise ValueError(f"the number of users must be an integer >= 1, got {n_users!r}")
    null_hits = np.flatnonzero(level_arr == float(null_level))
    if null_hits.size != 1:
        raise ValueError(f"the null level {null_level} must be one of the levels {level_arr.tolist()}")
    n_levels = level_arr.size
    work = n_levels**n_users * 2**n_users
    if work > 2**24:
        raise ValueError(
            f"N = {n_users} users with {n_levels} levels needs {work} game entries (> 2^24); "
            "compute values at the profiles you need with user_values/platform_values"
        )
    shape = (n_levels,) * n_users
    grid_index = np.indices(shape).reshape(n_users, -1).T  # (L^N, N) level indices
    grid_util = np.asarray(utility(level_arr[grid_index]), dtype=float)
    inside = ((np.arange(1 << n_users)[:, None] >> np.arange(n_users)[None, :]) & 1).astype(bool)
    sub_index = np.where(inside[None, :, :], grid_index[:, None, :], null_hits[0])  # (L^N, 2^N, N)
    games = grid_util[np.ravel_multi_index(np.moveaxis(sub_index, -1, 0), shape)]
    if fairness == "platform":
        phi_p, users = platform_values_from_game(games)
        return ValueTables(
            levels=tuple(level_arr),
            fairness="platform",
            utility=grid_util.reshape(shape),
            users=tuple(users[:, i].reshape(shape) for i in range(n_users)),
            platform=phi_p.reshape(shape),
        )
    a = _alpha(alpha, grid_util)
    users = user_values_from_game(games, a)
    return ValueTables(
        levels=tuple(level_arr),
        fairness="users",
        utility=grid_util.reshape(shape),
        users=tuple(users[:, i].reshape(shape) for i in range(n_users)),
        alpha=np.broadcast_to(a, grid_util.shape).reshape(shape),
    )


def table_utility(levels: Sequence[float], table: Any) -> FloatUtility:
    """A vectorized utility from a nested table over level indices (eq. 10's layout).

    Examples
    --------
    >>> U = table_utility([0, np.inf], [[0, 2 / 3], [2 / 3, 1]])
    >>> U(np.array([[0, np.inf], [np.inf, np.inf]])).round(12).tolist()
    [0.666666666667, 1.0]
    """
    level_arr = np.array([float(x) for x in levels])
    values = np.asarray(table, dtype=float)
    if values.shape != (level_arr.size,) * values.ndim:
        raise ValueError(f"a utility table over {level_arr.size} levels must be square, got shape {values.shape}")

    def utility(profiles: np.ndarray) -> np.ndarray:
        rows = np.atleast_2d(np.asarray(profiles, dtype=float))
        if rows.shape[1] != values.ndim:
            raise ValueError(f"the table is for {values.ndim} users, got profiles of length {rows.shape[1]}")
        match = rows[..., None] == level_arr
        if not match.any(axis=-1).all():
            bad = rows[~match.any(axis=-1)][0]
            raise ValueError(f"level {bad} is not in the table's levels {level_arr.tolist()}")
        return values[tuple(np.argmax(match, axis=-1).T)]

    return utility


def vectorize_utility(scalar_utility: Callable[[tuple[float, ...]], float]) -> FloatUtility:
    """Lift a utility of one profile (a tuple of floats) to the vectorized interface.

    Examples
    --------
    >>> U = vectorize_utility(lambda rho: float(sum(x > 0 for x in rho)))
    >>> U(np.array([[0.0, 1.0], [1.0, 1.0]])).tolist()
    [1.0, 2.0]
    """

    def utility(profiles: np.ndarray) -> np.ndarray:
        rows = np.atleast_2d(np.asarray(profiles, dtype=float))
        return np.array([float(scalar_utility(tuple(row))) for row in rows])

    return utility


def _alpha(alpha: Any, utility_values: np.ndarray) -> np.ndarray:
    a = np.asarray(alpha(utility_values) if callable(alpha) else alpha, dtype=float)
    if np.any(~np.isfinite(a)) or np.any(a < 0) or np.any(a > 1):
        raise ValueError(f"alpha must lie in [0, 1], got {a.tolist()!r}")
    return a


def _float_profile(profile: Sequence[float]) -> np.ndarray:
    rho = np.asarray(profile, dtype=float).ravel()
    if rho.size == 0:
        raise ValueError("the profile is empty: give at least one user")
    if np.any(np.isnan(rho)) or np.any(rho < 0):
        raise ValueError(f"privacy levels must be >= 0 or inf, got {rho.tolist()}")
    return rho


def _players(v: np.ndarray) -> int:
    size = v.shape[-1]
    n = size.bit_length() - 1
    if (1 << n) != size:
        raise ValueError(f"a game vector has length 2**N on its last axis, got {size}")
    _check_users(n)
    return n


def _popcounts(n: int) -> np.ndarray:
    masks = np.arange(1 << n)
    sizes = np.zeros(1 << n, dtype=np.int64)
    for k in range(n):
        sizes += (masks >> k) & 1
    return sizes


def _check_users(n: int) -> None:
    if n > MAX_USERS:
        raise ValueError(
            f"N = {n} users exceeds the subset method's limit of {MAX_USERS} (2^N coalitions); "
            "group exchangeable users into classes (numeric.classes, count vectors) or use a sampling estimator"
        )
