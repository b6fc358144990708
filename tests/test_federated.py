"""Federated mean estimation (Section 4): Lagrange derivation, Proposition 5, GLS, Monte Carlo."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from analytic import federated as af
from analytic.exact import to_float
from analytic.fair_values import user_values
from numeric import fair_values as nfv
from numeric import federated as nf

S2_VALUES = ["0", "1/10", "1/2", "1", "3", "100"]
R2_VALUES = ["1/3", "1", "4", "10"]


@st.composite
def populations(draw: st.DrawFn, max_users: int = 5) -> dict[str, Any]:
    """Random small populations: N <= max_users users with n in 1..12, levels 0/1/2, a in {1/2, 1, 3}."""
    size = draw(st.integers(1, max_users))
    users = tuple(
        af.User(n=draw(st.integers(1, 12)), level=draw(st.integers(0, 2)), a=draw(st.sampled_from(["1/2", 1, 3])))
        for _ in range(size)
    )
    model = af.FederatedModel(s2=draw(st.sampled_from(S2_VALUES)), r2=draw(st.sampled_from(R2_VALUES)))
    return {"users": users, "model": model}


def _floats(pop: dict[str, Any]) -> dict[str, Any]:
    users, model = pop["users"], pop["model"]
    return {
        "levels": [u.level for u in users],
        "n": [u.n for u in users],
        "a": [to_float(u.a) for u in users],
        "s2": to_float(model.s2),
        "r2": to_float(model.r2),
    }


def _rel(x: float, y: float) -> float:
    return abs(x - y) / max(abs(y), 1e-300)


# --- derivation -------------------------------------------------------------------------------


@pytest.mark.parametrize("j", [1, 2, 3, 4])
def test_lagrange_solution_is_the_closed_form(j: int) -> None:
    d = af.derive_weights(j)  # raises ArithmeticError if SymPy's solution differs
    assert all(sympy.simplify(w - c) == 0 for w, c in zip(d.weights, d.closed_weights, strict=True))
    assert sympy.simplify(d.emse - d.closed_emse) == 0
    assert sympy.simplify(sum(d.weights) - 1) == 0
    hessian = sympy.hessian(d.objective, [sympy.Symbol(f"w_{k}", real=True) for k in range(1, j + 1)])
    assert hessian == sympy.diag(*[2 * v for v in d.variances])  # positive definite: a minimum


def test_proposition5_simplified_forms() -> None:
    p = af.proposition5()
    sym = p.symbols
    s2, r2, n, n1, r1, h = (sym[k] for k in ("s2", "r2", "n", "N1", "R1", "H"))
    printed = {
        0: s2 + 1 / h,
        2: r2 * s2 / (n * s2 + r2) + r2**2 / (h * (n * s2 + r2) ** 2),
        1: s2 * ((n1 - 1) * s2 + r2 * r1) / (n1 * s2 + r2 * r1) + (r2 * r1) ** 2 / (h * (n1 * s2 + r2 * r1) ** 2),
    }
    for level, expr in printed.items():
        assert sympy.simplify(p.emse[level] - expr) == 0, level
    # level 2: EMSE_i = (r2 / n_i) * w_ii (the own weight is the error relative to r2 / n)
    assert sympy.simplify(p.emse[2] - r2 / n * p.weights[2]["own"]) == 0


def test_proposition5_weights_sum_to_one() -> None:
    p = af.proposition5()
    sym = p.symbols
    s2, r2, n, n_j, n1, r1, h = (sym[k] for k in ("s2", "r2", "n", "n_j", "N1", "R1", "H"))
    # observations: the target's own estimate (level 2, n), one other level-2 user (n_j), theta_f
    total_h = n / (n * s2 + r2) + n_j / (n_j * s2 + r2) + n1**2 / (n1 * s2 + r2 * r1)
    w2 = p.weights[2]
    assert sympy.simplify((w2["own"] + w2["other_level2"] + w2["federated"]).subs(h, total_h) - 1) == 0
    # for levels 0 and 1 the level-2 observations are (n, n_j); the target is not among them
    for level in (0, 1):
        w = p.weights[level]
        other = w["other_level2"]
        total = other + other.subs(n_j, n) + w["federated"]
        assert sympy.simplify(total.subs(h, total_h) - 1) == 0, level


@settings(max_examples=40)
@given(populations())
def test_closed_form_equals_matrix_gls_and_proposition5(pop: dict[str, Any]) -> None:
    users, model = pop["users"], pop["model"]
    closed = af.emse(users, None, model)
    assert closed == af.emse_by_matrix(users, None, model)
    level2 = [(u.n, 1) for u in users if u.level == 2]
    level1 = [(u.n, 1) for u in users if u.level == 1]
    for i, u in enumerate(users):
        weights = af.optimal_weights(users, None, model, i)
        matrix_weights, matrix_emse = af.gls_by_matrix(users, None, model, i)
        assert weights == matrix_weights and matrix_emse == closed[i]
        assert not weights or sum(weights.values()) == 1
        own = u.n if u.level == 2 else None
        assert af.proposition5_emse(u.level, model, own_n=own, level2=level2, level1=level1) == closed[i]
        assert 0 < closed[i] <= model.base


@given(populations(max_users=7))
def test_numeric_matches_exact(pop: dict[str, Any]) -> None:
    users, model = pop["users"], pop["model"]
    f = _floats(pop)
    exact = [to_float(x) for x in af.emse(users, None, model)]
    closed = nf.emse(f["levels"], f["n"], s2=f["s2"], r2=f["r2"])[0]
    assert max(_rel(x, y) for x, y in zip(closed, exact, strict=True)) < 1e-12
    w_gls, e_gls = nf.gls(f["levels"], f["n"], s2=f["s2"], r2=f["r2"])
    assert max(_rel(x, y) for x, y in zip(e_gls, exact, strict=True)) < 1e-9
    w = nf.optimal_weights(f["levels"], f["n"], s2=f["s2"], r2=f["r2"])[0]
    if any(f["levels"]):
        assert np.allclose(w, w_gls, rtol=1e-9, atol=1e-9)
        assert np.allclose(w.sum(axis=1), 1.0, atol=1e-12)
        for i in range(len(users)):
            for label, value in af.optimal_weights(users, None, model, i).items():
                column = len(users) if label == "f" else label
                assert abs(w[i, column] - to_float(value)) < 1e-12
    else:
        assert np.isnan(w).all() and np.isnan(w_gls).all()
    u_exact = to_float(af.utility(users, None, model))
    u_float = nf.utility(f["levels"], f["n"], f["a"], s2=f["s2"], r2=f["r2"])[0]
    assert abs(u_float - u_exact) <= 1e-12 * max(1.0, abs(u_exact))


def test_vectorized_rows_match_single_rows() -> None:
    rng = np.random.default_rng(3)
    n = rng.integers(1, 50, size=6)
    profiles = rng.integers(0, 3, size=(200, 6))
    batch = nf.emse(profiles, n, s2=2.0, r2=5.0)
    for row, got in zip(profiles, batch, strict=True):
        assert np.array_equal(nf.emse(row, n, s2=2.0, r2=5.0)[0], got)
    u = nf.utility_function(n, np.arange(1, 7), s2=2.0, r2=5.0)(profiles.astype(float))
    assert u.shape == (200,)
    assert np.allclose(u, np.log(9.0 / batch) @ np.arange(1, 7), rtol=1e-14, atol=1e-14)


def test_symbolic_model_matches_matrix_gls() -> None:
    model = af.FederatedModel.symbolic()
    users = (af.User(1, 2), af.User(3, 1), af.User(2, 1), af.User(5, 0))
    closed = af.emse(users, None, model)
    matrix = af.emse_by_matrix(users, None, model)
    assert all(sympy.simplify(x - y) == 0 for x, y in zip(closed, matrix, strict=True))
    assert closed[1] == closed[2]  # level-1 users are indistinguishable
    s2, r2 = model.s2, model.r2
    n2, n1c, k2, k1 = sympy.symbols("n2 n1 K2 K1", positive=True)
    # Proposition 5 with symbolic sizes and counts agrees with the concrete case
    expr = af.proposition5_emse(0, level2=[(n2, k2)], level1=[(n1c, k1)])
    value = expr.subs({n2: 1, k2: 1, n1c: sympy.Rational(12, 5), k1: 2})  # R1 = 1/3 + 1/2 = 2/(12/5)
    assert sympy.simplify(value - closed[3]) == 0
    assert sympy.simplify(af.proposition5_emse(2, own_n=1, level2=[(1, 1)]) - r2) == 0
    assert af.emse((af.User(4),), (0,), model) == (r2 + 2 * s2,)


def test_special_cases() -> None:
    # one level-2 user: its own estimate, EMSE = r2 / n
    assert af.emse((af.User(4, 2),), None, af.FederatedModel(7, 2)) == (sympy.Rational(1, 2),)
    # s2 = 0 (homogeneous): everyone is estimated by the pooled GLS mean, EMSE = 1 / H
    users = (af.User(1, 2), af.User(3, 1), af.User(2, 1), af.User(5, 0))
    e = af.emse(users, None, af.FederatedModel(0, 1))
    h = 1 + sympy.Integer(2) ** 2 / (sympy.Rational(1, 3) + sympy.Rational(1, 2))
    assert e == (1 / h,) * 4
    # nobody shares: the paper's convention, U = 0
    model = af.FederatedModel(1, 3)
    assert af.emse(users, (0, 0, 0, 0), model) == (5, 5, 5, 5)
    assert af.utility(users, (0, 0, 0, 0), model) == 0
    assert nf.utility([0, 0, 0, 0], [1, 3, 2, 5], s2=1.0, r2=3.0)[0] == 0.0
    # a lone level-1 user is as well estimated as a lone level-2 user
    assert af.emse((af.User(3, 1),), None, model) == af.emse((af.User(3, 2),), None, model) == (1,)
    # level-0 users get the GLS mean error of the others' data: s2 + 1/H
    assert af.emse((af.User(1, 2), af.User(1, 0)), None, model)[1] == 1 + 1 / sympy.Rational(1, 4)


@given(populations(), st.integers(0, 4))
def test_raising_a_level_to_2_never_hurts(pop: dict[str, Any], which: int) -> None:
    """0 -> 2 and 1 -> 2 only add information (theta_hat_f is a combination of the new observations)."""
    users, model = pop["users"], pop["model"]
    i = which % len(users)
    before = [u.level for u in users]
    after = [2 if k == i else x for k, x in enumerate(before)]
    e0, e1 = af.emse(users, before, model), af.emse(users, after, model)
    assert all(y <= x for x, y in zip(e0, e1, strict=True))
    assert af.utility(users, after, model) - af.utility(users, before, model) >= 0


def test_federating_can_hurt_everyone() -> None:
    """0 -> 1 is not monotone: the unweighted average theta_hat_f lets a small user add noise.

    A user with n = 100 federates alone; a user with n = 1 joins the federation. With s2 = 0
    every EMSE rises from 1/100 to (1/100 + 1)/4, so U falls and the newcomer's Theorem 2 value
    is negative (the paper's Assumption 1, monotone U, fails for this model).
    """
    model = af.FederatedModel(0, 1)
    users = (af.User(100), af.User(1))
    assert af.emse(users, (1, 0), model) == (sympy.Rational(1, 100),) * 2
    assert af.emse(users, (1, 1), model) == (sympy.Rational(101, 400),) * 2
    assert to_float(af.utility(users, (1, 1), model)) < to_float(af.utility(users, (1, 0), model))
    values = user_values(af.profile_utility(users, model), (1, 1)).users
    assert to_float(values[1]) < 0
    assert af.log_equal(values[1], -sympy.log(sympy.Rational(101, 4)))
    # with heterogeneity the same happens for a small enough newcomer
    assert (
        nf.utility([[1, 1], [1, 0]], [100, 1], s2=0.01, r2=1.0).tolist()[0]
        < nf.utility([1, 0], [100, 1], s2=0.01, r2=1.0)[0]
    )


def test_profile_utility_feeds_fair_values() -> None:
    users = (af.User(1), af.User(1), af.User(2))
    model = af.FederatedModel(1, 1)
    fv = user_values(af.profile_utility(users, model), (2, 2, 0))
    assert fv.users[2] == 0  # a level-0 user is a null player
    assert af.log_equal(sum(fv.users), af.utility(users, (2, 2, 0), model))
    fl = nfv.user_values(nf.utility_function([1, 1, 2], s2=1.0, r2=1.0), [2, 2, 0])
    assert np.allclose(fl.users, [to_float(x) for x in fv.users], atol=1e-12)


@given(populations(max_users=6))
def test_class_utility_equals_expanded_utility(pop: dict[str, Any]) -> None:
    users, model = pop["users"], pop["model"]
    classes: dict[tuple[int, int, sympy.Expr], int] = {}
    for u in users:
        classes[(u.n, u.level, u.a)] = classes.get((u.n, u.level, u.a), 0) + 1
    cls = [af.UserClass(n=n, level=lvl, count=k, a=a) for (n, lvl, a), k in classes.items()]
    expanded = [c.user for c in cls for _ in range(c.count)]
    v = af.class_utility(cls, model)
    counts = np.array([c.count for c in cls])
    vf = nf.class_utility(
        [c.n for c in cls], [c.level for c in cls], [to_float(c.a) for c in cls], counts,
        s2=to_float(model.s2), r2=to_float(model.r2),
    )  # fmt: skip
    rng = np.random.default_rng(len(users))
    for _ in range(4):
        m = tuple(int(rng.integers(0, k + 1)) for k in counts)
        profile = [c.level if j < mt else 0 for c, mt in zip(cls, m, strict=True) for j in range(c.count)]
        exact = af.utility(expanded, profile, model)
        assert af.log_equal(v(m), exact)
        assert abs(vf(np.array([m]))[0] - to_float(exact)) <= 1e-12 * max(1.0, abs(to_float(exact)))


def test_log_equal() -> None:
    q = sympy.Rational
    assert af.log_equal(sympy.log(q(3, 2)) + sympy.log(q(2, 9)), -sympy.log(3))
    assert af.log_equal(3 * sympy.log(q(12, 35)), sympy.log(1728) - sympy.log(42875))
    assert not af.log_equal(sympy.log(6), sympy.log(2) + sympy.log(q(3001, 1000)))
    assert not af.log_equal(sympy.log(2) + 1, sympy.log(2))
    assert af.log_equal(sympy.sqrt(2) ** 2, 2)  # falls back to exact_equal


# --- Monte Carlo ------------------------------------------------------------------------------

MC_CASES = [
    # (profile, n, s2, r2): moderate, heterogeneous (Fig. 5 left), homogeneous, several level-2 users
    ((2, 1, 1, 0), (1, 2, 4, 3), 1.0, 2.0),
    ((2, 2, 1, 1, 0), (100, 1, 100, 1, 10), 100.0, 1.0),
    ((2, 1, 1, 1, 0), (10, 100, 1, 1, 3), 0.1, 100.0),
    ((2, 2, 2, 0), (1, 5, 20, 2), 0.0, 4.0),
]


@pytest.mark.parametrize(("profile", "n", "s2", "r2"), MC_CASES)
def test_monte_carlo_agrees_within_four_standard_errors(
    profile: tuple[int, ...], n: tuple[int, ...], s2: float, r2: float
) -> None:
    """Seed 2024, 40,000 simulated populations per case; every user's |z| < 4."""
    exact = nf.emse(profile, n, s2=s2, r2=r2)[0]
    sim = nf.simulate_emse(profile, n, s2=s2, r2=r2, n_trials=40_000, seed=2024)
    z = sim.z_scores(exact)
    assert np.all(np.abs(z) < 4), (z, sim, exact)


def test_monte_carlo_detects_a_suboptimal_estimator() -> None:
    """Equal weights on every observation are measurably worse: the check above has power.

    (For the level-0 user equal weights are almost optimal here, so only users 1-4 are tested.)
    """
    profile, n = (2, 2, 1, 1, 0), (100, 1, 100, 1, 10)
    worse = np.zeros((5, 6))
    worse[:, [0, 1, 5]] = 1 / 3
    sim = nf.simulate_emse(profile, n, s2=100.0, r2=1.0, n_trials=40_000, seed=2024, weights=worse)
    z = sim.z_scores(nf.emse(profile, n, s2=100.0, r2=1.0)[0])
    assert np.all(z[:4] > 4)


def test_simulation_is_reproducible_and_mu_free() -> None:
    args: dict[str, Any] = {"s2": 1.0, "r2": 2.0, "n_trials": 2_000}
    assert nf.simulate_emse((2, 1, 0), (1, 2, 3), seed=5, **args) == nf.simulate_emse(
        (2, 1, 0), (1, 2, 3), seed=5, **args
    )
    fixed = nf.simulate_emse((2, 1, 0), (1, 2, 3), seed=5, mu=1e3, **args)
    exact = nf.emse((2, 1, 0), (1, 2, 3), s2=1.0, r2=2.0)[0]
    assert np.all(np.abs(fixed.z_scores(exact)) < 4)
    nothing = nf.simulate_emse((0, 0), (1, 2), seed=5, **args)
    assert np.isnan(nothing.mean).all()


# --- errors -----------------------------------------------------------------------------------


def test_exact_input_errors() -> None:
    with pytest.raises(ValueError, match="r2"):
        af.FederatedModel(s2=1, r2=0)
    with pytest.raises(ValueError, match="s2"):
        af.FederatedModel(s2="-1/2", r2=1)
    with pytest.raises(ValueError, match="s2"):
        af.FederatedModel(s2="oo", r2=1)
    with pytest.raises(ValueError, match="r2"):
        af.FederatedModel(s2=1, r2=sympy.Symbol("x"))
    with pytest.raises(ValueError, match=r"n \(number of samples\).*1/2"):
        af.User(n=sympy.Rational(1, 2))
    with pytest.raises(TypeError, match="boolean"):
        af.User(n=True)
    with pytest.raises(ValueError, match=r"level.*3"):
        af.User(n=1, level=3)
    with pytest.raises(ValueError, match="importance"):
        af.User(n=1, a=0)
    with pytest.raises(ValueError, match="count"):
        af.UserClass(n=1, level=1, count=0)
    users = (af.User(1), af.User(2))
    model = af.FederatedModel(1, 1)
    with pytest.raises(ValueError, match="3 levels for 2 users"):
        af.emse(users, (1, 1, 1), model)
    with pytest.raises(TypeError, match="string"):
        af.emse(users, "11", model)
    with pytest.raises(TypeError, match="User"):
        af.emse((1, 2), None, model)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="level of user 2"):
        af.utility(users, (1, 5), model)
    with pytest.raises(ValueError, match="target"):
        af.optimal_weights(users, None, model, 2)
    with pytest.raises(ValueError, match="own_n"):
        af.proposition5_emse(2, level2=[(1, 1)])
    with pytest.raises(ValueError, match="level1"):
        af.proposition5_emse(1, level2=[(1, 1)])
    with pytest.raises(ValueError, match="n_observations"):
        af.derive_weights(0)
    v = af.class_utility([af.UserClass(n=1, level=2, count=2)], model)
    with pytest.raises(ValueError, match="exceeds the class size"):
        v((3,))
    with pytest.raises(ValueError, match="one entry per class"):
        v((1, 1))


