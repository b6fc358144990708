"""Federated mean estimation (Section 4, eq. 13-15, Table 1, Proposition 5), exact.

Model (``../shared/spec/models.md``; every decision below is ours where the paper is silent,
because Appendix B.3 with Proposition 5 is missing):

* ``theta_k = mu + delta_k`` with ``Var(delta_k) = s2`` (``s^2 >= 0``) and ``mu`` unknown,
  with no prior; user ``k``'s local estimate is ``theta_hat_k = theta_k + e_k`` with
  ``E[e_k^2] = r2 / n_k`` (``r^2 > 0``, ``n_k >= 1`` samples); all independent.
* Levels (Table 1): 2 = the platform gets ``theta_hat_k``; 1 = user ``k`` is seen only through
  ``theta_hat_f``, the *unweighted* average of the ``theta_hat`` of the level-1 users present;
  0 = nothing.
* For every user ``i`` (level 0 included) the platform uses the best linear estimator of
  ``theta_i`` from what it sees, with weights summing to one (eq. 14): every observation is
  ``y_j = mu + noise_j``, so the constraint removes the unknown ``mu`` and the error is
  ``sum_j w_j noise_j - delta_i``. Noises of distinct observations are independent, with
  variances ``V_j = s2 + r2 / n_j`` (a level-2 user) and
  ``V_f = s2 / N1 + r2 R1 / N1^2`` (``theta_hat_f``; ``N1`` level-1 users, ``R1 = sum 1/n_k``
  over them). The only correlation with ``delta_i`` is ``c_i = s2`` (``i`` at level 2, with
  its own estimate), ``c_i = s2 / N1`` (``i`` at level 1, with ``theta_hat_f``) or 0 (level 0).
* Lagrange (:func:`derive_weights`): ``w_j = (A + c_i [j = o]) / V_j`` with
  ``A = (1 - c_i / V_o) / H``, ``H = sum_j 1 / V_j`` (``o`` = the observation correlated with
  ``delta_i``), and ``EMSE_i = s2 + (1 - c_i / V_o)^2 / H - c_i^2 / V_o`` (eq. 13).
* With no observation at all ``EMSE_i := r2 + 2 s2`` (the paper's choice, Section 4).
* ``U(rho) = sum_i a_i log((r2 + 2 s2) / EMSE_i(rho))`` (eq. 15), ``a_i > 0``; the sum runs over
  **all** users, level 0 included. A coalition ``S`` sets the users outside ``S`` to level 0
  (``rho_S``, eq. 4) but they stay in the sum with their own ``EMSE``.

Proposition 5 (our derivation, :func:`proposition5`): with ``G2 = sum_{j at level 2}
n_j / (n_j s2 + r2)`` and ``H = G2 + N1^2 / (N1 s2 + r2 R1)`` (drop the last term if
``N1 = 0``)::

    EMSE (level 0)    = s2 + 1 / H
    EMSE (level 2, n) = r2 s2 / (n s2 + r2) + r2^2 / (H (n s2 + r2)^2)
    EMSE (level 1)    = s2 ((N1 - 1) s2 + r2 R1) / (N1 s2 + r2 R1) + (r2 R1)^2 / (H (N1 s2 + r2 R1)^2)

Consequences the paper does not state: all level-1 users have the *same* ``EMSE`` (the
platform cannot tell them apart), whatever their ``n``; and ``U`` is not monotone in the
levels: moving a user from 0 to 1 can *raise* every ``EMSE``, because the unweighted average
``theta_hat_f`` gives a small user's noisy estimate the same weight as a large user's
(moving 0 -> 2 or 1 -> 2 never hurts: the platform's information only grows).

Examples
--------
>>> model = FederatedModel(s2=1, r2=1)
>>> users = (User(n=1, level=2), User(n=1, level=2), User(n=2, level=0))
>>> emse(users, None, model)
(3/4, 3/4, 2)
>>> utility(users, None, model)
log(3/2) + 2*log(4)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from math import gcd
from types import MappingProxyType
from typing import Any

import sympy

from analytic.exact import ExactLike, exact_equal, parse_exact

__all__ = [
    "FEDERATED",
    "FederatedModel",
    "Label",
    "Observation",
    "Proposition5",
    "User",
    "UserClass",
    "WeightDerivation",
    "class_utility",
    "derive_weights",
    "emse",
    "emse_by_matrix",
    "gls_by_matrix",
    "log_equal",
    "observations",
    "optimal_weights",
    "profile_utility",
    "proposition5",
    "proposition5_emse",
    "utility",
]

#: An observation's label: a level-2 user's 0-based index, or :data:`FEDERATED`.
Label = int | str
#: The label of ``theta_hat_f`` among the observations (level-2 users are labelled by index).
FEDERATED = "f"

_ONE = sympy.Integer(1)
_S2 = sympy.Symbol("s2", nonnegative=True)
_R2 = sympy.Symbol("r2", positive=True)


# ---------------------------------------------------------------------------------------------
# parameters
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FederatedModel:
    """The variances of the federated model (Section 4, Fig. 4).

    Parameters are converted to exact SymPy numbers (``"1/2"``, ``0.1 -> 1/10``); symbols are
    allowed when SymPy knows their sign (``r2`` declared positive, ``s2`` nonnegative).

    Attributes
    ----------
    s2
        ``s^2 = Var(theta_i)``, the heterogeneity between users (``>= 0``).
    r2
        ``r^2 = E[sigma_i^2]``, the variance within a user's data (``> 0``).

    Raises
    ------
    ValueError
        If ``r2 <= 0``, ``s2 < 0``, either is infinite, or a symbol has no known sign.

    Examples
    --------
    >>> FederatedModel(s2="1/2", r2=3).base
    4
    >>> FederatedModel(s2=1, r2=0)
    Traceback (most recent call last):
    ...
    ValueError: r2 (r^2 = E[sigma_i^2]) must be > 0, got 0
    """

    s2: sympy.Expr
    r2: sympy.Expr

    def __post_init__(self) -> None:
        object.__setattr__(self, "s2", _parse_variance(self.s2, "s2 (s^2 = Var(theta_i))", strict=False))
        object.__setattr__(self, "r2", _parse_variance(self.r2, "r2 (r^2 = E[sigma_i^2])", strict=True))

    @classmethod
    def symbolic(cls) -> FederatedModel:
        """The model with symbols ``s2 >= 0`` and ``r2 > 0``.

        Examples
        --------
        >>> FederatedModel.symbolic().base
        r2 + 2*s2
        """
        return cls(s2=_S2, r2=_R2)

    @property
    def base(self) -> sympy.Expr:
        """``r2 + 2 s2``: the ``EMSE`` without data (Section 4) and the numerator in eq. 15."""
        return self.r2 + 2 * self.s2


@dataclass(frozen=True)
class User:
    """One user of the federated model.

    Attributes
    ----------
    n
        Number of local samples ``n_k >= 1`` (an integer).
    level
        Privacy level in ``{0, 1, 2}`` (Table 1); overridden by an explicit profile.
    a
        Importance weight ``a_k > 0`` in eq. 15 (exact).

    Examples
    --------
    >>> User(n=3, level=1, a="1/2")
    User(n=3, level=1, a=1/2)
    >>> User(n=0, level=1)
    Traceback (most recent call last):
    ...
    ValueError: n (number of samples) must be an integer >= 1, got 0
    """

    n: int
    level: int = 0
    a: sympy.Expr = _ONE

    def __post_init__(self) -> None:
        object.__setattr__(self, "n", _parse_count(self.n, "n (number of samples)", minimum=1))
        object.__setattr__(self, "level", _parse_level(self.level, "level"))
        object.__setattr__(self, "a", _parse_importance(self.a, "a (importance weight)"))


@dataclass(frozen=True)
class UserClass:
    """``count`` exchangeable users with the same ``(n, level, a)``.

    Examples
    --------
    >>> UserClass(n=100, level=2, count=4).user
    User(n=100, level=2, a=1)
    """

    n: int
    level: int
    count: int
    a: sympy.Expr = _ONE

    def __post_init__(self) -> None:
        object.__setattr__(self, "n", _parse_count(self.n, "n (number of samples)", minimum=1))
        object.__setattr__(self, "level", _parse_level(self.level, "level"))
        object.__setattr__(self, "count", _parse_count(self.count, "count (class size)", minimum=1))
        object.__setattr__(self, "a", _parse_importance(self.a, "a (importance weight)"))

    @property
    def user(self) -> User:
        """A representative member."""
        return User(n=self.n, level=self.level, a=self.a)


@dataclass(frozen=True)
class Observation:
    """One quantity the platform sees: ``y = mu + noise`` (Table 1).

    Attributes
    ----------
    label
        The 0-based index of a level-2 user, or ``"f"`` for ``theta_hat_f``.
    members
        The users whose data enter it.
    variance
        ``Var(noise)``: ``s2 + r2 / n_j`` or ``s2 / N1 + r2 R1 / N1^2``.
    """

    label: Label
    members: tuple[int, ...]
    variance: sympy.Expr


# ---------------------------------------------------------------------------------------------
# derivation (Lagrangian) and Proposition 5
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeightDerivation:
    """The constrained least-squares problem of eq. 14 solved by SymPy.

    Attributes
    ----------
    variances
        Symbols ``V_1..V_J`` (observation 1 is the one correlated with ``delta_i``).
    correlation, s2, multiplier
        The symbols ``c``, ``s2`` and the Lagrange multiplier ``lambda``.
    objective
        ``sum w_j^2 V_j - 2 w_1 c + s2`` (the ``EMSE`` of weights summing to one).
    weights, emse
        The stationary point of the Lagrangian and the objective there (solved by SymPy).
    closed_weights, closed_emse
        The closed form ``w_j = (A + c [j = 1]) / V_j``, ``A = (1 - c / V_1) / H``,
        ``EMSE = s2 + (1 - c / V_1)^2 / H - c^2 / V_1``; equal to the solved ones (checked).
    general
        The closed form with ``H`` and ``V_o`` as symbols: keys ``"H"``, ``"V_o"``, ``"V_j"``,
        ``"A"``, ``"own"`` (weight of observation ``o``), ``"other"`` (weight of an observation
        with variance ``V_j``) and ``"emse"``.
    """

    variances: tuple[sympy.Symbol, ...]
    correlation: sympy.Symbol
    s2: sympy.Symbol
    multiplier: sympy.Symbol
    objective: sympy.Expr
    weights: tuple[sympy.Expr, ...]
    emse: sympy.Expr
    closed_weights: tuple[sympy.Expr, ...]
    closed_emse: sympy.Expr
    general: Mapping[str, sympy.Expr]


@cache
def derive_weights(n_observations: int = 3) -> WeightDerivation:
    """Derive the optimal weights of eq. 14 from the Lagrangian (SymPy, symbolic ``V_j``).

    The ``EMSE`` of ``sum_j w_j y_j`` with ``sum_j w_j = 1`` is
    ``sum_j w_j^2 V_j - 2 w_1 c + s2``; the Hessian ``2 diag(V)`` is positive definite, so the
    unique stationary point of ``L = EMSE - lambda (sum_j w_j - 1)`` is the minimizer. SymPy
    solves the linear stationarity system and the result is checked against the closed form
    (Proposition 5's building block).

    Parameters
    ----------
    n_observations
        ``J >= 1``, the number of observations (symbolic ``V_1..V_J``).

    Returns
    -------
    WeightDerivation
        Solved and closed-form weights and ``EMSE`` (proved equal by ``simplify``).

    Raises
    ------
    ValueError
        If ``n_observations`` is not an integer ``>= 1``.
    ArithmeticError
        If SymPy's solution differs from the closed form (never expected).

    Examples
    --------
    >>> d = derive_weights(2)
    >>> d.emse.equals(d.closed_emse)
    True
    >>> d.general["emse"]
    s2 - c**2/V_o + (1 - c/V_o)**2/H
    """
    if isinstance(n_observations, bool) or not isinstance(n_observations, int) or n_observations < 1:
        raise ValueError(f"n_observations must be an integer >= 1, got {n_observations!r}")
    v = sympy.symbols(f"V_1:{n_observations + 1}", positive=True)
    w = sympy.symbols(f"w_1:{n_observations + 1}", real=True)
    c = sympy.Symbol("c", nonnegative=True)
    s2 = sympy.Symbol("s2", nonnegative=True)
    lam = sympy.Symbol("lambda", real=True)
    objective = sum((wj**2 * vj for wj, vj in zip(w, v, strict=True)), start=sympy.Integer(0)) - 2 * w[0] * c + s2
    lagrangian = objective - lam * (sum(w, start=sympy.Integer(0)) - 1)
    equations = [sympy.diff(lagrangian, wj) for wj in w] + [sum(w, start=sympy.Integer(0)) - 1]
    solved = sympy.solve(equations, [*w, lam], dict=True)
    if len(solved) != 1:
        raise ArithmeticError(f"the stationarity system should have one solution, got {solved}")
    weights = tuple(sympy.factor(solved[0][wj]) for wj in w)
    emse_solved = sympy.factor(sympy.simplify(objective.subs(solved[0])))
    h = sum((1 / vj for vj in v), start=sympy.Integer(0))
    a_coef = (1 - c / v[0]) / h
    closed_weights = tuple((a_coef + (c if j == 0 else 0)) / vj for j, vj in enumerate(v))
    closed_emse = s2 + (1 - c / v[0]) ** 2 / h - c**2 / v[0]
    for got, want in [*zip(weights, closed_weights, strict=True), (emse_solved, closed_emse)]:
        if sympy.simplify(got - want) != 0:
            raise ArithmeticError(f"Lagrange solution {got} differs from the closed form {want}")
    h_sym, vo, vj = sympy.symbols("H V_o V_j", positive=True)
    a_gen = (1 - c / vo) / h_sym
    general = {
        "H": h_sym,
        "V_o": vo,
        "V_j": vj,
        "A": a_gen,
        "own": (a_gen + c) / vo,
        "other": a_gen / vj,
        "emse": s2 + (1 - c / vo) ** 2 / h_sym - c**2 / vo,
    }
    return WeightDerivation(
        variances=v,
        correlation=c,
        s2=s2,
        multiplier=lam,
        objective=objective,
        weights=weights,
        emse=emse_solved,
        closed_weights=closed_weights,
        closed_emse=closed_emse,
        general=MappingProxyType(general),
    )


@dataclass(frozen=True)
class Proposition5:
    """Proposition 5 (Appendix B.3, missing from the paper): optimal weights and ``EMSE``.

    Symbols (``symbols``): ``s2``, ``r2``, ``n`` (the target's samples, level 2), ``n_j`` (an
    other level-2 user's samples), ``N1`` (level-1 users present), ``R1`` (``sum 1/n_k`` over
    them) and ``H`` (the total precision ``sum_j 1/V_j``).

    Attributes
    ----------
    symbols
        Name -> SymPy symbol.
    precision
        ``H = G2 + N1^2 / (N1 s2 + r2 R1)`` with ``G2`` (symbol) ``= sum_{level 2} n_j/(n_j s2 + r2)``;
        the last term is absent when ``N1 = 0``.
    variances
        ``"level2"``: ``V_j = s2 + r2 / n_j``; ``"federated"``: ``V_f = s2/N1 + r2 R1/N1^2``.
    emse
        Level (0, 1, 2) -> ``EMSE_i`` in terms of ``s2, r2, n, N1, R1, H``.
    weights
        Level -> ``{"own", "other_level2", "federated"}``: the weight on the target's own
        estimate (level 2 only, else ``None``), on another level-2 user's estimate and on
        ``theta_hat_f``.
    """

    symbols: Mapping[str, sympy.Symbol]
    precision: sympy.Expr
    variances: Mapping[str, sympy.Expr]
    emse: Mapping[int, sympy.Expr]
    weights: Mapping[int, Mapping[str, sympy.Expr | None]]


@cache
def proposition5() -> Proposition5:
    """Proposition 5 derived: :func:`derive_weights`'s closed form at each level.

    Substitutes the model's variances and correlations (level 2: ``c = s2``,
    ``V_o = s2 + r2/n``; level 1: ``c = s2/N1``, ``V_o = V_f``; level 0: ``c = 0``) and lets
    SymPy factor the results.

    Examples
    --------
    >>> p = proposition5()
    >>> p.emse[0]
    (H*s2 + 1)/H
    >>> p.emse[2]
    r2*(H*n*s2**2 + H*r2*s2 + r2)/(H*(n*s2 + r2)**2)
    >>> sympy.factor(p.weights[0]["federated"])
    N1**2/(H*(N1*s2 + R1*r2))
    """
    gen = derive_weights(1).general
    c, s2_sym = derive_weights(1).correlation, derive_weights(1).s2
    s2, r2 = _S2, _R2
    n, n_j = sympy.symbols("n n_j", positive=True)
    n1, r1, h, g2 = sympy.symbols("N1 R1 H G2", positive=True)
    v_level2 = s2 + r2 / n_j
    v_fed = s2 / n1 + r2 * r1 / n1**2
    cases = {
        0: {c: sympy.Integer(0), gen["V_o"]: v_fed},  # V_o is irrelevant when c = 0
        1: {c: s2 / n1, gen["V_o"]: v_fed},
        2: {c: s2, gen["V_o"]: s2 + r2 / n},
    }
    emse_by_level: dict[int, sympy.Expr] = {}
    weights: dict[int, Mapping[str, sympy.Expr | None]] = {}
    for level, subs in cases.items():
        full = {**subs, s2_sym: s2, gen["H"]: h}
        emse_by_level[level] = sympy.factor(sympy.simplify(gen["emse"].subs(full)))
        other = sympy.factor(gen["other"].subs(full).subs(gen["V_j"], v_level2))
        fed = sympy.factor(
            (gen["own"] if level == 1 else gen["other"]).subs(full).subs(gen["V_j"], v_fed).subs(gen["V_o"], v_fed)
        )
        own = sympy.factor(gen["own"].subs(full)) if level == 2 else None
        weights[level] = MappingProxyType({"own": own, "other_level2": other, "federated": fed})
    return Proposition5(
        symbols=MappingProxyType({"s2": s2, "r2": r2, "n": n, "n_j": n_j, "N1": n1, "R1": r1, "H": h, "G2": g2}),
        precision=g2 + n1**2 / (n1 * s2 + r2 * r1),
        variances=MappingProxyType({"level2": v_level2, "federated": v_fed}),
        emse=MappingProxyType(emse_by_level),
        weights=MappingProxyType(weights),
    )


@cache
def _proposition5_functions() -> dict[int, Callable[..., sympy.Expr]]:
    """Proposition 5's ``EMSE`` compiled to exact Python arithmetic (SymPy numbers in/out)."""
    p = proposition5()
    sym = p.symbols
    args = (sym["s2"], sym["r2"], sym["n"], sym["N1"], sym["R1"], sym["H"])
    return {level: sympy.lambdify(args, expr, modules="sympy") for level, expr in p.emse.items()}


