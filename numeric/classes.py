"""Class-compressed fair values in floats (Theorems 1 and 2), vectorized over count vectors.

The float mirror of :mod:`analytic.classes` (same formulas, same :class:`ClassValues`). The
class game is an array ``game[m_1, ..., m_T] = v(m)`` of shape ``(K_1 + 1, ..., K_T + 1)``,
filled by one vectorized call of the class utility on every count vector (rows of a
``(G, T)`` integer array), e.g. :func:`numeric.federated.class_utility`.

The weights ``prod_s binom(K'_s, m_s) / binom(N', |m|)`` are ratios of huge integers for
counts of a few hundred (``binom(600, 300) ~ 1e179``), so they are formed in log space:
``log binom(K, j)`` is ``math.log`` of the exact integer ``math.comb(K, j)`` for ``K <= 1000``
(correctly rounded) and a cumulative sum of ``log((K - i + 1) / i)`` beyond (``O(K)``,
absolute error about ``1e-13``); only the final weight, which lies in ``[0, 1]``, is
exponentiated. No overflow for any size that fits in memory.

Examples
--------
>>> v = lambda m: np.minimum(m[:, 0], m[:, 1]).astype(float)   # the glove game
>>> fv = class_user_values(v, (2, 1))
>>> np.round(fv.classes, 12).tolist(), round(fv.total, 12)
([0.166666666667, 0.666666666667], 1.0)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from math import comb, log, prod

import numpy as np

from analytic.classes import ClassValues, check_counts

__all__ = [
    "MAX_GRID",
    "ClassFloatUtility",
    "class_game",
    "class_platform_values",
    "class_user_values",
    "count_grid",
    "log_binomials",
    "platform_values_from_class_game",
    "user_values_from_class_game",
]

ClassFloatUtility = Callable[[np.ndarray], np.ndarray]

#: Largest number of count vectors ``prod (K_t + 1)`` (the game is held in memory).
MAX_GRID = 1 << 25


@cache
def _log_binomials(k: int) -> np.ndarray:
    if k <= 1000:  # exact integers, correctly rounded logs
        values = np.array([log(comb(k, j)) for j in range(k + 1)])
    else:  # log binom(k, j) = sum_{i <= j} log((k - i + 1) / i): O(k), error ~ 1e-13 absolute
        i = np.arange(1, k + 1, dtype=float)
        values = np.concatenate([[0.0], np.cumsum(np.log(k - i + 1) - np.log(i))])
    values.setflags(write=False)
    return values


def log_binomials(k: int) -> np.ndarray:
    """``log binom(k, j)`` for ``j = 0..k`` from exact integers (cached, read-only).

    Examples
    --------
    >>> np.exp(log_binomials(4)).round(12).tolist()
    [1.0, 4.0, 6.0, 4.0, 1.0]
    >>> bool(np.isfinite(log_binomials(2000)).all())
    True
    """
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 0:
        raise ValueError(f"k must be an integer >= 0, got {k!r}")
    return _log_binomials(int(k))


def count_grid(counts: Sequence[int]) -> np.ndarray:
    """Every count vector ``0 <= m <= K`` as rows of a ``(G, T)`` integer array (C order).

    Examples
    --------
    >>> count_grid((1, 2)).tolist()
    [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]
    """
    k = _counts(counts)
    return np.indices(tuple(x + 1 for x in k)).reshape(len(k), -1).T


def class_game(v: ClassFloatUtility, counts: Sequence[int]) -> np.ndarray:
    """``game[m] = v(m)`` for every count vector, shape ``(K_1 + 1, ..., K_T + 1)``.

    ``v`` is called on blocks of at most ``2**16`` count vectors.

    Examples
    --------
    >>> class_game(lambda m: (m[:, 0] * m[:, 1]).astype(float), (1, 2)).tolist()
    [[0.0, 0.0, 0.0], [0.0, 1.0, 2.0]]
    """
    k = _counts(counts)
    shape = tuple(x + 1 for x in k)
    size = prod(shape)
    out = np.empty(size)
    block = 1 << 16
    for start in range(0, size, block):
        rows = np.stack(np.unravel_index(np.arange(start, min(size, start + block)), shape), axis=1)
        values = np.asarray(v(rows), dtype=float)
        if values.shape != (rows.shape[0],):
            raise ValueError(
                f"a class utility must map ({rows.shape[0]}, {len(k)}) count vectors to shape "
                f"({rows.shape[0]},), got {values.shape}"
            )
        out[start : start + rows.shape[0]] = values
    if not np.all(np.isfinite(out)):
        raise ValueError("the class utility returned a non-finite value")
    return out.reshape(tuple(x + 1 for x in k))


def user_values_from_class_game(game: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """Eq. 7 grouped by count vectors: ``phi_t`` (one member of class ``t``), vectorized.

    ``phi_t = alpha sum_m prod_s binom(K_s - [s=t], m_s) / (N binom(N - 1, |m|)) (v(m + e_t) - v(m))``.

    Examples
    --------
    >>> g = class_game(lambda m: np.minimum(m[:, 0], m[:, 1]).astype(float), (2, 1))
    >>> user_values_from_class_game(g, 0.5).round(12).tolist()
    [0.083333333333, 0.333333333333]
    """
    k = _game_counts(game)
    n = sum(k)
    out = np.empty(len(k))
    for t in range(len(k)):
        others = tuple(x - (s == t) for s, x in enumerate(k))
        size = _size_grid(others)
        log_w = _log_product(others) - np.log(n) - _log_comb_n(n - 1, size)
        diff = np.diff(game, axis=t)
        out[t] = np.sum(np.exp(log_w) * diff)
    return float(alpha) * out


def platform_values_from_class_game(game: np.ndarray, z: int = 1) -> tuple[float, np.ndarray]:
    """Eq. 5 and eq. 6 grouped by count vectors; returns ``(phi_p, phi)`` (zeros if ``z = 0``).

    Examples
    --------
    >>> g = class_game(lambda m: np.minimum(m[:, 0], m[:, 1]).astype(float), (2, 1))
    >>> p, u = platform_values_from_class_game(g)
    >>> round(p, 12), u.round(12).tolist()
    (0.416666666667, [0.083333333333, 0.416666666667])
    """
    if z not in (0, 1):
        raise ValueError(f"the platform's action z must be 0 or 1, got {z!r}")
    k = _game_counts(game)
    n = sum(k)
    if z == 0:
        return 0.0, np.zeros(len(k))
    log_p = _log_product(k) - np.log(n + 1) - _log_comb_n(n, _size_grid(k))
    phi_p = float(np.sum(np.exp(log_p) * game))
    users = np.empty(len(k))
    for t in range(len(k)):
        others = tuple(x - (s == t) for s, x in enumerate(k))
        log_w = _log_product(others) - np.log(n + 1) - _log_comb_n(n, _size_grid(others) + 1)
        users[t] = np.sum(np.exp(log_w) * np.diff(game, axis=t))
    return phi_p, users


def class_user_values(
    v: ClassFloatUtility, counts: Sequence[int], alpha: float | Callable[[float], float] = 1.0
) -> ClassValues:
    """Theorem 2 values per class member (floats); see :func:`analytic.classes.class_user_values`.

    Examples
    --------
    >>> fv = class_user_values(lambda m: m[:, 0].astype(float) ** 2, (300,))
    >>> round(fv.classes[0], 9), round(fv.total, 6)
    (300.0, 90000.0)
    """
    k = _counts(counts)
    game = class_game(v, k)
    total = float(game[k])
    a = float(alpha(total) if callable(alpha) else alpha)
    if not np.isfinite(a) or not 0 <= a <= 1:
        raise ValueError(f"alpha must lie in [0, 1], got {a!r}")
    phi = user_values_from_class_game(game, a)
    return ClassValues(counts=k, utility=total, classes=tuple(float(x) for x in phi), alpha=a)


def class_platform_values(v: ClassFloatUtility, counts: Sequence[int], *, z: int = 1) -> ClassValues:
    """Theorem 1 values (floats); see :func:`analytic.classes.class_platform_values`.

    Examples
    --------
    >>> fv = class_platform_values(lambda m: m[:, 0].astype(float) ** 2, (3,))
    >>> round(fv.platform, 12), np.round(fv.classes, 12).tolist()
    (3.5, [1.833333333333])
    """
    k = _counts(counts)
    game = class_game(v, k)
    phi_p, users = platform_values_from_class_game(game, z)
    return ClassValues(
        counts=k, utility=float(game[k]) * z, classes=tuple(float(x) for x in users), platform=float(phi_p)
    )


def _counts(counts: Sequence[int] | np.ndarray) -> tuple[int, ...]:
    """Class sizes from a sequence or array (integral floats accepted), validated."""
    arr = np.asarray(counts)
    if arr.dtype.kind not in "iuf" or arr.ndim != 1:
        raise TypeError(f"counts must be a 1-d sequence of integers, got {counts!r}")
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr) & (arr == np.round(arr))):
        raise ValueError(f"class sizes must be integers >= 1, got {arr.tolist()!r}")
    return check_counts([int(x) for x in arr], limit=MAX_GRID, what="a float class game held in memory")


def _game_counts(game: np.ndarray) -> tuple[int, ...]:
    arr = np.asarray(game)
    if arr.ndim == 0 or any(d < 2 for d in arr.shape):
        raise ValueError(f"a class game has shape (K_1 + 1, ..., K_T + 1) with K_t >= 1, got {arr.shape}")
    return tuple(d - 1 for d in arr.shape)


def _size_grid(counts: tuple[int, ...]) -> np.ndarray:
    """``|m|`` on the grid ``0 <= m <= counts`` (broadcast shape)."""
    total = np.zeros((1,) * len(counts), dtype=np.int64)
    for axis, k in enumerate(counts):
        shape = [1] * len(counts)
        shape[axis] = k + 1
        total = total + np.arange(k + 1).reshape(shape)
    return total


def _log_product(counts: tuple[int, ...]) -> np.ndarray:
    """``sum_s log binom(counts_s, m_s)`` on the grid ``0 <= m <= counts``."""
    total = np.zeros((1,) * len(counts))
    for axis, k in enumerate(counts):
        shape = [1] * len(counts)
        shape[axis] = k + 1
        total = total + _log_binomials(k).reshape(shape)
    return total


def _log_comb_n(n: int, sizes: np.ndarray) -> np.ndarray:
    """``log binom(n, j)`` for an array of ``j`` (every ``0 <= j <= n``)."""
    return _log_binomials(n)[sizes]
