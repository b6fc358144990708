"""The README stays true: two quick-start commands, a generated and current claim table."""

from __future__ import annotations

import re
from pathlib import Path

from proofs_check.registry import ClaimResult
from proofs_check.report import update_readme

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def _quick_start() -> list[str]:
    text = README.read_text()
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.*?)\n```", section, flags=re.S)


def test_quick_start_is_exactly_two_commands() -> None:
    commands = _quick_start()
    assert len(commands) == 2 and all("\n" not in c for c in commands)
    assert commands[0].endswith("-m proofs_check verify")
    assert commands[1].endswith("-m pytest") and ".[test]" in commands[1]


def test_ci_runs_the_readme_test_command() -> None:
    assert _quick_start()[1] in (ROOT / ".ci" / "run").read_text()


def test_claim_table_is_current(claim_results: dict[str, ClaimResult]) -> None:
    text = README.read_text()
    assert update_readme(text, list(claim_results.values())) == text, (
        "README claim table is stale: run `python -m proofs_check readme`"
    )
