"""Two groups (Section 5.2) numerically: nashpy equilibria, the alpha-grid optimum, Fig. 9.

* :func:`payoff_matrices` builds eq. 25's bimatrix from the bitmask Shapley values of
  :mod:`numeric.fair_values` for any finite level set (2 levels: the paper's game; 3 levels: a
  3x3 game, ...), with a cost per level for each group.
* :func:`nashpy_report` runs nashpy's support enumeration, vertex enumeration and
  Lemke-Howson, re-certifies every returned profile with :func:`numeric.equilibria.is_nash`,
  and (for 2x2 games) compares the result with the exact equilibrium components of
  :mod:`analytic.two_group`, listing every component a method missed.
* :func:`grid_optimum` is the paper's method for eq. 26: a grid over alpha with nashpy's
  equilibria (the cross-check of the exact breakpoint solution).
* :func:`optimum_grid` evaluates the exact kernel in floats over a (c1, c2) grid for Fig. 9.

Examples
--------
>>> A, B = payoff_matrices([[0, 2 / 3], [2 / 3, 1]], 0.9, 0.5, 0.5)
>>> A.round(4).tolist()
[[0.0, 0.0], [0.1, -0.05]]
>>> rep = nashpy_report([[0, 2 / 3], [2 / 3, 1]], 0.9, 0.5, 0.5)
>>> rep.exact_components, rep.missed
(3, {})
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from analytic.two_group import FLOAT, Component, TwoGroupGame
from numeric.equilibria import METHODS, NashpyFailure, deduplicate, is_nash, nashpy_equilibria
from numeric.fair_values import table_utility, value_tables

__all__ = ["NashpyReport", "grid_optimum", "level_game", "nashpy_report", "optimum_grid", "payoff_matrices"]


def payoff_matrices(
    utility: Sequence[Sequence[float]] | np.ndarray,
    alpha: float,
    c1: float | Sequence[float],
    c2: float | Sequence[float],
    levels: Sequence[float] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Eq. 25's payoff matrices for a ``k x k`` utility table over ``levels`` (level 0 first).

    ``A[a, b] = alpha phi_1(levels[a], levels[b]) - c1[a]`` and ``B[a, b] = alpha
    phi_2(...) - c2[b]``, with ``phi`` the Theorem 2 values (``alpha = 1``) and ``c_i`` a cost
    per level (a scalar ``c`` means ``[0, c]`` for two levels).

    Raises
    ------
    ValueError
        If the table is not square, the cost vectors have the wrong length, or the first
        cost is not 0 (``c_i(0) = 0``).
    """
    table = np.asarray(utility, dtype=float)
    k = table.shape[0]
    if table.shape != (k, k):
        raise ValueError(f"the utility table must be k x k, got shape {table.shape}")
    lv = np.arange(k, dtype=float) if levels is None else np.asarray(levels, dtype=float)
    costs = []
    for name, c in (("c1", c1), ("c2", c2)):
        vec = np.array([0.0, float(c)]) if np.ndim(c) == 0 else np.asarray(c, dtype=float)
        if vec.shape != (k,) or vec[0] != 0 or np.any(vec < 0):
            raise ValueError(f"{name} must be >= 0 per level with cost 0 at level 0, got {np.ravel(c).tolist()}")
        costs.append(vec)
    tables = value_tables(table_utility(lv, table), lv, 2, fairness="users")
    A = alpha * tables.users[0] - costs[0][:, None]
    B = alpha * tables.users[1] - costs[1][None, :]
    return A, B


