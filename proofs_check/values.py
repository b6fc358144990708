"""Fair values of a scenario's population (Theorems 1-2), class-compressed, at any size.

Users identical in ``(n, rho, a)`` are exchangeable, so the Shapley sums run over count
vectors of classes instead of ``2^N`` subsets; users at the level that shares nothing are null
players (value 0, and leaving them out changes nobody else's value), so only the *active*
classes enter the count vectors. The method is chosen by a documented rule:

* ``exact`` (:mod:`analytic.classes`, SymPy): on request, small populations;
* ``class-sum`` (:mod:`numeric.classes`, floats): while the count grid over active classes has
  at most :data:`numeric.classes.MAX_GRID` points (``N = 10^4`` in three classes with one at
  level 0 fits);
* ``multilinear`` (:mod:`numeric.multilinear`): beyond, when every active class has at least
  :data:`LARGE_CLASS` members, the multilinear extension with adaptive quadrature in ``t`` and
  exact or expanded expectations over the class counts (deterministic; error estimate);
* ``sampling`` (:mod:`numeric.sampling`): otherwise, stratified Monte Carlo over the same
  integral (seeded; the error bar is a standard error).

Every estimate carries an error bar and is projected to be exactly efficient.

Efficiency (values sum to ``U``, or ``alpha U``) is checked on every result.

Examples
--------
>>> from proofs_check.scenarios import load
>>> res = compute_values(load("fig5a-heterogeneous"))
>>> len(res.classes), len(res.users), abs(sum(u.value for u in res.users) - res.total_utility) < 1e-9
(5, 10, True)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from math import prod
from typing import Any

import numpy as np

from analytic import classes as exact_classes
from analytic import dp_mean as exact_dp
from analytic import federated as exact_fl
from analytic.exact import format_exact, to_float
from numeric import classes as float_classes
from numeric import dp_mean as float_dp
from numeric import federated as float_fl
from numeric.multilinear import multilinear_values
from numeric.sampling import stratified_values
from proofs_check.scenarios import Scenario, UserSpec

__all__ = ["LARGE_CLASS", "METHODS", "ClassResult", "ScenarioValues", "compute_values"]

#: Methods of :func:`compute_values` ("auto" applies the rule of the module docstring).
METHODS = ("auto", "exact", "class-sum", "multilinear", "sampling")
#: Smallest active class for the deterministic multilinear estimator (below: sampling).
LARGE_CLASS = 2000


@dataclass(frozen=True)
class ClassResult:
    """One class (or one user) with its EMSE (fl-mean only) and fair value."""

    spec: UserSpec
    emse: float | None
    value: float
    value_exact: str | None = None
    error: float = 0.0


@dataclass(frozen=True)
class ScenarioValues:
    """Fair values of a scenario.

    Attributes
    ----------
    total_utility
        ``U(rho)`` of the whole population.
    platform
        Theorem 1: the platform's value ``phi_p``; Theorem 2: what it keeps, ``(1 - alpha) U``.
    classes
        Per class (merged counts, first-appearance order).
    user_class
        The class of each user (input order, counts expanded); :attr:`users` expands the rows.
    efficiency_gap
        ``|sum of values - target|`` with target ``U`` (Theorem 1, platform included) or
        ``alpha U`` (Theorem 2): checked on every result.
    """

    scenario: Scenario
    total_utility: float
    platform: float
    classes: tuple[ClassResult, ...]
    user_class: tuple[int, ...]
    efficiency_gap: float
    method: str
    total_exact: str | None = None
    platform_exact: str | None = None
    platform_error: float = 0.0

    @property
    def users(self) -> tuple[ClassResult, ...]:
        """One row per user in input order (counts expanded)."""
        singles = [
            UserSpec(n=u.n, rho=u.rho, a=u.a, cost=u.cost, count=1) for u in self.scenario.users for _ in range(u.count)
        ]
        return tuple(replace(self.classes[t], spec=spec) for t, spec in zip(self.user_class, singles, strict=True))


def compute_values(
    scenario: Scenario,
    *,
    exact: bool = False,
    method: str = "auto",
    progress: Callable[[int], None] | None = None,
    seed: int = 0,
) -> ScenarioValues:
    """Fair values of every class and user of ``scenario``.

    Parameters
    ----------
    scenario
        A parsed scenario; every user needs a ``rho``.
    exact
        Use exact arithmetic (SymPy; small populations); same as ``method="exact"``.
    method
        ``"auto"`` (the rule in the module docstring), ``"exact"``, ``"class-sum"``,
        ``"multilinear"`` or ``"sampling"``.
    progress
        Callback for long computations (the multilinear estimator's evaluations).
    seed
        Seed of the stratified sampler (``sampling`` method).

    Raises
    ------
    ValueError
        If a user has no ``rho``, the method is unknown, or ``class-sum`` is asked beyond its
        limit.
    ArithmeticError
        If efficiency fails beyond the error estimates (never expected).
    """
    missing = [k for k, u in enumerate(scenario.users) if u.rho is None]
    if missing:
        raise ValueError(f"users[{missing[0]}].rho is missing: fair values need every user's privacy level")
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    if exact:
        method = "exact"
    merged = scenario.classes()
    specs = [spec for spec, _ in merged]
    counts = tuple(spec.count for spec in specs)
    theorem1 = scenario.fairness.kind == "platform"
    alpha = scenario.fairness.alpha
    active = [t for t, spec in enumerate(specs) if spec.rho != 0]
    grid = prod(counts[t] + 1 for t in active) if active else 1
    if method == "auto":
        if grid <= float_classes.MAX_GRID:
            method = "class-sum"
        else:
            method = "multilinear" if min(counts[t] for t in active) >= LARGE_CLASS else "sampling"
    errors = [0.0] * len(specs)
    values = [0.0] * len(specs)
    exact_values: list[str | None] = [None] * len(specs)
    total_exact = platform_exact = None
    platform_error = 0.0
    if method == "exact":
        v_full = _exact_class_utility(scenario, specs, counts)
        v = _embed_exact(v_full, active, len(specs))
        sub = tuple(counts[t] for t in active) or (1,)
        if not active:
            fv_total = v_full(tuple(0 for _ in specs))
            total, platform = to_float(fv_total), to_float(fv_total if theorem1 else (1 - alpha) * fv_total)
            total_exact = format_exact(fv_total)
            platform_exact = format_exact(fv_total if theorem1 else (1 - alpha) * fv_total)
            exact_values = ["0" for _ in specs]
        else:
            fv = (
                exact_classes.class_platform_values(v, sub)
                if theorem1
                else exact_classes.class_user_values(v, sub, alpha)
            )
            for t, x in zip(active, fv.classes, strict=True):
                values[t], exact_values[t] = to_float(x), format_exact(x)
            exact_values = [x if x is not None else "0" for x in exact_values]
            total = to_float(fv.utility)
            platform = to_float(fv.platform) if theorem1 else to_float((1 - alpha) * fv.utility)
            total_exact = format_exact(fv.utility)
            platform_exact = format_exact(fv.platform if theorem1 else (1 - alpha) * fv.utility)
        label = "exact class-compressed Shapley sums (SymPy)"
    else:
        v_full = _float_class_utility(scenario, specs, counts, strict=method != "multilinear")
        v = _embed_float(v_full, active, len(specs))
        sub = tuple(counts[t] for t in active)
        a = to_float(alpha)
        if not active:
            total = float(v_full(np.zeros((1, len(specs))))[0])
            platform = total if theorem1 else (1 - a) * total
            label = "no user shares: every value is 0"
        elif method == "class-sum":
            fv = float_classes.class_platform_values(v, sub) if theorem1 else float_classes.class_user_values(v, sub, a)
            for t, x in zip(active, fv.classes, strict=True):
                values[t] = float(x)
            total = float(fv.utility)
            platform = float(fv.platform) if theorem1 else (1 - a) * total
            label = "class-compressed Shapley sums (floats)"
        else:
            if method == "multilinear":
                est = multilinear_values(v, sub, theorem=1 if theorem1 else 2, alpha=a, progress=progress)
            else:
                est = stratified_values(v, sub, theorem=1 if theorem1 else 2, alpha=a, seed=seed)
            for t, x, e in zip(active, est.classes, est.errors, strict=True):
                values[t], errors[t] = x, e
            total = est.utility
            platform = float(est.platform) if theorem1 else (1 - a) * total
            platform_error = float(est.platform_error or 0.0)
            budget = sum(counts[t] * errors[t] for t in active) + platform_error
            if est.efficiency_gap > 10 * budget + 1e-9 * max(1.0, abs(total)):
                raise ArithmeticError(
                    f"the estimates' efficiency gap {est.efficiency_gap:.3g} exceeds their error estimates "
                    f"({budget:.3g})"
                )
            kind = (
                "multilinear extension + adaptive quadrature (error: estimate)"
                if method == "multilinear"
                else f"stratified Monte Carlo, seed {seed} (error: standard error)"
            )
            label = (
                f"{kind}; {est.evaluations} utility evaluations; raw efficiency gap {est.efficiency_gap:.2e}, "
                "projected to exact efficiency"
            )
    emse = _class_emse(scenario, specs, counts)
    paid = sum(k * x for k, x in zip(counts, values, strict=True)) + (platform if theorem1 else 0.0)
    target = total if theorem1 else to_float(alpha) * total
    gap = abs(paid - target)
    if gap > 1e-8 * max(1.0, abs(target)):
        raise ArithmeticError(f"efficiency fails: values sum to {paid}, expected {target}")
    class_rows = tuple(
        ClassResult(spec=spec, emse=e, value=x, value_exact=xe, error=err)
        for spec, e, x, xe, err in zip(specs, emse, values, exact_values, errors, strict=True)
    )
    where = {}
    for t, (_, indices) in enumerate(merged):
        for k in indices:
            where[k] = t
    user_class = tuple(where[k] for k, u in enumerate(scenario.users) for _ in range(u.count))
    return ScenarioValues(
        scenario=scenario,
        total_utility=total,
        platform=platform,
        classes=class_rows,
        user_class=user_class,
        efficiency_gap=gap,
        method=label,
        total_exact=total_exact,
        platform_exact=platform_exact,
        platform_error=platform_error,
    )


def _embed_exact(v_full: Any, active: list[int], n_classes: int) -> Any:
    def v(m: Sequence[int]) -> Any:
        full = [0] * n_classes
        for t, x in zip(active, m, strict=True):
            full[t] = int(x)
        return v_full(tuple(full))

    return v


def _embed_float(v_full: Any, active: list[int], n_classes: int) -> Any:
    def v(m: np.ndarray) -> np.ndarray:
        grid = np.atleast_2d(np.asarray(m, dtype=float))
        full = np.zeros((grid.shape[0], n_classes))
        full[:, active] = grid
        return v_full(full)

    return v


def _float_class_utility(
    scenario: Scenario, specs: list[UserSpec], counts: tuple[int, ...], *, strict: bool = True
) -> Any:
    """The model's float class utility (``strict=False``: real counts, for the estimator)."""
    if scenario.model.kind == "fl-mean":
        return float_fl.class_utility(
            [s.n for s in specs],
            [int(s.rho) for s in specs],
            [to_float(s.a) for s in specs],
            counts,
            s2=to_float(scenario.model.s2),
            r2=to_float(scenario.model.r2),
            strict=strict,
        )
    _same_importance(specs)
    return float_dp.class_utility([to_float(s.rho) for s in specs], counts)


def _exact_class_utility(scenario: Scenario, specs: list[UserSpec], counts: tuple[int, ...]) -> Any:
    if scenario.model.kind == "fl-mean":
        model = exact_fl.FederatedModel(s2=scenario.model.s2, r2=scenario.model.r2)
        cls = [exact_fl.UserClass(n=s.n, level=int(s.rho), count=k, a=s.a) for s, k in zip(specs, counts, strict=True)]
        return exact_fl.class_utility(cls, model)
    _same_importance(specs)
    return exact_dp.class_utility([s.rho for s in specs], counts)


def _same_importance(specs: list[UserSpec]) -> None:
    if any(s.a != 1 for s in specs):
        raise ValueError("importance weights a apply to kind = 'fl-mean' only (the DP utility has no per-user weights)")


def _class_emse(scenario: Scenario, specs: list[UserSpec], counts: tuple[int, ...]) -> list[float | None]:
    """EMSE of one member of each class at the full profile (fl-mean), else ``None``."""
    if scenario.model.kind != "fl-mean":
        return [None] * len(specs)
    n = np.repeat([s.n for s in specs], counts)
    levels = np.repeat([int(s.rho) for s in specs], counts)
    values = float_fl.emse(levels[None, :], n, s2=to_float(scenario.model.s2), r2=to_float(scenario.model.r2))[0]
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    return [float(values[i]) for i in first]