def proposition5_emse(
    level: int,
    model: FederatedModel | None = None,
    *,
    own_n: ExactLike | None = None,
    level2: Sequence[tuple[ExactLike, ExactLike]] = (),
    level1: Sequence[tuple[ExactLike, ExactLike]] = (),
) -> sympy.Expr:
    """Proposition 5 for a concrete population: ``EMSE_i`` in ``s2, r2``, the ``n_k`` and counts.

    Parameters
    ----------
    level
        The target user's level (0, 1 or 2).
    model
        The variances (default: :meth:`FederatedModel.symbolic`).
    own_n
        The target's ``n`` (needed at level 2; may be a positive symbol).
    level2, level1
        ``(n, count)`` pairs describing **all** the level-2 (resp. level-1) users present,
        the target included; ``n`` and ``count`` may be positive symbols.

    Returns
    -------
    sympy.Expr
        ``EMSE_i`` (eq. 13) of the best estimator of eq. 14; ``r2 + 2 s2`` without data.

    Raises
    ------
    ValueError
        If ``level`` is not 0/1/2, a level-2 target has no ``own_n`` or no level-2 users, or a
        level-1 target has no level-1 users.

    Examples
    --------
    ``N2`` level-2 users with ``n2`` samples each, and a level-0 user:

    >>> n2, N2 = sympy.symbols("n2 N2", positive=True)
    >>> sympy.factor(proposition5_emse(0, level2=[(n2, N2)]))
    (N2*n2*s2 + n2*s2 + r2)/(N2*n2)
    >>> proposition5_emse(2, FederatedModel(0, 1), own_n=4, level2=[(4, 1), (1, 2)])
    1/6
    """
    lvl = _parse_level(level, "level")
    m = model if model is not None else FederatedModel.symbolic()
    pairs2 = [(_positive(n, "n of a level-2 user"), _positive(k, "count of level-2 users")) for n, k in level2]
    pairs1 = [(_positive(n, "n of a level-1 user"), _positive(k, "count of level-1 users")) for n, k in level1]
    g2 = sum((k * n / (n * m.s2 + m.r2) for n, k in pairs2), start=sympy.Integer(0))
    n1 = sum((k for _, k in pairs1), start=sympy.Integer(0))
    r1 = sum((k / n for n, k in pairs1), start=sympy.Integer(0))
    if lvl == 2 and (own_n is None or not pairs2):
        raise ValueError("a level-2 target needs own_n and a non-empty level2 (which includes it)")
    if lvl == 1 and not pairs1:
        raise ValueError("a level-1 target needs a non-empty level1 (which includes it)")
    if not pairs1 and not pairs2:
        return m.base
    h = g2 + (n1**2 / (n1 * m.s2 + m.r2 * r1) if pairs1 else 0)
    own = _positive(own_n, "own_n") if own_n is not None else sympy.Integer(1)
    value = _proposition5_functions()[lvl](m.s2, m.r2, own, n1 if pairs1 else sympy.Integer(1), r1, h)
    return _tidy(sympy.sympify(value))


