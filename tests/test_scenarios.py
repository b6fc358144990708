"""Scenario files, the values command and class-compressed values against brute force."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytic.exact import to_float
from numeric import dp_mean as ndp
from numeric import fair_values as nfv
from numeric import federated as nfl
from proofs_check.scenarios import BUILTIN, load, parse
from proofs_check.values import compute_values

GOOD = """
[model]
kind = "fl-mean"
s2 = 1.0
r2 = 4.0
[fairness]
kind = "users"
alpha = 0.5
[[users]]
n = 5
rho = 2
count = 2
[[users]]
n = 3
rho = 1
a = 2.0
[[users]]
n = 5
rho = 2
[[users]]
n = 1
rho = 0
"""


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "proofs_check", *args], capture_output=True, text=True, check=False)


def test_values_file_json_keys_and_order(tmp_path: Path) -> None:
    path = tmp_path / "pop.toml"
    path.write_text(GOOD)
    proc = run("values", str(path), "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert {"total_utility", "platform", "classes", "users"} <= set(doc)
    assert [c["count"] for c in doc["classes"]] == [3, 1, 1]  # the two (5, 2) entries merge
    assert [(u["n"], u["rho"]) for u in doc["users"]] == [(5, "2"), (5, "2"), (3, "1"), (5, "2"), (1, "0")]
    for entry in doc["classes"]:
        assert {"n", "rho", "a", "count", "emse", "value"} <= set(entry)
    assert abs(sum(u["value"] for u in doc["users"]) - 0.5 * doc["total_utility"]) < 1e-9
    assert abs(doc["platform"] - 0.5 * doc["total_utility"]) < 1e-12
    summary = json.loads(run("values", str(path), "--json", "--summary").stdout)
    assert "users" not in summary


@settings(max_examples=20)
@given(
    st.lists(st.tuples(st.integers(1, 30), st.integers(0, 2), st.integers(1, 3)), min_size=1, max_size=4),
    st.sampled_from([(0.0, 1.0), (1.0, 4.0), (100.0, 1.0), (0.1, 100.0)]),
    st.sampled_from(["users", "platform"]),
)
def test_class_compressed_equals_brute_force(classes: list, model: tuple[float, float], fairness: str) -> None:
    users = [{"n": n, "rho": rho, "count": count} for n, rho, count in classes]
    if sum(u["count"] for u in users) > 10:
        users = users[:1]
    sc = parse(
        {"model": {"kind": "fl-mean", "s2": model[0], "r2": model[1]}, "fairness": {"kind": fairness}, "users": users}
    )
    res = compute_values(sc)
    expanded = sc.expanded()
    utility = nfl.utility_function([u.n for u in expanded], None, s2=model[0], r2=model[1])
    profile = [to_float(u.rho) for u in expanded]
    brute = nfv.platform_values(utility, profile) if fairness == "platform" else nfv.user_values(utility, profile)
    assert max(abs(a - r.value) for a, r in zip(brute.users, res.users, strict=True)) < 1e-9
    if fairness == "platform":
        assert abs(brute.platform - res.platform) < 1e-9


def test_dp_scenario_and_exact_mode() -> None:
    sc = parse({"model": {"kind": "dp-mean"}, "users": [{"rho": "oo", "count": 2}, {"rho": "1/2"}, {"rho": 0}]})
    fl = compute_values(sc)
    ex = compute_values(sc, exact=True)
    assert all(abs(a.value - b.value) < 1e-12 for a, b in zip(fl.users, ex.users, strict=True))
    brute = nfv.user_values(ndp.utility, [np.inf, np.inf, 0.5, 0.0]).users
    assert max(abs(a - r.value) for a, r in zip(brute, fl.users, strict=True)) < 1e-12
    assert ex.users[0].value_exact is not None and fl.users[0].emse is None


def test_builtin_scenarios_load_and_run() -> None:
    for name, scenario in BUILTIN.items():
        if any(u.rho is None for u in scenario.users):  # a design scenario: levels are the game's choice
            with pytest.raises(ValueError, match="rho is missing"):
                compute_values(load(name))
            continue
        res = compute_values(load(name))
        assert res.efficiency_gap < 1e-9 and len(res.users) == 10


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('[model]\nkind = "fl-mean"\ns2 = 1\nr2 = 0\n[[users]]\nn = 1\nrho = 2\n', "model.r2"),
        ('[model]\nkind = "fl-mean"\ns2 = -1\nr2 = 1\n[[users]]\nn = 1\nrho = 2\n', "model.s2"),
        ('[model]\nkind = "fl-mean"\ns2 = 1\nr2 = 1\n[[users]]\nn = 0\nrho = 2\n', "users[0].n"),
        ('[model]\nkind = "fl-mean"\ns2 = 1\nr2 = 1\n[[users]]\nn = 1\nrho = 3\n', "users[0].rho"),
        ('[model]\nkind = "fl-mean"\ns2 = 1\nr2 = 1\n[[users]]\nn = 1\nrho = 2\ncolour = 1\n', "colour"),
        ('[model]\nkind = "fl-mean"\ns2 = 1\nr2 = 1\n', "users"),
        ('[model]\nkind = "fl-mean"\nr2 = 1\n[[users]]\nn = 1\nrho = 2\n', "model.s2"),
        ('[model]\nkind = "quantum"\n[[users]]\nn = 1\n', "model.kind"),
        (
            '[model]\nkind = "fl-mean"\ns2 = 1\nr2 = 1\n[fairness]\nalpha = 2\n[[users]]\nn = 1\nrho = 2\n',
            "fairness.alpha",
        ),
        ('[model]\nkind = "fl-mean"\ns2 = 1\nr2 = 1\n[[users]]\nn = 1\n', "rho is missing"),
        ('[model]\nkind = "fl-mean"\ns2 = 1\nr2 = 1\n[[users]]\nn = 1\nrho = 2\ncost = [1, 2, 3]\n', "cost"),
        ("this is = not toml [", "TOML"),
    ],
)
def test_bad_scenarios_one_line_exit_2(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    proc = run("values", str(path))
    assert proc.returncode == 2, proc.stdout
    assert len(proc.stderr.strip().splitlines()) == 1 and needle in proc.stderr and "Traceback" not in proc.stderr


def test_unknown_scenario_name() -> None:
    proc = run("values", "no-such-scenario")
    assert proc.returncode == 2 and "built-in" in proc.stderr


def test_scenarios_listing_and_toml_round_trip(tmp_path: Path) -> None:
    listing = run("scenarios").stdout
    assert all(name in listing for name in BUILTIN)
    text = run("scenarios", "--toml", "fig5b-3").stdout
    path = tmp_path / "copy.toml"
    path.write_text(text)
    a, b = compute_values(load(str(path))), compute_values(load("fig5b-3"))
    assert max(abs(x.value - y.value) for x, y in zip(a.users, b.users, strict=True)) < 1e-12


def test_figures_fig5(tmp_path: Path) -> None:
    proc = run("figures", "--out", str(tmp_path), "--only", "fig5", "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "fig5a.png").exists() and (tmp_path / "fig5b.png").exists()
