"""The privacy-choice game of Section 4.2 (eq. 16-19): pure equilibria and the exact alpha*.

User ``i`` of type ``t`` picks a level ``l`` and gets ``alpha phi_i(rho) - c_t(l)`` (eq. 16) with
``phi`` the Theorem 2 value (``alpha = 1``) and ``c_t(0) = 0``. Users identical in ``(n, a,
cost)`` are exchangeable, so a profile is a count matrix ``M[t, l]`` (how many users of type
``t`` chose level ``l``), not one of the ``L^N`` individual profiles.

Structure used (and checked against brute force in the tests and claims):

* **The game is an exact potential game.** With ``P(v)`` the Hart-Mas-Colell potential of the
  coalition game ``v_rho(S) = U(rho_S)``, a unilateral move of user ``i`` changes ``phi_i`` by
  exactly ``P(v_rho') - P(v_rho)`` (the two games agree on every coalition without ``i``).
  So ``Phi_alpha(rho) = alpha P(rho) - sum_i c_i(rho_i)`` is a potential: pure equilibria
  always exist, and ``rho`` is an equilibrium at ``alpha`` iff no unilateral move raises
  ``Phi_alpha``.
* **One potential value per profile, by dynamic programming.** Level-0 users are null, so
  ``P`` depends only on who is present at the sharing levels; the Hart-Mas-Colell recursion
  ``|x| P(x) = v(x) + sum_d x_d P(x - e_d)`` over presence-count vectors ``x`` gives ``P``
  for every profile in one pass.
* **Equilibria are intervals of alpha.** Each move gives a linear condition
  ``alpha (P(rho) - P(rho')) >= C(rho) - C(rho')``; their intersection with ``[0, 1]`` is the
  profile's equilibrium interval. The platform's problem (eq. 19) is then solved exactly:
  with optimistic selection the optimum is ``max over profiles of (1 - lo) U`` at the lower end
  ``lo`` of a profile's interval; the landscape ``alpha -> max (1 - alpha) U`` over equilibria
  is a piecewise function with breakpoints at interval ends.

Examples
--------
>>> game = PrivacyGame.federated([PlayerType(count=2, n=10, cost=(0, 0.5, 2.0))], s2=1.0, r2=1.0)
>>> result = game.design()
>>> round(result.alpha, 6), result.profile.tolist()
(0.133054, [[1, 1, 0]])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from math import prod

import numpy as np

from numeric import classes as class_values_module
from numeric import dp_mean
from numeric import federated as fl

__all__ = [
    "MAX_PROFILES",
    "DesignResult",
    "LandscapePiece",
    "PlayerType",
    "PrivacyGame",
    "brute_force_equilibria",
    "certify",
    "class_profile",
    "direct_values",
    "grid_design",
]

#: Largest number of class profiles held in memory (one potential value each).
MAX_PROFILES = 20_000_000


@dataclass(frozen=True)
class PlayerType:
    """``count`` exchangeable users: samples ``n``, importance ``a``, sensitivity per level.

    ``cost[l]`` is ``c(l)`` (eq. 1), with ``cost[0] = 0``.
    """

    count: int
    cost: tuple[float, ...]
    n: int = 1
    a: float = 1.0

    def __post_init__(self) -> None:
        if isinstance(self.count, bool) or not isinstance(self.count, int) or self.count < 1:
            raise ValueError(f"count must be an integer >= 1, got {self.count!r}")
        costs = tuple(float(c) for c in self.cost)
        if len(costs) < 2 or costs[0] != 0 or any(not np.isfinite(c) or c < 0 for c in costs):
            raise ValueError(f"cost must list c(l) >= 0 for every level with c(0) = 0, got {self.cost!r}")
        object.__setattr__(self, "cost", costs)


@dataclass(frozen=True)
class LandscapePiece:
    """On ``[lo, hi]`` the selected equilibrium has utility ``utility`` (profile index ``profile``)."""

    lo: float
    hi: float
    utility: float
    profile: int

    def platform(self, alpha: float) -> float:
        """``(1 - alpha) U`` on this piece."""
        return (1 - alpha) * self.utility


@dataclass(frozen=True)
class DesignResult:
    """The platform's optimum of eq. 19.

    Attributes
    ----------
    alpha, platform, total_utility
        ``alpha*``, ``(1 - alpha*) U`` and ``U`` at the selected equilibrium.
    profile
        Count matrix ``M[t, l]`` of the selected equilibrium.
    interval
        The alpha interval on which that profile is an equilibrium.
    payments
        ``alpha* phi`` for one user of each ``(type, level)`` (0 at level 0), shape ``(T, L)``.
    equilibria_at_alpha
        How many class profiles are equilibria at ``alpha*``.
    attained
        False when (pessimistic selection) the value is a supremum approached but not reached.
    certified
        The selected profile passed :func:`certify` (every unilateral move, values computed
        directly, independently of the potential) at ``alpha`` (or, if not attained, inside its
        interval).
    landscape
        The pieces of ``alpha -> best (1 - alpha) U`` (optimistic) or worst (pessimistic).
    """

    alpha: float
    platform: float
    total_utility: float
    profile: np.ndarray
    interval: tuple[float, float]
    payments: np.ndarray
    equilibria_at_alpha: int
    attained: bool
    landscape: tuple[LandscapePiece, ...]
    pessimistic: bool = False
    certified: bool = False


class PrivacyGame:
    """Eq. 16-19 for types of users over ``L`` levels, with every class profile's potential.

    A type's *state* is how many of its users sit at each sharing level ``1..L-1`` (the rest
    are at 0); profiles are the mixed-radix combinations of the types' states, indexed
    ``0 .. n_profiles - 1``, so no memory is spent on impossible combinations.

    Parameters
    ----------
    types
        The user types.
    utility
        Vectorized utility of presence counts ``x`` of shape ``(G, T, L - 1)`` (users of each
        type present at levels ``1..L-1``), e.g. :func:`numeric.federated.type_utility`.
    progress
        Optional callback ``(done, total)`` for long computations.

    Raises
    ------
    ValueError
        If the types disagree on the number of levels or there are more than
        :data:`MAX_PROFILES` class profiles.
    """

    def __init__(
        self,
        types: Sequence[PlayerType],
        utility: Callable[[np.ndarray], np.ndarray],
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.types = tuple(types)
        if not self.types:
            raise ValueError("give at least one user type")
        levels = {len(t.cost) for t in self.types}
        if len(levels) != 1:
            raise ValueError(f"every type needs one cost per level; got cost lengths {sorted(levels)}")
        self.n_levels = levels.pop()
        self.counts = np.array([t.count for t in self.types])
        self.costs = np.array([t.cost for t in self.types])
        self.states = [_states(int(k), self.n_levels - 1) for k in self.counts]  # per type: (P_t, L - 1)
        self.radix = tuple(len(st) for st in self.states)
        self.n_profiles = prod(self.radix)
        if self.n_profiles > MAX_PROFILES:
            raise ValueError(
                f"{self.n_profiles} class profiles exceed the limit of {MAX_PROFILES}: use fewer levels, "
                "fewer types, or fewer users per type"
            )
        self.strides = np.array([prod(self.radix[t + 1 :]) for t in range(len(self.radix))], dtype=np.int64)
        self._progress = progress
        self._digits = np.stack(np.unravel_index(np.arange(self.n_profiles), self.radix), axis=1).astype(np.int32)
        self.utility = np.empty(self.n_profiles)
        block = 1 << 20
        for start in range(0, self.n_profiles, block):
            rows = slice(start, min(self.n_profiles, start + block))
            self.utility[rows] = utility(self._presence_rows(rows).astype(float))
        self.potential = self._potential()

    # -- states and profiles ------------------------------------------------------------------
    def _presence_rows(self, rows: slice | np.ndarray) -> np.ndarray:
        digits = self._digits[rows]
        return np.stack([self.states[t][digits[:, t]] for t in range(len(self.types))], axis=1)

    @property
    def presence(self) -> np.ndarray:
        """Presence counts ``x[profile, t, l - 1]`` of every profile (built on demand)."""
        return self._presence_rows(slice(0, self.n_profiles))

    def profile_matrix(self, index: int) -> np.ndarray:
        """The count matrix ``M[t, l]`` (level 0 included) of a profile index."""
        x = self._presence_rows(np.array([index]))[0]
        return np.column_stack([self.counts - x.sum(axis=1), x]).astype(int)

    def index_of(self, profile: np.ndarray) -> int:
        """Index of a count matrix ``M[t, l]``.

        Raises
        ------
        ValueError
            If ``profile`` is not a count matrix of this game.
        """
        m = np.asarray(profile)
        if m.shape != (len(self.types), self.n_levels) or np.any(m.sum(axis=1) != self.counts) or np.any(m < 0):
            raise ValueError(
                f"a profile is a {len(self.types)} x {self.n_levels} count matrix with row sums {self.counts.tolist()}"
            )
        digits = [_state_index(self.states[t], m[t, 1:]) for t in range(len(self.types))]
        return int(np.dot(digits, self.strides))

    def _moved(self, t: int, a: int, b: int) -> tuple[np.ndarray, np.ndarray]:
        """For every profile: can one user of type ``t`` move from level ``a`` to ``b``, and where to."""
        table = _move_table(self.states[t], a, b, int(self.counts[t]))  # state -> new state or -1
        new = table[self._digits[:, t]]
        ok = new >= 0
        target = (
            np.arange(self.n_profiles, dtype=np.int64) + (new - self._digits[:, t]).astype(np.int64) * self.strides[t]
        )
        return ok, target

    # -- potential ------------------------------------------------------------------------------
    def _potential(self) -> np.ndarray:
        """Hart-Mas-Colell potential of every profile: ``|x| P(x) = v(x) + sum_d x_d P(x - e_d)``."""
        sizes = np.zeros(self.n_profiles, dtype=np.int64)
        for t in range(len(self.types)):
            sizes += self.states[t].sum(axis=1)[self._digits[:, t]]
        removals = []
        for t in range(len(self.types)):
            for lvl in range(1, self.n_levels):
                ok, target = self._moved(t, lvl, 0)
                weight = self.states[t][self._digits[:, t], lvl - 1]
                removals.append((ok, target, weight))
        order = np.argsort(sizes, kind="stable")
        bounds = np.searchsorted(sizes[order], np.arange(int(sizes.max()) + 2))
        pot = np.zeros(self.n_profiles)
        top = int(sizes.max())
        for s in range(1, top + 1):
            sel = order[bounds[s] : bounds[s + 1]]
            acc = self.utility[sel].copy()
            for ok, target, weight in removals:
                has = ok[sel]
                acc[has] += weight[sel][has] * pot[target[sel][has]]
            pot[sel] = acc / s
            if self._progress:
                self._progress(s, top)
        return pot

    def values(self, index: int) -> np.ndarray:
        """Theorem 2 values (``alpha = 1``) of one user per ``(type, level)``: ``P(x) - P(x - e)``."""
        m = self.profile_matrix(index)
        out = np.zeros((len(self.types), self.n_levels))
        for t in range(len(self.types)):
            for lvl in range(1, self.n_levels):
                if m[t, lvl] > 0:
                    down = m.copy()
                    down[t, lvl] -= 1
                    down[t, 0] += 1
                    out[t, lvl] = self.potential[index] - self.potential[self.index_of(down)]
        return out

    def intervals(self) -> tuple[np.ndarray, np.ndarray]:
        """``(lo, hi)`` per profile: the alpha interval on which it is an equilibrium.

        Empty intervals get ``lo > hi``. A move of one user of type ``t`` from level ``a`` to
        ``b`` is profitable at ``alpha`` iff ``alpha (P' - P) > c(b) - c(a)``.
        """
        if hasattr(self, "_intervals"):
            return self._intervals
        lo = np.zeros(self.n_profiles)
        hi = np.ones(self.n_profiles)
        for t, ptype in enumerate(self.types):
            for a in range(self.n_levels):
                for b in range(self.n_levels):
                    if a == b:
                        continue
                    ok, target = self._moved(t, a, b)
                    idx = np.flatnonzero(ok)
                    gain = self.potential[target[idx]] - self.potential[idx]  # P' - P for the mover
                    dc = ptype.cost[b] - ptype.cost[a]
                    pos, neg, zero = gain > 1e-13, gain < -1e-13, np.abs(gain) <= 1e-13
                    hi[idx[pos]] = np.minimum(hi[idx[pos]], dc / gain[pos])
                    lo[idx[neg]] = np.maximum(lo[idx[neg]], dc / gain[neg])
                    bad = idx[zero & (dc < -1e-13)]
                    lo[bad], hi[bad] = np.inf, -np.inf
        self._intervals = (lo, hi)
        return lo, hi

    def equilibria(self, alpha: float, tol: float = 1e-12, *, certified: bool = False) -> np.ndarray:
        """Indices of the class profiles that are equilibria at ``alpha``.

        With ``certified=True`` each is re-checked by :func:`certify` (independent values over
        every unilateral move); a failure raises :class:`ArithmeticError`.
        """
        lo, hi = self.intervals()
        found = np.flatnonzero((lo <= alpha + tol) & (alpha - tol <= hi))
        if certified:
            cache: dict[int, np.ndarray] = {}
            for index in found:
                if not certify(self, int(index), alpha, cache=cache):
                    raise ArithmeticError(
                        f"profile {self.profile_matrix(int(index)).tolist()} failed the independent check"
                    )
        return found

    # -- constructors -------------------------------------------------------------------------
    @classmethod
    def federated(cls, types: Sequence[PlayerType], *, s2: float, r2: float, **kwargs: object) -> PrivacyGame:
        """The federated model (levels 0, 1, 2; eq. 15)."""
        if any(len(t.cost) != 3 for t in types):
            raise ValueError("the federated model has 3 levels (0, 1, 2): give cost = [0, c(1), c(2)]")
        u = fl.type_utility([t.n for t in types], [t.a for t in types], [t.count for t in types], s2=s2, r2=r2)
        return cls(types, u, **kwargs)  # type: ignore[arg-type]

    @classmethod
    def dp(cls, types: Sequence[PlayerType], levels: Sequence[float], **kwargs: object) -> PrivacyGame:
        """The DP mean-estimation model over ``levels`` (``levels[0] = 0``)."""
        u = dp_mean.type_utility(levels, [t.count for t in types])
        return cls(types, u, **kwargs)  # type: ignore[arg-type]

    # -- mechanism design (eq. 19) ------------------------------------------------------------
    def design(self, *, pessimistic: bool = False) -> DesignResult:
        """The exact solution of eq. 19 and the landscape (Fig. 7 top).

        Optimistic (eq. 19): at each ``alpha`` the best equilibrium (largest ``U``); the optimum
        is ``max_rho (1 - lo(rho)) U(rho)``, at the lower end of an interval. Pessimistic: the
        worst equilibrium; the landscape is built by sweeping the interval ends, and a value
        approached only in a limit is reported with ``attained = False``.
        """
        lo, hi = self.intervals()
        eq = np.flatnonzero(lo <= hi)
        pieces = self._landscape(lo[eq], hi[eq], self.utility[eq], eq, pessimistic)
        best, best_alpha, attained = None, 0.0, True
        for piece in pieces:
            value = piece.platform(piece.lo)
            at_end = pieces_value_at(pieces, piece.lo, pessimistic, lo, hi, self.utility)
            reached = abs(at_end - value) <= 1e-12
            if best is None or value > best.platform(best_alpha) + 1e-12:
                best, best_alpha, attained = piece, piece.lo, reached
        assert best is not None
        index = best.profile
        alpha = best_alpha
        payments = alpha * self.values(index)
        count = int(np.sum((lo <= alpha + 1e-12) & (alpha - 1e-12 <= hi)))
        check_at = alpha if attained else float((lo[index] + hi[index]) / 2)
        if not certify(self, index, check_at):
            raise ArithmeticError(
                f"the selected profile {self.profile_matrix(index).tolist()} failed the independent check"
            )
        return DesignResult(
            alpha=float(alpha),
            platform=float((1 - alpha) * self.utility[index]),
            total_utility=float(self.utility[index]),
            profile=self.profile_matrix(index),
            interval=(float(lo[index]), float(hi[index])),
            payments=payments,
            equilibria_at_alpha=count,
            attained=attained,
            landscape=tuple(pieces),
            pessimistic=pessimistic,
            certified=True,
        )

    @staticmethod
    def _landscape(
        lo: np.ndarray, hi: np.ndarray, util: np.ndarray, ids: np.ndarray, pessimistic: bool
    ) -> list[LandscapePiece]:
        """Sweep the interval ends; on each elementary interval keep the best (worst) utility."""
        cuts = np.unique(np.concatenate([lo, hi, [0.0, 1.0]]))
        pieces: list[LandscapePiece] = []
        for a, b in pairwise(cuts):
            mid = (a + b) / 2
            live = np.flatnonzero((lo <= mid) & (mid <= hi))
            if live.size == 0:
                continue
            k = live[np.argmin(util[live])] if pessimistic else live[np.argmax(util[live])]
            if pieces and pieces[-1].profile == ids[k] and abs(pieces[-1].hi - a) < 1e-15:
                pieces[-1] = LandscapePiece(pieces[-1].lo, float(b), pieces[-1].utility, pieces[-1].profile)
            else:
                pieces.append(LandscapePiece(float(a), float(b), float(util[k]), int(ids[k])))
        return pieces


def _states(count: int, active: int) -> np.ndarray:
    """All ``(x_1..x_active)`` with ``x >= 0`` and ``sum x <= count`` (a type's states)."""
    rows = [c for c in np.ndindex(*(count + 1,) * active) if sum(c) <= count]
    return np.array(rows, dtype=np.int32).reshape(-1, active)


def _state_index(states: np.ndarray, x: np.ndarray) -> int:
    hits = np.flatnonzero(np.all(states == np.asarray(x), axis=1))
    if hits.size != 1:
        raise ValueError(f"{np.asarray(x).tolist()} is not a state of this type")
    return int(hits[0])


def _move_table(states: np.ndarray, a: int, b: int, count: int) -> np.ndarray:
    """``table[state]`` = the state after one user moves from level ``a`` to ``b`` (-1 if none there)."""
    full = np.column_stack([count - states.sum(axis=1), states])
    moved = full.copy()
    moved[:, a] -= 1
    moved[:, b] += 1
    lookup = {tuple(row): k for k, row in enumerate(states.tolist())}
    return np.array([lookup[tuple(r[1:])] if full[k, a] > 0 else -1 for k, r in enumerate(moved.tolist())])


def pieces_value_at(
    pieces: list[LandscapePiece], alpha: float, pessimistic: bool, lo: np.ndarray, hi: np.ndarray, util: np.ndarray
) -> float:
    """The selected equilibrium's ``(1 - alpha) U`` exactly at ``alpha`` (closed intervals)."""
    live = np.flatnonzero((lo <= alpha + 1e-12) & (alpha - 1e-12 <= hi))
    if live.size == 0:
        return -np.inf
    u = util[live].min() if pessimistic else util[live].max()
    return float((1 - alpha) * u)


def direct_values(game: PrivacyGame, index: int) -> np.ndarray:
    """Theorem 2 values of one user per ``(type, level)`` by class-compressed Shapley sums.

    Independent of the potential: the coalition game of the profile is built from the
    utility and valued by :mod:`numeric.classes` (level-0 users are null and get 0).
    """
    x = game.profile_matrix(index)[:, 1:]
    active = [(t, lvl) for t in range(len(game.types)) for lvl in range(1, game.n_levels) if x[t, lvl - 1] > 0]
    out = np.zeros((len(game.types), game.n_levels))
    if not active:
        return out
    counts = [int(x[t, lvl - 1]) for t, lvl in active]

    def v(m: np.ndarray) -> np.ndarray:
        grid = np.atleast_2d(m)
        presence = np.zeros((grid.shape[0], len(game.types), game.n_levels - 1), dtype=np.int32)
        for k, (t, lvl) in enumerate(active):
            presence[:, t, lvl - 1] = grid[:, k]
        flat = np.zeros(grid.shape[0], dtype=np.int64)
        for t in range(len(game.types)):
            lookup = {tuple(row): k for k, row in enumerate(game.states[t].tolist())}
            flat += np.array([lookup[tuple(r)] for r in presence[:, t].tolist()]) * game.strides[t]
        return game.utility[flat]

    fv = class_values_module.class_user_values(v, counts)
    for (t, lvl), value in zip(active, fv.classes, strict=True):
        out[t, lvl] = value
    return out


def _payoff_table(game: PrivacyGame, index: int, alpha: float, cache: dict[int, np.ndarray]) -> np.ndarray:
    if index not in cache:
        cache[index] = direct_values(game, index)
    return alpha * cache[index] - game.costs


def certify(
    game: PrivacyGame, index: int, alpha: float, tol: float = 1e-9, cache: dict[int, np.ndarray] | None = None
) -> bool:
    """Independent check that a class profile is an equilibrium at ``alpha``.

    Every unilateral move of one user of each ``(type, level)`` to every other level is tried,
    with payoffs from :func:`direct_values` at the profile and at the deviated profile (no use
    of the potential).
    """
    memo = {} if cache is None else cache
    m = game.profile_matrix(index)
    here = _payoff_table(game, index, alpha, memo)
    for t in range(len(game.types)):
        for a in range(game.n_levels):
            if m[t, a] == 0:
                continue
            for b in range(game.n_levels):
                if a == b:
                    continue
                moved = m.copy()
                moved[t, a] -= 1
                moved[t, b] += 1
                there = _payoff_table(game, game.index_of(moved), alpha, memo)
                if there[t, b] > here[t, a] + tol:
                    return False
    return True


def grid_design(game: PrivacyGame, alphas: np.ndarray, *, pessimistic: bool = False) -> tuple[float, float, int]:
    """The paper's method: a grid over ``alpha``; at each, every class profile checked directly.

    Values come from :func:`direct_values` (computed once per profile); returns ``(alpha,
    platform share, profile index)`` of the best grid point.
    """
    idx = np.arange(game.n_profiles)
    table = {int(i): direct_values(game, int(i)) for i in idx}
    best = (0.0, -np.inf, -1)
    for alpha in alphas:
        eqs = [int(i) for i in idx if certify(game, int(i), float(alpha), cache=table)]
        if not eqs:
            continue
        utils = game.utility[eqs]
        k = eqs[int(np.argmin(utils) if pessimistic else np.argmax(utils))]
        value = (1 - alpha) * game.utility[k]
        if value > best[1] + 1e-15:
            best = (float(alpha), float(value), k)
    return best


def brute_force_equilibria(
    levels_utility: Callable[[np.ndarray], np.ndarray], costs: np.ndarray, alpha: float, tol: float = 1e-9
) -> list[tuple[int, ...]]:
    """Every individual profile (``L^N``) that is a pure equilibrium at ``alpha``, by brute force.

    ``levels_utility`` is a vectorized utility of individual profiles (``(M, N)`` level
    indices), ``costs[i, l]`` user ``i``'s sensitivity; values by the bitmask Shapley value of
    :mod:`numeric.fair_values`. Small ``N`` only (a cross-check).
    """
    from numeric.fair_values import user_values

    n_users, n_levels = costs.shape
    cache: dict[tuple[int, ...], np.ndarray] = {}

    def payoff(profile: tuple[int, ...]) -> np.ndarray:
        if profile not in cache:
            cache[profile] = np.array(user_values(levels_utility, np.array(profile, dtype=float)).users)
        return alpha * cache[profile] - costs[np.arange(n_users), list(profile)]

    out = []
    for profile in np.ndindex(*(n_levels,) * n_users):
        here = payoff(profile)
        stable = True
        for i in range(n_users):
            for b in range(n_levels):
                if b != profile[i]:
                    moved = (*profile[:i], b, *profile[i + 1 :])
                    if payoff(moved)[i] > here[i] + tol:
                        stable = False
                        break
            if not stable:
                break
        if stable:
            out.append(profile)
    return out


def class_profile(types: Sequence[PlayerType], profile: Sequence[int]) -> np.ndarray:
    """The count matrix ``M[t, l]`` of an individual profile (users listed type by type).

    Examples
    --------
    >>> class_profile([PlayerType(count=2, cost=(0, 1)), PlayerType(count=1, cost=(0, 1))], (1, 0, 1)).tolist()
    [[1, 1], [0, 1]]
    """
    m = np.zeros((len(types), len(types[0].cost)), dtype=int)
    k = 0
    for t, ptype in enumerate(types):
        for _ in range(ptype.count):
            m[t, profile[k]] += 1
            k += 1
    if k != len(profile):
        raise ValueError(f"the profile has {len(profile)} entries for {k} users")
    return m
