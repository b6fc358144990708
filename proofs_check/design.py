"""Mechanism design for a scenario (Section 4.2, eq. 19): types, the game and per-user results.

A design scenario lists users with a sensitivity per level (``cost``) and no fixed ``rho``:
the levels are what the game decides. Users identical in ``(n, a, cost)`` form a type.

Examples
--------
>>> from proofs_check.scenarios import parse
>>> sc = parse({"model": {"kind": "fl-mean", "s2": 1, "r2": 1},
...             "users": [{"n": 10, "cost": [0, 0.5, 2], "count": 2}]})
>>> res = design_scenario(sc)
>>> round(res.result.alpha, 6), res.levels
(0.133054, (1, 0))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from analytic.exact import to_float
from numeric.privacy_game import DesignResult, PlayerType, PrivacyGame
from proofs_check.scenarios import Scenario

__all__ = ["ScenarioDesign", "design_scenario", "scenario_game"]


@dataclass(frozen=True)
class ScenarioDesign:
    """The optimum of eq. 19 for a scenario, mapped back to the users in input order.

    ``levels[i]`` and ``payments[i]`` are user ``i``'s level and payment ``alpha phi_i``; within a
    type users are interchangeable and the first listed take the higher levels.
    """

    game: PrivacyGame
    result: DesignResult
    type_of_user: tuple[int, ...]
    levels: tuple[int, ...]
    payments: tuple[float, ...]


def scenario_game(
    scenario: Scenario, progress: Callable[[int, int], None] | None = None
) -> tuple[PrivacyGame, tuple[int, ...]]:
    """The game of a design scenario and the type of each user (input order, counts expanded).

    Raises
    ------
    ValueError
        If a user has a fixed ``rho`` (design chooses the levels) or the model is unusable.
    """
    fixed = [k for k, u in enumerate(scenario.users) if u.rho is not None]
    if fixed:
        raise ValueError(f"users[{fixed[0]}].rho is fixed: a design scenario gives costs, the game chooses the levels")
    keys: dict[tuple[object, ...], int] = {}
    types: list[PlayerType] = []
    counts: list[int] = []
    of_user: list[int] = []
    for u in scenario.users:
        key = (u.n, u.a, u.cost)
        if key not in keys:
            keys[key] = len(types)
            types.append(PlayerType(count=1, cost=tuple(to_float(c) for c in u.cost), n=u.n, a=to_float(u.a)))
            counts.append(0)
        t = keys[key]
        counts[t] += u.count
        of_user += [t] * u.count
    types = [PlayerType(count=k, cost=p.cost, n=p.n, a=p.a) for p, k in zip(types, counts, strict=True)]
    if scenario.model.kind == "fl-mean":
        game = PrivacyGame.federated(
            types, s2=to_float(scenario.model.s2), r2=to_float(scenario.model.r2), progress=progress
        )
    else:
        if any(t.a != 1 for t in types):
            raise ValueError("importance weights a apply to kind = 'fl-mean' only")
        game = PrivacyGame.dp(types, [to_float(x) for x in scenario.model.levels], progress=progress)
    return game, tuple(of_user)


def design_scenario(
    scenario: Scenario, *, pessimistic: bool = False, progress: Callable[[int, int], None] | None = None
) -> ScenarioDesign:
    """Solve eq. 19 exactly for a scenario (see :meth:`numeric.privacy_game.PrivacyGame.design`)."""
    game, of_user = scenario_game(scenario, progress)
    result = game.design(pessimistic=pessimistic)
    remaining = result.profile.copy()
    levels, payments = [], []
    for t in of_user:
        level = int(np.max(np.flatnonzero(remaining[t] > 0)))
        remaining[t, level] -= 1
        levels.append(level)
        payments.append(float(result.payments[t, level]))
    return ScenarioDesign(
        game=game, result=result, type_of_user=of_user, levels=tuple(levels), payments=tuple(payments)
    )
