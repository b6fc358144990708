"""The claim registry: one registered function per statement of the paper.

A claim is an id (the ids of ``../shared/spec/claims.md``), where it sits in the paper, the
statement as printed, and a function that derives it independently and cross-checks it a
second way. The function returns an :class:`Outcome`: a list of :class:`Check` results in
three roles,

* ``"printed"`` - the statement as printed, compared with the derivation;
* ``"cross"`` - the derivation compared with an independent method (NumPy, brute force,
  Monte Carlo, another algebraic route);
* ``"corrected"`` - for a statement that is false as printed, the corrected statement,
  itself checked;

and the status follows from them by one rule (:func:`decide`):

* any ``cross`` check fails -> ``failed`` (derivation and independent check disagree);
* the outcome names missing inputs -> ``unverifiable``;
* every ``printed`` check passes -> ``verified``;
* some ``printed`` check fails and every ``corrected`` check passes -> ``erratum``;
* otherwise -> ``failed``.

A claim function that raises is reported ``failed`` with the exception as evidence.

Examples
--------
>>> out = Outcome(checks=(Check("printed", "2 + 2 = 4", True, "exact"),
...                        Check("cross", "float agrees", True, "4.0")))
>>> decide(out)
<Status.VERIFIED: 'verified'>
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

__all__ = [
    "REGISTRY",
    "Check",
    "Claim",
    "ClaimResult",
    "Outcome",
    "Status",
    "Table",
    "claim",
    "decide",
    "run_claim",
    "select",
]


class Status(StrEnum):
    """The four verdicts a claim can end in."""

    VERIFIED = "verified"
    ERRATUM = "erratum"
    UNVERIFIABLE = "unverifiable"
    FAILED = "failed"


Role = Literal["printed", "cross", "corrected"]


@dataclass(frozen=True)
class Check:
    """One comparison inside a claim.

    Attributes
    ----------
    role
        ``"printed"``, ``"cross"`` or ``"corrected"`` (see the module docstring).
    name
        What is compared, in a few words.
    passed
        True / False, or None when the comparison could not be decided.
    detail
        The numbers or expressions that were compared.
    """

    role: Role
    name: str
    passed: bool | None
    detail: str = ""

    def __post_init__(self) -> None:
        if self.role not in ("printed", "cross", "corrected"):
            raise ValueError(f"unknown check role {self.role!r}")
        if self.passed is not None:  # accept numpy booleans, store a plain bool
            object.__setattr__(self, "passed", bool(self.passed))


@dataclass(frozen=True)
class Table:
    """An exact table a claim produces (written as Markdown, LaTeX and CSV by ``--out``).

    ``rows`` hold strings SymPy can parse (``"2/27"``, ``"oo"``) after the first (label)
    column; a descriptive table (``exact=False``) may hold prose instead.
    """

    name: str
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    exact: bool = True


@dataclass(frozen=True)
class Outcome:
    """What a claim function returns.

    Attributes
    ----------
    checks
        Every comparison made (see :class:`Check`).
    summary
        One paragraph a reader can follow: what was derived and what it showed.
    corrected
        For an erratum, the corrected statement (checked by the ``corrected`` checks).
    missing
        For an unverifiable claim, the inputs the paper does not give.
    tables
        Exact tables backing the claim.
    """

    checks: tuple[Check, ...]
    summary: str = ""
    corrected: str | None = None
    missing: str | None = None
    tables: tuple[Table, ...] = ()


@dataclass(frozen=True)
class Claim:
    """A registered statement of the paper (or a new finding, ``new=True``)."""

    id: str
    where: str
    statement: str
    function: Callable[[], Outcome]
    section: str
    new: bool = False


@dataclass(frozen=True)
class ClaimResult:
    """A claim together with its outcome, status and run time."""

    claim: Claim
    status: Status
    outcome: Outcome
    seconds: float
    error: str | None = None

    @property
    def evidence(self) -> str:
        """A readable account: the summary, each check, the correction if any."""
        lines = []
        if self.error:
            lines.append(f"the claim's code raised: {self.error}")
        if self.outcome.summary:
            lines.append(self.outcome.summary)
        for check in self.outcome.checks:
            mark = {True: "ok", False: "FAILS", None: "undecided"}[check.passed]
            detail = f": {check.detail}" if check.detail else ""
            lines.append(f"[{check.role} {mark}] {check.name}{detail}")
        if self.outcome.corrected:
            lines.append(f"Corrected statement: {self.outcome.corrected}")
        if self.outcome.missing:
            lines.append(f"Missing from the paper: {self.outcome.missing}")
        return "\n".join(lines)


#: Every registered claim, by id, in registration order.
REGISTRY: dict[str, Claim] = {}


def claim(
    claim_id: str, *, where: str, statement: str, section: str, new: bool = False
) -> Callable[[Callable[[], Outcome]], Callable[[], Outcome]]:
    """Register ``function`` as the check of claim ``claim_id``.

    Raises
    ------
    ValueError
        If the id is already registered (ids are stable interfaces).
    """

    def register(function: Callable[[], Outcome]) -> Callable[[], Outcome]:
        if claim_id in REGISTRY:
            raise ValueError(f"claim id {claim_id!r} is registered twice")
        REGISTRY[claim_id] = Claim(
            id=claim_id, where=where, statement=statement, function=function, section=section, new=new
        )
        return function

    return register


def decide(outcome: Outcome) -> Status:
    """The status an outcome earns (the rule in the module docstring).

    Examples
    --------
    >>> decide(Outcome(checks=(Check("printed", "x", False), Check("corrected", "y", True)),
    ...                corrected="y"))
    <Status.ERRATUM: 'erratum'>
    >>> decide(Outcome(checks=(Check("printed", "x", True), Check("cross", "z", False))))
    <Status.FAILED: 'failed'>
    """
    by_role: dict[str, list[bool | None]] = {"printed": [], "cross": [], "corrected": []}
    for check in outcome.checks:
        by_role[check.role].append(check.passed)
    if any(passed is not True for passed in by_role["cross"]):
        return Status.FAILED
    if outcome.missing:
        return Status.UNVERIFIABLE
    if by_role["printed"] and all(passed is True for passed in by_role["printed"]):
        return Status.VERIFIED
    if (
        any(passed is False for passed in by_role["printed"])
        and outcome.corrected
        and by_role["corrected"]
        and all(passed is True for passed in by_role["corrected"])
    ):
        return Status.ERRATUM
    return Status.FAILED


def run_claim(entry: Claim) -> ClaimResult:
    """Run one claim; an exception becomes a ``failed`` result that names it."""
    start = time.perf_counter()
    try:
        outcome = entry.function()
    except Exception as exc:  # a crashing claim is a failed claim, reported with its cause
        outcome = Outcome(checks=())
        return ClaimResult(
            claim=entry,
            status=Status.FAILED,
            outcome=outcome,
            seconds=time.perf_counter() - start,
            error=f"{type(exc).__name__}: {exc}",
        )
    return ClaimResult(claim=entry, status=decide(outcome), outcome=outcome, seconds=time.perf_counter() - start)


def select(ids: Iterable[str] | None = None) -> list[Claim]:
    """Registered claims, all or the given ids (in registry order).

    Raises
    ------
    ValueError
        If an id is not registered.
    """
    if ids is None:
        return list(REGISTRY.values())
    wanted = list(ids)
    unknown = [i for i in wanted if i not in REGISTRY]
    if unknown:
        raise ValueError(f"unknown claim id(s): {', '.join(unknown)}; known: {', '.join(REGISTRY)}")
    return [REGISTRY[i] for i in wanted]