# ---------------------------------------------------------------------------------------------
# the estimator at a profile
# ---------------------------------------------------------------------------------------------


def observations(
    users: Sequence[User], profile: Sequence[ExactLike] | None, model: FederatedModel
) -> tuple[Observation, ...]:
    """What the platform sees at ``profile`` (Table 1): level-2 estimates, then ``theta_hat_f``.

    Parameters
    ----------
    users
        The users (``n``, ``a``; their ``level`` is used when ``profile`` is None).
    profile
        Levels in ``{0, 1, 2}``, one per user, or None.
    model
        The variances.

    Examples
    --------
    >>> users = (User(1), User(2), User(4))
    >>> [(o.label, o.members, o.variance) for o in observations(users, (2, 1, 1), FederatedModel(1, 1))]
    [(0, (0,), 2), ('f', (1, 2), 11/16)]
    """
    levels = _profile(users, profile)
    obs = [
        Observation(label=k, members=(k,), variance=model.s2 + model.r2 / u.n)
        for k, (u, lvl) in enumerate(zip(users, levels, strict=True))
        if lvl == 2
    ]
    fed = tuple(k for k, lvl in enumerate(levels) if lvl == 1)
    if fed:
        n1 = len(fed)
        r1 = sum((sympy.Rational(1, users[k].n) for k in fed), start=sympy.Integer(0))
        obs.append(Observation(label=FEDERATED, members=fed, variance=model.s2 / n1 + model.r2 * r1 / n1**2))
    return tuple(obs)


