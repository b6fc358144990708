"""Exact scalars: parsing privacy levels and parameters, printing them, deciding zero.

Every exact quantity in the toolkit is a SymPy expression: levels are non-negative
Rationals or ``oo`` (a user with level ``oo`` shares without any privacy constraint).
Strings such as ``"1/2"``, ``"0.25"``, ``"3"``, ``"oo"``, ``"inf"`` parse exactly;
floats are converted through their decimal representation (``0.1 -> 1/10``), so that a
number typed on the command line means what it says.

Examples
--------
>>> parse_level("1/2"), parse_level("oo"), parse_level(0.25)
(1/2, oo, 1/4)
>>> parse_profile("0,oo,3/2")
(0, oo, 3/2)
>>> format_exact(parse_level("inf"))
'oo'
>>> is_zero(sympy.sqrt(2) ** 2 - 2)
True
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from fractions import Fraction

import sympy

__all__ = [
    "ExactLike",
    "canonical_number",
    "exact_equal",
    "format_exact",
    "is_zero",
    "parse_exact",
    "parse_level",
    "parse_levels",
    "parse_profile",
    "parse_unit_interval",
    "to_float",
]

ExactLike = int | float | str | Fraction | sympy.Expr

_INFINITY_WORDS = {"oo", "inf", "infinity", "+inf", "∞"}


def parse_exact(value: ExactLike, *, name: str = "value") -> sympy.Expr:
    """Convert ``value`` to an exact SymPy number (``oo`` allowed).

    Parameters
    ----------
    value
        An int, a float (read through its shortest decimal repr), a
        :class:`fractions.Fraction`, a SymPy expression or a string such as ``"2/3"``.
    name
        What the value is, used in error messages.

    Returns
    -------
    sympy.Expr
        The exact number.

    Raises
    ------
    TypeError
        If ``value`` is of an unsupported type (e.g. ``None`` or a list).
    ValueError
        If ``value`` is a string that is not a number, or a float that is ``nan``.

    Examples
    --------
    >>> parse_exact("2/27"), parse_exact(0.1), parse_exact("oo")
    (2/27, 1/10, oo)
    """
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a number, got the boolean {value!r}")
    if isinstance(value, sympy.Basic):
        if not isinstance(value, sympy.Expr):
            raise TypeError(f"{name} must be a number, got {value!r}")
        return value
    if isinstance(value, int):
        return sympy.Integer(value)
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    if isinstance(value, float):
        if value != value:  # nan
            raise ValueError(f"{name} must be a number, got nan")
        if value in (float("inf"), float("-inf")):
            return sympy.oo if value > 0 else -sympy.oo
        return sympy.Rational(repr(value))
    if isinstance(value, str):
        text = value.strip()
        if text.lower() in _INFINITY_WORDS:
            return sympy.oo
        try:
            return sympy.Rational(text)
        except (TypeError, ValueError):
            pass
        try:
            expr = sympy.sympify(text, rational=True)
        except Exception as exc:  # sympify raises many types on junk input; report them as one
            raise ValueError(f"{name} must be a number, got {value!r}") from exc
        if not isinstance(expr, sympy.Expr) or expr.free_symbols or not expr.is_number:
            raise ValueError(f"{name} must be a number, got {value!r}")
        return expr
    raise TypeError(f"{name} must be a number or a string, got {type(value).__name__}")


def parse_level(value: ExactLike, *, name: str = "privacy level") -> sympy.Expr:
    """Parse one privacy level: a real number ``>= 0`` or ``oo``.

    Raises
    ------
    ValueError
        If the level is negative, complex or not a number.

    Examples
    --------
    >>> parse_level("3")
    3
    >>> parse_level("-1")
    Traceback (most recent call last):
    ...
    ValueError: privacy level must be >= 0 or oo, got '-1'
    """
    level = parse_exact(value, name=name)
    if level is sympy.oo:
        return level
    if level.is_extended_real is not True or level.is_nonnegative is not True:
        raise ValueError(f"{name} must be >= 0 or oo, got {value!r}")
    return level


def parse_levels(values: str | Iterable[ExactLike], *, name: str = "levels") -> tuple[sympy.Expr, ...]:
    """Parse a finite level set, sorted increasingly, without duplicates.

    Examples
    --------
    >>> parse_levels("oo,0,1/2")
    (0, 1/2, oo)
    """
    items = _split(values, name=name)
    levels = tuple(parse_level(item, name=f"level {item!r} in {name}") for item in items)
    if len(set(levels)) != len(levels):
        raise ValueError(f"{name} has a repeated level: {values!r}")
    return tuple(sorted(levels, key=_sort_key))


def parse_profile(values: str | Iterable[ExactLike], *, name: str = "profile") -> tuple[sympy.Expr, ...]:
    """Parse a privacy profile ``rho = (rho_1, ..., rho_N)`` (order kept).

    Examples
    --------
    >>> parse_profile([1, "oo"])
    (1, oo)
    """
    items = _split(values, name=name)
    return tuple(parse_level(item, name=f"entry {k + 1} ({item!r}) of the {name}") for k, item in enumerate(items))


def parse_unit_interval(value: ExactLike, *, name: str = "alpha") -> sympy.Expr:
    """Parse a number in ``[0, 1]`` exactly (the platform's payment fraction alpha).

    Examples
    --------
    >>> parse_unit_interval("1/2")
    1/2
    >>> parse_unit_interval("3/2")
    Traceback (most recent call last):
    ...
    ValueError: alpha must lie in [0, 1], got '3/2'
    """
    number = parse_exact(value, name=name)
    if number.is_extended_real is not True or not (0 <= number <= 1):
        raise ValueError(f"{name} must lie in [0, 1], got {value!r}")
    return number


def format_exact(expr: sympy.Expr) -> str:
    """A string SymPy can parse back (``"2/27"``, ``"oo"``, ``"sqrt(3)/2"``).

    Examples
    --------
    >>> format_exact(sympy.Rational(5, 9))
    '5/9'
    >>> sympy.sympify(format_exact(sympy.sqrt(3) / 2)) == sympy.sqrt(3) / 2
    True
    """
    return str(sympy.sympify(expr))


def to_float(expr: ExactLike) -> float:
    """Float value of an exact number (``oo -> inf``).

    Examples
    --------
    >>> to_float(sympy.Rational(2, 3))
    0.6666666666666666
    >>> to_float(sympy.oo)
    inf
    """
    value = parse_exact(expr)
    if value is sympy.oo:
        return float("inf")
    if value is -sympy.oo:
        return float("-inf")
    return float(value)


def is_zero(expr: ExactLike, *, samples: int = 8, seed: int = 0) -> bool | None:
    """Decide whether ``expr`` is identically zero: True, False or None (undecided).

    SymPy style: exact ``simplify`` first; if that is inconclusive and the expression
    has free symbols, evaluate at random rational points (a nonzero value proves
    ``False``; agreement at every point leaves the question open, so ``None``).

    Examples
    --------
    >>> x = sympy.Symbol("x", positive=True)
    >>> is_zero((x + 1) ** 2 - x**2 - 2 * x - 1), is_zero(x - 1)
    (True, False)
    """
    value = sympy.sympify(expr)
    if value == 0:
        return True
    simplified = sympy.simplify(value)
    if simplified == 0:
        return True
    if simplified.is_zero is False:
        return False
    symbols = sorted(simplified.free_symbols, key=str)
    if not symbols:
        return bool(simplified.is_zero) if simplified.is_zero is not None else None
    rng = random.Random(seed)
    for _ in range(samples):
        point = {s: sympy.Rational(rng.randint(1, 97), rng.randint(1, 13)) for s in symbols}
        at = simplified.subs(point)
        if at.is_number and at.is_zero is False:
            return False
    return None


def exact_equal(a: ExactLike, b: ExactLike) -> bool:
    """Exact equality, fast for numbers, ``simplify`` for expressions (undecided -> False).

    Examples
    --------
    >>> exact_equal(sympy.Rational(1, 3), "1/3"), exact_equal(1, 2)
    (True, False)
    """
    diff = parse_exact(a) - parse_exact(b)
    if diff.is_Number:
        return bool(diff == 0)
    return is_zero(diff) is True


def canonical_number(expr: ExactLike) -> sympy.Expr:
    """A canonical exact form of a real algebraic number.

    Rationals and radicals come back simplified; an expression in ``CRootOf`` numbers is
    reduced to a single ``CRootOf`` of its minimal polynomial (the same number, printed
    compactly and parsable by SymPy).

    Examples
    --------
    >>> x = sympy.Symbol("x")
    >>> canonical_number(1 / sympy.CRootOf(x**5 - x - 1, 0))
    CRootOf(x**5 + x**4 - 1, 0)
    >>> canonical_number(sympy.sqrt(8) / 2)
    sqrt(2)
    """
    value = parse_exact(expr)
    if value.is_Rational or not value.has(sympy.CRootOf):
        return sympy.simplify(value)
    x = sympy.Dummy("x")
    poly = sympy.Poly(sympy.minimal_polynomial(value, x), x)
    target = sympy.N(value, 50)
    roots = poly.real_roots()
    best = min(roots, key=lambda r: abs(sympy.N(r, 50) - target))
    return best.func(best.expr.subs(x, sympy.Symbol("x")), best.index) if isinstance(best, sympy.CRootOf) else best


def _split(values: str | Iterable[ExactLike], *, name: str) -> Sequence[ExactLike]:
    if isinstance(values, str):
        items = [part.strip() for part in values.split(",")]
        if any(part == "" for part in items):
            raise ValueError(f"{name} is malformed (empty entry): {values!r}")
        return items
    items_list = list(values)
    if not items_list:
        raise ValueError(f"{name} is empty")
    return items_list


def _sort_key(level: sympy.Expr) -> float:
    return float("inf") if level is sympy.oo else float(level)
