"""The symmetric binary game of Section 5 in floats: the platform's optimum without algebra.

The float mirror of :mod:`analytic.binary_game`, built so that it shares none of its
derivations:

* the value of a sharer is computed by the bitmask Shapley value (:mod:`numeric.fair_values`)
  at a profile with ``k + 1`` sharers, not by the symmetry shortcut ``U(k+1)/(k+1)``;
* the symmetric equilibria at ``(alpha, c)`` are found by root finding on
  ``alpha gamma(p) - c`` (bracketing on a grid of ``p``, then ``brentq``);
* the platform's optimum is found by evaluating ``(1 - alpha) E[U]`` on a fine grid of
  ``alpha`` (the paper's method) and refining the best grid cell with bounded scalar
  minimization; no use of the welfare identity or of the thresholds.

Examples
--------
>>> g = BinaryGame.dp(2)
>>> round(float(g.gamma(np.array([0.0, 1.0]))[1]), 12)
0.666666666667
>>> opt = g.optimum(0.5)
>>> round(opt.alpha, 9), round(opt.p, 9), round(opt.platform, 9)
(0.857142857, 0.5, 0.083333333)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq
from scipy.stats import binom

from numeric import dp_mean
from numeric.classes import class_user_values
from numeric.equilibria import bimatrix_equilibria
from numeric.fair_values import user_values, value_tables

__all__ = ["SUBSET_LIMIT", "BinaryGame", "NumericOptimum"]

#: Beyond this N the sharer values come from the class machinery (:meth:`BinaryGame.large`).
SUBSET_LIMIT = 16


@dataclass(frozen=True)
class NumericOptimum:
    """The platform's optimum found numerically (see :meth:`BinaryGame.optimum`)."""

    c: float
    alpha: float
    p: float
    expected_utility: float
    platform: float
    regime: int


