"""Every registered claim runs, ends in a definite status, and carries evidence."""

from __future__ import annotations

import pytest

import proofs_check.claims  # noqa: F401  (registers the claims)
from proofs_check.registry import REGISTRY, Check, ClaimResult, Outcome, Status, decide

#: The statuses the derivations currently reach. A change here is a change of verdict on the
#: paper and must be deliberate (the evidence explains each one).
EXPECTED = {
    "thm1-axioms": Status.VERIFIED,
    "thm1-unique": Status.ERRATUM,
    "thm1-shapley": Status.VERIFIED,
    "thm2-axioms": Status.ERRATUM,
    "thm2-unique": Status.VERIFIED,
    "thm2-alpha": Status.VERIFIED,
    "eq10": Status.VERIFIED,
    "dp-finite": Status.VERIFIED,
    "dp-monotone": Status.VERIFIED,
    "dp-saturation": Status.VERIFIED,
    "eq11": Status.ERRATUM,
    "eq11-zero": Status.VERIFIED,
    "eq12": Status.ERRATUM,
}


@pytest.mark.parametrize("claim_id", list(REGISTRY))
def test_claim(claim_id: str, claim_results: dict[str, ClaimResult]) -> None:
    result = claim_results[claim_id]
    assert result.error is None, result.error
    assert result.status is not Status.FAILED, result.evidence
    assert result.outcome.checks, "a claim without checks proves nothing"
    if result.status is Status.ERRATUM:
        assert result.outcome.corrected, "an erratum needs the corrected statement"
    if claim_id in EXPECTED:
        assert result.status is EXPECTED[claim_id], result.evidence


def test_every_catalogued_section3_claim_is_registered() -> None:
    catalogue = {
        "thm1-axioms",
        "thm1-unique",
        "thm1-shapley",
        "thm2-axioms",
        "thm2-unique",
        "eq10",
        "dp-finite",
        "dp-monotone",
        "eq11",
        "eq11-zero",
        "eq12",
    }
    assert catalogue <= set(REGISTRY)


def test_new_claims_are_marked() -> None:
    for entry in REGISTRY.values():
        assert entry.new == entry.statement.startswith("(New)"), entry.id


def test_decision_rule() -> None:
    ok, bad = Check("printed", "p", True), Check("printed", "p", False)
    assert decide(Outcome(checks=(ok,))) is Status.VERIFIED
    assert decide(Outcome(checks=(bad,))) is Status.FAILED  # false and no correction
    assert decide(Outcome(checks=(bad, Check("corrected", "c", False)), corrected="c")) is Status.FAILED
    assert decide(Outcome(checks=(ok, Check("cross", "x", None)))) is Status.FAILED
    assert decide(Outcome(checks=(bad,), missing="sensitivity functions")) is Status.UNVERIFIABLE
    assert decide(Outcome(checks=(Check("printed", "u", None),))) is Status.FAILED


def test_crashing_claim_is_failed_with_cause() -> None:
    from proofs_check.registry import Claim, run_claim

    def boom() -> Outcome:
        raise ZeroDivisionError("no")

    result = run_claim(Claim(id="x", where="w", statement="s", function=boom, section="0"))
    assert result.status is Status.FAILED and "ZeroDivisionError" in result.evidence


def test_duplicate_ids_rejected() -> None:
    from proofs_check.registry import claim

    with pytest.raises(ValueError, match="twice"):
        claim("eq10", where="", statement="", section="3")(lambda: Outcome(checks=()))


def test_check_role_validated() -> None:
    with pytest.raises(ValueError, match="role"):
        Check("guess", "x", True)  # type: ignore[arg-type]