def optimal_weights(
    users: Sequence[User], profile: Sequence[ExactLike] | None, model: FederatedModel, target: int
) -> dict[Label, sympy.Expr]:
    """The optimal weights of eq. 14 for estimating ``theta_target`` (Proposition 5).

    Parameters
    ----------
    users, profile, model
        As in :func:`observations`.
    target
        0-based index of the user whose ``theta`` is estimated (any level).

    Returns
    -------
    dict
        Observation label (a level-2 user's index, or ``"f"``) -> weight; the weights sum to
        one. Empty when the platform sees nothing.

    Examples
    --------
    >>> users = (User(1), User(2), User(4))
    >>> optimal_weights(users, (2, 1, 1), FederatedModel(1, 1), 0)
    {0: 27/43, 'f': 16/43}
    >>> optimal_weights(users, (2, 1, 1), FederatedModel(1, 1), 2)
    {0: 3/43, 'f': 40/43}
    """
    obs = observations(users, profile, model)
    own, c = _correlation(users, profile, model, _index(target, len(users)))
    if not obs:
        return {}
    weights, _ = _closed_form(obs, own, c, model)
    return {o.label: w for o, w in zip(obs, weights, strict=True)}


def emse(users: Sequence[User], profile: Sequence[ExactLike] | None, model: FederatedModel) -> tuple[sympy.Expr, ...]:
    """``EMSE_i(rho)`` (eq. 13) of the optimal estimator (eq. 14) for every user, exact.

    Uses the closed form ``s2 + (1 - c_i/V_o)^2 / H - c_i^2 / V_o`` on the observations of
    :func:`observations`; ``r2 + 2 s2`` when the platform sees nothing (the paper's choice).

    Parameters
    ----------
    users
        The users; ``profile=None`` uses their own levels.
    profile
        Levels in ``{0, 1, 2}`` (ints or SymPy integers, as passed by
        :mod:`analytic.fair_values`).
    model
        The variances (numbers or signed symbols).

    Returns
    -------
    tuple of sympy.Expr
        One ``EMSE`` per user (factored when symbolic).

    Examples
    --------
    >>> users = (User(1), User(2), User(4))
    >>> emse(users, (2, 1, 1), FederatedModel(1, 1))
    (27/43, 29/43, 29/43)
    >>> emse(users, (0, 0, 0), FederatedModel(1, 1))
    (3, 3, 3)
    >>> emse((User(1, 2), User(1, 0)), None, FederatedModel.symbolic())
    (r2, r2 + 2*s2)
    """
    obs = observations(users, profile, model)
    out = []
    for i in range(len(users)):
        if not obs:
            out.append(model.base)
            continue
        own, c = _correlation(users, profile, model, i)
        out.append(_tidy(_closed_form(obs, own, c, model)[1]))
    return tuple(out)


