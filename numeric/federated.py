"""Federated mean estimation (Section 4, eq. 13-15) in floats: vectorized, solved, simulated.

The float mirror of :mod:`analytic.federated` (same model and decisions: ``theta_k = mu +
delta_k``, ``Var(delta_k) = s2``, ``E[e_k^2] = r2 / n_k``, levels of Table 1, the unweighted
average ``theta_hat_f`` of the level-1 users, the best linear estimator with weights summing
to one for every user (eq. 14), ``EMSE := r2 + 2 s2`` without data, and eq. 15 summed over
all users, level 0 included), plus checks that share none of its algebra:

* :func:`emse` / :func:`utility` - Proposition 5's closed form for many profiles at once
  (rows of an ``(M, N)`` array of levels 0/1/2);
* :func:`gls` - the generic constrained GLS: the covariance of the observations and the
  target is built from the latent variables and the KKT linear system is solved with
  ``numpy.linalg``;
* :func:`simulate_emse` - a seeded Monte Carlo simulation of the full data model
  (``theta_k ~ Normal(mu, s2)``, ``sigma_k^2 ~ Gamma`` with mean ``r2``, ``n_k`` samples per
  user, sample means, the platform's observations and estimator).

Examples
--------
>>> emse([[2, 1, 1], [0, 0, 0]], [1, 2, 4], s2=1.0, r2=1.0).round(12).tolist()
[[0.627906976744, 0.674418604651, 0.674418604651], [3.0, 3.0, 3.0]]
>>> w, e = gls([2, 1, 1], [1, 2, 4], s2=1.0, r2=1.0)
>>> bool(abs(e[0] - 27 / 43) < 1e-12)
True
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "ArrayLike",
    "SimulatedEMSE",
    "check_model",
    "class_utility",
    "emse",
    "gls",
    "optimal_weights",
    "simulate_emse",
    "type_utility",
    "utility",
    "utility_function",
]

ArrayLike = np.ndarray | Sequence[float] | Sequence[Sequence[float]]


@dataclass(frozen=True)
class SimulatedEMSE:
    """Monte Carlo estimate of every user's ``EMSE`` (eq. 13).

    Attributes
    ----------
    mean
        Empirical mean squared error per user (``nan`` for a user when the platform sees
        nothing: the paper's ``r2 + 2 s2`` is a convention, not an estimator's error).
    stderr
        Standard errors (sample standard deviation / ``sqrt(n_trials)``).
    n_trials, seed
        Simulation size and the seed of ``numpy.random.default_rng``.
    """

    mean: tuple[float, ...]
    stderr: tuple[float, ...]
    n_trials: int
    seed: int | None

    def z_scores(self, exact: ArrayLike) -> np.ndarray:
        """``(mean - exact) / stderr`` per user: how many standard errors from ``exact``.

        Examples
        --------
        >>> SimulatedEMSE(mean=(1.1, 2.0), stderr=(0.05, 0.5), n_trials=100, seed=0).z_scores([1.0, 2.0]).round(6)
        array([2., 0.])
        """
        return (np.asarray(self.mean) - np.asarray(exact, dtype=float)) / np.asarray(self.stderr)


def check_model(s2: float, r2: float) -> tuple[float, float]:
    """Validate ``(s2, r2)``: ``s^2 >= 0`` and ``r^2 > 0``, both finite.

    Examples
    --------
    >>> check_model(0, 2)
    (0.0, 2.0)
    >>> check_model(-1, 2)
    Traceback (most recent call last):
    ...
    ValueError: s2 (s^2 = Var(theta_i)) must be finite and >= 0, got -1
    """
    for name, value in (("s2", s2), ("r2", r2)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"{name} must be a real number, got {type(value).__name__}: {value!r}")
    s, r = float(s2), float(r2)
    if not np.isfinite(s) or s < 0:
        raise ValueError(f"s2 (s^2 = Var(theta_i)) must be finite and >= 0, got {s2!r}")
    if not np.isfinite(r) or r <= 0:
        raise ValueError(f"r2 (r^2 = E[sigma_i^2]) must be finite and > 0, got {r2!r}")
    return s, r


def emse(profiles: ArrayLike, n: ArrayLike, *, s2: float, r2: float) -> np.ndarray:
    """``EMSE_i(rho)`` for every row of ``profiles`` (Proposition 5, vectorized).

    With ``eps_k = r2 / n_k``, ``V_k = s2 + eps_k``, ``N1`` level-1 users,
    ``R = sum_{level 1} eps_k`` and ``H = sum_{level 2} 1/V_k + N1^2 / (N1 s2 + R)``::

        level 0: s2 + 1/H
        level 2: eps s2 / V + eps^2 / (V^2 H)
        level 1: s2 ((N1 - 1) s2 + R) / (N1 s2 + R) + R^2 / ((N1 s2 + R)^2 H)

    and ``r2 + 2 s2`` for every user of a row where nobody shares.

    Parameters
    ----------
    profiles
        ``(M, N)`` (or ``(N,)``) levels in ``{0, 1, 2}``.
    n
        ``(N,)`` sample sizes ``n_k >= 1`` (integers).
    s2, r2
        The model's variances.

    Returns
    -------
    numpy.ndarray
        ``(M, N)`` errors.

    Examples
    --------
    >>> emse([2, 2, 0], [1, 1, 2], s2=1.0, r2=1.0).tolist()
    [[0.75, 0.75, 2.0]]
    """
    s, r = check_model(s2, r2)
    rows = _profiles(profiles)
    sizes = _sizes(n, rows.shape[1])
    eps = r / sizes
    var = s + eps
    is1, is2 = rows == 1, rows == 2
    n1 = is1.sum(axis=1).astype(float)
    big_r = (is1 * eps).sum(axis=1)
    fed_den = n1 * s + big_r  # = N1^2 V_f
    with np.errstate(divide="ignore", invalid="ignore"):
        h = (is2 / var).sum(axis=1) + np.where(n1 > 0, n1**2 / np.where(n1 > 0, fed_den, 1.0), 0.0)
        seen = h > 0
        h_safe = np.where(seen, h, 1.0)[:, None]
        e0 = s + 1.0 / h_safe
        e2 = eps * s / var + eps**2 / (var**2 * h_safe)
        fed_safe = np.where(n1 > 0, fed_den, 1.0)[:, None]
        e1 = s * ((n1[:, None] - 1) * s + big_r[:, None]) / fed_safe + big_r[:, None] ** 2 / (fed_safe**2 * h_safe)
    out = np.where(is2, e2, np.where(is1, e1, e0))
    return np.where(seen[:, None], out, r + 2 * s)


def optimal_weights(profiles: ArrayLike, n: ArrayLike, *, s2: float, r2: float) -> np.ndarray:
    """Optimal weights of eq. 14 for every row and every target (Proposition 5).

    Returns
    -------
    numpy.ndarray
        ``(M, N, N + 1)``: ``W[m, i, j]`` is the weight of level-2 user ``j``'s estimate
        (``j < N``; 0 unless ``j`` is at level 2) and ``W[m, i, N]`` the weight of
        ``theta_hat_f`` in the estimate of ``theta_i``. Rows sum to one; ``nan`` where the
        platform sees nothing.

    Examples
    --------
    >>> optimal_weights([2, 1, 1], [1, 2, 4], s2=1.0, r2=1.0)[0].round(6).tolist()
    [[0.627907, 0.0, 0.0, 0.372093], [0.069767, 0.0, 0.0, 0.930233], [0.069767, 0.0, 0.0, 0.930233]]
    """
    s, r = check_model(s2, r2)
    rows = _profiles(profiles)
    n_users = rows.shape[1]
    sizes = _sizes(n, n_users)
    eps = r / sizes
    var = s + eps
    is1, is2 = rows == 1, rows == 2
    n1 = is1.sum(axis=1).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        var_f = np.where(n1 > 0, (n1 * s + (is1 * eps).sum(axis=1)) / np.where(n1 > 0, n1, 1.0) ** 2, np.inf)
        inv_obs = np.concatenate([np.where(is2, 1.0 / var, 0.0), np.where(n1 > 0, 1.0 / var_f, 0.0)[:, None]], axis=1)
        h = inv_obs.sum(axis=1)
        # correlation c_i with the own observation o(i): level 2 -> own estimate, level 1 -> theta_f
        c = np.where(is2, s, np.where(is1, s / np.where(n1 > 0, n1, 1.0)[:, None], 0.0))
        v_own = np.where(is2, var, np.where(is1, var_f[:, None], np.inf))
        a_coef = (1.0 - np.where(np.isfinite(v_own), c / v_own, 0.0)) / h[:, None]  # (M, N)
        weights = a_coef[:, :, None] * inv_obs[:, None, :]
        own_col = np.where(is2, np.arange(n_users)[None, :], n_users)  # column of o(i)
        bump = np.where(is2 | is1, c / np.where(np.isfinite(v_own), v_own, 1.0), 0.0)
    m_idx, i_idx = np.indices(rows.shape)
    weights[m_idx, i_idx, own_col] += bump
    return np.where((h > 0)[:, None, None], weights, np.nan)


def gls(profile: Sequence[float], n: ArrayLike, *, s2: float, r2: float) -> tuple[np.ndarray, np.ndarray]:
    """Generic constrained GLS (NumPy), independent of Proposition 5.

    Observations and targets are linear maps of the latent ``z = (delta, e)`` with
    ``Cov(z) = diag(s2 1, r2 / n)``; for each target ``i`` the KKT system
    ``[[Sigma, 1], [1^T, 0]] [w; nu] = [c_i; 1]`` is solved with ``numpy.linalg.solve`` and
    ``EMSE_i = w^T Sigma w - 2 w^T c_i + s2``.

    Returns
    -------
    (weights, emse)
        ``(N, N + 1)`` weights laid out as in :func:`optimal_weights` and ``(N,)`` errors
        (``nan`` weights and ``r2 + 2 s2`` when the platform sees nothing).

    Examples
    --------
    >>> w, e = gls([2, 2, 0], [1, 1, 2], s2=1.0, r2=1.0)
    >>> e.round(12).tolist(), w[2].round(12).tolist()
    ([0.75, 0.75, 2.0], [0.5, 0.5, 0.0, 0.0])
    """
    s, r = check_model(s2, r2)
    levels = _profiles(profile)
    if levels.shape[0] != 1:
        raise ValueError(f"gls takes one profile, got {levels.shape[0]}")
    levels = levels[0]
    n_users = levels.size
    sizes = _sizes(n, n_users)
    cov = np.diag(np.concatenate([np.full(n_users, s), r / sizes]))
    rows, cols = [], []
    for k in np.flatnonzero(levels == 2):
        row = np.zeros(2 * n_users)
        row[[k, n_users + k]] = 1.0
        rows.append(row)
        cols.append(int(k))
    fed = np.flatnonzero(levels == 1)
    if fed.size:
        row = np.zeros(2 * n_users)
        row[fed] = row[n_users + fed] = 1.0 / fed.size
        rows.append(row)
        cols.append(n_users)
    weights = np.full((n_users, n_users + 1), np.nan)
    if not rows:
        return weights, np.full(n_users, r + 2 * s)
    weights[:] = 0.0
    loading = np.array(rows)
    sigma = loading @ cov @ loading.T
    size = len(rows)
    kkt = np.zeros((size + 1, size + 1))
    kkt[:size, :size] = sigma
    kkt[:size, size] = kkt[size, :size] = 1.0
    out = np.empty(n_users)
    for i in range(n_users):
        target = np.zeros(2 * n_users)
        target[i] = 1.0
        corr = loading @ cov @ target
        sol = np.linalg.solve(kkt, np.concatenate([corr, [1.0]]))
        w = sol[:size]
        out[i] = w @ sigma @ w - 2 * w @ corr + target @ cov @ target
        weights[i, cols] = w
    return weights, out


def utility(profiles: ArrayLike, n: ArrayLike, a: ArrayLike | None = None, *, s2: float, r2: float) -> np.ndarray:
    """``U(rho) = sum_i a_i log((r2 + 2 s2) / EMSE_i(rho))`` (eq. 15) for every row.

    Examples
    --------
    >>> u = utility([[2, 2, 0], [0, 0, 0]], [1, 1, 2], s2=1.0, r2=1.0)
    >>> bool(abs(u[0] - (2 * np.log(4) + np.log(1.5))) < 1e-12), float(u[1])
    (True, 0.0)
    """
    s, r = check_model(s2, r2)
    rows = _profiles(profiles)
    weights = _importance(a, rows.shape[1])
    return np.log((r + 2 * s) / emse(rows, n, s2=s, r2=r)) @ weights


def utility_function(
    n: ArrayLike, a: ArrayLike | None = None, *, s2: float, r2: float
) -> Callable[[np.ndarray], np.ndarray]:
    """A vectorized ``U`` for :mod:`numeric.fair_values`: ``(M, N)`` level rows -> ``M`` values.

    Examples
    --------
    >>> from numeric.fair_values import user_values
    >>> U = utility_function([1, 1], s2=1.0, r2=1.0)
    >>> np.round(user_values(U, [2, 2]).users, 12).tolist()
    [1.38629436112, 1.38629436112]
    """
    sizes = _sizes(n, None)
    weights = _importance(a, sizes.size)
    s, r = check_model(s2, r2)

    def u(profiles: np.ndarray) -> np.ndarray:
        return utility(profiles, sizes, weights, s2=s, r2=r)

    return u


def class_utility(
    n: ArrayLike, level: ArrayLike, a: ArrayLike | None, counts: ArrayLike, *, s2: float, r2: float, strict: bool = True
) -> Callable[[np.ndarray], np.ndarray]:
    """The class game ``v(m)`` of eq. 15, vectorized over count vectors (Proposition 5).

    Class ``t`` has ``counts[t]`` users with ``n[t]`` samples, level ``level[t]`` and
    importance ``a[t]``; ``v(m)`` is ``U`` when ``m_t`` members of each class keep their level
    and everyone else is at level 0 (still in the sum of eq. 15).

    With ``strict=False`` real (non-integer) counts are accepted: the formulas of Proposition 5
    extend to them, as the multilinear estimator of :mod:`numeric.multilinear` needs.

    Returns
    -------
    callable
        ``(G, T)`` integer count vectors (``0 <= m_t <= K_t``) -> ``(G,)`` utilities.

    Examples
    --------
    >>> v = class_utility([1, 2], [2, 0], None, [2, 1], s2=1.0, r2=1.0)
    >>> bool(abs(v(np.array([[2, 1]]))[0] - (2 * np.log(4) + np.log(1.5))) < 1e-12)
    True
    """
    s, r = check_model(s2, r2)
    sizes = _sizes(n, None)
    n_classes = sizes.size
    lv = _profiles(level)
    if lv.shape != (1, n_classes):
        raise ValueError(f"level must have one entry per class ({n_classes}), got shape {np.shape(level)}")
    lv = lv[0]
    weights = _importance(a, n_classes)
    k = _counts(counts, n_classes, minimum=1, name="counts")

    def v(m: np.ndarray) -> np.ndarray:
        grid = np.atleast_2d(np.asarray(m))
        if grid.ndim != 2 or grid.shape[1] != n_classes:
            raise ValueError(f"count vectors must have shape (G, {n_classes}), got {grid.shape}")
        if (strict and not np.all(grid == np.round(grid))) or np.any(grid < 0) or np.any(grid > k):
            raise ValueError(f"count vectors must be integers with 0 <= m_t <= K_t = {k.tolist()}")
        grid = grid.astype(float)
        inside = np.where(lv == 0, 0.0, grid)
        return _presence_utility(inside * (lv == 1), inside * (lv == 2), k - inside, sizes, weights, s, r)

    return v


def type_utility(
    n: ArrayLike, a: ArrayLike | None, counts: ArrayLike, *, s2: float, r2: float
) -> Callable[[np.ndarray], np.ndarray]:
    """Eq. 15 for types of users spread over the levels, vectorized (the game of Section 4.2).

    Type ``t`` has ``counts[t]`` users with ``n[t]`` samples and importance ``a[t]``; an argument
    ``x`` of shape ``(G, T, 2)`` says how many of them are present at level 1 (``x[:, t, 0]``)
    and at level 2 (``x[:, t, 1]``); the other ``counts[t] - x[:, t].sum()`` are at level 0
    and stay in the sum of eq. 15 with their own EMSE.

    Examples
    --------
    >>> v = type_utility([1, 2], None, [2, 1], s2=1.0, r2=1.0)
    >>> bool(abs(v(np.array([[[0, 2], [0, 0]]]))[0] - (2 * np.log(4) + np.log(1.5))) < 1e-12)
    True
    """
    s, r = check_model(s2, r2)
    sizes = _sizes(n, None)
    n_types = sizes.size
    weights = _importance(a, n_types)
    k = _counts(counts, n_types, minimum=1, name="counts")

    def v(x: np.ndarray) -> np.ndarray:
        grid = np.asarray(x, dtype=float)
        if grid.ndim != 3 or grid.shape[1:] != (n_types, 2):
            raise ValueError(f"presence counts must have shape (G, {n_types}, 2), got {grid.shape}")
        present = grid.sum(axis=2)
        if np.any(grid < 0) or np.any(present > k):
            raise ValueError(f"presence counts must be >= 0 with at most K_t = {k.tolist()} users per type")
        return _presence_utility(grid[:, :, 0], grid[:, :, 1], k - present, sizes, weights, s, r)

    return v


def _presence_utility(
    in1: np.ndarray, in2: np.ndarray, absent: np.ndarray, sizes: np.ndarray, weights: np.ndarray, s: float, r: float
) -> np.ndarray:
    """Eq. 15 from how many users of each group are present at levels 1 and 2 (Proposition 5).

    ``in1, in2, absent``: ``(G, T)`` counts per group (class or type) with sample size
    ``sizes[t]`` and importance ``weights[t]``; absent users are at level 0.
    """
    eps = r / sizes
    var = s + eps
    base = r + 2 * s
    n1 = in1.sum(axis=1)
    big_r = in1 @ eps
    fed_den = n1 * s + big_r
    fed_safe = np.where(n1 > 0, fed_den, 1.0)
    h = in2 @ (1.0 / var) + np.where(n1 > 0, n1**2 / fed_safe, 0.0)
    seen = h > 0
    h_safe = np.where(seen, h, 1.0)
    log0 = np.log(base / (s + 1.0 / h_safe))
    e1 = s * ((n1 - 1) * s + big_r) / fed_safe + big_r**2 / (fed_safe**2 * h_safe)
    log1 = np.log(base / np.where(n1 > 0, e1, base))  # no level-1 member: the value is unused
    e2 = eps * s / var + eps**2 / (var**2 * h_safe[:, None])  # (G, T)
    total = (in2 * np.log(base / e2) + in1 * log1[:, None] + absent * log0[:, None]) @ weights
    return np.where(seen, total, 0.0)


def simulate_emse(
    profile: Sequence[float],
    n: ArrayLike,
    *,
    s2: float,
    r2: float,
    n_trials: int = 20_000,
    seed: int | None = 0,
    mu: float | None = None,
    gamma_shape: float = 2.0,
    weights: np.ndarray | None = None,
) -> SimulatedEMSE:
    """Monte Carlo ``EMSE`` of the platform's estimators under the full data model.

    Each trial draws ``mu`` (uniform on ``[-100, 100]`` unless given: the estimator must not
    depend on it), ``theta_k ~ Normal(mu, s2)``, ``sigma_k^2 ~ Gamma(gamma_shape,
    r2 / gamma_shape)`` (mean ``r2``), ``n_k`` samples ``Normal(theta_k, sigma_k^2)`` per user,
    the sample means ``theta_hat_k``, the platform's observations at ``profile`` (level-2
    estimates and the plain average ``theta_hat_f`` of the level-1 ones) and every user's
    estimate ``sum_j W[i, j] y_j``. Randomness comes only from ``numpy.random.default_rng(seed)``.

    Parameters
    ----------
    profile
        Levels in ``{0, 1, 2}``, one per user.
    n
        Sample sizes.
    s2, r2
        The model's variances.
    n_trials
        Number of simulated populations (``>= 2``).
    seed
        Seed of the generator.
    mu
        A fixed common mean (default: random per trial).
    gamma_shape
        Shape of the Gamma law of ``sigma_k^2`` (``> 0``).
    weights
        ``(N, N + 1)`` weights laid out as in :func:`optimal_weights` (default: the optimal
        ones), e.g. to check that the simulation detects a worse estimator. Entries on
        observations the platform does not have at ``profile`` are ignored.

    Returns
    -------
    SimulatedEMSE
        Per-user empirical ``EMSE`` and standard errors.

    Examples
    --------
    >>> sim = simulate_emse([2, 1, 1, 0], [1, 2, 4, 3], s2=1.0, r2=2.0, n_trials=20_000, seed=7)
    >>> exact = emse([2, 1, 1, 0], [1, 2, 4, 3], s2=1.0, r2=2.0)[0]
    >>> bool(np.all(np.abs(sim.z_scores(exact)) < 4))
    True
    """
    s, r = check_model(s2, r2)
    if isinstance(n_trials, bool) or not isinstance(n_trials, int) or n_trials < 2:
        raise ValueError(f"n_trials must be an integer >= 2, got {n_trials!r}")
    if not np.isfinite(gamma_shape) or gamma_shape <= 0:
        raise ValueError(f"gamma_shape must be > 0, got {gamma_shape!r}")
    levels = _profiles(profile)
    if levels.shape[0] != 1:
        raise ValueError(f"simulate_emse takes one profile, got {levels.shape[0]}")
    levels = levels[0]
    n_users = levels.size
    sizes = _sizes(n, n_users).astype(int)
    w = optimal_weights(levels, sizes, s2=s, r2=r)[0] if weights is None else np.asarray(weights, dtype=float)
    if w.shape != (n_users, n_users + 1):
        raise ValueError(f"weights must have shape ({n_users}, {n_users + 1}), got {w.shape}")
    seen = bool(np.any(levels > 0))
    rng = np.random.default_rng(seed)
    fed = levels == 1
    use = np.concatenate([levels == 2, [bool(fed.any())]])
    w_used = np.where(use[None, :], np.nan_to_num(w), 0.0)
    block = max(1, (1 << 21) // int(sizes.sum() + n_users))
    count, mean, m2 = 0, np.zeros(n_users), np.zeros(n_users)  # running moments of err^2 (Chan et al.)
    for start in range(0, n_trials, block):
        t = min(block, n_trials - start)
        centre = rng.uniform(-100.0, 100.0, size=(t, 1)) if mu is None else np.full((t, 1), float(mu))
        theta = centre + np.sqrt(s) * rng.standard_normal((t, n_users))
        sigma = np.sqrt(rng.gamma(gamma_shape, r / gamma_shape, size=(t, n_users)))
        theta_hat = np.empty((t, n_users))
        for k in range(n_users):
            samples = theta[:, k : k + 1] + sigma[:, k : k + 1] * rng.standard_normal((t, sizes[k]))
            theta_hat[:, k] = samples.mean(axis=1)
        theta_f = theta_hat[:, fed].mean(axis=1, keepdims=True) if fed.any() else np.zeros((t, 1))
        loss = (np.concatenate([theta_hat, theta_f], axis=1) @ w_used.T - theta) ** 2
        chunk_mean = loss.mean(axis=0)
        chunk_m2 = ((loss - chunk_mean) ** 2).sum(axis=0)
        delta = chunk_mean - mean
        total = count + t
        mean = mean + delta * t / total
        m2 = m2 + chunk_m2 + delta**2 * count * t / total
        count = total
    stderr = np.sqrt(m2 / (n_trials - 1) / n_trials)
    if not seen:
        mean = np.full(n_users, np.nan)
        stderr = np.full(n_users, np.nan)
    return SimulatedEMSE(
        mean=tuple(float(x) for x in mean), stderr=tuple(float(x) for x in stderr), n_trials=n_trials, seed=seed
    )


def _profiles(profiles: ArrayLike) -> np.ndarray:
    rows = np.atleast_2d(np.asarray(profiles, dtype=float))
    if rows.ndim != 2 or rows.shape[1] == 0:
        raise ValueError(f"profiles must be an (M, N) array of levels with N >= 1, got shape {rows.shape}")
    bad = ~np.isin(rows, (0.0, 1.0, 2.0))
    if bad.any():
        raise ValueError(f"privacy levels must be 0, 1 or 2 (Table 1), got {float(rows[bad][0])!r}")
    return rows.astype(np.int64)


def _sizes(n: ArrayLike, n_users: int | None) -> np.ndarray:
    sizes = np.asarray(n, dtype=float).ravel()
    if n_users is not None and sizes.size != n_users:
        raise ValueError(f"n must have one sample size per user ({n_users}), got {sizes.size}")
    if sizes.size == 0:
        raise ValueError("n is empty: give at least one user")
    bad = ~np.isfinite(sizes) | (sizes < 1) | (sizes != np.round(sizes))
    if bad.any():
        raise ValueError(f"sample sizes n_k must be integers >= 1, got {float(sizes[bad][0])!r}")
    return sizes


def _importance(a: ArrayLike | None, n_users: int) -> np.ndarray:
    if a is None:
        return np.ones(n_users)
    weights = np.asarray(a, dtype=float).ravel()
    if weights.size != n_users:
        raise ValueError(f"a must have one importance weight per user ({n_users}), got {weights.size}")
    bad = ~np.isfinite(weights) | (weights <= 0)
    if bad.any():
        raise ValueError(f"importance weights a_i must be finite and > 0, got {float(weights[bad][0])!r}")
    return weights


def _counts(counts: ArrayLike, size: int, *, minimum: int, name: str) -> np.ndarray:
    k = np.asarray(counts, dtype=float).ravel()
    if k.size != size:
        raise ValueError(f"{name} must have {size} entries, got {k.size}")
    bad = ~np.isfinite(k) | (k < minimum) | (k != np.round(k))
    if bad.any():
        raise ValueError(f"{name} must be integers >= {minimum}, got {float(k[bad][0])!r}")
    return k.astype(np.int64)