def level_game(
    utility: Callable[[np.ndarray], np.ndarray],
    levels: Sequence[float],
    alpha: float,
    c1: Sequence[float],
    c2: Sequence[float],
) -> tuple[np.ndarray, np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
    """Two groups over any finite level set: payoff matrices and certified nashpy equilibria.

    ``utility`` is a vectorized utility of 2-user profiles (e.g. :func:`numeric.dp_mean.utility`).

    Examples
    --------
    >>> from numeric import dp_mean
    >>> A, B, eqs = level_game(dp_mean.utility, [0, 1, np.inf], 0.8, [0, 0.05, 0.3], [0, 0.1, 0.2])
    >>> A.shape, all(is_nash(A, B, x, y) for x, y in eqs) and len(eqs) >= 1
    ((3, 3), True)
    """
    lv = np.asarray(levels, dtype=float)
    grid = np.array([[utility(np.array([[a, b]]))[0] for b in lv] for a in lv])
    A, B = payoff_matrices(grid, alpha, c1, c2, lv)
    found = []
    for method in ("support_enumeration", "vertex_enumeration"):
        for x, y in nashpy_equilibria(A, B, method):
            if not is_nash(A, B, x, y):
                raise ArithmeticError(f"nashpy {method} returned a non-equilibrium at A={A.tolist()}, B={B.tolist()}")
            found.append((x, y))
    return A, B, deduplicate(found)


@dataclass(frozen=True)
class NashpyReport:
    """nashpy vs the exact equilibrium components of a 2x2 game.

    Attributes
    ----------
    exact_components
        Number of exact components (points, segments, squares).
    found
        Method -> the certified profiles it returned (``(s1, s2)`` share probabilities).
    missed
        Method -> exact components (as ``(s1 range, s2 range)``) containing none of its profiles.
    failures
        Method -> the error nashpy raised, if any.
    uncertified
        Profiles a method returned that fail the best-response check (should stay empty).
    outside
        Certified profiles outside every exact component (would mean the exact solution is
        incomplete; should stay empty).
    missed_vertices
        Method -> extreme points of exact components that the method did not return (in a
        degenerate game a segment has two, the square four).
    """

    exact_components: int
    found: dict[str, list[tuple[float, float]]]
    missed: dict[str, list[tuple[tuple[float, float], tuple[float, float]]]] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    uncertified: list[tuple[str, tuple[float, float]]] = field(default_factory=list)
    outside: list[tuple[str, tuple[float, float]]] = field(default_factory=list)
    missed_vertices: dict[str, list[tuple[float, float]]] = field(default_factory=dict)


def nashpy_report(
    utility: Sequence[Sequence[float]], alpha: float, c1: float, c2: float, exact: list[Component] | None = None
) -> NashpyReport:
    """Run every nashpy method on eq. 25 and compare with the exact components.

    ``exact`` defaults to the float kernel's components; pass the exact (SymPy) ones to
    compare against exact arithmetic.
    """
    A, B = payoff_matrices(utility, alpha, c1, c2)
    comps = exact if exact is not None else TwoGroupGame.dp(c1, c2, utility=utility, field=FLOAT).equilibria(alpha)
    found: dict[str, list[tuple[float, float]]] = {}
    missed: dict[str, list] = {}
    failures: dict[str, str] = {}
    uncertified, outside = [], []
    missed_vertices: dict[str, list[tuple[float, float]]] = {}
    corners = list(dict.fromkeys((float(a), float(b)) for c in comps for a, b in c.corners()))
    for method in METHODS:
        try:
            profiles = nashpy_equilibria(A, B, method)
        except NashpyFailure as exc:
            failures[method] = str(exc)
            profiles = []
        pts = []
        for x, y in profiles:
            pt = (float(x[1]), float(y[1]))
            if not is_nash(A, B, x, y):
                uncertified.append((method, pt))
                continue
            pts.append(pt)
            if not any(c.contains(*pt) for c in comps):
                outside.append((method, pt))
        found[method] = pts
        lost = [
            (tuple(map(float, c.s1)), tuple(map(float, c.s2))) for c in comps if not any(c.contains(*pt) for pt in pts)
        ]
        if lost and method != "lemke_howson":  # Lemke-Howson finds one equilibrium per label, not all
            missed[method] = lost
        unseen = [v for v in corners if not any(abs(v[0] - p[0]) < 1e-7 and abs(v[1] - p[1]) < 1e-7 for p in pts)]
        if unseen and method != "lemke_howson":
            missed_vertices[method] = unseen
    return NashpyReport(len(comps), found, missed, failures, uncertified, outside, missed_vertices)


def grid_optimum(
    utility: Sequence[Sequence[float]], c1: float, c2: float, alphas: np.ndarray, *, pessimistic: bool = False
) -> tuple[float, float]:
    """Eq. 26 by the paper's method: best ``(1 - alpha) E[U]`` over a grid, nashpy equilibria.

    Returns ``(alpha, value)``. Uses support and vertex enumeration (union, certified).
    """
    table = np.asarray(utility, dtype=float)
    best = (0.0, 0.0)
    for alpha in alphas:
        A, B = payoff_matrices(table, float(alpha), c1, c2)
        eqs = []
        for method in ("support_enumeration", "vertex_enumeration"):
            try:
                eqs += [(x, y) for x, y in nashpy_equilibria(A, B, method) if is_nash(A, B, x, y)]
            except NashpyFailure:
                continue
        if not eqs:
            continue
        values = [(1 - alpha) * float(x @ table @ y) for x, y in eqs]
        value = min(values) if pessimistic else max(values)
        if value > best[1] + 1e-15:
            best = (float(alpha), value)
    return best


def optimum_grid(
    c1s: np.ndarray,
    c2s: np.ndarray,
    utility: Sequence[Sequence[float]] = ((0.0, 2 / 3), (2 / 3, 1.0)),
    *,
    pessimistic: bool = False,
    progress: Callable[[int, int], None] | None = None,
    n_jobs: int = 1,
    backend: str = "loky",
) -> dict[str, np.ndarray]:
    """The exact kernel (in floats) over a ``(c1, c2)`` grid: arrays indexed ``[i2, i1]``.

    Returns ``alpha``, ``platform``, ``payment1``, ``payment2``, ``s1``, ``s2`` and ``region``
    (0 nobody shares, 1 only group 1, 2 only group 2, 3 both, 4 mixed/other). Rows run in
    parallel through :func:`proofs_check.parallel.sweep` when ``n_jobs > 1``.
    """
    from proofs_check.parallel import sweep

    table = tuple(tuple(float(x) for x in row) for row in utility)
    rows = sweep(
        _grid_row,
        [(float(c2), tuple(float(c) for c in c1s), table, pessimistic) for c2 in c2s],
        n_jobs=n_jobs,
        backend=backend,
        progress=(lambda done, total: progress(done * len(c1s), total * len(c1s))) if progress else None,
    )
    return {k: np.array([row[k] for row in rows]) for k in rows[0]}


def _grid_row(args: tuple[float, tuple[float, ...], tuple[tuple[float, ...], ...], bool]) -> dict[str, list[float]]:
    c2, c1s, utility, pessimistic = args
    out: dict[str, list[float]] = {k: [] for k in ("alpha", "platform", "payment1", "payment2", "s1", "s2", "region")}
    pure = {(0.0, 0.0): 0, (1.0, 0.0): 1, (0.0, 1.0): 2, (1.0, 1.0): 3}
    for c1 in c1s:
        opt = TwoGroupGame.dp(c1, c2, utility=utility, field=FLOAT).solve(pessimistic=pessimistic)
        s1, s2 = float(opt.shares[0]), float(opt.shares[1])
        out["alpha"].append(float(opt.alpha))
        out["platform"].append(float(opt.platform))
        out["payment1"].append(float(opt.payments[0]))
        out["payment2"].append(float(opt.payments[1]))
        out["s1"].append(s1)
        out["s2"].append(s2)
        out["region"].append(0 if opt.platform <= 0 else pure.get((round(s1, 12), round(s2, 12)), 4))
    return out