def gls_by_matrix(
    users: Sequence[User], profile: Sequence[ExactLike] | None, model: FederatedModel, target: int
) -> tuple[dict[Label, sympy.Expr], sympy.Expr]:
    """Brute-force constrained GLS with SymPy matrices (independent of Proposition 5).

    Writes every observation and the target as linear maps of the latent vector
    ``z = (delta_1..delta_N, e_1..e_N)`` with ``Cov(z) = diag(s2, ..., r2/n_1, ...)``, forms the
    full covariance ``Sigma`` of the observations and ``c = Cov(obs, theta_i)``, and solves the
    KKT system ``[[Sigma, 1], [1^T, 0]] [w; nu] = [c; 1]`` (minimize
    ``w^T Sigma w - 2 w^T c + s2`` subject to ``1^T w = 1``). No independence shortcut is used.

    Returns
    -------
    (weights, emse)
        Label -> weight and ``EMSE_target``; ``({}, r2 + 2 s2)`` when the platform sees nothing.

    Examples
    --------
    >>> users = (User(1), User(2), User(4))
    >>> gls_by_matrix(users, (2, 1, 1), FederatedModel(1, 1), 0)
    ({0: 27/43, 'f': 16/43}, 27/43)
    """
    levels = _profile(users, profile)
    i = _index(target, len(users))
    n_users = len(users)
    rows: list[list[sympy.Expr]] = []
    labels: list[Label] = []
    for k, lvl in enumerate(levels):
        if lvl == 2:
            row = [sympy.Integer(0)] * (2 * n_users)
            row[k] = row[n_users + k] = sympy.Integer(1)
            rows.append(row)
            labels.append(k)
    fed = [k for k, lvl in enumerate(levels) if lvl == 1]
    if fed:
        row = [sympy.Integer(0)] * (2 * n_users)
        for k in fed:
            row[k] = row[n_users + k] = sympy.Rational(1, len(fed))
        rows.append(row)
        labels.append(FEDERATED)
    if not rows:
        return {}, model.base
    loading = sympy.Matrix(rows)
    cov = sympy.diag(*([model.s2] * n_users + [model.r2 / u.n for u in users]))
    t = sympy.zeros(2 * n_users, 1)
    t[i] = 1
    sigma = loading * cov * loading.T
    corr = loading * cov * t
    size = len(rows)
    kkt = sympy.zeros(size + 1, size + 1)
    kkt[:size, :size] = sigma
    kkt[:size, size] = sympy.ones(size, 1)
    kkt[size, :size] = sympy.ones(1, size)
    rhs = sympy.Matrix([*corr, 1])
    sol = kkt.LUsolve(rhs)
    w = sol[:size, 0]
    value = (w.T * sigma * w)[0, 0] - 2 * (w.T * corr)[0, 0] + (t.T * cov * t)[0, 0]
    weights = {lab: _tidy(sympy.simplify(wj)) for lab, wj in zip(labels, w, strict=True)}
    return weights, _tidy(sympy.simplify(value))


