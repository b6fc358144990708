"""Class-compressed fair values: Theorem 1 (eq. 5-6) and Theorem 2 (eq. 7), exact.

Users identical in everything the utility sees (in the federated model of Section 4: the
same ``(n, level, a)``) are *exchangeable*: ``U(rho_S)`` depends on a coalition ``S`` only
through its count vector ``m`` (``m_t`` = members of class ``t`` in ``S``). The population is
given as class sizes ``K = (K_1, ..., K_T)`` (``N = sum K_t``) and a class game ``v(m)``: the
utility when ``m_t`` members of each class keep their level and everyone else is at the
level that shares nothing (eq. 4). This is the symmetry the paper exploits in Section 4.2
("compute phi_i for a much smaller number of representative rho").

Grouping the ``2**(N-1)`` coalitions ``S`` of eq. 5-7 by their count vector: there are
``prod_s binom(K_s - [s = t], m_s)`` coalitions of the *others* of a member of class ``t``
with count vector ``m``, so, with ``|m| = sum_s m_s``,

* Theorem 2 (eq. 7): ``phi_t = alpha sum_m prod_s binom(K_s - [s=t], m_s)
  |m|! (N - 1 - |m|)! / N! (v(m + e_t) - v(m))``;
* Theorem 1 (eq. 6): the same with weight ``1 / ((N + 1) binom(N, |m| + 1))``;
* Theorem 1 (eq. 5): ``phi_p = 1/(N + 1) sum_{m <= K} prod_s binom(K_s, m_s) / binom(N, |m|) v(m)``.

The cost is ``prod_t (K_t + 1)`` utility evaluations instead of ``2**N``. Efficiency holds:
``sum_t K_t phi_t = alpha (v(K) - v(0))`` (Theorem 2) and ``phi_p + sum_t K_t phi_t = v(K)``
(Theorem 1, ``z = 1``). Class values are *per member* of a class.

Examples
--------
A glove game: class 1 (2 left gloves), class 2 (1 right glove); a pair is worth 1.

>>> v = lambda m: min(m[0], m[1])
>>> fv = class_user_values(v, (2, 1))
>>> fv.classes, fv.total
((1/6, 2/3), 1)
>>> class_platform_values(v, (2, 1)).platform
5/12
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import product
from math import comb, factorial, prod
from typing import Any

import sympy

from analytic.exact import ExactLike, parse_exact
from analytic.fair_values import Alpha, resolve_alpha

__all__ = [
    "MAX_EXACT_COUNT_VECTORS",
    "ClassUtility",
    "ClassValues",
    "check_counts",
    "class_game",
    "class_platform_values",
    "class_user_values",
    "count_vectors",
    "expand_counts",
    "platform_values_from_class_game",
    "user_values_from_class_game",
]

ClassUtility = Callable[[tuple[int, ...]], ExactLike]
CountVector = tuple[int, ...]

#: Largest number of count vectors ``prod (K_t + 1)`` for exact class values.
MAX_EXACT_COUNT_VECTORS = 50_000


@dataclass(frozen=True)
class ClassValues:
    """Fair values of a population of classes of exchangeable users.

    Attributes
    ----------
    counts
        Class sizes ``K_t``.
    utility
        ``v(K)``: ``U(rho)`` (Theorem 2) or ``U(z, rho)`` (Theorem 1).
    classes
        ``phi_t``: the value of **one** member of class ``t``.
    platform
        ``phi_p`` (Theorem 1), ``None`` under Theorem 2.
    alpha
        The payment fraction (Theorem 2), ``None`` under Theorem 1.

    Examples
    --------
    >>> fv = ClassValues(counts=(2, 1), utility=1, classes=(sympy.Rational(1, 6), sympy.Rational(2, 3)), alpha=1)
    >>> fv.theorem, fv.n_users, fv.users, fv.total
    (2, 3, (1/6, 1/6, 2/3), 1)
    """

    counts: tuple[int, ...]
    utility: Any
    classes: tuple[Any, ...]
    platform: Any = None
    alpha: Any = None

    @property
    def theorem(self) -> int:
        """1 if the platform is a player (eq. 5-6), 2 for fairness among users (eq. 7)."""
        return 1 if self.alpha is None else 2

    @property
    def n_users(self) -> int:
        """``N = sum_t K_t``."""
        return sum(self.counts)

    @property
    def users(self) -> tuple[Any, ...]:
        """Per-user values, class by class (the order of :func:`expand_counts`)."""
        return tuple(value for value, k in zip(self.classes, self.counts, strict=True) for _ in range(k))

    @property
    def total(self) -> Any:
        """``sum_t K_t phi_t`` (plus ``phi_p`` under Theorem 1)."""
        paid = sum((k * value for value, k in zip(self.classes, self.counts, strict=True)), start=0 * self.utility)
        return paid + self.platform if self.platform is not None else paid


def check_counts(
    counts: Sequence[int], *, limit: int | None = MAX_EXACT_COUNT_VECTORS, what: str = "exact class values"
) -> tuple[int, ...]:
    """Validate class sizes: a non-empty sequence of integers ``>= 1``.

    Raises
    ------
    TypeError, ValueError
        On a non-integer or a size ``< 1``, or when ``prod (K_t + 1)`` exceeds ``limit`` (the
        message names ``what`` was being computed).

    Examples
    --------
    >>> check_counts([3, 1])
    (3, 1)
    >>> check_counts([2, 0])
    Traceback (most recent call last):
    ...
    ValueError: class size K_2 must be an integer >= 1, got 0
    """
    if isinstance(counts, str | bytes) or not isinstance(counts, Sequence):
        raise TypeError(f"counts must be a sequence of class sizes, got {counts!r}")
    if not counts:
        raise ValueError("counts is empty: give at least one class")
    out = []
    for t, k in enumerate(counts):
        if isinstance(k, bool):
            raise TypeError(f"class size K_{t + 1} must be an integer, got the boolean {k!r}")
        value = parse_exact(k, name=f"class size K_{t + 1}")
        if not value.is_Integer or value < 1:
            raise ValueError(f"class size K_{t + 1} must be an integer >= 1, got {k!r}")
        out.append(int(value))
    size = prod(k + 1 for k in out)
    if limit is not None and size > limit:
        hint = "; use numeric.classes (floats)" if what == "exact class values" else ""
        raise ValueError(
            f"{size} count vectors (prod (K_t + 1) for K = {tuple(out)}) exceed the limit of {limit} for {what}{hint}"
        )
    return tuple(out)


def count_vectors(counts: Sequence[int]) -> Iterator[CountVector]:
    """Every count vector ``0 <= m <= K`` (lexicographic order).

    Examples
    --------
    >>> list(count_vectors((1, 2)))
    [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)]
    """
    k = check_counts(counts, limit=None)
    return product(*(range(x + 1) for x in k))


def expand_counts(counts: Sequence[int]) -> tuple[int, ...]:
    """The class (0-based) of each user when classes are laid out one after another.

    Examples
    --------
    >>> expand_counts((2, 1, 3))
    (0, 0, 1, 2, 2, 2)
    """
    k = check_counts(counts, limit=None)
    return tuple(t for t, x in enumerate(k) for _ in range(x))


def class_game(v: ClassUtility, counts: Sequence[int]) -> dict[CountVector, sympy.Expr]:
    """The class game: ``v(m)`` for every count vector (exact).

    Examples
    --------
    >>> class_game(lambda m: m[0] * m[1], (1, 1))
    {(0, 0): 0, (0, 1): 0, (1, 0): 0, (1, 1): 1}
    """
    k = check_counts(counts)
    return {m: parse_exact(v(m), name=f"v{m}") for m in count_vectors(k)}


def user_values_from_class_game(
    game: dict[CountVector, sympy.Expr], counts: Sequence[int], alpha: ExactLike = 1
) -> tuple[sympy.Expr, ...]:
    """Eq. 7 grouped by count vectors: ``phi_t`` for one member of each class.

    Examples
    --------
    >>> g = class_game(lambda m: min(m[0], m[1]), (2, 1))
    >>> user_values_from_class_game(g, (2, 1), "1/2")
    (1/12, 1/3)
    """
    k = check_counts(counts)
    n = sum(k)
    a = parse_exact(alpha, name="alpha")
    out = []
    for t in range(len(k)):
        others = tuple(x - (s == t) for s, x in enumerate(k))
        coefficients: dict[CountVector, Fraction] = {}
        for m in product(*(range(x + 1) for x in others)):
            size = sum(m)
            weight = Fraction(
                prod(comb(x, ms) for x, ms in zip(others, m, strict=True)) * factorial(size) * factorial(n - 1 - size),
                factorial(n),
            )
            _add_difference(coefficients, m, t, weight)
        out.append(a * _combine(coefficients, game))
    return tuple(out)


def platform_values_from_class_game(
    game: dict[CountVector, sympy.Expr], counts: Sequence[int], z: int = 1
) -> tuple[sympy.Expr, tuple[sympy.Expr, ...]]:
    """Eq. 5 and eq. 6 grouped by count vectors; returns ``(phi_p, (phi_1, ..., phi_T))``.

    With ``z = 0`` the augmented utility is 0 for every coalition (eq. 4): all values are 0.

    Examples
    --------
    >>> g = class_game(lambda m: min(m[0], m[1]), (2, 1))
    >>> platform_values_from_class_game(g, (2, 1))
    (5/12, (1/12, 5/12))
    """
    if z not in (0, 1):
        raise ValueError(f"the platform's action z must be 0 or 1, got {z!r}")
    k = check_counts(counts)
    n = sum(k)
    if z == 0:
        return sympy.Integer(0), tuple(sympy.Integer(0) for _ in k)
    platform: dict[CountVector, Fraction] = {}
    for m in product(*(range(x + 1) for x in k)):
        platform[m] = Fraction(prod(comb(x, ms) for x, ms in zip(k, m, strict=True)), (n + 1) * comb(n, sum(m)))
    users = []
    for t in range(len(k)):
        others = tuple(x - (s == t) for s, x in enumerate(k))
        coefficients: dict[CountVector, Fraction] = {}
        for m in product(*(range(x + 1) for x in others)):
            weight = Fraction(prod(comb(x, ms) for x, ms in zip(others, m, strict=True)), (n + 1) * comb(n, sum(m) + 1))
            _add_difference(coefficients, m, t, weight)
        users.append(_combine(coefficients, game))
    return _combine(platform, game), tuple(users)


def class_user_values(v: ClassUtility, counts: Sequence[int], alpha: Alpha = 1) -> ClassValues:
    """Theorem 2 (eq. 7) for a population of classes: one value per class member.

    Parameters
    ----------
    v
        The class game ``m -> v(m)`` (exact values), e.g.
        :func:`analytic.federated.class_utility`.
    counts
        Class sizes ``K_t >= 1``.
    alpha
        A constant in ``[0, 1]`` or a callable ``alpha(U(rho))`` (axiom B.ii).

    Returns
    -------
    ClassValues
        ``classes[t] = phi_t``; ``sum_t K_t phi_t = alpha (v(K) - v(0))``.

    Raises
    ------
    ValueError
        On bad counts, ``alpha`` outside ``[0, 1]``, or more than
        :data:`MAX_EXACT_COUNT_VECTORS` count vectors.

    Examples
    --------
    Three identical users, ``v(m) = m^2``: each gets ``9/3``.

    >>> class_user_values(lambda m: m[0] ** 2, (3,)).classes
    (3,)
    """
    k = check_counts(counts)
    game = class_game(v, k)
    a = resolve_alpha(alpha, game[k])
    return ClassValues(counts=k, utility=game[k], classes=user_values_from_class_game(game, k, a), alpha=a)


def class_platform_values(v: ClassUtility, counts: Sequence[int], *, z: int = 1) -> ClassValues:
    """Theorem 1 (eq. 5-6) for a population of classes: the platform and one value per class.

    Returns
    -------
    ClassValues
        ``platform = phi_p`` and ``classes[t] = phi_t``; ``phi_p + sum_t K_t phi_t = U(z, rho)``.

    Examples
    --------
    >>> fv = class_platform_values(lambda m: m[0] ** 2, (3,))
    >>> fv.platform, fv.classes, fv.total
    (7/2, (11/6,), 9)
    """
    k = check_counts(counts)
    game = class_game(v, k)
    phi_p, users = platform_values_from_class_game(game, k, z)
    return ClassValues(
        counts=k, utility=game[k] if z == 1 else sympy.Integer(0), classes=users, platform=phi_p, alpha=None
    )


def _add_difference(coefficients: dict[CountVector, Fraction], m: CountVector, t: int, weight: Fraction) -> None:
    """Accumulate ``weight * (v(m + e_t) - v(m))`` as coefficients of game entries."""
    up = tuple(x + (s == t) for s, x in enumerate(m))
    coefficients[up] = coefficients.get(up, Fraction(0)) + weight
    coefficients[m] = coefficients.get(m, Fraction(0)) - weight


def _combine(coefficients: dict[CountVector, Fraction], game: dict[CountVector, sympy.Expr]) -> sympy.Expr:
    """``sum_m c_m v(m)`` in one SymPy ``Add`` (like terms such as ``log(q)`` are collected)."""
    terms = [sympy.Rational(c.numerator, c.denominator) * game[m] for m, c in coefficients.items() if c]
    return sympy.Add(*terms) if terms else sympy.Integer(0)
