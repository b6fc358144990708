"""DP mean estimation (Section 3.2, eq. 8-10): the minimum Bayes risk, exact.

Model (``../shared/spec/models.md``): ``X_i in {+1/2, -1/2}`` with ``P(X_i = 1/2) = p``,
``p ~ Uniform(0, 1)``, the ``X_i`` independent given ``p``; the target is ``mu = p - 1/2``.
The platform uses a linear-Laplace estimator ``A(X) = w^T X + Z``, ``Z ~ Laplace(b)``
(eq. 8). Changing one ``X_i`` moves ``w^T X`` by at most ``|w_i|``, so pure heterogeneous
``eps``-DP (Definition 2) holds iff ``b >= |w_i| / eps_i`` for every ``i`` (``eps_i = 0``
forces ``w_i = 0``, ``eps_i = oo`` bounds nothing). ``r(eps)`` is the minimum Bayes risk
over ``w`` and ``b`` (eq. 9) and ``U`` is the affine map of ``r`` with ``U(0) = 0`` and
``U(oo, ..., oo) = 1`` for the same ``N`` (the paper's normalization ``sup U = 1``).

Derivation (every step is done by SymPy in this module, nothing is pasted):

1. :func:`risk_coefficients` - the Bayes risk of ``(w, b)`` is
   ``A sum w_i^2 + B (sum w_i - 1)^2 + V b^2`` with ``A = E[p(1-p)] = 1/6``,
   ``B = E[mu^2] = 1/12`` and ``V = Var(Z)/b^2 = 2``, integrated from the data model
   (:func:`risk_objective` checks the whole objective for small ``N`` with ``sympy.stats``).
2. :func:`partition_solution` - KKT conditions of this convex QP: users split into *capped*
   ones (``w_i = b eps_i``, the DP constraint binds) and *free* ones (``w_i = t``, a common
   weight). Solving the linear stationarity system gives, with ``m`` free users and
   ``E1 = sum_capped eps_i``, ``E2 = sum_capped eps_i^2``::

       t = 1 / (2 + m + E1^2 / (12 + E2)),   b = t E1 / (12 + E2),   r = t / 6.

3. :func:`optimal_estimator` - the capped users are the ones with
   ``eps_i <= (12 + E2) / E1`` (a prefix of the sorted finite levels); the KKT point is
   certified exactly by :func:`certify_kkt` (the problem is strictly convex, so it is the
   unique minimizer).

Consequences the paper does not state: a user whose level exceeds the threshold is *free*
and raising its ``eps`` further changes nothing, e.g. ``U(1, 13) = U(1, oo)``; and ``U`` is
strictly increasing only in the levels of capped users.

Examples
--------
>>> bayes_risk((sympy.oo, sympy.oo)), bayes_risk((0, sympy.oo)), bayes_risk((0, 0))
(1/24, 1/18, 1/12)
>>> [[utility((a, b)) for b in (0, sympy.oo)] for a in (0, sympy.oo)]
[[0, 2/3], [2/3, 1]]
>>> utility((1, 13)) == utility((1, sympy.oo))
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import sympy
from sympy.stats import Bernoulli, Laplace, variance
from sympy.stats import E as expectation

from analytic.exact import ExactLike, parse_level

__all__ = [
    "DPEstimator",
    "bayes_risk",
    "certify_kkt",
    "class_utility",
    "optimal_estimator",
    "partition_solution",
    "risk_coefficients",
    "risk_for_partition",
    "risk_objective",
    "utility",
    "utility_k_sharers",
    "utility_of_sharers",
]

_half = sympy.Rational(1, 2)


@dataclass(frozen=True)
class DPEstimator:
    """The Bayes-optimal linear-Laplace estimator at a profile (eq. 8-9).

    Attributes
    ----------
    profile
        The privacy levels ``eps``.
    weights
        The optimal ``w`` (non-negative).
    noise_scale
        The Laplace scale ``b`` (``Var Z = 2 b^2``).
    free_weight
        ``t``: the common weight of the unconstrained users.
    capped
        ``capped[i]`` is True iff user ``i``'s DP constraint binds (``w_i = b eps_i``).
    risk
        The minimum Bayes risk ``r(eps)``.
    """

    profile: tuple[sympy.Expr, ...]
    weights: tuple[sympy.Expr, ...]
    noise_scale: sympy.Expr
    free_weight: sympy.Expr
    capped: tuple[bool, ...]
    risk: sympy.Expr


@cache
def risk_coefficients() -> tuple[sympy.Expr, sympy.Expr, sympy.Expr]:
    """``(A, B, V)`` of the Bayes risk ``A sum w^2 + B (sum w - 1)^2 + V b^2``, derived.

    ``A = E_p[Var(X_i | p)]``, ``B = E_p[mu^2]`` (the bias of ``w^T X`` is ``(W - 1) mu``
    because ``E[X_i | p] = mu``) and ``V = Var(Laplace(b)) / b^2``, each computed by SymPy
    from the distributions of the model.

    Examples
    --------
    >>> risk_coefficients()
    (1/6, 1/12, 2)
    """
    p = sympy.Symbol("p", positive=True)
    x = Bernoulli("X", p, succ=_half, fail=-_half)
    mu = p - _half
    conditional_variance = sympy.expand(expectation(x**2) - expectation(x) ** 2)
    a = sympy.integrate(conditional_variance, (p, 0, 1))
    b_coef = sympy.integrate(sympy.expand(mu**2), (p, 0, 1))
    scale = sympy.Symbol("b", positive=True)
    v = sympy.simplify(variance(Laplace("Z", 0, scale)) / scale**2)
    return sympy.simplify(a), sympy.simplify(b_coef), sympy.simplify(v)


def risk_objective(n: int) -> tuple[sympy.Expr, tuple[sympy.Symbol, ...], sympy.Symbol]:
    """The Bayes risk ``E[(w^T X + Z - mu)^2]`` for ``n`` users, integrated by SymPy.

    Computed from scratch with ``sympy.stats`` (the joint law of ``X_1..X_n`` given ``p``,
    then the uniform prior on ``p``), independently of :func:`risk_coefficients`; the tests
    check that both agree. Practical for ``n <= 4``.

    Returns
    -------
    (expr, w, b)
        The risk as a polynomial in the weights ``w`` and the Laplace scale ``b``.

    Examples
    --------
    >>> expr, (w1,), b = risk_objective(1)
    >>> sympy.expand(expr)
    2*b**2 + w1**2/4 - w1/6 + 1/12
    """
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be an integer >= 1, got {n!r}")
    p = sympy.Symbol("p", positive=True)
    w = sympy.symbols(f"w1:{n + 1}", real=True)
    b = sympy.Symbol("b", positive=True)
    xs = [Bernoulli(f"X{i + 1}", p, succ=_half, fail=-_half) for i in range(n)]
    z = Laplace("Z", 0, b)
    mu = p - _half
    estimate = sum((wi * xi for wi, xi in zip(w, xs, strict=True)), start=sympy.Integer(0))
    conditional = expectation(sympy.expand((estimate - mu) ** 2)) + expectation(z**2)
    risk = sympy.integrate(sympy.expand(conditional), (p, 0, 1))
    return sympy.expand(risk), w, b


@cache
def partition_solution() -> dict[str, sympy.Expr]:
    """KKT solution for a given split of the users into capped and free (derived).

    Symbols: ``m`` free users, ``E1 = sum eps_i`` and ``E2 = sum eps_i^2`` over capped users.
    Stationarity of ``L = A sum w^2 + B (W - 1)^2 + V b^2 + sum_capped mu_i (w_i - b eps_i)``
    gives ``w_free = t = B (1 - W) / A`` and ``mu_i = 2 A (t - b eps_i)``; the ``b``-equation
    and ``W = m t + b E1`` are linear in ``(t, b)`` and solved here.

    Returns
    -------
    dict
        ``t`` (free weight), ``b`` (Laplace scale), ``risk`` (the objective evaluated at the
        solution), ``threshold`` (``t / b``: capped iff ``eps_i <= threshold``) and the
        symbols ``m``, ``E1``, ``E2``.

    Examples
    --------
    >>> sol = partition_solution()
    >>> sol["t"]
    (E2 + 12)/(E1**2 + E2*m + 2*E2 + 12*m + 24)
    >>> sympy.simplify(sol["risk"] - sol["t"] / 6)
    0
    """
    a, b_coef, v = risk_coefficients()
    m, e1, e2 = sympy.symbols("m E1 E2", nonnegative=True)
    t, b = sympy.symbols("t b", nonnegative=True)
    w_total = m * t + b * e1
    equations = [
        sympy.Eq(2 * v * b, 2 * a * (t * e1 - b * e2)),  # dL/db = 0 with mu_i = 2A(t - b eps_i)
        sympy.Eq(a * t, b_coef * (1 - w_total)),  # dL/dw_free = 0
    ]
    solved = sympy.solve(equations, [t, b], dict=True)
    if len(solved) != 1:
        raise ArithmeticError(f"the KKT system should have one solution, got {solved}")
    t_sol = sympy.factor(solved[0][t])
    b_sol = sympy.factor(solved[0][b])
    risk = a * (m * t**2 + b**2 * e2) + b_coef * (w_total - 1) ** 2 + v * b**2
    risk_sol = sympy.factor(sympy.simplify(risk.subs({t: t_sol, b: b_sol})))
    threshold = sympy.factor(sympy.simplify(t_sol / b_sol))
    return {"t": t_sol, "b": b_sol, "risk": risk_sol, "threshold": threshold, "m": m, "E1": e1, "E2": e2}


@cache
def _partition_functions() -> dict[str, object]:
    """:func:`partition_solution` compiled to exact Python arithmetic (SymPy numbers in/out)."""
    sol = partition_solution()
    args = (sol["m"], sol["E1"], sol["E2"])
    return {key: sympy.lambdify(args, sol[key], modules="sympy") for key in ("t", "b", "threshold")}


def risk_for_partition(n_free: ExactLike, capped_levels: Sequence[ExactLike]) -> sympy.Expr:
    """The risk of the KKT point with ``n_free`` free users and the given capped levels.

    Levels may be symbols (for closed forms in ``eps``); the caller is responsible for the
    split being the optimal one (see :func:`optimal_estimator`).

    Examples
    --------
    >>> e = sympy.Symbol("epsilon", positive=True)
    >>> sympy.factor(risk_for_partition(0, [e, e]))
    (epsilon**2 + 6)/(24*(epsilon**2 + 3))
    """
    sol = partition_solution()
    levels = [sympy.sympify(x) for x in capped_levels]
    subs = {
        sol["m"]: sympy.sympify(n_free),
        sol["E1"]: sum(levels, start=sympy.Integer(0)),
        sol["E2"]: sum((x**2 for x in levels), start=sympy.Integer(0)),
    }
    return sympy.simplify(sol["risk"].subs(subs))


def optimal_estimator(profile: Sequence[ExactLike]) -> DPEstimator:
    """The Bayes-optimal ``eps``-DP linear-Laplace estimator at ``profile`` (exact).

    Parameters
    ----------
    profile
        ``eps = (eps_1, ..., eps_N)``, entries ``>= 0`` or ``oo`` (heterogeneous allowed).

    Returns
    -------
    DPEstimator
        Weights, Laplace scale, which constraints bind, and the minimum Bayes risk.

    Examples
    --------
    >>> est = optimal_estimator((1, sympy.oo))
    >>> est.weights, est.noise_scale, est.capped, est.risk
    ((1/40, 13/40), 1/40, (True, False), 13/240)
    """
    eps = tuple(parse_level(x, name=f"eps_{k + 1}") for k, x in enumerate(profile))
    if not eps:
        raise ValueError("the profile is empty: give at least one user")
    for k, x in enumerate(eps):
        if not x.is_number:
            raise ValueError(f"eps_{k + 1} must be a number (use risk_for_partition for symbols), got {x}")
    fns = _partition_functions()
    finite = sorted(x for x in eps if x != 0 and x is not sympy.oo)
    n_inf = sum(1 for x in eps if x is sympy.oo)
    chosen = None
    if not finite:
        chosen = (0, sympy.Integer(0), sympy.Integer(0), sympy.oo)
    for k in range(1, len(finite) + 1):
        e1 = sum(finite[:k], start=sympy.Integer(0))
        e2 = sum((x**2 for x in finite[:k]), start=sympy.Integer(0))
        threshold = fns["threshold"](0, e1, e2)
        upper = finite[k] if k < len(finite) else sympy.oo
        if finite[k - 1] <= threshold <= upper:
            chosen = (k, e1, e2, threshold)
            break
    if chosen is None:  # impossible for a strictly convex QP; kept as a loud guard
        raise ArithmeticError(f"no consistent KKT split found for {eps}")
    k, e1, e2, threshold = chosen
    m = len(finite) - k + n_inf
    t = sympy.sympify(fns["t"](sympy.Integer(m), e1, e2))
    b = sympy.sympify(fns["b"](sympy.Integer(m), e1, e2))
    capped = tuple(
        bool(x is not sympy.oo and (x == 0 or x < threshold or (x == threshold and x in finite[:k]))) for x in eps
    )
    weights = tuple(sympy.Integer(0) if x == 0 else (b * x if cap else t) for x, cap in zip(eps, capped, strict=True))
    a, b_coef, v = risk_coefficients()
    total = sum(weights, start=sympy.Integer(0))
    risk = a * sum((x**2 for x in weights), start=sympy.Integer(0)) + b_coef * (total - 1) ** 2 + v * b**2
    return DPEstimator(profile=eps, weights=weights, noise_scale=b, free_weight=t, capped=capped, risk=risk)


def certify_kkt(est: DPEstimator) -> bool:
    """Exact KKT certificate: feasibility, stationarity, dual feasibility, slackness.

    The Bayes risk is a strictly convex quadratic in ``(w, b)`` and the DP constraints are
    linear, so a KKT point is the unique global minimizer.

    Examples
    --------
    >>> certify_kkt(optimal_estimator((1, 2, sympy.oo)))
    True
    """
    a, b_coef, v = risk_coefficients()
    w, b = est.weights, est.noise_scale
    total = sum(w, start=sympy.Integer(0))
    multipliers = []
    for x, wi in zip(est.profile, w, strict=True):
        grad = 2 * a * wi + 2 * b_coef * (total - 1)
        if x == 0:
            if wi != 0:
                return False
            multipliers.append(sympy.Integer(0))  # w_i = 0 is forced; no b-coupling
            continue
        if x is sympy.oo:
            if grad != 0:
                return False
            multipliers.append(sympy.Integer(0))
            continue
        if wi < 0 or wi > b * x:  # primal feasibility |w_i| <= b eps_i
            return False
        mu = -grad
        if mu < 0 or (mu != 0 and wi != b * x):  # dual feasibility, complementary slackness
            return False
        multipliers.append(mu)
    b_grad = 2 * v * b - sum(
        (mu * x for mu, x in zip(multipliers, est.profile, strict=True) if x not in (0, sympy.oo)),
        start=sympy.Integer(0),
    )
    return b >= 0 and sympy.simplify(b_grad) == 0


def bayes_risk(profile: Sequence[ExactLike]) -> sympy.Expr:
    """The minimum Bayes risk ``r(eps)`` of eq. 9 (exact).

    Examples
    --------
    >>> bayes_risk((1, 2))
    17/258
    """
    return optimal_estimator(profile).risk


def utility(profile: Sequence[ExactLike]) -> sympy.Expr:
    """``U(eps) = (r(0) - r(eps)) / (r(0) - r(oo, ..., oo))``: ``U(0) = 0``, ``U(oo) = 1``.

    Examples
    --------
    >>> utility((0, sympy.oo)), utility((2, 2))
    (2/3, 4/7)
    """
    eps = tuple(profile)
    r0 = bayes_risk((0,) * len(eps))
    r_full = bayes_risk((sympy.oo,) * len(eps))
    return (r0 - bayes_risk(eps)) / (r0 - r_full)


def utility_k_sharers(n: int, k: int, eps: ExactLike = sympy.oo) -> sympy.Expr:
    """``U`` when ``k`` of ``n`` users share at the same level ``eps`` and the rest at 0.

    ``eps`` may be a positive symbol: with equal levels every sharer is capped
    (``eps <= (12 + k eps^2) / (k eps)`` always holds), so the closed form is valid for every
    ``eps > 0``; ``eps = oo`` gives ``k (n + 2) / (n (k + 2))``.

    Examples
    --------
    >>> e = sympy.Symbol("epsilon", positive=True)
    >>> sympy.factor(utility_k_sharers(2, 1, e)), utility_k_sharers(2, 1)
    (2*epsilon**2/(3*(epsilon**2 + 8)), 2/3)
    """
    if not isinstance(n, int) or n < 1 or not isinstance(k, int) or not 0 <= k <= n:
        raise ValueError(f"need integers 0 <= k <= n with n >= 1, got n={n!r}, k={k!r}")
    level = sympy.sympify(eps)
    if level.is_number:
        level = parse_level(level, name="eps")
    elif level.is_positive is not True:
        raise ValueError(f"a symbolic eps must be declared positive, got {eps!r}")
    if level == 0:
        raise ValueError("eps must be > 0 for sharers")
    r0 = risk_for_partition(0, [])
    r_full = risk_for_partition(n, [])
    r_k = risk_for_partition(k, []) if level is sympy.oo else risk_for_partition(0, [level] * k)
    return sympy.factor(sympy.simplify((r0 - r_k) / (r0 - r_full)))


def class_utility(levels: Sequence[ExactLike], counts: Sequence[int]) -> Callable[[Sequence[int]], sympy.Expr]:
    """The class game of the DP example: ``v(m) = U`` when ``m_t`` users of class ``t`` keep level
    ``levels[t]`` and every other user of the population (``N = sum counts``) is at 0.

    Users with equal levels are exchangeable, so this feeds :mod:`analytic.classes`.

    Examples
    --------
    >>> v = class_utility([sympy.oo], [2])
    >>> v((1,)), v((2,))
    (2/3, 1)
    """
    eps = tuple(parse_level(x, name=f"level of class {k + 1}") for k, x in enumerate(levels))
    sizes = tuple(int(c) for c in counts)
    if len(sizes) != len(eps) or any(c < 1 for c in sizes):
        raise ValueError(f"need one count >= 1 per class, got {list(counts)} for {len(eps)} classes")
    total = sum(sizes)

    @cache
    def value(m: tuple[int, ...]) -> sympy.Expr:
        if any(not 0 <= mt <= k for mt, k in zip(m, sizes, strict=True)):
            raise ValueError(f"count vector {m} outside 0..{sizes}")
        profile = tuple(x for x, mt in zip(eps, m, strict=True) for _ in range(mt))
        return utility(profile + (sympy.Integer(0),) * (total - len(profile)))

    return lambda m: value(tuple(int(x) for x in m))


def utility_of_sharers(n: int, eps: ExactLike = sympy.oo) -> tuple[sympy.Symbol, sympy.Expr]:
    """``U_N(k)`` as an expression in a symbol ``k`` (``k`` sharers at ``eps``, the rest at 0).

    Valid for every integer ``1 <= k <= n`` (all sharers are capped when ``eps`` is finite).

    Examples
    --------
    >>> k, u = utility_of_sharers(10)
    >>> u, u.subs(k, 3) == utility_k_sharers(10, 3)
    (6*k/(5*(k + 2)), True)
    """
    k = sympy.Symbol("k", positive=True, integer=True)
    level = sympy.sympify(eps)
    sol = partition_solution()
    r0 = risk_for_partition(0, [])
    r_full = risk_for_partition(n, [])
    if level is sympy.oo:
        r_k = sol["risk"].subs({sol["m"]: k, sol["E1"]: 0, sol["E2"]: 0})
    else:
        level = parse_level(level, name="eps")
        r_k = sol["risk"].subs({sol["m"]: 0, sol["E1"]: k * level, sol["E2"]: k * level**2})
    return k, sympy.factor(sympy.simplify((r0 - r_k) / (r0 - r_full)))