def test_float_input_errors() -> None:
    with pytest.raises(ValueError, match="s2"):
        nf.emse([1], [1], s2=-1.0, r2=1.0)
    with pytest.raises(ValueError, match="r2"):
        nf.emse([1], [1], s2=1.0, r2=0.0)
    with pytest.raises(TypeError, match="s2"):
        nf.emse([1], [1], s2="1", r2=1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="0, 1 or 2"):
        nf.emse([[1, 3]], [1, 1], s2=1.0, r2=1.0)
    with pytest.raises(ValueError, match=r"n_k must be integers >= 1, got 1.5"):
        nf.emse([1, 1], [1, 1.5], s2=1.0, r2=1.0)
    with pytest.raises(ValueError, match="one sample size per user"):
        nf.emse([1, 1], [1], s2=1.0, r2=1.0)
    with pytest.raises(ValueError, match="importance"):
        nf.utility([1, 1], [1, 1], [1.0, -1.0], s2=1.0, r2=1.0)
    with pytest.raises(ValueError, match="n_trials"):
        nf.simulate_emse([1], [1], s2=1.0, r2=1.0, n_trials=1)
    with pytest.raises(ValueError, match="one profile"):
        nf.gls([[1], [2]], [1], s2=1.0, r2=1.0)
    with pytest.raises(ValueError, match="weights must have shape"):
        nf.simulate_emse([1], [1], s2=1.0, r2=1.0, weights=np.ones((2, 2)))
    v = nf.class_utility([1], [2], None, [2], s2=1.0, r2=1.0)
    with pytest.raises(ValueError, match="0 <= m_t <= K_t"):
        v(np.array([[3]]))
