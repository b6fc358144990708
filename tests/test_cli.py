"""The command-line contract: commands, JSON keys, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import sympy

from proofs_check.cli import main


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "proofs_check", *args], capture_output=True, text=True, check=False)


def test_dp_utility_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dp-utility", "--profile", "1,2", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["profile"] == ["1", "2"]
    assert sympy.sympify(doc["risk"]) == sympy.Rational(17, 258)
    assert abs(doc["utility_float"] - float(sympy.sympify(doc["utility"]))) < 1e-15


def test_dp_utility_heterogeneous_many_users(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dp-utility", "--profile", "0,1/2,3,oo,oo", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert len(doc["weights"]) == 5 and doc["weights"][0] == "0"


def test_fair_values_platform_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["fair-values", "--model", "dp", "--users", "2", "--levels", "0,oo", "--fairness", "platform", "--json"])
        == 0
    )
    doc = json.loads(capsys.readouterr().out)
    assert doc["levels"] == ["0", "oo"]
    assert doc["utility"] == [["0", "2/3"], ["2/3", "1"]]
    assert doc["platform"] == [["0", "1/3"], ["1/3", "5/9"]]
    assert doc["users"][0] == [["0", "0"], ["1/3", "2/9"]]  # row = user 1's level (eq. 10)


def test_fair_values_users_alpha(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fair-values", "--users", "2", "--fairness", "users", "--alpha", "1/2", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert "platform" not in doc
    assert doc["users"][1] == [["0", "1/3"], ["0", "1/4"]]


def test_fair_values_three_users_three_levels(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fair-values", "--users", "3", "--levels", "0,1,oo", "--fairness", "platform", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    total = sum(sympy.sympify(doc["users"][i][2][1][0]) for i in range(3)) + sympy.sympify(doc["platform"][2][1][0])
    assert total == sympy.sympify(doc["utility"][2][1][0])


def test_fair_values_at_profile(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fair-values", "--profile", "1,2,oo", "--fairness", "users", "--alpha", "1", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert sum(sympy.sympify(x) for x in doc["users"]) == sympy.sympify(doc["utility"])


def test_terminal_outputs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fair-values", "--users", "2", "--fairness", "platform"]) == 0
    assert "5/9" in capsys.readouterr().out
    assert main(["dp-utility", "--profile", "0,oo"]) == 0
    assert "2/3" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["dp-utility", "--profile", "1,-2"], "-2"),
        (["dp-utility", "--profile", "1,,2"], "malformed"),
        (["dp-utility", "--profile", "a,b"], "'a'"),
        (["fair-values", "--users", "2", "--levels", "0,7,x"], "'x'"),
        (["fair-values", "--users", "2", "--levels", "1,oo"], "must contain 0"),
        (["fair-values", "--users", "9"], "too large"),
        (["fair-values", "--users", "2", "--alpha", "3/2"], "3/2"),
        (["fair-values", "--users", "2", "--fairness", "platform", "--alpha", "1/2"], "--alpha"),
        (["fair-values", "--users", "0"], ">= 1"),
        (["verify", "--only", "no-such-claim"], "no-such-claim"),
        (["no-such-command"], "invalid choice"),
        (["dp-utility"], "--profile"),
    ],
)
def test_bad_input_one_line_exit_2(args: list[str], needle: str) -> None:
    proc = run(*args)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert needle in lines[0]
    assert "Traceback" not in proc.stderr


def test_verify_json_and_out(tmp_path: Path) -> None:
    proc = run("verify", "--json", "--out", str(tmp_path), "--only", "eq10", "eq11")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert [c["id"] for c in doc["claims"]] == ["eq10", "eq11"]
    assert doc["summary"]["erratum"] == 1
    for name in (
        "claims.json",
        "claims.md",
        "tables/eq10_utility.md",
        "tables/eq10_utility.tex",
        "tables/eq10_utility.csv",
    ):
        assert (tmp_path / name).exists(), name


def test_verify_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "--only", "eq11"]) == 0
    out = capsys.readouterr().out
    assert "erratum" in out and "Corrected statement" in out


def test_console_script_is_declared() -> None:
    import tomllib

    meta = tomllib.loads(Path(__file__).resolve().parents[1].joinpath("pyproject.toml").read_text())
    assert meta["project"]["scripts"]["fairdata"] == "proofs_check.cli:main"


def test_regimes_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["regimes", "--users", "2", "--c", "1/2", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    for key in ("users", "gamma", "gamma_max", "gamma_min", "c_th", "alpha_star", "at"):
        assert key in doc
    assert (doc["c_th"], doc["gamma_max"], doc["gamma_min"]) == ("1/3", "2/3", "1/2")
    at = doc["at"]
    assert at["regime"] == 2 and at["alpha_exact"] == "6/7" and abs(at["alpha"] - 6 / 7) < 1e-15
    assert set(at) >= {"c", "regime", "alpha", "alpha_exact", "p", "platform", "expected_utility", "payment_per_user"}
    assert "opposite order" in doc["legend"]


def test_regimes_large_n_and_finite_eps(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["regimes", "--users", "7", "--c", "1/10", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["c_th"] == "1/28" and doc["at"]["regime"] == 2
    assert main(["regimes", "--users", "2", "--eps", "1", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["alpha_star"] is None and doc["assumptions"]["diminishing_returns"] is False


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["regimes", "--users", "1"], ">= 2"),
        (["regimes", "--users", "2", "--c=-1/2"], "-1/2"),
        (["regimes", "--users", "2", "--c", "-1"], "-1"),
        (["regimes", "--users", "2", "--c", "abc"], "abc"),
        (["regimes", "--users", "2", "--eps", "0"], "eps"),
        (["figures", "--only", "fig99"], "fig99"),
    ],
)
def test_section5_bad_input(args: list[str], needle: str) -> None:
    proc = run(*args)
    assert proc.returncode == 2 and needle in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_figures_fig8(tmp_path: Path) -> None:
    proc = run("figures", "--out", str(tmp_path), "--only", "fig8", "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "fig8.png").stat().st_size > 20_000


def test_two_group_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["two-group", "--c1", "1/2", "--c2", "2/5", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    for key in ("alpha", "alpha_exact", "platform", "platform_exact", "share_probability", "payment", "equilibria"):
        assert key in doc
    assert doc["alpha_exact"] == "3/5" and doc["share_probability"] == [0.0, 1.0] and doc["platform_exact"] == "4/15"
    assert main(["two-group", "--c1", "1/2", "--c2", "1/2", "--alpha", "9/10", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert len(doc["equilibria"]) == 3 and doc["behaviour"] == ["anti", "anti"]


def test_two_group_pessimistic_supremum(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["two-group", "--c1", "1/5", "--c2", "1/4", "--pessimistic", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["attained"] is False and "supremum" in doc["note"]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["two-group", "--c1=-1", "--c2", "0"], "c1"),
        (["two-group", "--c1", "1", "--c2", "0", "--alpha", "2"], "alpha"),
        (["two-group", "--c1", "1", "--c2", "0", "--utility", "1,2"], "2x2"),
        (["figures", "--only", "fig9", "--grid", "1"], "grid"),
    ],
)
def test_two_group_bad_input(args: list[str], needle: str) -> None:
    proc = run(*args)
    assert proc.returncode == 2 and needle in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_figures_fig9_small_grid(tmp_path: Path) -> None:
    proc = run("figures", "--out", str(tmp_path), "--only", "fig9", "--grid", "21", "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "fig9.png").stat().st_size > 20_000
