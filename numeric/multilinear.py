"""Fair values of huge populations of classes: the multilinear extension with error estimates.

Owen's multilinear extension writes the Shapley value of a member of class ``c`` as

    phi_c = integral_0^1 E[ v(m + e_c) - v(m) ] dt,   m_d ~ Binomial(K_d - [d = c], t) independent,

(Theorem 2, times ``alpha``); under Theorem 1 a user's integrand is multiplied by ``t`` (the
platform is present with probability ``t``) and the platform's value is
``integral_0^1 E[v(m)] dt`` with ``m_d ~ Binomial(K_d, t)``. The integral over ``t`` is done by
SciPy's adaptive vector quadrature (``quad_vec``, Gauss-Kronrod, with breakpoints at
``t = 2^k / N`` where the integrand changes on the scale of one user); at each ``t`` the
expectation over the class counts is

* summed exactly over the binomials' support (pmf above ``1e-17``) while that support has at
  most ``window`` points (small ``t``: few users present), else
* expanded around the mean (delta method to fourth order: variances, third cumulants, fourth
  central moments and the variance cross terms), with derivatives by central differences.

Error estimate (reported, not a proof): the quadrature's own estimate + the integral of the
expansion's last-order terms (relative size ``1 / min_d E[m_d]``) + float rounding of the
differences of ``v``. Values are returned raw and after the projection that makes them
exactly efficient (the efficiency gap is spread over the classes in proportion to their
error estimates), together with the raw gap, which must lie within the error estimates.

The class utility must accept real (non-integer) count vectors, e.g.
``numeric.federated.class_utility(..., strict=False)``.

Examples
--------
>>> v = lambda m: np.sqrt(m[:, 0] + 2 * m[:, 1])        # a game of two classes, 300 000 users
>>> est = multilinear_values(v, (200_000, 100_000))
>>> total = 200_000 * est.classes[0] + 100_000 * est.classes[1]
>>> bool(abs(total - est.utility) < 1e-9), bool(max(est.errors) < 1e-9)
(True, True)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.integrate import quad_vec
from scipy.stats import binom

__all__ = ["Estimate", "check_inputs", "efficient_estimate", "multilinear_values"]

ClassUtility = Callable[[np.ndarray], np.ndarray]
_EPS = np.finfo(float).eps


@dataclass(frozen=True)
class Estimate:
    """Estimated class values with error estimates.

    Attributes
    ----------
    classes
        Value of one member of each class (efficient: see ``raw`` for the unprojected ones).
    errors
        Estimated absolute error of each class value.
    platform, platform_error
        Theorem 1's platform value and its error (``None`` under Theorem 2).
    utility
        ``v(K)`` (exact, one evaluation).
    raw, efficiency_gap
        The values before the projection and ``|sum of raw values - target|``.
    evaluations
        Number of evaluations of the class utility.
    """

    classes: tuple[float, ...]
    errors: tuple[float, ...]
    utility: float
    raw: tuple[float, ...]
    efficiency_gap: float
    evaluations: int
    platform: float | None = None
    platform_error: float | None = None


def multilinear_values(
    v: ClassUtility,
    counts: Sequence[int],
    *,
    theorem: int = 2,
    alpha: float = 1.0,
    rtol: float = 1e-9,
    window: int = 20_000,
    progress: Callable[[int], None] | None = None,
) -> Estimate:
    """Class values by the multilinear extension (see the module docstring).

    Parameters
    ----------
    v
        Vectorized class utility on real count vectors ``(G, T) -> (G,)``, ``v(0) = 0`` under
        Theorem 2.
    counts
        Class sizes ``K_t >= 1``.
    theorem
        2 (fairness among users, values times ``alpha``) or 1 (the platform is a player).
    alpha
        Theorem 2's payment fraction.
    rtol
        Relative tolerance asked of the quadrature.
    window
        Largest support (product of the binomials' windows) summed exactly.
    progress
        Optional callback receiving the number of integrand evaluations so far.

    Raises
    ------
    ValueError
        On bad counts, ``theorem`` or ``alpha``.
    """
    k = check_inputs(counts, theorem, alpha)
    n_classes = k.size
    total = int(k.sum())
    calls = [0]

    def ev(m: np.ndarray) -> np.ndarray:
        calls[0] += m.shape[0]
        return np.asarray(v(m), dtype=float)

    full = float(ev(k[None, :].astype(float))[0])
    zero = float(ev(np.zeros((1, n_classes)))[0])
    scale = max(abs(full), abs(zero), 1e-300)

    steps = [0]

    def integrand(t: float) -> np.ndarray:
        steps[0] += 1
        if progress:
            progress(steps[0])
        out = np.zeros(2 * (n_classes + 1))  # [values, platform, error densities]
        for c in range(n_classes):
            sizes = k - (np.arange(n_classes) == c)
            mean, err = _expected(ev, sizes, t, c, window, scale)
            weight = t if theorem == 1 else 1.0
            out[c], out[n_classes + 1 + c] = weight * mean, weight * err
        if theorem == 1:
            mean, err = _expected(ev, k, t, None, window, scale)
            out[n_classes], out[2 * n_classes + 1] = mean, err
        return out

    points = sorted({min(0.999, 2.0**j / total) for j in range(int(np.log2(total)) + 1)})
    result, quad_err = quad_vec(
        integrand, 0.0, 1.0, epsrel=rtol, epsabs=rtol * scale / total, points=points, norm="max", limit=400
    )
    raw = result[:n_classes] * (alpha if theorem == 2 else 1.0)
    errors = (result[n_classes + 1 : 2 * n_classes + 1] + quad_err) * (alpha if theorem == 2 else 1.0)
    platform = float(result[n_classes]) if theorem == 1 else None
    platform_error = float(result[2 * n_classes + 1] + quad_err) if theorem == 1 else None
    target = full if theorem == 1 else alpha * (full - zero)
    return efficient_estimate(raw, errors, k, target, full, calls[0], platform, platform_error)


def check_inputs(counts: Sequence[int], theorem: int, alpha: float) -> np.ndarray:
    """Validated class sizes for the estimators (shared by :mod:`numeric.sampling`).

    Raises
    ------
    ValueError
        On counts that are not integers >= 1, ``theorem`` not 1 or 2, ``alpha`` outside [0, 1].
    """
    k = np.asarray(counts, dtype=np.int64)
    if k.ndim != 1 or k.size == 0 or np.any(k < 1):
        raise ValueError(f"counts must be integers >= 1, got {np.ravel(counts).tolist()}")
    if theorem not in (1, 2):
        raise ValueError(f"theorem must be 1 or 2, got {theorem!r}")
    if not 0 <= alpha <= 1:
        raise ValueError(f"alpha must lie in [0, 1], got {alpha!r}")
    return k


def efficient_estimate(
    raw: np.ndarray,
    errors: np.ndarray,
    counts: np.ndarray,
    target: float,
    utility: float,
    evaluations: int,
    platform: float | None = None,
    platform_error: float | None = None,
) -> Estimate:
    """Project estimates onto exact efficiency (``sum_t K_t phi_t (+ phi_p) = target``).

    Least squares weighted by the squared error estimates: classes with larger errors absorb
    more of the gap. The raw gap is kept in the result for the caller's check.
    """
    k = np.asarray(counts, dtype=float)
    paid = float(raw @ k) + (platform or 0.0)
    gap = target - paid
    w = np.maximum(errors, 1e-300) ** 2
    wp = max(platform_error or 0.0, 1e-300) ** 2 if platform is not None else 0.0
    lam = gap / (float(w @ k) + wp)
    return Estimate(
        classes=tuple(float(x) for x in raw + lam * w),
        errors=tuple(float(x) for x in errors),
        utility=utility,
        raw=tuple(float(x) for x in raw),
        efficiency_gap=abs(gap),
        evaluations=evaluations,
        platform=None if platform is None else platform + lam * wp,
        platform_error=platform_error,
    )


def _expected(
    ev: Callable[[np.ndarray], np.ndarray], sizes: np.ndarray, t: float, c: int | None, window: int, scale: float
) -> tuple[float, float]:
    """``E[g(m)]`` and an error estimate, ``m_d ~ Bin(sizes_d, t)``; ``g = v(m + e_c) - v(m)``
    (or ``v(m)`` when ``c`` is None).

    Classes whose binomial is narrow (few points of support) are summed exactly over their
    support; the others (wide, hence with a mean above 50) are handled by the fourth-order
    expansion around their mean, for every point of the exact part at once.
    """
    shift = None if c is None else np.eye(sizes.size)[c]

    def g(m: np.ndarray) -> np.ndarray:
        return ev(m) if shift is None else ev(m + shift) - ev(m)

    var = sizes * t * (1 - t)
    spread = 10 * np.sqrt(var) + 4  # binomial tails beyond this are negligible (mass reported)
    lows = np.maximum(0, np.floor(sizes * t - spread))
    highs = np.minimum(sizes, np.ceil(sizes * t + spread))
    widths = (highs - lows + 1).astype(np.int64)
    order = np.argsort(widths, kind="stable")
    exact_dims: list[int] = []
    budget = 1
    for d in order:
        if widths[d] <= 80 and budget * widths[d] <= window:
            exact_dims.append(int(d))
            budget *= int(widths[d])
    wide = [int(d) for d in range(sizes.size) if d not in exact_dims]
    # exact part: the support of the narrow binomials
    axes = [np.arange(int(lows[d]), int(lows[d]) + int(widths[d]), dtype=float) for d in exact_dims]
    pmfs = [binom.pmf(a, sizes[d], t) for a, d in zip(axes, exact_dims, strict=True)]
    if exact_dims:
        support = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, len(exact_dims))
        weight = pmfs[0]
        for p in pmfs[1:]:
            weight = np.multiply.outer(weight, p)
        weight = weight.ravel()
    else:
        support, weight = np.zeros((1, 0)), np.ones(1)
    missing = max(0.0, 1.0 - float(weight.sum()))
    mean = sizes * t
    step = np.minimum(np.sqrt(var), np.minimum(mean, sizes - mean) / 2)
    offsets = [np.zeros(sizes.size)]
    eye = np.eye(sizes.size)
    for d in wide:
        offsets += [j * step[d] * eye[d] for j in (-2, -1, 1, 2)]
    pairs = [(d, f) for i, d in enumerate(wide) for f in wide[i + 1 :]]
    for d, f in pairs:
        ed, ef = step[d] * eye[d], step[f] * eye[f]
        offsets += [ed + ef, ed - ef, -ed + ef, -ed - ef]
    base = np.zeros((support.shape[0], sizes.size))
    base[:, exact_dims] = support
    base[:, wide] = mean[wide]
    points = (base[:, None, :] + np.array(offsets)[None, :, :]).reshape(-1, sizes.size)
    values = g(np.clip(points, 0.0, sizes)).reshape(support.shape[0], len(offsets))
    center = values[:, 0]
    k3 = var * (1 - 2 * t)
    m4 = 3 * var**2 + var * (1 - 6 * t * (1 - t))
    second = np.zeros_like(center)
    higher = np.zeros_like(center)
    axis_values = {}
    for k, d in enumerate(wide):
        gm2, gm1, gp1, gp2 = (values[:, 1 + 4 * k + j] for j in range(4))
        axis_values[d] = (gm1, gp1)
        h = step[d]
        d2 = (-gp2 + 16 * gp1 - 30 * center + 16 * gm1 - gm2) / (12 * h**2)
        d3 = (gp2 - 2 * gp1 + 2 * gm1 - gm2) / (2 * h**3)
        d4 = (gp2 - 4 * gp1 + 6 * center - 4 * gm1 + gm2) / h**4
        second += 0.5 * var[d] * d2
        higher += k3[d] * d3 / 6 + m4[d] * d4 / 24
    first_pair = 1 + 4 * len(wide)
    for j, (d, f) in enumerate(pairs):
        gpp, gpm, gmp, gmm = (values[:, first_pair + 4 * j + i] for i in range(4))
        gm_d, gp_d = axis_values[d]
        gm_f, gp_f = axis_values[f]
        d22 = (gpp + gpm + gmp + gmm - 2 * (gp_d + gm_d + gp_f + gm_f) + 4 * center) / (step[d] ** 2 * step[f] ** 2)
        higher += 0.25 * var[d] * var[f] * d22
    estimate = center + second + higher
    level = float(np.min(mean[wide])) if wide else np.inf
    truncation = np.abs(higher) / max(level, 1.0)
    rounding = 64 * _EPS * scale * (1 + 4 * len(wide))
    value = float(weight @ estimate)
    error = float(weight @ truncation) + rounding + missing * float(np.max(np.abs(values)))
    return value, error