def emse_by_matrix(
    users: Sequence[User], profile: Sequence[ExactLike] | None, model: FederatedModel
) -> tuple[sympy.Expr, ...]:
    """``EMSE_i`` for every user by :func:`gls_by_matrix` (brute force, small ``N``).

    Examples
    --------
    >>> emse_by_matrix((User(1), User(2), User(4)), (2, 1, 1), FederatedModel(1, 1))
    (27/43, 29/43, 29/43)
    """
    return tuple(gls_by_matrix(users, profile, model, i)[1] for i in range(len(users)))


def utility(users: Sequence[User], profile: Sequence[ExactLike] | None, model: FederatedModel) -> sympy.Expr:
    """``U(rho) = sum_i a_i log((r2 + 2 s2) / EMSE_i(rho))`` (eq. 15), exact.

    Users with equal ``EMSE`` are grouped, so the result is a sum of distinct ``log`` terms
    with exact coefficients. Level-0 users are in the sum (with the ``EMSE`` of the best
    estimator of their ``theta`` from the others' data). ``U(0, ..., 0) = 0``.

    Examples
    --------
    >>> users = (User(1), User(2), User(4, a=2))
    >>> utility(users, (2, 1, 1), FederatedModel(1, 1))
    log(43/9) + 3*log(129/29)
    >>> utility(users, (0, 0, 0), FederatedModel(1, 1))
    0
    """
    errors = emse(users, profile, model)
    grouped: dict[sympy.Expr, sympy.Expr] = {}
    for u, e in zip(users, errors, strict=True):
        grouped[e] = grouped.get(e, sympy.Integer(0)) + u.a
    return sympy.Add(*[weight * sympy.log(_tidy(model.base / e)) for e, weight in grouped.items()])


def profile_utility(users: Sequence[User], model: FederatedModel) -> Callable[[Sequence[ExactLike]], sympy.Expr]:
    """``rho -> U(rho)`` (eq. 15) for :mod:`analytic.fair_values` (profiles of levels 0/1/2).

    Examples
    --------
    >>> from analytic.fair_values import user_values
    >>> U = profile_utility((User(1), User(1)), FederatedModel(1, 1))
    >>> user_values(U, (2, 2)).users
    (log(4), log(4))
    """
    members = tuple(users)
    _check_users(members)

    @cache
    def cached(levels: tuple[int, ...]) -> sympy.Expr:
        return utility(members, levels, model)

    def u(profile: Sequence[ExactLike]) -> sympy.Expr:
        return cached(_profile(members, profile))

    return u


