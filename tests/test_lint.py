"""Lint is part of the suite: ruff must be clean on the whole project."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_clean() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "check", str(ROOT)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_public_modules_declare_all() -> None:
    for package in ("analytic", "numeric", "proofs_check"):
        for path in (ROOT / package).glob("*.py"):
            if path.name.startswith("_") and path.name != "__init__.py":
                continue
            assert "__all__" in path.read_text(), f"{path} has no __all__"
