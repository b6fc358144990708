"""Section 4.2: the potential game, exact equilibrium intervals, eq. 19 against brute force."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numeric import dp_mean as ndp
from numeric import federated as nfl
from numeric.fair_values import user_values
from numeric.privacy_game import (
    MAX_PROFILES,
    PlayerType,
    PrivacyGame,
    brute_force_equilibria,
    certify,
    class_profile,
    direct_values,
    grid_design,
)

# costs on a grid of 1/100: either equal or clearly apart (the brute force compares payoffs with tol 1e-9)
type_strategy = st.tuples(
    st.integers(1, 2),
    st.integers(1, 60),
    st.integers(0, 200).map(lambda x: x / 100),
    st.integers(0, 300).map(lambda x: x / 100),
)


def _game(spec: list, s2: float, r2: float) -> tuple[PrivacyGame, list[PlayerType]]:
    types = [PlayerType(count=k, n=n, cost=(0.0, c1, c1 + d)) for k, n, c1, d in spec]
    return PrivacyGame.federated(types, s2=s2, r2=r2), types


@settings(max_examples=12, deadline=None)
@given(
    st.lists(type_strategy, min_size=1, max_size=3),
    st.sampled_from([(0.1, 100.0), (1.0, 1.0), (100.0, 1.0)]),
    st.floats(0, 1),
)
def test_equilibria_match_brute_force(spec: list, model: tuple[float, float], alpha: float) -> None:
    game, types = _game(spec, *model)
    n = np.repeat([t.n for t in types], [t.count for t in types])
    costs = np.repeat(np.array([t.cost for t in types]), [t.count for t in types], axis=0)
    utility = nfl.utility_function(n, None, s2=model[0], r2=model[1])
    brute = {game.index_of(class_profile(types, p)) for p in brute_force_equilibria(utility, costs, alpha)}
    assert brute == set(game.equilibria(alpha).tolist())
    assert brute, "a finite potential game always has a pure equilibrium"


@settings(max_examples=15, deadline=None)
@given(st.lists(type_strategy, min_size=1, max_size=3), st.sampled_from([(0.1, 100.0), (100.0, 1.0)]))
def test_values_from_potential_equal_direct_values(spec: list, model: tuple[float, float]) -> None:
    game, _ = _game(spec, *model)
    for index in range(0, game.n_profiles, max(1, game.n_profiles // 7)):
        assert np.max(np.abs(game.values(index) - direct_values(game, index))) < 1e-9


def test_potential_difference_is_value_difference_individually() -> None:
    types = [PlayerType(count=2, n=5, cost=(0, 0.1, 0.3)), PlayerType(count=1, n=50, cost=(0, 0.2, 0.4))]
    game = PrivacyGame.federated(types, s2=1.0, r2=4.0)
    utility = nfl.utility_function([5, 5, 50], None, s2=1.0, r2=4.0)
    for before, after, mover in [((0, 1, 2), (2, 1, 2), 0), ((1, 1, 0), (1, 1, 1), 2), ((2, 2, 2), (2, 0, 2), 1)]:
        dphi = (
            user_values(utility, np.array(after, float)).users[mover]
            - user_values(utility, np.array(before, float)).users[mover]
        )
        dpot = (
            game.potential[game.index_of(class_profile(types, after))]
            - game.potential[game.index_of(class_profile(types, before))]
        )
        assert abs(dphi - dpot) < 1e-12


@settings(max_examples=8, deadline=None)
@given(st.lists(type_strategy, min_size=1, max_size=3), st.sampled_from([(0.1, 100.0), (100.0, 1.0)]))
def test_design_beats_every_grid_value_and_is_certified(spec: list, model: tuple[float, float]) -> None:
    game, _ = _game(spec, *model)
    for pessimistic in (False, True):
        res = game.design(pessimistic=pessimistic)
        _, value, _ = grid_design(game, np.linspace(0, 1, 41), pessimistic=pessimistic)
        assert res.platform >= value - 1e-9
        if res.attained:
            assert certify(game, game.index_of(res.profile), res.alpha)
    landscape = game.design().landscape
    assert landscape[0].lo == 0.0 and abs(landscape[-1].hi - 1.0) < 1e-15
    assert all(abs(a.hi - b.lo) < 1e-15 for a, b in itertools.pairwise(landscape))


def test_dp_model_game() -> None:
    types = [PlayerType(count=2, cost=(0, 0.05, 0.2)), PlayerType(count=1, cost=(0, 0.01, 0.02))]
    game = PrivacyGame.dp(types, [0.0, 1.0, np.inf])
    utility_per_user = lambda profiles: ndp.utility(np.where(profiles == 2, np.inf, profiles))  # noqa: E731
    costs = np.array([[0, 0.05, 0.2], [0, 0.05, 0.2], [0, 0.01, 0.02]])
    brute = {game.index_of(class_profile(types, p)) for p in brute_force_equilibria(utility_per_user, costs, 0.5)}
    assert brute == set(game.equilibria(0.5).tolist())


def test_size_limit_and_bad_types() -> None:
    with pytest.raises(ValueError, match="class profiles exceed"):
        PrivacyGame.federated([PlayerType(count=60, n=1, cost=(0, 1, 2))] * 3, s2=1.0, r2=1.0)
    assert MAX_PROFILES > 1_000_000
    with pytest.raises(ValueError, match="c\\(0\\) = 0"):
        PlayerType(count=1, cost=(0.5, 1.0))
    with pytest.raises(ValueError, match="count"):
        PlayerType(count=0, cost=(0, 1.0))
    with pytest.raises(ValueError, match="3 levels"):
        PrivacyGame.federated([PlayerType(count=1, cost=(0, 1.0))], s2=1.0, r2=1.0)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "proofs_check", *args], capture_output=True, text=True, check=False)


def test_design_cli_json(tmp_path: Path) -> None:
    path = tmp_path / "d.toml"
    path.write_text(
        '[model]\nkind = "fl-mean"\ns2 = 100\nr2 = 1\n[[users]]\nn = 100\ncost = [0, 0.2, 0.6]\ncount = 2\n'
        "[[users]]\nn = 10\ncost = [0, 0.05, 0.3]\ncount = 3\n[[users]]\nn = 10\ncost = [0, 1, 5]\n"
    )
    proc = run("design", str(path), "--json", "--landscape", "--quiet")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    for key in ("alpha", "platform", "total_utility", "profile", "payments", "equilibria_at_alpha"):
        assert key in doc
    assert len(doc["profile"]) == 6 and len(doc["payments"]) == 6
    assert abs(doc["platform"] - (1 - doc["alpha"]) * doc["total_utility"]) < 1e-9
    assert doc["landscape"][0]["alpha_from"] == 0.0
    pess = json.loads(run("design", str(path), "--json", "--pessimistic", "--quiet").stdout)
    assert pess["platform"] <= doc["platform"] + 1e-12


def test_design_builtin_and_errors() -> None:
    proc = run("design", "fig7b", "--json", "--quiet")
    doc = json.loads(proc.stdout)
    assert sorted(doc["profile"]).count(2) == 8
    bad = run("design", "fig5a-heterogeneous")
    assert bad.returncode == 2 and "rho is fixed" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1


def test_figures_fig6_fig7(tmp_path: Path) -> None:
    proc = run("figures", "--only", "fig6", "fig7", "--out", str(tmp_path), "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "fig6.png").exists() and (tmp_path / "fig7.png").exists()