def class_utility(classes: Sequence[UserClass], model: FederatedModel) -> Callable[[Sequence[int]], sympy.Expr]:
    """The class game ``v(m)`` of eq. 15: ``m_t`` members of class ``t`` keep their level.

    Every other user (the ``K_t - m_t`` remaining members, and all members of level-0
    classes) is at level 0 but stays in eq. 15's sum. Computed from Proposition 5 with the
    aggregates ``G2 = sum m_t n_t / (n_t s2 + r2)`` (level-2 classes), ``N1 = sum m_t`` and
    ``R1 = sum m_t / n_t`` (level-1 classes); independent of :func:`emse`, which the tests
    use to check it through brute force.

    Returns
    -------
    callable
        ``m -> v(m)`` for count vectors ``0 <= m_t <= K_t`` (exact, cached).

    Examples
    --------
    >>> v = class_utility([UserClass(n=1, level=2, count=2), UserClass(n=2, level=0, count=1)], FederatedModel(1, 1))
    >>> v((2, 1))
    log(3/2) + 2*log(4)
    >>> v((0, 1))
    0
    """
    cls = tuple(classes)
    if not cls:
        raise ValueError("give at least one class of users")
    for k, c in enumerate(cls):
        if not isinstance(c, UserClass):
            raise TypeError(f"class {k + 1} must be a UserClass, got {type(c).__name__}")
    fns = _proposition5_functions()
    s2, r2, base = model.s2, model.r2, model.base

    @cache
    def value(m: tuple[int, ...]) -> sympy.Expr:
        g2 = sum(
            (sympy.Integer(mt) * c.n / (c.n * s2 + r2) for c, mt in zip(cls, m, strict=True) if c.level == 2),
            start=sympy.Integer(0),
        )
        n1 = sum((mt for c, mt in zip(cls, m, strict=True) if c.level == 1), start=0)
        r1 = sum(
            (sympy.Rational(mt, c.n) for c, mt in zip(cls, m, strict=True) if c.level == 1), start=sympy.Integer(0)
        )
        if not any(mt and c.level in (1, 2) for c, mt in zip(cls, m, strict=True)):
            return sympy.Integer(0)  # the platform sees nothing: every EMSE is r2 + 2 s2
        h = g2 + (sympy.Integer(n1) ** 2 / (n1 * s2 + r2 * r1) if n1 else 0)
        n1_arg = sympy.Integer(max(n1, 1))
        e0 = _tidy(sympy.sympify(fns[0](s2, r2, sympy.Integer(1), n1_arg, r1, h)))
        e1 = _tidy(sympy.sympify(fns[1](s2, r2, sympy.Integer(1), n1_arg, r1, h))) if n1 else None
        grouped: dict[sympy.Expr, sympy.Expr] = {}
        for c, mt in zip(cls, m, strict=True):
            inside = sympy.Integer(0) if c.level == 0 else sympy.Integer(mt)
            outside = c.count - inside
            if inside:
                e = e1 if c.level == 1 else _tidy(sympy.sympify(fns[2](s2, r2, sympy.Integer(c.n), n1_arg, r1, h)))
                grouped[e] = grouped.get(e, sympy.Integer(0)) + inside * c.a
            if outside:
                grouped[e0] = grouped.get(e0, sympy.Integer(0)) + outside * c.a
        return sympy.Add(*[weight * sympy.log(_tidy(base / e)) for e, weight in grouped.items()])

    def v(m: Sequence[int]) -> sympy.Expr:
        if isinstance(m, str) or len(m) != len(cls):
            raise ValueError(f"a count vector has one entry per class ({len(cls)}), got {m!r}")
        counts = tuple(_parse_count(x, f"m_{t + 1}", minimum=0) for t, x in enumerate(m))
        for t, (x, c) in enumerate(zip(counts, cls, strict=True)):
            if x > c.count:
                raise ValueError(f"m_{t + 1} = {x} exceeds the class size K_{t + 1} = {c.count}")
        return value(counts)

    return v


# ---------------------------------------------------------------------------------------------
# exact comparison of sums of logarithms
# ---------------------------------------------------------------------------------------------


def log_equal(a: ExactLike, b: ExactLike) -> bool:
    """Exact equality of ``q_0 + sum_k c_k log(q_k)`` (rational ``q``, ``c``): no floats.

    Utilities (eq. 15) and fair values of the federated model are such sums, but SymPy does
    not see ``log(6) = log(2) + log(3)``. The arguments' numerators and denominators are
    rewritten on a common *coprime basis* (gcd refinement, no factoring); logarithms of
    pairwise coprime integers ``> 1`` are linearly independent over the rationals, so the
    difference is zero iff every coordinate is. Other expressions fall back to
    :func:`analytic.exact.exact_equal`.

    Examples
    --------
    >>> log_equal(sympy.log(6) - sympy.log(3), sympy.log(2))
    True
    >>> log_equal(2 * sympy.log(sympy.Rational(3, 2)), sympy.log(9) - sympy.log(4) + sympy.Rational(1, 10**9))
    False
    """
    diff = sympy.expand(parse_exact(a) - parse_exact(b))
    if diff == 0:
        return True
    terms = diff.as_coefficients_dict()
    constant = sympy.Integer(0)
    logs: list[tuple[sympy.Rational, sympy.Rational]] = []
    for key, coef in terms.items():
        if not sympy.sympify(coef).is_Rational:
            return exact_equal(a, b)
        if key == 1:
            constant += coef
        elif isinstance(key, sympy.log) and key.args[0].is_Rational and key.args[0] > 0:
            logs.append((sympy.Rational(coef), sympy.Rational(key.args[0])))
        else:
            return exact_equal(a, b)
    if constant != 0:
        return False
    integers = [x for _, q in logs for x in (int(q.p), int(q.q)) if x > 1]
    basis = _coprime_basis(integers)
    coords = dict.fromkeys(basis, sympy.Integer(0))
    for coef, q in logs:
        for sign, x in ((1, int(q.p)), (-1, int(q.q))):
            for b, e in _exponents(x, basis).items():
                coords[b] += sign * coef * e
    return all(value == 0 for value in coords.values())