@dataclass(frozen=True)
class BinaryGame:
    """Section 5's game in floats: ``utilities[k] = U(k)``, ``sharer[k] = phi(rho'_2; k others)``."""

    utilities: np.ndarray
    sharer: np.ndarray

    @classmethod
    def dp(cls, n: int, eps: float = np.inf) -> BinaryGame:
        """The DP mean-estimation game, with sharer values from the bitmask Shapley value.

        Raises
        ------
        ValueError
            If ``n < 2`` or ``eps <= 0``.
        """
        if isinstance(n, bool) or not isinstance(n, int) or n < 2:
            raise ValueError(f"Section 5 needs N >= 2 users, got {n!r}")
        if not eps > 0:
            raise ValueError(f"eps' must be > 0, got {eps!r}")
        if n > SUBSET_LIMIT:
            return cls.large(n, eps)
        profiles = np.array([[eps] * k + [0.0] * (n - k) for k in range(n + 1)])
        utilities = dp_mean.utility(profiles)
        sharer = np.array([user_values(dp_mean.utility, profiles[k + 1]).users[0] for k in range(n)])
        return cls(utilities=utilities, sharer=sharer)

    @classmethod
    def large(cls, n: int, eps: float = np.inf) -> BinaryGame:
        """The DP game for any ``N`` (classes): ``U(k)`` from the class utility of
        :func:`numeric.dp_mean.class_utility`; the ``k + 1`` sharers form one class, whose
        class-compressed value (:mod:`numeric.classes`) is computed for ``k < 64`` and equals
        ``U(k + 1) / (k + 1)`` (one class: symmetry and efficiency), which is used beyond.

        Examples
        --------
        >>> g = BinaryGame.large(100_000)
        >>> round(float(g.utilities[-1]), 12), round(float(g.sharer[0]), 9)
        (1.0, 0.33334)
        """
        if isinstance(n, bool) or not isinstance(n, int) or n < 2:
            raise ValueError(f"Section 5 needs N >= 2 users, got {n!r}")
        v = dp_mean.class_utility([eps], [n])
        utilities = v(np.arange(n + 1)[:, None])
        sharer = utilities[1:] / np.arange(1, n + 1)
        for k in range(min(n, 64)):  # the class machinery itself, where it is cheap
            sharer[k] = class_user_values(v, (k + 1,)).classes[0]
        return cls(utilities=utilities, sharer=sharer)

    @classmethod
    def from_utilities(cls, utilities: np.ndarray) -> BinaryGame:
        """From ``U(0..N)``; sharer values by the bitmask Shapley value of the count game."""
        u = np.asarray(utilities, dtype=float)
        if u.size < 3 or abs(u[0]) > 0:
            raise ValueError(f"need U(0) = 0 and N >= 2 users, got {u.tolist()}")
        count = _count_utility(u)
        n = u.size - 1
        sharer = np.array([user_values(count, [1.0] * (k + 1) + [0.0] * (n - k - 1)).users[0] for k in range(n)])
        return cls(utilities=u, sharer=sharer)

    @property
    def n(self) -> int:
        """Number of users."""
        return self.utilities.size - 1

    def gamma(self, p: np.ndarray | float) -> np.ndarray:
        """Eq. 23 by direct expectation over ``k ~ Bin(N-1, 1-p)`` other sharers."""
        return _binomial_expectation(self.sharer, 1 - np.atleast_1d(np.asarray(p, dtype=float)))

    def expected_utility(self, p: np.ndarray | float) -> np.ndarray:
        """``E[U]`` over ``k ~ Bin(N, 1-p)`` sharers."""
        return _binomial_expectation(self.utilities, 1 - np.atleast_1d(np.asarray(p, dtype=float)))

    def optimum_by_welfare(self, c: float, grid: int = 2001) -> NumericOptimum:
        """Eq. 21 for large ``N`` through the platform's share along the equilibria.

        At an equilibrium with sharing ``alpha = c / gamma(p)``, so the share is
        ``W(p) = E[U](p) - c N (1 - p)`` (claim sec5-surplus). ``W`` is scanned over the
        expected number of sharers ``s = N (1 - p)`` on a logarithmic grid (with large ``N`` the
        optimum can keep only a handful of sharers), restricted to ``gamma(p) >= c``; an interior
        maximum is then refined by ``brentq`` on ``W'(p) = 0``, i.e.
        ``E[U(k+1) - U(k)] = c`` with ``k ~ Bin(N - 1, 1 - p)``.
        """
        if not c >= 0:
            raise ValueError(f"c must be >= 0, got {c!r}")
        n = self.n
        shares = np.unique(np.concatenate([[0.0], np.geomspace(1e-3, n, grid), [n]]))
        ps = 1 - shares / n
        feasible = self.gamma(ps) >= c
        welfare = self.expected_utility(ps) - c * n * (1 - ps)
        welfare[~feasible | (ps >= 1.0)] = -np.inf
        i = int(np.argmax(welfare))
        if not np.isfinite(welfare[i]) or welfare[i] <= 0:
            return NumericOptimum(c=c, alpha=0.0, p=1.0, expected_utility=0.0, platform=0.0, regime=3)
        p = float(ps[i])
        marginal = np.diff(self.utilities)

        def slope(x: float) -> float:  # W'(p) / N = c - E[U(k+1) - U(k)]
            return c - float(_binomial_expectation(marginal, np.array([1 - x]))[0])

        lo, hi = float(ps[min(i + 1, ps.size - 1)]), float(ps[max(i - 1, 0)])  # ps decreases with i
        if lo < hi and slope(lo) * slope(hi) < 0:
            root = brentq(slope, lo, hi, xtol=1e-16, rtol=1e-15)
            if self.gamma(root)[0] >= c:
                p = float(root)
        alpha = c / float(self.gamma(p)[0])
        eu = float(self.expected_utility(p)[0])
        return NumericOptimum(
            c=c, alpha=alpha, p=p, expected_utility=eu, platform=(1 - alpha) * eu, regime=1 if p <= 1e-12 else 2
        )

    def symmetric_equilibria(self, alpha: float, c: float, grid: int = 257) -> list[float]:
        """Symmetric equilibria at ``(alpha, c)`` by root finding (plus the pure ends)."""
        out = []
        ends = alpha * self.gamma(np.array([0.0, 1.0])) - c
        if ends[0] >= 0:
            out.append(0.0)
        ps = np.linspace(0.0, 1.0, grid)
        values = alpha * self.gamma(ps) - c
        for i in range(grid - 1):
            a, b = values[i], values[i + 1]
            if a == 0 and i > 0:
                out.append(float(ps[i]))
            elif a * b < 0:
                out.append(
                    float(brentq(lambda x: alpha * self.gamma(x)[0] - c, ps[i], ps[i + 1], xtol=1e-15, rtol=1e-15))
                )
        if ends[1] <= 0:
            out.append(1.0)
        return sorted(set(out))

    def platform_share(self, alpha: float, c: float) -> tuple[float, float]:
        """``max (1 - alpha) E[U](p)`` over the symmetric equilibria at ``alpha``; returns ``(share, p)``."""
        best = (0.0, 1.0)
        for p in self.symmetric_equilibria(alpha, c):
            value = (1 - alpha) * float(self.expected_utility(p)[0])
            if value > best[0] + 1e-15:
                best = (value, p)
        return best

    def optimum(self, c: float, grid: int = 2001) -> NumericOptimum:
        """Eq. 21 numerically: an ``alpha`` grid (the paper's method), then a refinement.

        1. Grid: for every ``alpha`` on ``grid`` points, the symmetric equilibria are located on
           a grid of ``p`` (sign changes of ``alpha gamma(p) - c``, linear interpolation) and the
           best ``(1 - alpha) E[U]`` is kept (optimistic selection).
        2. Refinement inside the best grid cell: the candidates are the cell's ends, the
           ``alpha`` where a pure equilibrium appears (``alpha gamma(0) = c`` or
           ``alpha gamma(1) = c``), and the stationary points of ``(1 - alpha) E[U](p(alpha))``
           along the interior equilibrium branch, found by ``brentq`` on its derivative
           (implicit differentiation of ``alpha gamma(p) = c``). Each candidate is re-valued
           with root-found equilibria; the best wins.

        Regime: 1 if the optimal ``p`` is 0, 2 if interior, 3 if no ``alpha`` pays.
        """
        if not c >= 0:
            raise ValueError(f"c must be >= 0, got {c!r}")
        alphas = np.linspace(0.0, 1.0, grid)
        coarse = self._coarse_shares(alphas, c)
        i = int(np.argmax(coarse))
        if coarse[i] <= 1e-15:
            return NumericOptimum(c=c, alpha=0.0, p=1.0, expected_utility=0.0, platform=0.0, regime=3)
        lo, hi = float(alphas[max(i - 1, 0)]), float(alphas[min(i + 1, grid - 1)])
        candidates = [lo, float(alphas[i]), hi]
        for g in self.gamma(np.array([0.0, 1.0])):
            if g > 0 and lo <= c / g <= hi:
                candidates.append(float(c / g))
        candidates += self._stationary_alphas(lo, hi, c)
        best_alpha = max(candidates, key=lambda a: self.platform_share(a, c)[0])
        share, p = self.platform_share(best_alpha, c)
        if share <= 1e-15:
            return NumericOptimum(c=c, alpha=0.0, p=1.0, expected_utility=0.0, platform=0.0, regime=3)
        regime = 1 if p <= 1e-7 else 2
        return NumericOptimum(
            c=c,
            alpha=best_alpha,
            p=p,
            expected_utility=float(self.expected_utility(p)[0]),
            platform=share,
            regime=regime,
        )

    def _coarse_shares(self, alphas: np.ndarray, c: float, n_p: int = 513) -> np.ndarray:
        ps = np.linspace(0.0, 1.0, n_p)
        gam, eu = self.gamma(ps), self.expected_utility(ps)
        values = alphas[:, None] * gam[None, :] - c
        best = np.where(values[:, 0] >= 0, (1 - alphas) * eu[0], 0.0)
        cross = values[:, :-1] * values[:, 1:] < 0
        rows, cols = np.nonzero(cross)
        if rows.size:
            t = values[rows, cols] / (values[rows, cols] - values[rows, cols + 1])
            share = (1 - alphas[rows]) * (eu[cols] + t * (eu[cols + 1] - eu[cols]))
            np.maximum.at(best, rows, share)
        return best

    def _stationary_alphas(self, lo: float, hi: float, c: float, points: int = 17) -> list[float]:
        """Roots of d/dalpha [(1 - alpha) E[U](p(alpha))] along interior branches in [lo, hi]."""
        grid = np.linspace(lo, hi, points)
        slopes = []
        for a in grid:
            interior = [p for p in self.symmetric_equilibria(float(a), c) if 0 < p < 1] if a > 0 else []
            slopes.append(self._branch_slope(float(a), interior[0], c) if len(interior) == 1 else np.nan)
        out = []
        for k in range(points - 1):
            s0, s1 = slopes[k], slopes[k + 1]
            if np.isfinite(s0) and np.isfinite(s1) and s0 > 0 > s1:

                def slope_at(a: float) -> float:
                    interior = [p for p in self.symmetric_equilibria(a, c) if 0 < p < 1]
                    return self._branch_slope(a, interior[0], c)

                out.append(float(brentq(slope_at, grid[k], grid[k + 1], xtol=1e-15, rtol=1e-15)))
        return out

    def _branch_slope(self, alpha: float, p: float, c: float) -> float:
        """``d/dalpha (1 - alpha) E[U](p)`` with ``dp/dalpha = -gamma(p) / (alpha gamma'(p))``."""
        g, dg = float(self.gamma(p)[0]), _binomial_expectation_slope(self.sharer, p)
        eu, deu = float(self.expected_utility(p)[0]), _binomial_expectation_slope(self.utilities, p)
        if dg == 0:
            return np.nan
        return -eu + (1 - alpha) * deu * (-g / (alpha * dg))

    def two_user_bimatrix(self, alpha: float, c: float) -> tuple[np.ndarray, np.ndarray]:
        """Eq. 25's payoff matrices for ``N = 2`` (row = user 1, index 0 = the private level).

        Built from the Theorem 2 value tables in eq. 10's layout, computed by the bitmask
        Shapley value at every profile.
        """
        if self.n != 2:
            raise ValueError(f"the bimatrix form is for N = 2 users, got N = {self.n}")
        tables = value_tables(_count_utility(self.utilities), [0.0, 1.0], 2, fairness="users")
        cost = np.array([0.0, c])
        A = alpha * tables.users[0] - cost[:, None]
        B = alpha * tables.users[1] - cost[None, :]
        return A, B

    def two_user_equilibria(self, alpha: float, c: float) -> list[tuple[np.ndarray, np.ndarray]]:
        """All equilibria of the ``N = 2`` game from nashpy, certified (see :mod:`numeric.equilibria`)."""
        A, B = self.two_user_bimatrix(alpha, c)
        return bimatrix_equilibria(A, B)

    def pure_equilibrium_counts(self, alpha: float, c: float, tol: float = 1e-12) -> list[int]:
        """Numbers ``k`` of sharers forming a pure equilibrium, certified on actual profiles.

        For each ``k`` the profile "users 1..k share" is checked against every unilateral
        deviation with the bitmask Shapley value at the deviated profile (no symmetry used).
        """
        n = self.n
        count_utility = _count_utility(self.utilities)

        def payoff(profile: np.ndarray, i: int) -> float:
            value = user_values(count_utility, profile).users[i]
            return alpha * value - c * float(profile[i] > 0)

        out = []
        for k in range(n + 1):
            profile = np.array([1.0] * k + [0.0] * (n - k))
            stable = True
            for i in range(n):
                deviated = profile.copy()
                deviated[i] = 1.0 - profile[i]
                if payoff(deviated, i) > payoff(profile, i) + tol:
                    stable = False
                    break
            if stable:
                out.append(k)
        return out


