"""Fair values of populations of classes by stratified Monte Carlo over the multilinear extension.

For populations too large for the exact class sums but with classes too small for the
deterministic expansion of :mod:`numeric.multilinear` (a few hundred users per class), the
value of a member of class ``c``

    phi_c = integral_0^1 E[ v(m + e_c) - v(m) ] dt,   m_d ~ Binomial(K_d - [d = c], t),

is estimated by sampling: ``t`` is stratified (strata of equal probability in ``u = sqrt(t)``,
which puts more of them near ``t = 0`` where one user's arrival matters most), and in each
stratum ``samples`` pairs ``(t, m)`` are drawn. The standard error is that of a stratified
mean. Randomness comes only from ``numpy.random.default_rng(seed)``; every class gets its own
draws, so the errors are independent and the projection to exact efficiency
(:func:`numeric.multilinear.efficient_estimate`, weighted by the squared standard errors) is
the minimum-variance correction.

Examples
--------
>>> v = lambda m: np.sqrt(m[:, 0] + 2 * m[:, 1])
>>> est = stratified_values(v, (300, 200), seed=1)
>>> total = 300 * est.classes[0] + 200 * est.classes[1]
>>> bool(abs(total - est.utility) < 1e-9), bool(max(est.errors) < 1e-3)
(True, True)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from numeric.multilinear import Estimate, check_inputs, efficient_estimate

__all__ = ["stratified_values"]


def stratified_values(
    v: Callable[[np.ndarray], np.ndarray],
    counts: Sequence[int],
    *,
    theorem: int = 2,
    alpha: float = 1.0,
    strata: int = 512,
    samples: int = 16,
    seed: int | None = 0,
) -> Estimate:
    """Class values by stratified sampling; ``errors`` are standard errors.

    Raises
    ------
    ValueError
        On bad counts, ``theorem``, ``alpha``, ``strata`` or ``samples``.
    """
    k = check_inputs(counts, theorem, alpha)
    if strata < 1 or samples < 2:
        raise ValueError(f"need strata >= 1 and samples >= 2, got {strata}, {samples}")
    rng = np.random.default_rng(seed)
    n_classes = k.size
    u = (np.arange(strata)[:, None] + rng.uniform(size=(strata, samples))) / strata
    t = u**2  # stratum probability 1/strata in u; density of t is 1 / (2 sqrt(t))
    weight = 2 * u  # dt = 2 u du
    eye = np.eye(n_classes)
    full = float(np.asarray(v(k[None, :].astype(float)))[0])
    zero = float(np.asarray(v(np.zeros((1, n_classes))))[0])
    means = np.zeros(n_classes + 1)
    variances = np.zeros(n_classes + 1)
    evaluations = 2
    for c in range(n_classes + (1 if theorem == 1 else 0)):
        sizes = k - (eye[c].astype(np.int64) if c < n_classes else 0)

        m = rng.binomial(sizes[None, None, :], t[:, :, None]).astype(float)
        flat = m.reshape(-1, n_classes)
        if c < n_classes:
            diff = np.asarray(v(flat + eye[c])) - np.asarray(v(flat))
            factor = weight * (t if theorem == 1 else 1.0)
        else:
            diff = np.asarray(v(flat))
            factor = weight
        evaluations += flat.shape[0] * (2 if c < n_classes else 1)
        draws = diff.reshape(strata, samples) * factor
        means[c] = draws.mean(axis=1).mean()
        variances[c] = np.sum(draws.var(axis=1, ddof=1) / samples) / strata**2
    scale = alpha if theorem == 2 else 1.0
    raw = means[:n_classes] * scale
    errors = np.sqrt(variances[:n_classes]) * scale
    platform = float(means[n_classes]) if theorem == 1 else None
    platform_error = float(np.sqrt(variances[n_classes])) if theorem == 1 else None
    target = full if theorem == 1 else alpha * (full - zero)
    return efficient_estimate(raw, errors, k, target, full, evaluations, platform, platform_error)
