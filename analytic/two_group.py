"""Two groups with different sensitivities (Section 5.2, eq. 25-26, Appendix E): exact.

Two groups are the two players of a 2x2 bimatrix game (eq. 25): group ``i`` shares at the less
private level with probability ``s_i`` (``s_i = 1 - p_i`` in the paper's notation) and pays
``c_i`` when it does; it receives ``alpha phi_i`` with ``phi_i`` the Theorem 2 value at the
profile (eq. 12 in eq. 10's layout: row = group 1's level). The utility is any 2x2 table with
``U(0, 0) = 0``; the default is eq. 10's.

The equilibrium set of a 2x2 game is computed exactly, degenerate games included: each
player's best-response correspondence is a union of closed axis-aligned rectangles of the
``(s_1, s_2)`` square (segments where the player is indifferent, the whole square if always
indifferent); the equilibria are the intersections, reported as components (points,
segments, or the square), never as one arbitrary point.

The platform's problem (eq. 26 with the objective it is meant to state, ``(1 - alpha) E[U]``)
is solved exactly: between consecutive *breakpoints* (the ``alpha`` where a group's gain from
sharing, against either action of the other, is zero) the equilibrium structure is fixed, pure
equilibria are constant and mixed ones move smoothly; so the optimum is a breakpoint or a
stationary point of a mixed branch (a root of a cubic), both exact.

The same kernel serves floats (``field=FLOAT``) for the 201x201 grid of Fig. 9; the
independent checks are nashpy (:mod:`numeric.two_group`) and an ``alpha`` grid.

Examples
--------
>>> g = TwoGroupGame.dp(sympy.Rational(1, 5), sympy.Rational(1, 4))
>>> [(c.kind, c.s1, c.s2) for c in g.equilibria(sympy.Rational(1, 2))]   # group 2 indifferent
[('segment', (1, 1), (0, 1))]
>>> opt = g.solve()
>>> opt.alpha, opt.platform, opt.shares
(1/2, 1/2, (1, 1))
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise, product
from typing import Any

import numpy as np
import sympy

from analytic.exact import ExactLike, canonical_number, parse_exact
from analytic.fair_values import table_utility, value_tables

__all__ = [
    "BEHAVIOURS",
    "EXACT",
    "FLOAT",
    "Component",
    "Field",
    "TwoGroupGame",
    "TwoGroupOptimum",
    "equilibrium_cases",
]

EQ10 = (("0", "2/3"), ("2/3", "1"))


@dataclass(frozen=True)
class Field:
    """Number system of the kernel: exact SymPy numbers or floats (with a zero tolerance)."""

    name: str
    convert: Callable[[Any], Any]
    is_zero: Callable[[Any], bool]
    real_roots: Callable[[Sequence[Any]], list[Any]]


def _exact_roots(coefficients: Sequence[Any]) -> list[Any]:
    x = sympy.Symbol("x")
    poly = sympy.Poly(sum(c * x**k for k, c in enumerate(coefficients)), x)
    return [] if poly.is_zero or poly.degree() < 1 else list(poly.real_roots())


def _float_roots(coefficients: Sequence[Any]) -> list[float]:
    coeffs = np.trim_zeros(np.array(coefficients, dtype=float)[::-1], "f")
    if coeffs.size < 2:
        return []
    roots = np.roots(coeffs)
    return [float(r.real) for r in roots if abs(r.imag) < 1e-10]


EXACT = Field("exact", lambda x: parse_exact(x), lambda x: x == 0, _exact_roots)
FLOAT = Field("float", float, lambda x: abs(x) < 1e-12, _float_roots)


@dataclass(frozen=True)
class Component:
    """A connected piece of the equilibrium set: ``s_1 in [lo1, hi1]``, ``s_2 in [lo2, hi2]``.

    ``s_i`` is group ``i``'s probability of the less private level (sharing).
    """

    s1: tuple[Any, Any]
    s2: tuple[Any, Any]

    @property
    def kind(self) -> str:
        """``point``, ``segment`` or ``square`` (a 2-D piece)."""
        flat = sum(1 for lo, hi in (self.s1, self.s2) if lo == hi)
        return {2: "point", 1: "segment", 0: "square"}[flat]

    def corners(self) -> list[tuple[Any, Any]]:
        """The extreme points (where a bilinear objective is extreme on the component)."""
        return list(dict.fromkeys(product(self.s1, self.s2)))

    def contains(self, s1: float, s2: float, tol: float = 1e-7) -> bool:
        """True iff the float point ``(s1, s2)`` lies in the component (within ``tol``)."""
        return all(float(lo) - tol <= x <= float(hi) + tol for (lo, hi), x in ((self.s1, s1), (self.s2, s2)))


@dataclass(frozen=True)
class TwoGroupOptimum:
    """The platform's optimum of eq. 26 (with the objective ``(1 - alpha) E[U]``).

    Attributes
    ----------
    alpha
        The optimal payment fraction (0 if no equilibrium with sharing pays).
    platform
        The platform's share ``(1 - alpha) E[U]`` at the selected equilibrium.
    shares
        ``(s_1, s_2)``: each group's probability of the less private level.
    payments
        Each group's expected payment ``alpha E[phi_i]``.
    net
        Each group's expected payment minus expected cost.
    equilibria
        Every equilibrium component at ``alpha``.
    attained
        False when (pessimistic selection only) the value is a supremum approached as
        ``alpha`` tends to a breakpoint but not attained.
    pessimistic
        The selection rule used.
    """

    alpha: Any
    platform: Any
    shares: tuple[Any, Any]
    payments: tuple[Any, Any]
    net: tuple[Any, Any]
    equilibria: tuple[Component, ...]
    attained: bool = True
    pessimistic: bool = False


@dataclass(frozen=True)
class TwoGroupGame:
    """The game of eq. 25 for costs ``(c1, c2)`` and a 2x2 utility table (``U[0][0] = 0``)."""

    utility: tuple[tuple[Any, Any], tuple[Any, Any]]
    c1: Any
    c2: Any
    field: Field = EXACT

    def __post_init__(self) -> None:
        if len(self.utility) != 2 or any(len(row) != 2 for row in self.utility):
            raise ValueError(f"the utility must be a 2x2 table, got {self.utility!r}")
        if not self.field.is_zero(self.utility[0][0]):
            raise ValueError(f"U(0, 0) must be 0, got {self.utility[0][0]}")
        for name, c in (("c1", self.c1), ("c2", self.c2)):
            if not c >= 0:
                raise ValueError(f"{name} must be >= 0, got {c!r}")

    @classmethod
    def dp(cls, c1: ExactLike, c2: ExactLike, *, utility: Any = EQ10, field: Field = EXACT) -> TwoGroupGame:
        """The game with eq. 10's utility (or any 2x2 ``utility``) and costs ``c1, c2``.

        Raises
        ------
        ValueError
            If a cost is negative or not a number, or ``U(0, 0) != 0``.

        Examples
        --------
        >>> TwoGroupGame.dp("1/3", "1/2").c2
        1/2
        """
        conv = field.convert
        table = tuple(tuple(conv(parse_exact(x, name="utility entry")) for x in row) for row in utility)
        costs = [parse_exact(c, name=name) for name, c in (("c1", c1), ("c2", c2))]
        for name, c in zip(("c1", "c2"), costs, strict=True):
            if not c.is_number or c.is_extended_real is not True or c < 0 or c is sympy.oo:
                raise ValueError(f"{name} must be a finite number >= 0, got {c!r}")
        return cls(utility=table, c1=conv(costs[0]), c2=conv(costs[1]), field=field)  # type: ignore[arg-type]

    # -- payoffs ---------------------------------------------------------------------------
    def values(self) -> tuple[Any, Any]:
        """Theorem 2 values with ``alpha = 1`` (eq. 12, row = group 1's level): ``(Phi_1, Phi_2)``.

        Examples
        --------
        >>> TwoGroupGame.dp(0, 0).values()[0]
        ((0, 0), (2/3, 1/2))
        """
        return self._values

    @cached_property
    def _values(self) -> tuple[Any, Any]:
        exact_table = tuple(tuple(parse_exact(x) for x in row) for row in self.utility)
        tables = value_tables(table_utility([0, 1], exact_table), [0, 1], 2, fairness="users", alpha=1)
        conv = self.field.convert
        return tuple(tuple(tuple(conv(x) for x in row) for row in m) for m in tables.users)  # type: ignore[return-value]

    def gains(self, alpha: Any) -> tuple[tuple[Any, Any], tuple[Any, Any]]:
        """``d_i(j)``: group ``i``'s payoff gain from sharing when the other plays ``j``.

        Examples
        --------
        >>> TwoGroupGame.dp("1/4", "1/3").gains(1)
        ((5/12, 1/4), (1/3, 1/6))
        """
        (phi1, phi2) = self.values()
        d1 = tuple(alpha * (phi1[1][j] - phi1[0][j]) - self.c1 for j in (0, 1))
        d2 = tuple(alpha * (phi2[j][1] - phi2[j][0]) - self.c2 for j in (0, 1))
        return d1, d2  # type: ignore[return-value]

    def behaviour(self, alpha: Any) -> tuple[str, str]:
        """Each group's behaviour at ``alpha`` (``always``, ``anti``, ``never`` or a boundary).

        Examples
        --------
        >>> TwoGroupGame.dp("1/2", "1/4").behaviour(sympy.Rational(9, 10))
        ('anti', 'always')
        """
        (a0, a1), (b0, b1) = self.gains(alpha)
        return _behaviour(a0, a1, self.field), _behaviour(b0, b1, self.field)

    def payoff_matrices(self, alpha: Any) -> tuple[tuple[tuple[Any, ...], ...], tuple[tuple[Any, ...], ...]]:
        """Eq. 25 as bimatrices ``(A, B)``: ``A[a][b]`` is group 1's payoff at levels ``(a, b)``."""
        phi1, phi2 = self.values()
        a = tuple(tuple(alpha * phi1[i][j] - self.c1 * i for j in (0, 1)) for i in (0, 1))
        b = tuple(tuple(alpha * phi2[i][j] - self.c2 * j for j in (0, 1)) for i in (0, 1))
        return a, b

    # -- equilibria ------------------------------------------------------------------------
    def equilibria(self, alpha: Any) -> list[Component]:
        """Every Nash equilibrium of eq. 25 at ``alpha``, as components (exact in EXACT field).

        Examples
        --------
        >>> g = TwoGroupGame.dp("1/2", "1/2")
        >>> [(c.kind, c.s1, c.s2) for c in g.equilibria(sympy.Rational(9, 10))]
        [('point', (0, 0), (1, 1)), ('point', (2/3, 2/3), (2/3, 2/3)), ('point', (1, 1), (0, 0))]
        """
        (a0, a1), (b0, b1) = self.gains(alpha)
        rows1 = _best_response(a0, a1, self.field)  # (s1 interval, s2 interval) pieces for group 1
        rows2 = [(s1, s2) for (s2, s1) in _best_response(b0, b1, self.field)]
        pieces = []
        for r1 in rows1:
            for r2 in rows2:
                meet = _intersect(r1, r2)
                if meet is not None:
                    pieces.append(meet)
        comps = _minimal(pieces)
        return [Component(s1=p[0], s2=p[1]) for p in sorted(comps, key=lambda p: (float(p[0][0]), float(p[1][0])))]

    def expected_utility(self, s1: Any, s2: Any) -> Any:
        """``E[U]`` when group ``i`` shares with probability ``s_i`` (``p_1^T U p_2``)."""
        return _expect(self.utility, s1, s2)

    def expected_values(self, s1: Any, s2: Any) -> tuple[Any, Any]:
        """``(E[phi_1], E[phi_2])`` (Theorem 2, ``alpha = 1``) at share probabilities ``(s1, s2)``."""
        phi1, phi2 = self.values()
        return _expect(phi1, s1, s2), _expect(phi2, s1, s2)

    def platform_value(self, alpha: Any, *, pessimistic: bool = False) -> tuple[Any, tuple[Any, Any]]:
        """``max`` (or ``min``) over the equilibria at ``alpha`` of ``(1 - alpha) E[U]``.

        The objective is bilinear in ``(s1, s2)``, so its extremes on a component are at corners.
        """
        points = [pt for comp in self.equilibria(alpha) for pt in comp.corners()]
        values = [((1 - alpha) * self.expected_utility(*pt), pt) for pt in points]
        pick = min if pessimistic else max
        return pick(values, key=lambda item: (float(item[0]), -float(item[1][0]) - float(item[1][1])))

    def breakpoints(self) -> list[Any]:
        """``alpha`` in ``[0, 1]`` where some gain ``d_i(j)`` vanishes, plus 0 and 1 (sorted)."""
        phi1, phi2 = self.values()
        slopes = [(phi1[1][j] - phi1[0][j], self.c1) for j in (0, 1)] + [
            (phi2[j][1] - phi2[j][0], self.c2) for j in (0, 1)
        ]
        zero, one = self.field.convert(0), self.field.convert(1)
        points = [zero, one]
        for slope, cost in slopes:
            if not self.field.is_zero(slope):
                a = cost / slope
                if zero <= a <= one:
                    points.append(a)
        return _unique_sorted(points, self.field)

    def solve(self, *, pessimistic: bool = False) -> TwoGroupOptimum:
        """The platform's exact optimum over ``alpha in [0, 1]`` (eq. 26, objective ``(1 - alpha) E[U]``).

        Candidates: every breakpoint, and every stationary point of a mixed-equilibrium branch
        inside an interval between breakpoints. Under optimistic selection the equilibrium
        correspondence is closed, so the limits at an interval's ends are attained at the
        breakpoints. Under pessimistic selection the value can jump down at a breakpoint; the
        one-sided limits (branch formulas evaluated at the ends) are candidates too and are
        reported with ``attained = False`` if they win (a supremum, not a maximum). Ties go to
        attained values, then to the smaller ``alpha``.

        Examples
        --------
        >>> TwoGroupGame.dp("1/2", "3/5").solve().alpha
        3/4
        """
        bps = self.breakpoints()
        found: list[tuple[Any, bool, Any, tuple[Any, Any]]] = []  # (value, attained, alpha, point)
        for a in bps:
            value, pt = self.platform_value(a, pessimistic=pessimistic)
            found.append((value, True, a, pt))
        for lo, hi in pairwise(bps):
            mid = (lo + hi) / 2
            comps = self.equilibria(mid)
            for a in self._stationary_points(lo, hi, comps):
                value, pt = self.platform_value(a, pessimistic=pessimistic)
                found.append((value, True, a, pt))
            if pessimistic:
                for a in self._crossings(lo, hi, comps):  # where the worst equilibrium changes
                    value, pt = self.platform_value(a, pessimistic=True)
                    found.append((value, True, a, pt))
                for end in (lo, hi):
                    value, pt = self._branch_limit(comps, mid, end)
                    found.append((value, False, end, pt))
        top = max(float(v) for v, *_ in found)
        ties = [f for f in found if float(f[0]) >= top - 1e-13]
        value, attained, alpha, (s1, s2) = min(ties, key=lambda f: (not f[1], float(f[2])))
        if top <= 1e-15:
            alpha = self.field.convert(0)
            value, (s1, s2) = self.platform_value(alpha, pessimistic=pessimistic)
            attained = True
        e1, e2 = self.expected_values(s1, s2)
        pay1, pay2 = alpha * e1, alpha * e2
        tidy = canonical_number if self.field is EXACT else (lambda x: x)
        return TwoGroupOptimum(
            alpha=tidy(alpha),
            platform=tidy(value),
            shares=(tidy(s1), tidy(s2)),
            payments=(tidy(pay1), tidy(pay2)),
            net=(tidy(pay1 - self.c1 * s1), tidy(pay2 - self.c2 * s2)),
            equilibria=tuple(self.equilibria(alpha)),
            attained=attained,
            pessimistic=pessimistic,
        )

    def _mixed_shares(self, alpha: Any) -> tuple[Any, Any] | None:
        """``(s1, s2)`` making both groups indifferent at ``alpha`` (``None`` if undefined)."""
        (a0, a1), (b0, b1) = self.gains(alpha)
        if self.field.is_zero(a0 - a1) or self.field.is_zero(b0 - b1):
            return None
        return b0 / (b0 - b1), a0 / (a0 - a1)

    def _branch_limit(self, comps: list[Component], mid: Any, end: Any) -> tuple[Any, tuple[Any, Any]]:
        """Pessimistic value approached as ``alpha`` -> ``end`` along the branches seen at ``mid``.

        Each corner coordinate is either fixed (0 or 1) or mixed (an indifference formula,
        continued to ``end``); the minimum over the corners of ``(1 - alpha) E[U]`` is returned.
        """
        mixed_end = self._mixed_shares(end) if self._mixed_shares(mid) is not None else None
        values = []
        for comp in comps:
            for corner in comp.corners():
                pt = [
                    x if (mixed_end is None or self.field.is_zero(x) or self.field.is_zero(x - 1)) else mixed_end[k]
                    for k, x in enumerate(corner)
                ]
                values.append(((1 - end) * self.expected_utility(*pt), (pt[0], pt[1])))
        return min(values, key=lambda item: float(item[0]))

    def _mixed_branch_quadratic(self) -> tuple[Any, Any, Any] | None:
        """``Q(x)`` with ``E[U] = Q(1/alpha)`` along the mixed branch (``None`` if there is none).

        Each group is indifferent: ``s_1`` makes group 2 indifferent and ``s_2`` group 1, both
        affine in ``x = 1/alpha``; ``E[U]`` is bilinear in ``(s_1, s_2)``, so quadratic in ``x``.
        """
        phi1, phi2 = self.values()
        g10, g11 = phi1[1][0] - phi1[0][0], phi1[1][1] - phi1[0][1]
        g20, g21 = phi2[0][1] - phi2[0][0], phi2[1][1] - phi2[1][0]
        if self.field.is_zero(g10 - g11) or self.field.is_zero(g20 - g21):
            return None
        s2c = (g10 / (g10 - g11), -self.c1 / (g10 - g11))
        s1c = (g20 / (g20 - g21), -self.c2 / (g20 - g21))
        return _bilinear_in_x(self.utility, s1c, s2c)

    def _alphas_from_x_roots(self, coefficients: Sequence[Any], lo: Any, hi: Any) -> list[Any]:
        out = []
        for x in self.field.real_roots(coefficients):
            if float(x) > 0 and float(lo) < float(1 / x) < float(hi):
                out.append(1 / x)
        return out

    def _crossings(self, lo: Any, hi: Any, comps: list[Component]) -> list[Any]:
        """``alpha`` in ``(lo, hi)`` where the mixed branch's value equals a pure branch's:
        ``(1 - alpha) Q(1/alpha) = (1 - alpha) U(profile)``, i.e. ``Q(x) = U(profile)``."""
        has_mixed = any(c.kind == "point" and 0 < float(c.s1[0]) < 1 and 0 < float(c.s2[0]) < 1 for c in comps)
        q = self._mixed_branch_quadratic() if has_mixed else None
        if q is None:
            return []
        out = []
        for comp in comps:
            for s1, s2 in comp.corners():
                if all(self.field.is_zero(v) or self.field.is_zero(v - 1) for v in (s1, s2)):
                    level = self.expected_utility(s1, s2)
                    out += self._alphas_from_x_roots([q[0] - level, q[1], q[2]], lo, hi)
        return out

    def _stationary_points(self, lo: Any, hi: Any, comps: list[Component]) -> list[Any]:
        """Stationary points in ``(lo, hi)`` of ``(1 - alpha) E[U]`` along a mixed branch.

        On the branch each group is indifferent: ``s_1`` makes group 2 indifferent and ``s_2``
        group 1, both affine in ``x = 1/alpha``; ``f = (1 - 1/x) Q(x)`` with ``Q`` quadratic,
        and ``f'(x) = 0`` is the cubic ``Q(x) + (x^2 - x) Q'(x) = 0``.
        """
        if not any(c.kind == "point" and 0 < float(c.s1[0]) < 1 and 0 < float(c.s2[0]) < 1 for c in comps):
            return []
        q = self._mixed_branch_quadratic()
        if q is None:
            return []
        # f(x) = (1 - 1/x) Q(x): f'(x) = 0 <=> Q + (x^2 - x) Q' = q0 + (q1 - q2) x^2 + 2 q2 x^3 = 0
        return self._alphas_from_x_roots([q[0], 0 * q[0], q[1] - q[2], 2 * q[2]], lo, hi)


def _bilinear_in_x(u: Any, s1c: tuple[Any, Any], s2c: tuple[Any, Any]) -> tuple[Any, Any, Any]:
    """Coefficients of ``E[U](s1(x), s2(x))`` in ``x`` for affine ``s_i(x) = c0 + c1 x``."""

    def mul(p: tuple[Any, ...], r: tuple[Any, ...]) -> tuple[Any, ...]:
        out = [0 * p[0]] * (len(p) + len(r) - 1)
        for i, a in enumerate(p):
            for j, b in enumerate(r):
                out[i + j] = out[i + j] + a * b
        return tuple(out)

    one_minus = lambda c: (1 - c[0], -c[1])  # noqa: E731
    total = (0 * s1c[0], 0 * s1c[0], 0 * s1c[0])
    for a in (0, 1):
        for b in (0, 1):
            term = mul(s1c if a else one_minus(s1c), s2c if b else one_minus(s2c))
            total = tuple(t + u[a][b] * x for t, x in zip(total, term, strict=True))
    return total  # type: ignore[return-value]


def _best_response(d0: Any, d1: Any, field: Field) -> list[tuple[tuple[Any, Any], tuple[Any, Any]]]:
    """Graph of a player's best response as closed rectangles ``(own interval, other's interval)``.

    ``D(t) = (1 - t) d0 + t d1`` is the gain from sharing when the other shares with
    probability ``t``: share (own = 1) where ``D > 0``, abstain (own = 0) where ``D < 0``,
    anything where ``D = 0``.
    """
    zero, one = field.convert(0), field.convert(1)
    z0, z1 = field.is_zero(d0), field.is_zero(d1)
    if z0 and z1:
        return [((zero, one), (zero, one))]
    out = []
    pieces: list[tuple[Any, Any, Any]] = []  # (t_lo, t_hi, sign at the middle)
    if z0 or z1 or (d0 > 0) == (d1 > 0):
        if z0:
            out.append(((zero, one), (zero, zero)))
        if z1:
            out.append(((zero, one), (one, one)))
        sign = d1 if z0 else d0
        pieces.append((zero, one, sign))
    else:
        root = d0 / (d0 - d1)
        out.append(((zero, one), (root, root)))
        pieces += [(zero, root, d0), (root, one, d1)]
    for lo, hi, sign in pieces:
        own = one if sign > 0 else zero
        out.append(((own, own), (lo, hi)))
    return out


def _intersect(r1: Any, r2: Any) -> Any:
    out = []
    for (a_lo, a_hi), (b_lo, b_hi) in zip(r1, r2, strict=True):
        lo, hi = max(a_lo, b_lo, key=float), min(a_hi, b_hi, key=float)
        if float(lo) > float(hi) + 1e-12:
            return None
        out.append((lo, hi) if float(lo) < float(hi) else (lo, lo))
    return tuple(out)


def _minimal(pieces: list[Any]) -> list[Any]:
    """Deduplicate, then drop every piece contained in a different piece."""
    unique: list[Any] = []
    for p in pieces:
        if not any(_inside(p, q) and _inside(q, p) for q in unique):
            unique.append(p)
    return [p for p in unique if not any(q is not p and _inside(p, q) for q in unique)]


def _inside(p: Any, q: Any) -> bool:
    return all(
        float(q_lo) - 1e-12 <= float(p_lo) and float(p_hi) <= float(q_hi) + 1e-12
        for (p_lo, p_hi), (q_lo, q_hi) in zip(p, q, strict=True)
    )


def _unique_sorted(points: list[Any], field: Field) -> list[Any]:
    out: list[Any] = []
    for a in sorted(points, key=float):
        if not out or not field.is_zero(a - out[-1]):
            out.append(a)
    return out


def _expect(phi: Any, s1: Any, s2: Any) -> Any:
    return sum(
        (phi[a][b] * (s1 if a else 1 - s1) * (s2 if b else 1 - s2) for a in (0, 1) for b in (0, 1)), start=0 * s1
    )


BEHAVIOURS = ("always", "always|anti", "anti", "anti|never", "never")


def _behaviour(d0: Any, d1: Any, field: Field) -> str:
    """A group's behaviour from its gains ``d(0)`` (other abstains) and ``d(1)`` (other shares)."""

    def sign(x: Any) -> int:
        return 0 if field.is_zero(x) else (1 if x > 0 else -1)

    names = {
        (1, 1): "always",
        (1, 0): "always|anti",
        (1, -1): "anti",
        (0, -1): "anti|never",
        (-1, -1): "never",
        (-1, 1): "coordinate",
        (0, 0): "indifferent",
        (0, 1): "always|coordinate",
        (-1, 0): "never|coordinate",
    }
    return names[(sign(d0), sign(d1))]


def equilibrium_cases(utility: Any = EQ10, *, boundaries: bool = True) -> list[dict[str, Any]]:
    """Appendix E (missing, derived): the equilibrium set for each pair of group behaviours.

    With diminishing returns (``A_i = phi_i(share | other abstains) > B_i = phi_i(share | other
    shares)``), group ``i`` *always* shares when ``alpha B_i > c_i``, *anti*-coordinates (shares
    iff the other abstains) when ``alpha A_i > c_i > alpha B_i``, and *never* shares when
    ``c_i > alpha A_i``: 3 x 3 = 9 cases. With ``boundaries`` the two thresholds
    (``c_i = alpha B_i``: ``always|anti``, ``c_i = alpha A_i``: ``anti|never``) are added,
    5 x 5 = 25 cases, where the degenerate ones have continua of equilibria. Each row is
    computed by :meth:`TwoGroupGame.equilibria` at a representative game (``alpha = 1/2``).

    Examples
    --------
    >>> [(r["group1"], r["group2"], r["equilibria"]) for r in equilibrium_cases(boundaries=False)][:2]
    [('always', 'always', ['(1, 1)']), ('always', 'anti', ['(1, 0)'])]
    >>> [r["equilibria"] for r in equilibrium_cases() if r["group1"] == r["group2"] == "always|anti"]
    [['s1 in [0, 1], s2 = 1', 's1 = 1, s2 in [0, 1]']]
    """
    u = tuple(tuple(parse_exact(x) for x in row) for row in utility)
    probe = TwoGroupGame.dp(0, 0, utility=u)
    phi1, phi2 = probe.values()
    a = (phi1[1][0] - phi1[0][0], phi2[0][1] - phi2[0][0])
    b = (phi1[1][1] - phi1[0][1], phi2[1][1] - phi2[1][0])
    alpha = sympy.Rational(1, 2)
    cost_for = {  # a cost giving group i each behaviour at alpha = 1/2
        "always": lambda i: alpha * b[i] / 2,
        "always|anti": lambda i: alpha * b[i],
        "anti": lambda i: alpha * (a[i] + b[i]) / 2,
        "anti|never": lambda i: alpha * a[i],
        "never": lambda i: alpha * a[i] * 2,
    }
    kinds = BEHAVIOURS if boundaries else ("always", "anti", "never")
    rows = []
    for k1, k2 in product(kinds, repeat=2):
        game = TwoGroupGame.dp(cost_for[k1](0), cost_for[k2](1), utility=u)
        comps = game.equilibria(alpha)
        if game.behaviour(alpha) != (k1, k2):
            raise ArithmeticError(f"representative game for {(k1, k2)} behaves as {game.behaviour(alpha)}")
        rows.append({"group1": k1, "group2": k2, "equilibria": [_describe(c) for c in comps], "components": comps})
    return rows


def _describe(comp: Component) -> str:
    """``(s1, s2)`` for a pure point, the indifference formulas for a mixed one, ranges otherwise."""
    if comp.kind == "point":
        s1, s2 = comp.s1[0], comp.s2[0]
        if s1 in (0, 1) and s2 in (0, 1):
            return f"({s1}, {s2})"
        return "mixed: s1 = (alpha A2 - c2)/(alpha (A2 - B2)), s2 = (alpha A1 - c1)/(alpha (A1 - B1))"
    parts = [
        f"{name} = {lo}" if lo == hi else f"{name} in [{lo}, {hi}]"
        for name, (lo, hi) in (("s1", comp.s1), ("s2", comp.s2))
    ]
    return ", ".join(parts)
