"""Small helpers the claim modules share: exact matrix comparison and formatting.

Examples
--------
>>> exact_matrix([["2/3", 0], [1, "oo"]])
((2/3, 0), (1, oo))
>>> matrix_str(((sympy.Rational(1, 3), 0), (0, 1)))
'[[1/3, 0], [0, 1]]'
>>> same_matrix([[1, 2]], [["1", "4/2"]])
True
>>> max_abs_diff([[1, 2]], [[1.0, 2.5]])
0.5
>>> profile_str((0, sympy.oo))
'(0, oo)'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import sympy

from analytic.exact import format_exact, parse_exact
from proofs_check.registry import Table

__all__ = [
    "exact_matrix",
    "matrix_str",
    "matrix_table",
    "max_abs_diff",
    "profile_str",
    "same_matrix",
    "transpose",
]


def exact_matrix(rows: Sequence[Sequence[Any]]) -> tuple[tuple[sympy.Expr, ...], ...]:
    """A 2-D table of exact numbers (strings such as ``"2/3"`` accepted)."""
    return tuple(tuple(parse_exact(x) for x in row) for row in rows)


def matrix_str(rows: Sequence[Sequence[Any]]) -> str:
    """``[[a, b], [c, d]]`` with exact entries."""
    return "[" + ", ".join("[" + ", ".join(format_exact(parse_exact(x)) for x in row) + "]" for row in rows) + "]"


def same_matrix(a: Sequence[Sequence[Any]], b: Sequence[Sequence[Any]]) -> bool:
    """Exact equality of two 2-D tables (after ``simplify`` of each difference)."""
    ea, eb = exact_matrix(a), exact_matrix(b)
    if len(ea) != len(eb) or any(len(x) != len(y) for x, y in zip(ea, eb, strict=True)):
        return False
    return all(sympy.simplify(x - y) == 0 for ra, rb in zip(ea, eb, strict=True) for x, y in zip(ra, rb, strict=True))


def profile_str(profile: Sequence[Any]) -> str:
    """``(a, b, ...)`` with exact entries."""
    return "(" + ", ".join(format_exact(parse_exact(x)) for x in profile) + ")"


def transpose(rows: Sequence[Sequence[Any]]) -> tuple[tuple[Any, ...], ...]:
    """Transpose of a 2-D table."""
    return tuple(zip(*rows, strict=True))


def max_abs_diff(exact: Sequence[Sequence[Any]], approx: Any) -> float:
    """Largest ``|exact - approx|`` entrywise (exact entries converted to float)."""
    left = np.array([[float(parse_exact(x)) for x in row] for row in exact])
    return float(np.max(np.abs(left - np.asarray(approx, dtype=float))))


def matrix_table(name: str, caption: str, levels: Sequence[Any], rows: Sequence[Sequence[Any]]) -> Table:
    """A 2-user value table in eq. 10's layout (row = user 1's level) as a :class:`Table`."""
    labels = [format_exact(parse_exact(x)) for x in levels]
    header = ("rho_1 \\ rho_2", *labels)
    body = tuple((label, *(format_exact(parse_exact(x)) for x in row)) for label, row in zip(labels, rows, strict=True))
    return Table(name=name, caption=caption, header=header, rows=body)