def _binomial_expectation(values: np.ndarray, q: np.ndarray) -> np.ndarray:
    """``E[values[k]]`` for ``k ~ Bin(len(values) - 1, q)``, summed over +-12 standard deviations."""
    d = values.size - 1
    if d <= 4096:  # small N: one vectorized pmf matrix
        return binom.pmf(np.arange(d + 1)[None, :], d, q[:, None]) @ values
    out = np.empty(q.size)
    for j, qq in enumerate(q):
        spread = 12 * np.sqrt(d * qq * (1 - qq)) + 12
        lo, hi = max(0, int(d * qq - spread)), min(d, int(np.ceil(d * qq + spread)))
        k = np.arange(lo, hi + 1)
        out[j] = binom.pmf(k, d, qq) @ values[lo : hi + 1]
    return out


def _binomial_expectation_slope(values: np.ndarray, p: float) -> float:
    """``d/dp E[values[k]]`` for ``k ~ Bin(d, 1 - p)``, ``d = len(values) - 1``.

    The derivative of a binomial expectation (Bernstein polynomial):
    ``-d E[values[k + 1] - values[k]]`` with ``k ~ Bin(d - 1, 1 - p)``.
    """
    d = values.size - 1
    if d == 0:
        return 0.0
    k = np.arange(d)
    return float(-d * binom.pmf(k, d - 1, 1 - p) @ np.diff(values))


def _count_utility(utilities: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """The vectorized utility of a profile that depends only on how many users share."""

    def utility(profiles: np.ndarray) -> np.ndarray:
        return utilities[(np.asarray(profiles) > 0).sum(axis=1)]

    return utility
