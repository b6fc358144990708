"""DP mean estimation (Section 3.2, eq. 8-10) in floats: fast, minimized, simulated.

The float mirror of :mod:`analytic.dp_mean` plus two checks that share none of its algebra:

* :func:`bayes_risk` / :func:`utility` - the closed form of :mod:`analytic.dp_mean`
  evaluated for many profiles at once (rows of an ``(M, N)`` array, ``np.inf`` = ``oo``);
* :func:`minimize_risk` - the Bayes risk minimized numerically (SciPy): for each Laplace
  scale ``b`` the weights solve a bounded least-squares problem (``lsq_linear``), and ``b``
  is found by bounded scalar minimization;
* :func:`simulate_risk` - a seeded Monte Carlo simulation of the data model
  (``p ~ U(0, 1)``, ``X_i``, Laplace noise) with the optimal estimator, reporting the
  empirical risk and its standard error.

Examples
--------
>>> bayes_risk(np.array([[np.inf, np.inf], [0.0, np.inf], [0.0, 0.0]])).round(12).tolist()
[0.041666666667, 0.055555555556, 0.083333333333]
>>> round(minimize_risk([0.0, np.inf]).risk, 10)
0.0555555556
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.optimize import lsq_linear, minimize_scalar

from analytic.dp_mean import risk_coefficients

__all__ = [
    "MinimizedRisk",
    "SimulatedRisk",
    "bayes_risk",
    "class_utility",
    "minimize_risk",
    "optimal_estimator",
    "simulate_risk",
    "type_utility",
    "utility",
]


@dataclass(frozen=True)
class MinimizedRisk:
    """Result of the direct numerical minimization of the Bayes risk."""

    risk: float
    weights: np.ndarray
    noise_scale: float


@dataclass(frozen=True)
class SimulatedRisk:
    """Monte Carlo estimate of an estimator's Bayes risk.

    Attributes
    ----------
    mean
        Empirical mean squared error.
    stderr
        Its standard error (sample standard deviation / sqrt(n_samples)).
    n_samples, seed
        The simulation size and the seed of ``numpy.random.default_rng``.
    """

    mean: float
    stderr: float
    n_samples: int
    seed: int | None

    def z_score(self, exact: float) -> float:
        """``(mean - exact) / stderr``: how many standard errors from ``exact``."""
        return (self.mean - exact) / self.stderr


@lru_cache(maxsize=1)
def _coefficients() -> tuple[float, float, float]:
    a, b, v = risk_coefficients()
    return float(a), float(b), float(v)


def _profiles(profiles: np.ndarray | Sequence[Sequence[float]]) -> np.ndarray:
    rows = np.atleast_2d(np.asarray(profiles, dtype=float))
    if rows.ndim != 2 or rows.shape[1] == 0:
        raise ValueError(f"profiles must be an (M, N) array with N >= 1, got shape {rows.shape}")
    if np.any(np.isnan(rows)) or np.any(rows < 0):
        raise ValueError("privacy levels must be >= 0 or inf")
    return rows


def optimal_estimator(profiles: np.ndarray | Sequence[Sequence[float]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Optimal weights, Laplace scales and risks for every row (closed form, floats).

    Returns
    -------
    (weights, noise_scale, risk)
        Arrays of shapes ``(M, N)``, ``(M,)`` and ``(M,)``.

    Examples
    --------
    >>> w, b, r = optimal_estimator([[1.0, np.inf]])
    >>> w.round(12).tolist(), b.round(12).tolist(), r.round(12).tolist()
    ([[0.025, 0.325]], [0.025], [0.054166666667])
    """
    a, bc, v = _coefficients()
    rows = _profiles(profiles)
    m_rows, n = rows.shape
    finite_pos = (rows > 0) & np.isfinite(rows)
    n_inf = np.isinf(rows).sum(axis=1)
    n_fin = finite_pos.sum(axis=1)
    ordered = np.sort(np.where(finite_pos, rows, np.inf), axis=1)  # finite levels first
    safe = np.where(np.isfinite(ordered), ordered, 0.0)
    e1 = np.cumsum(safe, axis=1)
    e2 = np.cumsum(safe**2, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        threshold = (v + a * e2) / (a * e1)  # capped iff eps <= t / b
    upper = np.concatenate([ordered[:, 1:], np.full((m_rows, 1), np.inf)], axis=1)
    k_index = np.arange(1, n + 1)[None, :]
    tol = 1e-12
    ok = (k_index <= n_fin[:, None]) & (ordered <= threshold * (1 + tol)) & (threshold <= upper * (1 + tol))
    k = np.where(n_fin > 0, np.argmax(ok, axis=1) + 1, 0)
    if np.any((n_fin > 0) & ~ok.any(axis=1)):
        raise ArithmeticError("no consistent KKT split found (numerical tie?)")
    take = np.clip(k - 1, 0, n - 1)
    e1k = np.where(k > 0, e1[np.arange(m_rows), take], 0.0)
    e2k = np.where(k > 0, e2[np.arange(m_rows), take], 0.0)
    m_free = n_fin - k + n_inf
    t = bc / (a + bc * m_free + a * bc * e1k**2 / (v + a * e2k))
    b = a * t * e1k / (v + a * e2k)
    thr = np.where(k > 0, threshold[np.arange(m_rows), take], np.inf)
    capped = finite_pos & (rows <= thr[:, None])
    weights = np.where(rows == 0, 0.0, np.where(capped, b[:, None] * np.where(capped, rows, 0.0), t[:, None]))
    risk = a * t
    return weights, b, risk


def bayes_risk(profiles: np.ndarray | Sequence[Sequence[float]]) -> np.ndarray:
    """Minimum Bayes risk ``r(eps)`` for each row (closed form of :mod:`analytic.dp_mean`).

    Examples
    --------
    >>> abs(float(bayes_risk([[1.0, 2.0]])[0]) - 17 / 258) < 1e-15
    True
    """
    return optimal_estimator(profiles)[2]


def utility(profiles: np.ndarray | Sequence[Sequence[float]]) -> np.ndarray:
    """Normalized utility ``U`` for each row (``U(0) = 0``, ``U(oo, ..., oo) = 1``).

    Examples
    --------
    >>> utility(np.array([[0.0, np.inf], [2.0, 2.0]])).round(12).tolist()
    [0.666666666667, 0.571428571429]
    """
    a, bc, _ = _coefficients()
    rows = _profiles(profiles)
    r0 = bc
    r_full = a * bc / (a + bc * rows.shape[1])
    return (r0 - bayes_risk(rows)) / (r0 - r_full)


def minimize_risk(profile: Sequence[float]) -> MinimizedRisk:
    """Minimize the Bayes risk numerically over ``(w, b)`` under the DP constraints.

    For fixed ``b`` the problem in ``w`` is a bounded least-squares problem
    ``min ||C w - d||^2`` with ``0 <= w_i <= b eps_i``; SciPy's ``lsq_linear`` (BVLS) solves
    it and ``minimize_scalar`` (bounded) picks ``b``. Shares no algebra with the closed form.

    Examples
    --------
    >>> res = minimize_risk([1.0, 2.0])
    >>> abs(res.risk - 17 / 258) < 1e-10
    True
    """
    a, bc, v = _coefficients()
    eps = _profiles([profile])[0]
    active = eps > 0
    n = int(active.sum())
    weights = np.zeros(eps.size)
    if n == 0:
        return MinimizedRisk(risk=bc, weights=weights, noise_scale=0.0)
    design = np.vstack([np.sqrt(a) * np.eye(n), np.sqrt(bc) * np.ones((1, n))])
    target = np.concatenate([np.zeros(n), [np.sqrt(bc)]])
    levels = eps[active]

    def inner(b: float) -> tuple[float, np.ndarray]:
        upper = np.where(np.isinf(levels), np.inf, b * np.where(np.isinf(levels), 0.0, levels))
        upper = np.maximum(upper, 1e-300)  # lsq_linear needs lb < ub
        res = lsq_linear(design, target, bounds=(np.zeros(n), upper), method="bvls", tol=1e-14)
        w = res.x
        return float(a * w @ w + bc * (w.sum() - 1) ** 2 + v * b * b), w

    if np.all(np.isinf(levels)):
        best_b = 0.0
    else:
        b_max = float(np.sqrt(bc / v))  # 2 b^2 alone would exceed r(0) beyond this scale
        found = minimize_scalar(
            lambda b: inner(b)[0], bounds=(0.0, b_max), method="bounded", options={"xatol": 1e-13, "maxiter": 500}
        )
        best_b = float(found.x)
    risk, w = inner(best_b)
    weights[active] = w
    return MinimizedRisk(risk=risk, weights=weights, noise_scale=best_b)


def simulate_risk(
    profile: Sequence[float],
    n_samples: int = 200_000,
    *,
    seed: int | None = 0,
    weights: Sequence[float] | None = None,
    noise_scale: float | None = None,
) -> SimulatedRisk:
    """Monte Carlo Bayes risk of a linear-Laplace estimator under the data model.

    Draws ``p ~ U(0, 1)``, ``X_i = +1/2`` with probability ``p`` (else ``-1/2``),
    ``Z ~ Laplace(b)`` and averages ``(w^T X + Z - (p - 1/2))^2``. By default the estimator is
    the optimal one at ``profile`` (closed form); pass ``weights``/``noise_scale`` to simulate
    another. Randomness comes only from ``numpy.random.default_rng(seed)``.

    Examples
    --------
    >>> sim = simulate_risk([np.inf, np.inf], 100_000, seed=1)
    >>> abs(sim.z_score(1 / 24)) < 4
    True
    """
    if not isinstance(n_samples, int) or n_samples < 2:
        raise ValueError(f"n_samples must be an integer >= 2, got {n_samples!r}")
    eps = _profiles([profile])
    if weights is None or noise_scale is None:
        w_opt, b_opt, _ = optimal_estimator(eps)
        w = w_opt[0] if weights is None else np.asarray(weights, dtype=float)
        b = float(b_opt[0]) if noise_scale is None else float(noise_scale)
    else:
        w, b = np.asarray(weights, dtype=float), float(noise_scale)
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.0, 1.0, size=n_samples)
    x = np.where(rng.uniform(size=(n_samples, eps.shape[1])) < p[:, None], 0.5, -0.5)
    z = rng.laplace(0.0, b, size=n_samples) if b > 0 else np.zeros(n_samples)
    loss = (x @ w + z - (p - 0.5)) ** 2
    return SimulatedRisk(
        mean=float(loss.mean()), stderr=float(loss.std(ddof=1) / np.sqrt(n_samples)), n_samples=n_samples, seed=seed
    )


