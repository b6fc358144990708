"""The symmetric binary privacy game of Section 5 (eq. 20-24, Theorem 3, Fig. 8), exact.

``N >= 2`` identical users choose between the more private level ``rho'_1 = 0`` and the less
private level ``rho'_2 = eps'`` (``oo`` by default). A user at ``rho'_2`` pays the cost ``c``
(eq. 20) and receives ``alpha phi`` with ``phi`` the Theorem 2 value (constant ``alpha``).
``p`` is the probability of the MORE private level, as in the paper. ``U(k)`` is the
utility when ``k`` users share (the DP mean-estimation model of :mod:`analytic.dp_mean` by
default, normalized by ``U(0) = 0``, ``U(N) = 1`` when ``eps' = oo``).

Derived facts this module rests on (each is re-derived and checked by the claims):

* a user at level 0 is a null player, so ``phi(rho'_1) = 0``; the ``K`` sharers are
  symmetric, so each gets ``U(K)/K`` (Theorem 2, ``alpha = 1``);
* ``gamma(p) = E[U(k+1)/(k+1)]`` with ``k ~ Bin(N-1, 1-p)`` (eq. 23): ``gamma_min = gamma(0) =
  U(N)/N`` and ``gamma_max = gamma(1) = U(1)`` when ``gamma`` increases;
* efficiency gives ``E[U](p) = N (1 - p) gamma(p)``, so at any equilibrium the platform's
  objective (1 - alpha) E[U] equals ``W(p) = E[U](p) - c N (1 - p)``: expected utility minus
  the users' expected costs. Users keep no surplus, and the platform's choice of ``alpha``
  is a choice of ``p`` maximizing ``W`` subject to ``alpha = c / gamma(p) <= 1``;
* under Assumptions 1-2 ``E[U]`` is concave in ``p`` and the optimum has three regimes, with
  ``c_th = U(N) - U(N-1)`` (the marginal utility of the last sharer) and, in between,
  ``p*`` solving ``E[U(k+1) - U(k)] = c`` for ``k ~ Bin(N-1, 1-p)``.

Regimes are numbered as Section 5.1's text does: 1 = full participation (``c <= c_th``),
2 = mixed, 3 = no incentives (``c >= gamma_max``). Theorem 3 lists them in the opposite order.

Examples
--------
>>> g = BinaryGame.dp(2)
>>> g.gamma, g.gamma_min, g.gamma_max, g.c_th
(p/6 + 1/2, 1/2, 2/3, 1/3)
>>> opt = g.optimum(sympy.Rational(1, 2))
>>> opt.regime, opt.alpha, opt.p, opt.platform
(2, 6/7, 1/2, 1/12)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

import sympy

from analytic import dp_mean
from analytic.exact import ExactLike, parse_exact

__all__ = ["BinaryGame", "C", "Curves", "Optimum", "P", "regime_legend"]

#: Probability of the MORE private level (the paper's p).
P = sympy.Symbol("p", nonnegative=True)
#: The privacy sensitivity (cost of the less private level).
C = sympy.Symbol("c", nonnegative=True)


def regime_legend() -> str:
    """The numbering of the regimes, and how it relates to Theorem 3's.

    Examples
    --------
    >>> "opposite order" in regime_legend()
    True
    """
    return (
        "regime 1 = full participation (c <= c_th), 2 = mixed (c_th < c < gamma_max), "
        "3 = no incentives (c >= gamma_max), numbered as Section 5.1's text; Theorem 3 lists "
        "them in the opposite order (its case 1 is our regime 3, its case 3 our regime 1)"
    )


@dataclass(frozen=True)
class Optimum:
    """The platform's optimum of eq. 21 at one cost ``c`` (exact).

    Attributes
    ----------
    c
        The privacy sensitivity.
    regime
        1, 2 or 3 (see :func:`regime_legend`).
    alpha
        The optimal payment fraction ``alpha*`` (0 in regime 3).
    p
        The symmetric equilibrium probability of the more private level (1 in regime 3).
    expected_utility
        ``E[U]`` at ``p``.
    platform
        ``(1 - alpha) E[U]``: the platform's share.
    payment_per_user
        Each user's expected payment ``alpha (1 - p) gamma(p)``.
    net_utility_per_user
        Expected payment minus expected cost ``c (1 - p)``.
    """

    c: sympy.Expr
    regime: int
    alpha: sympy.Expr
    p: sympy.Expr
    expected_utility: sympy.Expr
    platform: sympy.Expr
    payment_per_user: sympy.Expr
    net_utility_per_user: sympy.Expr


@dataclass(frozen=True)
class Curves:
    """Closed forms in ``c`` of every curve of Fig. 8 (valid under Assumptions 1-2).

    Each attribute is a SymPy ``Piecewise`` in :data:`C` over the three regimes. When the
    mixed-regime root ``p*(c)`` has no radical form (``N >= 4``), ``p_star`` is the
    function symbol ``p_star(c)`` defined by ``p_star_equation``.
    """

    alpha: sympy.Expr
    p: sympy.Expr
    expected_utility: sympy.Expr
    platform: sympy.Expr
    payment_per_user: sympy.Expr
    net_utility_per_user: sympy.Expr
    p_star: sympy.Expr
    p_star_equation: sympy.Eq


@dataclass(frozen=True)
class BinaryGame:
    """Section 5's game for ``N = len(utilities) - 1`` users.

    Parameters
    ----------
    utilities
        ``(U(0), U(1), ..., U(N))``, exact, ``U(0) = 0``: utility when ``k`` users share.
    eps
        The less private level ``eps'`` (a label for reports; the utilities carry the model).
    """

    utilities: tuple[sympy.Expr, ...]
    eps: sympy.Expr = sympy.oo

    def __post_init__(self) -> None:
        if len(self.utilities) < 3:
            raise ValueError(f"Section 5 needs N >= 2 users, got N = {len(self.utilities) - 1}")
        if sympy.sympify(self.utilities[0]) != 0:
            raise ValueError(f"U(0) must be 0 (no sharer, no utility), got {self.utilities[0]}")

    @classmethod
    def dp(cls, n: int, eps: ExactLike = sympy.oo) -> BinaryGame:
        """The DP mean-estimation game: ``U(k)`` from :func:`analytic.dp_mean.utility_k_sharers`.

        Raises
        ------
        ValueError
            If ``n < 2`` or ``eps`` is not a positive number (or ``oo``).

        Examples
        --------
        >>> BinaryGame.dp(3).utilities
        (0, 5/9, 5/6, 1)
        """
        if isinstance(n, bool) or not isinstance(n, int) or n < 2:
            raise ValueError(f"Section 5 needs N >= 2 users, got {n!r}")
        level = parse_exact(eps, name="eps") if not isinstance(eps, sympy.Symbol) else eps
        if level.is_number and not (level is sympy.oo or (level.is_extended_real and level > 0)):
            raise ValueError(f"eps' must be > 0 or oo, got {eps!r}")
        values = tuple(sympy.Integer(0) if k == 0 else dp_mean.utility_k_sharers(n, k, level) for k in range(n + 1))
        return cls(utilities=values, eps=level)

    @classmethod
    def from_utilities(cls, utilities: Sequence[ExactLike]) -> BinaryGame:
        """Any utility of the number of sharers (``U(0) = 0``).

        Examples
        --------
        >>> BinaryGame.from_utilities([0, "2/3", 1]).c_th
        1/3
        """
        return cls(utilities=tuple(parse_exact(u, name="U(k)") for u in utilities))

    @property
    def n(self) -> int:
        """Number of users ``N``."""
        return len(self.utilities) - 1

    def sharer_value(self, others_sharing: int) -> sympy.Expr:
        """``phi(rho'_2; k others share)`` with ``alpha = 1``: ``U(k+1)/(k+1)`` (symmetry).

        Examples
        --------
        >>> BinaryGame.dp(2).sharer_value(0), BinaryGame.dp(2).sharer_value(1)
        (2/3, 1/2)
        """
        k = others_sharing + 1
        return self.utilities[k] / k

    def _bernstein(self, coefficients: Sequence[sympy.Expr], degree: int) -> sympy.Expr:
        """``sum_k binom(d, k) (1-p)^k p^(d-k) a_k``: an expectation over ``Bin(d, 1-p)`` sharers."""
        return sympy.expand(
            sum(
                (sympy.binomial(degree, k) * (1 - P) ** k * P ** (degree - k) * a for k, a in enumerate(coefficients)),
                start=sympy.Integer(0),
            )
        )

    @cached_property
    def gamma(self) -> sympy.Expr:
        """Eq. 23: ``gamma(p) = E[phi(rho'_2; rho_-i) - phi(rho'_1; rho_-i)]``, a polynomial in ``p``."""
        return self._bernstein([self.sharer_value(k) for k in range(self.n)], self.n - 1)

    @cached_property
    def expected_utility(self) -> sympy.Expr:
        """``E[U](p)`` when every user plays the mixed strategy ``(p, 1 - p)``."""
        return self._bernstein(list(self.utilities), self.n)

    @cached_property
    def marginal(self) -> sympy.Expr:
        """``M(p) = E[U(k+1) - U(k)]``, ``k ~ Bin(N-1, 1-p)`` (equals ``-E[U]'(p) / N``)."""
        diffs = [self.utilities[k + 1] - self.utilities[k] for k in range(self.n)]
        return self._bernstein(diffs, self.n - 1)

    @property
    def gamma_min(self) -> sympy.Expr:
        """``min_p gamma(p)`` (exact; ``gamma(0) = U(N)/N`` when ``gamma`` increases)."""
        return self._extremum(min)

    @property
    def gamma_max(self) -> sympy.Expr:
        """``max_p gamma(p)`` (exact; ``gamma(1) = U(1)`` when ``gamma`` increases)."""
        return self._extremum(max)

    def _extremum(self, pick: Callable[..., sympy.Expr]) -> sympy.Expr:
        candidates = [self.gamma.subs(P, 0), self.gamma.subs(P, 1)]
        if self.gamma.free_symbols - {P}:
            return candidates[0] if pick is min else candidates[1]
        for root in _roots_in(sympy.diff(self.gamma, P), 0, 1):
            candidates.append(self.gamma.subs(P, root))
        return pick(candidates, key=lambda x: sympy.N(x, 50))

    @property
    def c_th(self) -> sympy.Expr:
        """The full-participation threshold from the first-order condition of eq. 21 at p = 0.

        Derived by differentiating the objective ``(1 - c/gamma(p)) E[U](p)`` (``alpha =
        c/gamma(p)`` along the equilibrium branch) at ``p = 0`` and solving for ``c``; see
        :meth:`c_th_eq24` for eq. 24 as printed.

        Examples
        --------
        >>> BinaryGame.dp(3).c_th
        1/6
        """
        objective = (1 - C / self.gamma) * self.expected_utility
        slope = sympy.diff(objective, P).subs(P, 0)
        solutions = sympy.solve(sympy.Eq(slope, 0), C)
        if len(solutions) != 1:
            raise ArithmeticError(f"expected one c with a flat objective at p = 0, got {solutions}")
        return sympy.simplify(solutions[0])

    def c_th_eq24(self) -> sympy.Expr:
        """Eq. 24 as printed: the largest ``c`` for which the full-participation payment beats
        every ``alpha <= c / gamma_min``, i.e. ``(1 - c/gamma_min)/(1 - alpha) >= U(p*(alpha))/U(0)``.

        ``U(0)`` in eq. 24 is read as the expected utility at ``p = 0`` (everyone shares). On the
        interior branch ``alpha = c/gamma(p)`` the condition is ``c <= R(p)`` with
        ``R(p) = (U_N - E[U](p)) / (U_N/gamma_min - E[U](p)/gamma(p))``; below the branch
        (``p* = 1``) it is ``c <= gamma_min``. So ``c_th = min(gamma_min, inf R)``, computed
        exactly (critical points and limits of the rational function ``R``).

        Examples
        --------
        >>> BinaryGame.dp(2).c_th_eq24()
        1/3
        """
        u_all = self.utilities[-1]
        g0 = self.gamma.subs(P, 0)
        ratio = sympy.cancel((u_all - self.expected_utility) / (u_all / g0 - self.expected_utility / self.gamma))
        candidates = [sympy.limit(ratio, P, 0, "+"), sympy.limit(ratio, P, 1, "-"), g0]
        numerator = sympy.numer(sympy.together(sympy.diff(ratio, P)))
        candidates += [ratio.subs(P, r) for r in _roots_in(numerator, 0, 1, open_interval=True)]
        return min(candidates, key=lambda x: sympy.N(x, 50))

    def assumptions(self) -> tuple[bool, bool]:
        """(Assumption 1, Assumption 2) in their corrected strict form for ``U(k)``.

        Assumption 1: ``U(k+1) > U(k)``. Assumption 2: ``U(k+1) - U(k)`` strictly decreases in
        ``k`` (more private users, larger marginal gain). Both exact.

        Examples
        --------
        >>> BinaryGame.dp(2).assumptions(), BinaryGame.dp(2, 1).assumptions()
        ((True, True), (True, False))
        """
        u = self.utilities
        diffs = [u[k + 1] - u[k] for k in range(self.n)]
        monotone = all(bool(d > 0) for d in diffs)
        diminishing = all(bool(diffs[k] > diffs[k + 1]) for k in range(self.n - 1))
        return monotone, diminishing

    def symmetric_equilibria(self, alpha: ExactLike, c: ExactLike) -> list[sympy.Expr]:
        """Every symmetric equilibrium ``p`` at ``(alpha, c)`` (exact, sorted).

        ``p = 0`` if sharing is a best response when all others share (``alpha gamma(0) >= c``),
        ``p = 1`` if not sharing is one when nobody else shares (``alpha gamma(1) <= c``), and
        every ``p`` in ``(0, 1)`` with ``alpha gamma(p) = c`` (indifference).

        Raises
        ------
        ValueError
            If ``alpha`` is outside ``[0, 1]`` or ``c < 0``.

        Examples
        --------
        >>> BinaryGame.dp(2).symmetric_equilibria("6/7", "1/2")
        [1/2]
        """
        a, cost = _alpha_c(alpha, c)
        out = []
        if a * self.gamma.subs(P, 0) >= cost:
            out.append(sympy.Integer(0))
        if a == 0:
            return out if cost == 0 else [sympy.Integer(1)]
        out += _roots_in(sympy.expand(a * self.gamma - cost), 0, 1, open_interval=True)
        if a * self.gamma.subs(P, 1) <= cost:
            out.append(sympy.Integer(1))
        return sorted(set(out), key=lambda x: sympy.N(x, 50))

    def welfare(self, c: ExactLike) -> sympy.Expr:
        """``W(p) = E[U](p) - c N (1 - p)``: the platform's objective along the equilibria."""
        return sympy.expand(self.expected_utility - parse_exact(c) * self.n * (1 - P))

    def optimum(self, c: ExactLike) -> Optimum:
        """The exact solution of eq. 21 at cost ``c`` (no assumption on ``U`` needed).

        Every equilibrium with sharing is reached by ``alpha = c / gamma(p)`` (indifference, or
        the smallest ``alpha`` keeping ``p = 0``), and there ``(1 - alpha) E[U] = W(p)``. So the
        platform maximizes ``W`` over ``{p in [0, 1): gamma(p) >= c}`` (``alpha <= 1``):
        candidates are ``p = 0``, the critical points of ``W`` and the roots of ``gamma = c``;
        if no candidate gives a positive share, ``alpha* = 0`` and nobody shares (regime 3).
        Ties go to the smaller ``p`` (more sharing).

        Raises
        ------
        ValueError
            If ``c < 0`` or not a number.

        Examples
        --------
        >>> o = BinaryGame.dp(2).optimum("1/4")
        >>> o.regime, o.alpha, o.platform, o.payment_per_user, o.net_utility_per_user
        (1, 1/2, 1/2, 1/4, 0)
        """
        _, cost = _alpha_c(1, c)
        w = self.welfare(cost)
        gap = sympy.expand(self.gamma - cost)
        candidates = [sympy.Integer(0)]
        candidates += _roots_in(sympy.diff(w, P), 0, 1, open_interval=True)
        candidates += _roots_in(gap, 0, 1, open_interval=True)
        feasible = [q for q in candidates if sympy.N(gap.subs(P, q), 50) >= -1e-40]
        best, best_value = None, sympy.Integer(0)
        for q in sorted(feasible, key=lambda x: sympy.N(x, 50)):
            value = w.subs(P, q)
            if sympy.N(value - best_value, 50) > 1e-40:
                best, best_value = q, value
        if best is None:
            return Optimum(
                cost,
                3,
                sympy.Integer(0),
                sympy.Integer(1),
                sympy.Integer(0),
                sympy.Integer(0),
                sympy.Integer(0),
                sympy.Integer(0),
            )
        alpha = _simplify_algebraic(cost / self.gamma.subs(P, best))
        return self._at(cost, best, alpha)

    def _at(self, cost: sympy.Expr, p: sympy.Expr, alpha: sympy.Expr) -> Optimum:
        eu = _simplify_algebraic(self.expected_utility.subs(P, p))
        payment = _simplify_algebraic(alpha * (1 - p) * self.gamma.subs(P, p))
        regime = 1 if p == 0 else 2
        return Optimum(
            c=cost,
            regime=regime,
            alpha=alpha,
            p=p,
            expected_utility=eu,
            platform=_simplify_algebraic((1 - alpha) * eu),
            payment_per_user=payment,
            net_utility_per_user=_simplify_algebraic(payment - cost * (1 - p)),
        )

    def regime(self, c: ExactLike) -> int:
        """The regime of ``c`` by the thresholds (valid under Assumptions 1-2).

        Examples
        --------
        >>> [BinaryGame.dp(2).regime(x) for x in ("1/3", "1/2", "2/3")]
        [1, 2, 3]
        """
        _, cost = _alpha_c(1, c)
        if cost <= self.c_th:
            return 1
        return 2 if cost < self.gamma_max else 3

    @cached_property
    def curves(self) -> Curves:
        """Closed forms of every curve of Fig. 8 as ``Piecewise`` in ``c``.

        Raises
        ------
        ValueError
            If Assumption 1 or 2 fails (the three-regime form does not apply; use
            :meth:`optimum` at given costs).

        Examples
        --------
        >>> cv = BinaryGame.dp(2).curves
        >>> cv.alpha
        Piecewise((2*c, c <= 1/3), (6*c/(3*c + 2), c < 2/3), (0, True))
        >>> sympy.factor(cv.platform.args[1][0])
        (3*c - 2)**2/3
        """
        if self.assumptions() != (True, True):
            raise ValueError(
                f"Assumptions 1-2 fail for N = {self.n}, eps' = {self.eps}: the three-regime closed form does "
                "not apply; use optimum(c) at given costs"
            )
        c_th, g_max, g_min = self.c_th, self.gamma_max, self.gamma_min
        equation = sympy.Eq(self.marginal, C)
        roots = sympy.solve(equation, P) if sympy.degree(self.marginal, P) <= 2 else []
        probe = (c_th + g_max) / 2
        inside = [r for r in roots if r.subs(C, probe).is_real and 0 < sympy.N(r.subs(C, probe)) < 1]
        p_star = sympy.simplify(inside[0]) if inside else sympy.Function("p_star")(C)
        g_star = self.gamma.subs(P, p_star)
        alpha_mid = sympy.factor(sympy.simplify(C / g_star))
        eu_mid = sympy.factor(sympy.simplify(self.expected_utility.subs(P, p_star)))
        pay_mid = sympy.factor(sympy.simplify(alpha_mid * (1 - p_star) * g_star))
        eu_full = self.utilities[-1]

        def piecewise(full: sympy.Expr, mixed: sympy.Expr, none: sympy.Expr) -> sympy.Expr:
            return sympy.Piecewise((full, c_th >= C), (mixed, g_max > C), (none, True))

        alpha_full = C / g_min
        pay_full = sympy.simplify(alpha_full * g_min)
        return Curves(
            alpha=piecewise(alpha_full, alpha_mid, sympy.Integer(0)),
            p=piecewise(sympy.Integer(0), p_star, sympy.Integer(1)),
            expected_utility=piecewise(eu_full, eu_mid, sympy.Integer(0)),
            platform=piecewise(
                sympy.expand((1 - alpha_full) * eu_full),
                sympy.factor(sympy.simplify((1 - alpha_mid) * eu_mid)),
                sympy.Integer(0),
            ),
            payment_per_user=piecewise(pay_full, pay_mid, sympy.Integer(0)),
            net_utility_per_user=piecewise(
                sympy.simplify(pay_full - C), sympy.simplify(pay_mid - C * (1 - p_star)), sympy.Integer(0)
            ),
            p_star=p_star,
            p_star_equation=equation,
        )

    def best_pure_profile(self, c: ExactLike) -> tuple[int, sympy.Expr, sympy.Expr]:
        """The platform's best pure equilibrium if it could select asymmetric ones.

        ``k`` sharers form a pure equilibrium at ``alpha`` iff sharers do not want to stop
        (``alpha U(k)/k >= c``) and others do not want to start (``alpha U(k+1)/(k+1) <= c``).
        The platform picks ``k`` and the smallest such ``alpha``. Returns ``(k, alpha,
        platform share)``; ``(0, 0, 0)`` if no profile with sharing pays.

        Examples
        --------
        >>> BinaryGame.dp(2).best_pure_profile("1/2")
        (1, 3/4, 1/6)
        """
        _, cost = _alpha_c(1, c)
        best = (0, sympy.Integer(0), sympy.Integer(0))
        for k in range(1, self.n + 1):
            lo = cost / self.sharer_value(k - 1)  # sharers stay: alpha U(k)/k >= c
            hi = cost / self.sharer_value(k) if k < self.n else sympy.oo  # others stay out
            if lo > 1 or lo > hi:
                continue
            share = (1 - lo) * self.utilities[k]
            if share > best[2]:
                best = (k, lo, share)
        return best


def _alpha_c(alpha: ExactLike, c: ExactLike) -> tuple[sympy.Expr, sympy.Expr]:
    a = parse_exact(alpha, name="alpha")
    cost = parse_exact(c, name="c")
    if not a.is_number or not (0 <= a <= 1):
        raise ValueError(f"alpha must lie in [0, 1], got {alpha!r}")
    if not cost.is_number or cost.is_extended_real is not True or cost < 0 or cost is sympy.oo:
        raise ValueError(f"c must be a finite number >= 0, got {c!r}")
    return a, cost


def _roots_in(poly: sympy.Expr, lo: float, hi: float, *, open_interval: bool = False) -> list[sympy.Expr]:
    """Exact real roots of a polynomial in :data:`P` inside ``[lo, hi]`` (or ``(lo, hi)``)."""
    expr = sympy.expand(poly)
    if expr == 0 or P not in expr.free_symbols:
        return []
    out = []
    for root in sympy.Poly(expr, P).real_roots():
        value = sympy.N(root, 50)
        inside = lo < value < hi if open_interval else lo <= value <= hi
        if inside:
            out.append(root)
    return sorted(set(out), key=lambda x: sympy.N(x, 50))


def _simplify_algebraic(expr: sympy.Expr) -> sympy.Expr:
    """Tidy an exact number cheaply: rationals pass, radicals are simplified, expressions in
    ``CRootOf`` are kept as they are (exact; :func:`analytic.exact.canonical_number` reduces
    them to one ``CRootOf`` for display)."""
    if expr.is_Rational or expr.has(sympy.CRootOf):
        return expr
    return sympy.simplify(expr)
