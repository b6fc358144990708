"""Bimatrix equilibria from nashpy, each re-certified by an independent best-response check.

nashpy's algorithms (support enumeration, vertex enumeration, Lemke-Howson) are used as
black boxes; :func:`is_nash` checks every profile they return against every pure deviation,
so a wrong or approximate answer is caught rather than trusted (QuantEcon style).

Examples
--------
>>> A = np.array([[3.0, 0.0], [5.0, 1.0]]); B = A.T   # prisoner's dilemma
>>> [(x.round(9).tolist(), y.round(9).tolist()) for x, y in bimatrix_equilibria(A, B)]
[([0.0, 1.0], [0.0, 1.0])]
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable

import nashpy
import numpy as np

__all__ = ["METHODS", "NashpyFailure", "bimatrix_equilibria", "deduplicate", "is_nash", "nashpy_equilibria"]

METHODS = ("support_enumeration", "vertex_enumeration", "lemke_howson")


def is_nash(A: np.ndarray, B: np.ndarray, x: np.ndarray, y: np.ndarray, tol: float = 1e-9) -> bool:
    """True iff ``(x, y)`` is a Nash equilibrium of the bimatrix game ``(A, B)`` within ``tol``.

    Checks that ``x`` and ``y`` are probability vectors and that no pure deviation gains
    more than ``tol``: ``x^T A y >= max_i (A y)_i - tol`` and ``x^T B y >= max_j (x^T B)_j - tol``.

    Examples
    --------
    >>> A = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> is_nash(A, A, np.array([0.5, 0.5]), np.array([0.5, 0.5])), is_nash(A, A, np.array([1.0, 0]), np.array([0, 1.0]))
    (True, False)
    """
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    for v in (x, y):
        if np.any(v < -tol) or abs(v.sum() - 1) > tol:
            return False
    row_payoffs = A @ y
    col_payoffs = x @ B
    return bool(x @ row_payoffs >= row_payoffs.max() - tol and col_payoffs @ y >= col_payoffs.max() - tol)


class NashpyFailure(ArithmeticError):
    """A nashpy algorithm crashed on a game (reported with the game, never hidden)."""


def nashpy_equilibria(A: np.ndarray, B: np.ndarray, method: str) -> list[tuple[np.ndarray, np.ndarray]]:
    """The equilibria one nashpy method returns.

    Both matrices are shifted by a constant to make every payoff >= 1 first (equilibria are
    unchanged; nashpy's vertex enumeration builds best-response polytopes that need positive
    payoffs and silently returns nothing otherwise). nashpy's warnings about degenerate games
    are silenced here; what nashpy misses is found by comparing with the exact solution.

    Raises
    ------
    ValueError
        If ``method`` is not one of ``support_enumeration``, ``vertex_enumeration``,
        ``lemke_howson``.
    NashpyFailure
        If nashpy itself raises on this game (the message carries the game).
    """
    if method not in METHODS:
        raise ValueError(f"unknown nashpy method {method!r}; use one of {METHODS}")
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    shift = 1.0 - min(A.min(), B.min(), 0.0)
    game = nashpy.Game(A + shift, B + shift)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if method == "support_enumeration":
                found = list(game.support_enumeration(tol=1e-12))
            elif method == "vertex_enumeration":
                found = list(game.vertex_enumeration())
            else:
                found = list(game.lemke_howson_enumeration())
        except (TypeError, ValueError, IndexError, ZeroDivisionError, np.linalg.LinAlgError) as exc:
            raise NashpyFailure(f"nashpy {method} failed on A={A.tolist()}, B={B.tolist()}: {exc!r}") from exc
    return [(np.asarray(x, dtype=float), np.asarray(y, dtype=float)) for x, y in found if np.all(np.isfinite(x))]


def deduplicate(
    profiles: Iterable[tuple[np.ndarray, np.ndarray]], tol: float = 1e-7
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Drop profiles within ``tol`` (max norm) of an earlier one."""
    out: list[tuple[np.ndarray, np.ndarray]] = []
    for x, y in profiles:
        if not any(np.max(np.abs(x - a)) < tol and np.max(np.abs(y - b)) < tol for a, b in out):
            out.append((x, y))
    return out


def bimatrix_equilibria(
    A: np.ndarray,
    B: np.ndarray,
    methods: Iterable[str] = ("support_enumeration", "vertex_enumeration"),
    tol: float = 1e-9,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The union of the equilibria found by ``methods``, deduplicated, each certified.

    Raises
    ------
    ArithmeticError
        If a method returns a profile that fails :func:`is_nash` (never silently dropped).
    """
    found = []
    for method in methods:
        for x, y in nashpy_equilibria(A, B, method):
            if not is_nash(A, B, x, y, tol):
                raise ArithmeticError(f"nashpy {method} returned a non-equilibrium: x={x}, y={y}")
            found.append((x, y))
    return deduplicate(found)