def class_utility(
    levels: Sequence[float], counts: Sequence[int], *, population: int | None = None
) -> Callable[[np.ndarray], np.ndarray]:
    """The class game of the DP example, vectorized over count vectors (any population size).

    ``v(m)`` is ``U`` when ``m_t`` users of class ``t`` keep level ``levels[t]`` and the rest of
    the ``N`` users (``population``, default ``sum counts``) are at 0. Members of a class are all capped or all free, so
    the KKT split of :mod:`analytic.dp_mean` runs over classes (sorted by level): for each
    prefix of finite positive classes, ``E1 = sum m_t eps_t``, ``E2 = sum m_t eps_t^2`` and the
    split is kept where it is consistent (``eps <= (12 + E2)/E1`` inside, ``>=`` outside).

    Examples
    --------
    >>> v = class_utility([1.0, np.inf], [1, 1])
    >>> v(np.array([[1, 1], [0, 1], [0, 0]])).round(12).tolist()
    [0.7, 0.666666666667, 0.0]
    """
    a, bc, v = _coefficients()
    eps = np.asarray(levels, dtype=float)
    sizes = np.asarray(counts, dtype=np.int64)
    if eps.ndim != 1 or sizes.shape != eps.shape or np.any(sizes < 1) or np.any(np.isnan(eps)) or np.any(eps < 0):
        raise ValueError(f"need levels >= 0 and one count >= 1 per class, got {eps.tolist()}, {sizes.tolist()}")
    total = int(sizes.sum()) if population is None else int(population)
    if total < 1:
        raise ValueError(f"the population must have at least one user, got {population!r}")
    finite = (eps > 0) & np.isfinite(eps)
    order = np.flatnonzero(finite)[np.argsort(eps[finite], kind="stable")]
    r0, r_full = bc, a * bc / (a + bc * total)

    def utility_of_counts(m: np.ndarray) -> np.ndarray:
        grid = np.atleast_2d(np.asarray(m, dtype=float))
        if grid.shape[1] != eps.size or np.any(grid < 0) or np.any(grid > sizes):
            raise ValueError(f"count vectors must have shape (G, {eps.size}) with 0 <= m_t <= {sizes.tolist()}")
        n_inf = grid[:, np.isinf(eps)].sum(axis=1)
        if order.size == 0:  # only levels 0 and oo: every sharer is free, no noise
            return (r0 - a * bc / (a + bc * n_inf)) / (r0 - r_full)
        fin = grid[:, order]  # (G, F) counts of finite positive classes, sorted by level
        e = eps[order]
        e1 = np.cumsum(fin * e, axis=1)
        e2 = np.cumsum(fin * e**2, axis=1)
        free_after = fin.sum(axis=1, keepdims=True) - np.cumsum(fin, axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            thr = (v + a * e2) / (a * e1)
        # capped prefix up to class k (k with m_k > 0): inside levels <= thr, next present level >= thr
        present = fin > 0
        nxt = np.full(fin.shape, np.inf)
        for j in range(fin.shape[1] - 2, -1, -1):
            nxt[:, j] = np.where(present[:, j + 1], e[j + 1], nxt[:, j + 1])
        ok = present & (e[None, :] <= thr * (1 + 1e-12)) & (thr <= nxt * (1 + 1e-12))
        has_finite = present.any(axis=1)
        k = np.argmax(ok, axis=1)
        if np.any(has_finite & ~ok.any(axis=1)):
            raise ArithmeticError("no consistent KKT split found (numerical tie?)")
        rows = np.arange(grid.shape[0])
        e1k = np.where(has_finite, e1[rows, k], 0.0)
        e2k = np.where(has_finite, e2[rows, k], 0.0)
        m_free = np.where(has_finite, free_after[rows, k], 0.0) + n_inf
        t = bc / (a + bc * m_free + a * bc * e1k**2 / (v + a * e2k))
        return (r0 - a * t) / (r0 - r_full)

    return utility_of_counts


def type_utility(levels: Sequence[float], counts: Sequence[int]) -> Callable[[np.ndarray], np.ndarray]:
    """The DP utility for types of users spread over the levels (the game of Section 4.2).

    ``x`` of shape ``(G, T, L - 1)`` counts, for each type, the users present at
    ``levels[1:]`` (``levels[0] = 0`` shares nothing); the population is ``N = sum counts``.

    Examples
    --------
    >>> v = type_utility([0, np.inf], [1, 1])
    >>> v(np.array([[[1], [0]], [[1], [1]]])).round(12).tolist()
    [0.666666666667, 1.0]
    """
    lv = np.asarray(levels, dtype=float)
    if lv.ndim != 1 or lv.size < 2 or lv[0] != 0:
        raise ValueError(f"levels must start with 0 and have at least 2 entries, got {lv.tolist()}")
    k = np.asarray(counts, dtype=np.int64)
    if k.ndim != 1 or k.size == 0 or np.any(k < 1):
        raise ValueError(f"counts must be integers >= 1, got {np.ravel(counts).tolist()}")
    total = int(k.sum())
    per_level = class_utility(lv[1:], [total] * (lv.size - 1), population=total)

    def v(x: np.ndarray) -> np.ndarray:
        grid = np.asarray(x, dtype=float)
        if grid.ndim != 3 or grid.shape[1:] != (k.size, lv.size - 1):
            raise ValueError(f"presence counts must have shape (G, {k.size}, {lv.size - 1}), got {grid.shape}")
        if np.any(grid < 0) or np.any(grid.sum(axis=2) > k):
            raise ValueError(f"presence counts must be >= 0 with at most K_t = {k.tolist()} users per type")
        return per_level(grid.sum(axis=1))

    return v
