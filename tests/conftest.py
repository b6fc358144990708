"""Shared fixtures: the claim results are computed once per test session."""

from __future__ import annotations

import pytest
from hypothesis import settings

from proofs_check.registry import ClaimResult
from proofs_check.report import run_all

settings.register_profile("default", deadline=None, max_examples=30, derandomize=True)
settings.register_profile("thorough", deadline=None, max_examples=300)
settings.load_profile("default")


@pytest.fixture(scope="session")
def claim_results() -> dict[str, ClaimResult]:
    """Every registered claim, run once."""
    return {r.claim.id: r for r in run_all()}
