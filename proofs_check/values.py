"""Fair values of a scenario's population (Theorems 1-2), class-compressed.

Users identical in ``(n, rho, a)`` are exchangeable, so the Shapley sums run over count
vectors of classes (:mod:`numeric.classes`, or :mod:`analytic.classes` with ``exact=True``)
instead of ``2^N`` subsets. The class utility is the model's (:func:`numeric.federated.class_utility`,
:func:`numeric.dp_mean.class_utility`).

Examples
--------
>>> from proofs_check.scenarios import load
>>> res = compute_values(load("fig5a-heterogeneous"))
>>> len(res.classes), len(res.users), abs(sum(u.value for u in res.users) - res.total_utility) < 1e-9
(5, 10, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from analytic import classes as exact_classes
from analytic import dp_mean as exact_dp
from analytic import federated as exact_fl
from analytic.exact import format_exact, to_float
from numeric import classes as float_classes
from numeric import dp_mean as float_dp
from numeric import federated as float_fl
from proofs_check.scenarios import Scenario, UserSpec

__all__ = ["ClassResult", "ScenarioValues", "compute_values"]


@dataclass(frozen=True)
class ClassResult:
    """One class (or one user) with its EMSE (fl-mean only) and fair value."""

    spec: UserSpec
    emse: float | None
    value: float
    value_exact: str | None = None


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
    users
        Per user in input order, counts expanded.
    efficiency_gap
        ``|sum of values - target|`` with target ``U`` (Theorem 1, platform included) or
        ``alpha U`` (Theorem 2): checked on every result.
    """

    scenario: Scenario
    total_utility: float
    platform: float
    classes: tuple[ClassResult, ...]
    users: tuple[ClassResult, ...]
    efficiency_gap: float
    method: str
    total_exact: str | None = None
    platform_exact: str | None = None


def compute_values(scenario: Scenario, *, exact: bool = False) -> ScenarioValues:
    """Fair values of every class and user of ``scenario``.

    Parameters
    ----------
    scenario
        A parsed scenario; every user needs a ``rho``.
    exact
        Use exact arithmetic (SymPy; small populations) instead of floats.

    Raises
    ------
    ValueError
        If a user has no ``rho``, or the efficiency check fails (never expected).
    """
    missing = [k for k, u in enumerate(scenario.users) if u.rho is None]
    if missing:
        raise ValueError(f"users[{missing[0]}].rho is missing: fair values need every user's privacy level")
    merged = scenario.classes()
    specs = [spec for spec, _ in merged]
    counts = tuple(spec.count for spec in specs)
    theorem1 = scenario.fairness.kind == "platform"
    alpha = scenario.fairness.alpha
    if exact:
        v = _exact_class_utility(scenario, specs, counts)
        fv = (
            exact_classes.class_platform_values(v, counts)
            if theorem1
            else exact_classes.class_user_values(v, counts, alpha)
        )
        values = [to_float(x) for x in fv.classes]
        exact_values: list[str | None] = [format_exact(x) for x in fv.classes]
        total = to_float(fv.utility)
        platform = to_float(fv.platform) if theorem1 else to_float((1 - alpha) * fv.utility)
        total_exact = format_exact(fv.utility)
        platform_exact = format_exact(fv.platform if theorem1 else (1 - alpha) * fv.utility)
        method = "exact class-compressed Shapley sums (SymPy)"
    else:
        v = _float_class_utility(scenario, specs, counts)
        a = to_float(alpha)
        fv = (
            float_classes.class_platform_values(v, counts)
            if theorem1
            else float_classes.class_user_values(v, counts, a)
        )
        values = [float(x) for x in fv.classes]
        exact_values = [None] * len(values)
        total = float(fv.utility)
        platform = float(fv.platform) if theorem1 else (1 - a) * total
        total_exact = platform_exact = None
        method = "class-compressed Shapley sums (floats)"
    emse = _class_emse(scenario, specs, counts)
    paid = sum(k * x for k, x in zip(counts, values, strict=True)) + (platform if theorem1 else 0.0)
    target = total if theorem1 else to_float(alpha) * total
    gap = abs(paid - target)
    if gap > 1e-8 * max(1.0, abs(target)):
        raise ArithmeticError(f"efficiency fails: values sum to {paid}, expected {target}")
    class_rows = tuple(
        ClassResult(spec=spec, emse=e, value=x, value_exact=xe)
        for spec, e, x, xe in zip(specs, emse, values, exact_values, strict=True)
    )
    where = {}
    for t, (_, indices) in enumerate(merged):
        for k in indices:
            where[k] = t
    user_rows = tuple(
        ClassResult(
            spec=sub,
            emse=class_rows[where[k]].emse,
            value=class_rows[where[k]].value,
            value_exact=class_rows[where[k]].value_exact,
        )
        for k, u in enumerate(scenario.users)
        for sub in [UserSpec(n=u.n, rho=u.rho, a=u.a, cost=u.cost, count=1)] * u.count
    )
    return ScenarioValues(
        scenario=scenario,
        total_utility=total,
        platform=platform,
        classes=class_rows,
        users=user_rows,
        efficiency_gap=gap,
        method=method,
        total_exact=total_exact,
        platform_exact=platform_exact,
    )


def _float_class_utility(scenario: Scenario, specs: list[UserSpec], counts: tuple[int, ...]) -> Any:
    if scenario.model.kind == "fl-mean":
        return float_fl.class_utility(
            [s.n for s in specs],
            [int(s.rho) for s in specs],
            [to_float(s.a) for s in specs],
            counts,
            s2=to_float(scenario.model.s2),
            r2=to_float(scenario.model.r2),
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
