"""The fairness axioms of Section 3 as exact checks, and uniqueness by linear algebra.

Axioms A.i-A.iii (Theorem 1, the platform is a player) and B.i-B.iii (Theorem 2, fairness
among users) are statements about the coalition game ``v(S) = U(rho_S)`` at a profile. Each
check here returns ``True`` / ``False`` (exact) together with how many times the axiom's
premise actually applied, so that a test can tell "holds" from "held vacuously".

Uniqueness (:func:`unanimity_solutions`) follows the classic argument: by additivity a value
is determined by its values on the unanimity games ``u_T`` (every game is
``sum_T d_T u_T``, Harsanyi dividends); on one ``u_T`` the remaining axioms are linear
equations in the ``N + 1`` (or ``N``) unknown payoffs, whose solution space SymPy computes
from premises evaluated on the game itself (nothing is assumed about which players are
null or symmetric).

Examples
--------
>>> sol = unanimity_solutions(2, theorem=1)
>>> [s.dimension for s in sol]          # carriers {}, {1}, {2}, {1, 2}
[0, 1, 1, 1]
>>> [s.dimension for s in unanimity_solutions(2, theorem=1, platform_symmetric=True)]
[0, 0, 0, 0]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sympy

from analytic.exact import exact_equal
from analytic.shapley import (
    harsanyi_dividends,
    is_null_player,
    is_symmetric_pair,
    members,
    n_players,
    unanimity_game,
)

__all__ = [
    "AxiomCheck",
    "PlatformValueMap",
    "UnanimitySolution",
    "UserValueMap",
    "check_additivity",
    "check_efficiency",
    "check_null_player",
    "check_symmetry",
    "platform_game",
    "platform_takes_all",
    "unanimity_solutions",
    "values_from_unanimity",
]

#: ``(v, z) -> (phi_p, (phi_1, ..., phi_N))`` on the users' game ``v`` (Theorem 1 shape).
PlatformValueMap = Callable[[Sequence[sympy.Expr], int], tuple[sympy.Expr, tuple[sympy.Expr, ...]]]
#: ``v -> (phi_1, ..., phi_N)`` (Theorem 2 shape, alpha fixed by the caller).
UserValueMap = Callable[[Sequence[sympy.Expr]], tuple[sympy.Expr, ...]]


@dataclass(frozen=True)
class AxiomCheck:
    """Outcome of one axiom on one game.

    Attributes
    ----------
    holds
        True if the axiom's conclusion holds wherever its premise does.
    premises
        How many times the premise applied (0 means the check was vacuous).
    detail
        A readable account (the first violation, if any).
    """

    holds: bool
    premises: int
    detail: str


@dataclass(frozen=True)
class UnanimitySolution:
    """The payoffs the axioms allow on one unanimity game ``u_T``.

    Attributes
    ----------
    carrier
        Bitmask ``T`` of users in the carrier.
    solution
        A parametric solution (tuple of expressions, platform first under Theorem 1), or
        ``None`` when the axioms contradict each other on this game.
    dimension
        Number of free parameters (0 = the axioms determine the payoffs uniquely), ``None``
        when there is no solution.
    """

    carrier: int
    solution: tuple[sympy.Expr, ...] | None
    dimension: int | None

    @property
    def consistent(self) -> bool:
        """True iff some payoff vector satisfies every axiom on this game."""
        return self.solution is not None


def check_symmetry(v: Sequence[sympy.Expr], users: Sequence[sympy.Expr]) -> AxiomCheck:
    """A.i / B.i first part: users with identical marginal contributions get equal values.

    Examples
    --------
    >>> check_symmetry([0, 1, 1, 3], (sympy.Rational(3, 2), sympy.Rational(3, 2))).holds
    True
    """
    n = n_players(v)
    premises = 0
    for i in range(n):
        for j in range(i + 1, n):
            if is_symmetric_pair(v, i, j):
                premises += 1
                if not exact_equal(users[i], users[j]):
                    return AxiomCheck(
                        False, premises, f"users {i + 1} and {j + 1} are symmetric but get {users[i]} and {users[j]}"
                    )
    return AxiomCheck(True, premises, f"{premises} symmetric pair(s), equal values")


def check_null_player(v: Sequence[sympy.Expr], users: Sequence[sympy.Expr]) -> AxiomCheck:
    """A.i / B.i second part: a user who never changes the utility gets 0.

    Examples
    --------
    >>> check_null_player([0, 0, 1, 1], (0, 1)).holds
    True
    """
    premises = 0
    for i in range(n_players(v)):
        if is_null_player(v, i):
            premises += 1
            if not exact_equal(users[i], 0):
                return AxiomCheck(False, premises, f"user {i + 1} is null but gets {users[i]}")
    return AxiomCheck(True, premises, f"{premises} null user(s), all paid 0")


def check_efficiency(target: sympy.Expr, paid: Sequence[sympy.Expr]) -> AxiomCheck:
    """A.ii / B.ii: the values add up to ``target`` (``U(z, rho)`` or ``alpha U(rho)``).

    Examples
    --------
    >>> check_efficiency(sympy.Integer(1), (sympy.Rational(1, 3), sympy.Rational(2, 3))).holds
    True
    """
    total = sum(paid, start=sympy.Integer(0))
    return AxiomCheck(exact_equal(total, target), 1, f"sum of values {total} vs {target}")


def check_additivity(
    value_map: Callable[[Sequence[sympy.Expr]], tuple[sympy.Expr, ...]],
    v: Sequence[sympy.Expr],
    w: Sequence[sympy.Expr],
) -> AxiomCheck:
    """A.iii / B.iii: the value of ``v + w`` is the value of ``v`` plus the value of ``w``.

    ``value_map`` returns a flat tuple (platform first, if any).

    Examples
    --------
    >>> from analytic.shapley import shapley_by_subsets
    >>> check_additivity(shapley_by_subsets, [0, 1, 0, 1], [0, 0, 2, 3]).holds
    True
    """
    both = [a + b for a, b in zip(v, w, strict=True)]
    lhs = value_map(both)
    rhs = tuple(a + b for a, b in zip(value_map(v), value_map(w), strict=True))
    for k, (x, y) in enumerate(zip(lhs, rhs, strict=True)):
        if not exact_equal(x, y):
            return AxiomCheck(False, 1, f"component {k}: value of the sum {x} != sum of values {y}")
    return AxiomCheck(True, 1, "value of the sum = sum of the values")


def platform_game(v: Sequence[sympy.Expr]) -> list[sympy.Expr]:
    """The ``(N + 1)``-player game of eq. 4: the platform is the last player, ``w(T) = 0``
    without it and ``w(T + p) = v(T)``.

    Examples
    --------
    >>> platform_game([5, 7])
    [0, 0, 5, 7]
    """
    n = n_players(v)
    return [sympy.Integer(0)] * (1 << n) + [sympy.sympify(x) for x in v]


def platform_takes_all(v: Sequence[sympy.Expr], z: int = 1) -> tuple[sympy.Expr, tuple[sympy.Expr, ...]]:
    """A value map that gives everything to the platform (``phi_p = U(z, rho)``, users 0).

    It satisfies A.i-A.iii as printed (A.i only compares users with users), which is why
    Theorem 1's uniqueness needs the platform to be covered by the symmetry axiom too.

    Examples
    --------
    >>> platform_takes_all([0, 1, 1, 2])
    (2, (0, 0))
    """
    n = n_players(v)
    return sympy.sympify(v[-1]) * z, tuple(sympy.Integer(0) for _ in range(n))


def unanimity_solutions(
    n: int,
    *,
    theorem: int,
    platform_symmetric: bool = False,
    alpha: sympy.Expr = sympy.S.One,
    scale: sympy.Expr | None = None,
) -> list[UnanimitySolution]:
    """Solve the axioms on every unanimity game ``c u_T`` of ``n`` users.

    Parameters
    ----------
    n
        Number of users.
    theorem
        1: unknowns ``(phi_p, phi_1..phi_N)``, axioms A.i-A.ii with ``z = 1``;
        2: unknowns ``(phi_1..phi_N)``, axioms B.i-B.ii with ``sum = alpha c``.
    platform_symmetric
        Theorem 1 only: also impose symmetry between the platform and a user whenever they
        are interchangeable in the ``(N + 1)``-player game (the missing axiom).
    alpha
        Theorem 2's payment fraction (may be a symbol).
    scale
        The dividend ``c`` (a fresh positive symbol by default, so the result holds for all
        ``c``).

    Returns
    -------
    list of UnanimitySolution
        One entry per carrier ``T`` (bitmask ``0 .. 2**n - 1``). Under Theorem 2 the
        constant game ``u_{}`` (``U(0) = c != 0``) has no solution: every user is null yet
        B.ii asks for a total of ``alpha c``.

    Examples
    --------
    >>> [s.solution for s in unanimity_solutions(2, theorem=2, scale=sympy.Integer(1))]
    [None, (1, 0), (0, 1), (1/2, 1/2)]
    """
    if theorem not in (1, 2):
        raise ValueError(f"theorem must be 1 or 2, got {theorem!r}")
    c = sympy.Symbol("c", positive=True) if scale is None else sympy.sympify(scale)
    out = []
    for carrier in range(1 << n):
        v = unanimity_game(carrier, n, c)
        users = sympy.symbols(f"x1:{n + 1}")
        unknowns: tuple[sympy.Symbol, ...] = users
        equations = []
        for i in range(n):
            if is_null_player(v, i):
                equations.append(users[i])
            for j in range(i + 1, n):
                if is_symmetric_pair(v, i, j):
                    equations.append(users[i] - users[j])
        if theorem == 1:
            x_p = sympy.Symbol("x_p")
            unknowns = (x_p, *users)
            equations.append(x_p + sum(users) - v[-1])
            if platform_symmetric:
                w = platform_game(v)
                for i in range(n):
                    if is_symmetric_pair(w, n, i):
                        equations.append(x_p - users[i])
        else:
            equations.append(sum(users) - alpha * v[-1])
        solution_set = sympy.linsolve(equations, unknowns)
        if solution_set == sympy.S.EmptySet:
            out.append(UnanimitySolution(carrier=carrier, solution=None, dimension=None))
            continue
        (solution,) = tuple(solution_set)
        free = set().union(*(sympy.sympify(x).free_symbols for x in solution)) & set(unknowns)
        out.append(UnanimitySolution(carrier=carrier, solution=tuple(solution), dimension=len(free)))
    return out


def values_from_unanimity(v: Sequence[sympy.Expr], solutions: Sequence[UnanimitySolution]) -> tuple[sympy.Expr, ...]:
    """Assemble a game's values from unanimity-game solutions: ``sum_T d_T x^(T)``.

    The solutions must be for ``scale = 1`` and unique (dimension 0) on every carrier with
    a nonzero dividend.

    Raises
    ------
    ValueError
        If a carrier with a nonzero dividend has no solution or a non-unique one.

    Examples
    --------
    >>> sols = unanimity_solutions(2, theorem=2, scale=sympy.Integer(1))
    >>> values_from_unanimity([0, 1, 1, 3], sols)
    (3/2, 3/2)
    """
    d = harsanyi_dividends(v)
    used = [s for s in solutions if not exact_equal(d[s.carrier], 0)]
    for s in used:
        if s.solution is None or s.dimension != 0:
            state = "no solution" if s.solution is None else f"{s.dimension} free parameter(s)"
            raise ValueError(f"the axioms leave u_{members(s.carrier)} with {state}")
    width = max(len(s.solution) for s in solutions if s.solution is not None)
    total = [sympy.Integer(0)] * width
    for s in used:
        for k in range(width):
            total[k] += d[s.carrier] * s.solution[k]
    return tuple(sympy.simplify(x) for x in total)
