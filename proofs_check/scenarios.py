"""Scenarios: the user's way in (TOML files and built-in reconstructions), parsed in one place.

A scenario names a utility model, a fairness notion and a population::

    [model]
    kind = "fl-mean"        # or "dp-mean"
    s2 = 1.0                # fl-mean: Var(theta_i) >= 0
    r2 = 4.0                # fl-mean: E[sigma_i^2] > 0
    # levels = [0, 1, "oo"] dp-mean: the level set (for costs per level), default [0, "oo"]
    [fairness]
    kind = "users"          # "users" (Theorem 2) or "platform" (Theorem 1)
    alpha = 1.0             # Theorem 2's payment fraction in [0, 1]
    [[users]]
    n = 5                   # samples (fl-mean; ignored by dp-mean)
    rho = 2                 # privacy level: 0, 1, 2 (fl-mean) or eps >= 0 / "oo" (dp-mean)
    a = 1.0                 # importance weight (default 1)
    cost = [0, 0.1, 0.3]    # sensitivity per level (default zeros), cost[0] = 0
    count = 1               # this many identical users (default 1)

Every number is read exactly (``0.1`` means ``1/10``). Anything malformed raises a
:class:`ValueError` naming the key and the value, which the CLI prints as one line.

Built-in scenarios (``python -m proofs_check scenarios``) reconstruct the paper's Fig. 5; a
name can be given wherever a file is accepted.

Examples
--------
>>> sc = parse({"model": {"kind": "fl-mean", "s2": 1, "r2": 4}, "users": [{"n": 5, "rho": 2, "count": 3}]})
>>> sc.n_users, sc.users[0].rho, sc.fairness.kind
(3, 2, 'users')
>>> parse({"model": {"kind": "fl-mean", "s2": 1, "r2": 0}, "users": [{"n": 5, "rho": 2}]})
Traceback (most recent call last):
...
ValueError: model.r2 must be > 0, got 0
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import sympy

from analytic.exact import format_exact, parse_exact, parse_level, parse_unit_interval

__all__ = [
    "BUILTIN",
    "FairnessSpec",
    "ModelSpec",
    "Scenario",
    "UserSpec",
    "fig5_scenario",
    "load",
    "parse",
]

ModelKind = Literal["fl-mean", "dp-mean"]
FL_LEVELS = (sympy.Integer(0), sympy.Integer(1), sympy.Integer(2))


@dataclass(frozen=True)
class ModelSpec:
    """The utility model: ``fl-mean`` (Section 4, eq. 13-15) or ``dp-mean`` (Section 3.2)."""

    kind: ModelKind
    s2: sympy.Expr | None = None
    r2: sympy.Expr | None = None
    levels: tuple[sympy.Expr, ...] = FL_LEVELS

    def describe(self) -> str:
        """One line for reports."""
        if self.kind == "fl-mean":
            return f"fl-mean (s2 = {format_exact(self.s2)}, r2 = {format_exact(self.r2)})"
        return "dp-mean (levels " + ", ".join(format_exact(x) for x in self.levels) + ")"


@dataclass(frozen=True)
class FairnessSpec:
    """Theorem 2 (``users``, payment fraction ``alpha``) or Theorem 1 (``platform``)."""

    kind: Literal["users", "platform"] = "users"
    alpha: sympy.Expr = sympy.S.One


@dataclass(frozen=True)
class UserSpec:
    """A class of ``count`` identical users (``count = 1`` for a single user)."""

    n: int
    rho: sympy.Expr | None
    a: sympy.Expr
    cost: tuple[sympy.Expr, ...]
    count: int = 1

    @property
    def key(self) -> tuple[Any, ...]:
        """What makes users exchangeable for fair values: ``(n, rho, a)``."""
        return (self.n, self.rho, self.a)


@dataclass(frozen=True)
class Scenario:
    """A parsed scenario: model, fairness and users (in input order, classes not merged)."""

    model: ModelSpec
    fairness: FairnessSpec
    users: tuple[UserSpec, ...]
    name: str = "scenario"
    description: str = ""

    @property
    def n_users(self) -> int:
        """Total number of users (counts expanded)."""
        return sum(u.count for u in self.users)

    def classes(self) -> tuple[tuple[UserSpec, list[int]], ...]:
        """Users merged into exchangeable classes ``(n, rho, a)``, first-appearance order.

        Returns ``(class spec with the merged count, indices of its entries in users)``.
        """
        merged: dict[tuple[Any, ...], tuple[UserSpec, list[int]]] = {}
        for k, u in enumerate(self.users):
            if u.key in merged:
                spec, where = merged[u.key]
                merged[u.key] = (replace(spec, count=spec.count + u.count), [*where, k])
            else:
                merged[u.key] = (u, [k])
        return tuple(merged.values())

    def expanded(self) -> tuple[UserSpec, ...]:
        """One entry per user, counts expanded, input order."""
        return tuple(replace(u, count=1) for u in self.users for _ in range(u.count))


_TOP_KEYS = {"model", "fairness", "users", "name", "description"}
_MODEL_KEYS = {"kind", "s2", "r2", "levels"}
_FAIRNESS_KEYS = {"kind", "alpha"}
_USER_KEYS = {"n", "rho", "a", "cost", "count"}


def parse(data: Mapping[str, Any], *, source: str = "scenario") -> Scenario:
    """Validate a scenario given as a mapping (e.g. from ``tomllib``).

    Raises
    ------
    ValueError
        Unknown keys, missing fields, ``n < 1``, ``r2 <= 0``, ``s2 < 0``, a level outside the
        model, a negative cost or ``cost[0] != 0``, ``alpha`` outside ``[0, 1]``, an empty user
        list: the message names the key and the value.

    Examples
    --------
    >>> parse({"model": {"kind": "dp-mean"}, "users": [{"rho": "oo"}, {"rho": "1/2"}]}).users[1].rho
    1/2
    """
    _no_unknown(data, _TOP_KEYS, "the scenario")
    model = _model(_table(data, "model", required=True))
    fairness = _fairness(_table(data, "fairness", required=False))
    raw_users = data.get("users")
    if not isinstance(raw_users, list) or not raw_users:
        raise ValueError(f"{source}: 'users' must be a non-empty list of [[users]] tables, got {raw_users!r}")
    users = tuple(_user(u, k, model) for k, u in enumerate(raw_users))
    name = str(data.get("name", source))
    return Scenario(
        model=model, fairness=fairness, users=users, name=name, description=str(data.get("description", ""))
    )


def load(path_or_name: str | Path) -> Scenario:
    """A scenario from a TOML file, or a built-in one by name (see :data:`BUILTIN`).

    Raises
    ------
    ValueError
        If the file does not exist and is not a built-in name, is not valid TOML, or fails
        :func:`parse`.
    """
    text = str(path_or_name)
    if text in BUILTIN:
        return BUILTIN[text]
    path = Path(text)
    if not path.is_file():
        raise ValueError(f"{text!r} is neither a scenario file nor a built-in scenario ({', '.join(BUILTIN)})")
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: not valid TOML: {exc}") from exc
    return parse(data, source=str(path))


def _table(data: Mapping[str, Any], key: str, *, required: bool) -> Mapping[str, Any]:
    value = data.get(key)
    if value is None:
        if required:
            raise ValueError(f"the scenario needs a [{key}] table")
        return {}
    if not isinstance(value, Mapping):
        raise ValueError(f"[{key}] must be a table, got {value!r}")
    return value


def _no_unknown(table: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ValueError(f"unknown key(s) {', '.join(unknown)} in {where} (allowed: {', '.join(sorted(allowed))})")


def _number(value: Any, key: str) -> sympy.Expr:
    try:
        number = parse_exact(value, name=key)
    except TypeError as exc:
        raise ValueError(f"{key} must be a number, got {value!r}") from exc
    if not number.is_number or number.is_extended_real is not True:
        raise ValueError(f"{key} must be a real number, got {value!r}")
    return number


def _model(table: Mapping[str, Any]) -> ModelSpec:
    _no_unknown(table, _MODEL_KEYS, "[model]")
    kind = table.get("kind")
    if kind == "fl-mean":
        for key in ("s2", "r2"):
            if key not in table:
                raise ValueError(f"model.{key} is missing (required for kind = 'fl-mean')")
        s2, r2 = _number(table["s2"], "model.s2"), _number(table["r2"], "model.r2")
        if s2 < 0 or s2 is sympy.oo:
            raise ValueError(f"model.s2 must be >= 0 and finite, got {table['s2']!r}")
        if r2 <= 0 or r2 is sympy.oo:
            raise ValueError(f"model.r2 must be > 0, got {table['r2']!r}")
        if "levels" in table:
            raise ValueError("model.levels applies to kind = 'dp-mean' only (fl-mean has levels 0, 1, 2)")
        return ModelSpec(kind="fl-mean", s2=s2, r2=r2, levels=FL_LEVELS)
    if kind == "dp-mean":
        for key in ("s2", "r2"):
            if key in table:
                raise ValueError(f"model.{key} applies to kind = 'fl-mean' only")
        raw = table.get("levels", [0, "oo"])
        if not isinstance(raw, list) or not raw:
            raise ValueError(f"model.levels must be a non-empty list, got {raw!r}")
        levels = tuple(parse_level(x, name=f"model.levels entry {x!r}") for x in raw)
        if len(set(levels)) != len(levels) or levels[0] != 0:
            raise ValueError(f"model.levels must be distinct and start with 0, got {raw!r}")
        return ModelSpec(kind="dp-mean", levels=levels)
    raise ValueError(f"model.kind must be 'fl-mean' or 'dp-mean', got {kind!r}")


def _fairness(table: Mapping[str, Any]) -> FairnessSpec:
    _no_unknown(table, _FAIRNESS_KEYS, "[fairness]")
    kind = table.get("kind", "users")
    if kind not in ("users", "platform"):
        raise ValueError(f"fairness.kind must be 'users' or 'platform', got {kind!r}")
    if kind == "platform" and "alpha" in table:
        raise ValueError("fairness.alpha applies to kind = 'users' (Theorem 2) only")
    alpha = parse_unit_interval(table.get("alpha", 1), name="fairness.alpha")
    return FairnessSpec(kind=kind, alpha=alpha)


def _user(raw: Any, k: int, model: ModelSpec) -> UserSpec:
    where = f"users[{k}]"
    if not isinstance(raw, Mapping):
        raise ValueError(f"{where} must be a table, got {raw!r}")
    _no_unknown(raw, _USER_KEYS, where)
    if model.kind == "fl-mean":
        if "n" not in raw:
            raise ValueError(f"{where}.n is missing (samples, required for kind = 'fl-mean')")
        n = _integer(raw["n"], f"{where}.n", minimum=1)
    else:
        n = _integer(raw.get("n", 1), f"{where}.n", minimum=1)
    rho = None
    if "rho" in raw:
        rho = parse_level(raw["rho"], name=f"{where}.rho")
        if model.kind == "fl-mean" and rho not in FL_LEVELS:
            raise ValueError(f"{where}.rho must be 0, 1 or 2 for kind = 'fl-mean', got {raw['rho']!r}")
    a = _number(raw.get("a", 1), f"{where}.a")
    if a <= 0 or a is sympy.oo:
        raise ValueError(f"{where}.a must be > 0 and finite, got {raw.get('a')!r}")
    raw_cost = raw.get("cost", [0] * len(model.levels))
    if not isinstance(raw_cost, list) or len(raw_cost) != len(model.levels):
        raise ValueError(f"{where}.cost must list one cost per level ({len(model.levels)}), got {raw_cost!r}")
    cost = tuple(_number(c, f"{where}.cost") for c in raw_cost)
    if cost[0] != 0 or any(c < 0 for c in cost):
        raise ValueError(f"{where}.cost must be >= 0 with cost[0] = 0 (c_i(0) = 0), got {raw_cost!r}")
    count = _integer(raw.get("count", 1), f"{where}.count", minimum=1)
    return UserSpec(n=n, rho=rho, a=a, cost=cost, count=count)


def _integer(value: Any, key: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{key} must be an integer >= {minimum}, got {value!r}")
    return value


def fig5_scenario(name: str, s2: str, r2: str, n_small: int = 10, star: int | None = None) -> Scenario:
    """Fig. 5 reconstruction: 10 users, 5 at level 1, 4 at level 2, 1 at level 0.

    The paper gives the levels but not the data sizes beyond n = 100: here two users at each
    of levels 1 and 2 have n = 100 and the others ``n_small`` (default 10); the level-0 user
    has ``n_small``. ``star`` (an index) gets importance a = 100 (Fig. 5b).
    """
    rows = [
        (100, 2),
        (100, 2),
        (n_small, 2),
        (n_small, 2),
        (100, 1),
        (100, 1),
        (n_small, 1),
        (n_small, 1),
        (n_small, 1),
        (n_small, 0),
    ]
    users = [{"n": n, "rho": rho, **({"a": 100} if k == star else {})} for k, (n, rho) in enumerate(rows)]
    return parse(
        {
            "name": name,
            "description": f"Fig. 5 reconstruction: s2 = {s2}, r2 = {r2}, n in {{100, {n_small}}}"
            + (f", user {star + 1} with a = 100" if star is not None else ""),
            "model": {"kind": "fl-mean", "s2": s2, "r2": r2},
            "fairness": {"kind": "users", "alpha": 1},
            "users": users,
        },
        source=name,
    )


#: Reconstructed types for Figs. 6-7 (count, n, sensitivity c(0), c(1), c(2)): five sensitivity
#: functions for ten users, two of them with n = 100 (Fig. 7a's text). The paper gives none of
#: these numbers; the costs were found by a seeded random search (log-uniform costs) for values
#: under which the text's three descriptions hold, then rounded (see claims fig6 and fig7).
FIG7_TYPES = (
    (2, 100, ("0", "0.04", "2.8")),
    (2, 10, ("0", "0.9", "1.0")),
    (3, 10, ("0", "0.17", "3.4")),
    (2, 10, ("0", "0.02", "0.13")),
    (1, 10, ("0", "0.2", "8.0")),
)


def _fig7(name: str, s2: str, r2: str, description: str) -> Scenario:
    users = [{"n": n, "cost": list(cost), "count": count} for count, n, cost in FIG7_TYPES]
    return parse(
        {
            "name": name,
            "description": description,
            "model": {"kind": "fl-mean", "s2": s2, "r2": r2},
            "fairness": {"kind": "users", "alpha": 1},
            "users": users,
        },
        source=name,
    )


#: Fig. 5a's three heterogeneity regimes and Fig. 5b's four panels (star: a_i = 100).
FIG5_REGIMES = {"heterogeneous": ("100", "1"), "intermediate": ("1", "10"), "homogeneous": ("0.1", "100")}

BUILTIN: dict[str, Scenario] = {
    **{f"fig5a-{regime}": fig5_scenario(f"fig5a-{regime}", s2, r2) for regime, (s2, r2) in FIG5_REGIMES.items()},
    "fig5b-1": fig5_scenario("fig5b-1", "100", "1", star=0),
    "fig5b-2": fig5_scenario("fig5b-2", "0.1", "100", star=0),
    "fig5b-3": fig5_scenario("fig5b-3", "100", "1", star=6),
    "fig5b-4": fig5_scenario("fig5b-4", "0.1", "100", star=6),
    "fig7a": _fig7(
        "fig7a", "0.1", "100", "Figs. 6-7 reconstruction, homogeneous (s2 = 0.1, r2 = 100); design scenario"
    ),
    "fig7b": _fig7("fig7b", "100", "1", "Figs. 6-7 reconstruction, heterogeneous (s2 = 100, r2 = 1); design scenario"),
}