def _coprime_basis(numbers: Sequence[int]) -> list[int]:
    """Pairwise coprime integers ``> 1`` of which every input is a product of powers."""
    basis = sorted({x for x in numbers if x > 1})
    changed = True
    while changed:
        changed = False
        for i in range(len(basis)):
            for j in range(i + 1, len(basis)):
                g = gcd(basis[i], basis[j])
                if g > 1:
                    parts = [basis[i] // g, basis[j] // g, g]
                    rest = [x for k, x in enumerate(basis) if k not in (i, j)]
                    basis = sorted({x for x in rest + parts if x > 1})
                    changed = True
                    break
            if changed:
                break
    return basis


def _exponents(x: int, basis: Sequence[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for b in basis:
        while x % b == 0:
            x //= b
            out[b] = out.get(b, 0) + 1
    if x != 1:  # impossible when x is one of the refined inputs
        raise ArithmeticError(f"{x} is not a product of the coprime basis {basis}")
    return out


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------


def _closed_form(
    obs: Sequence[Observation], own: Label | None, c: sympy.Expr, model: FederatedModel
) -> tuple[list[sympy.Expr], sympy.Expr]:
    """Weights and ``EMSE`` of :func:`derive_weights`'s closed form on concrete observations."""
    h = sum((1 / o.variance for o in obs), start=sympy.Integer(0))
    v_own = next((o.variance for o in obs if o.label == own), None)
    ratio = c / v_own if v_own is not None else sympy.Integer(0)
    a_coef = (1 - ratio) / h
    weights = [_tidy((a_coef + (c if o.label == own else 0)) / o.variance) for o in obs]
    value = model.s2 + (1 - ratio) ** 2 / h - (c * ratio)
    return weights, value


def _correlation(
    users: Sequence[User], profile: Sequence[ExactLike] | None, model: FederatedModel, i: int
) -> tuple[Label | None, sympy.Expr]:
    """The observation correlated with ``delta_i`` and ``c_i = Cov(noise_o, delta_i)``."""
    levels = _profile(users, profile)
    if levels[i] == 2:
        return i, model.s2
    if levels[i] == 1:
        return FEDERATED, model.s2 / sum(1 for lvl in levels if lvl == 1)
    return None, sympy.Integer(0)


def _profile(users: Sequence[User], profile: Sequence[ExactLike] | None) -> tuple[int, ...]:
    _check_users(users)
    if profile is None:
        return tuple(u.level for u in users)
    if isinstance(profile, str):
        raise TypeError(f"profile must be a sequence of levels 0/1/2, got the string {profile!r}")
    levels = tuple(profile)
    if len(levels) != len(users):
        raise ValueError(f"the profile has {len(levels)} levels for {len(users)} users: {levels!r}")
    return tuple(_parse_level(x, f"level of user {k + 1}") for k, x in enumerate(levels))


def _check_users(users: Sequence[User]) -> None:
    if isinstance(users, str) or not len(users):
        raise ValueError(f"give at least one User, got {users!r}")
    for k, u in enumerate(users):
        if not isinstance(u, User):
            raise TypeError(f"user {k + 1} must be a User, got {type(u).__name__}: {u!r}")


def _index(target: int, n: int) -> int:
    if isinstance(target, bool) or not isinstance(target, int) or not 0 <= target < n:
        raise ValueError(f"target must be a user index in 0..{n - 1}, got {target!r}")
    return target


def _parse_level(value: Any, name: str) -> int:
    if isinstance(value, bool):
        raise TypeError(f"{name} must be 0, 1 or 2, got the boolean {value!r}")
    number = parse_exact(value, name=name)
    if number not in (0, 1, 2):
        raise ValueError(f"{name} must be 0, 1 or 2, got {value!r}")
    return int(number)


def _parse_count(value: Any, name: str, *, minimum: int) -> int:
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an integer >= {minimum}, got the boolean {value!r}")
    number = parse_exact(value, name=name)
    if not number.is_Integer or number < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(number)


def _parse_importance(value: Any, name: str) -> sympy.Expr:
    number = parse_exact(value, name=name)
    if number.is_positive is not True or number.is_finite is not True:
        raise ValueError(f"{name} must be > 0 and finite, got {value!r}")
    return number


def _parse_variance(value: Any, name: str, *, strict: bool) -> sympy.Expr:
    number = parse_exact(value, name=name)
    ok = number.is_positive if strict else number.is_nonnegative
    if ok is not True or number.is_finite is not True:
        raise ValueError(f"{name} must be {'> 0' if strict else '>= 0'}, got {value!r}")
    return number


def _positive(value: Any, name: str) -> sympy.Expr:
    number = parse_exact(value, name=name)
    if number.is_positive is not True:
        raise ValueError(f"{name} must be > 0 (a positive number or symbol), got {value!r}")
    return number


def _tidy(expr: sympy.Expr) -> sympy.Expr:
    """Factor symbolic rational functions; numbers are already canonical."""
    return sympy.factor(sympy.cancel(expr)) if expr.free_symbols else expr
