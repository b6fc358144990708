"""Class-compressed fair values (Theorems 1-2): exact and float agree with brute force."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from analytic import classes as acl
from analytic import fair_values as afv
from analytic import federated as af
from analytic.exact import to_float
from numeric import classes as ncl
from numeric import fair_values as nfv
from numeric import federated as nf


@st.composite
def fl_populations(draw: st.DrawFn, max_users: int = 6, max_count: int = 3) -> dict[str, Any]:
    """Random federated populations as classes (N <= max_users), with a random model."""
    classes = []
    remaining = max_users
    for _ in range(draw(st.integers(1, 3))):
        if remaining < 1:
            break
        count = draw(st.integers(1, min(max_count, remaining)))
        remaining -= count
        classes.append(
            af.UserClass(
                n=draw(st.integers(1, 20)),
                level=draw(st.integers(0, 2)),
                count=count,
                a=draw(st.sampled_from([1, 2, "1/2"])),
            )
        )
    model = af.FederatedModel(s2=draw(st.sampled_from(["0", "1/2", "1", "100"])), r2=draw(st.sampled_from(["1", "10"])))
    return {"classes": classes, "model": model, "counts": tuple(c.count for c in classes)}


def _expanded(pop: dict[str, Any]) -> tuple[list[af.User], tuple[int, ...]]:
    users = [c.user for c in pop["classes"] for _ in range(c.count)]
    return users, tuple(u.level for u in users)


def _float_class_utility(pop: dict[str, Any]) -> ncl.ClassFloatUtility:
    cls, model = pop["classes"], pop["model"]
    return nf.class_utility(
        [c.n for c in cls], [c.level for c in cls], [to_float(c.a) for c in cls], pop["counts"],
        s2=to_float(model.s2), r2=to_float(model.r2),
    )  # fmt: skip


@settings(max_examples=20)
@given(fl_populations(), st.fractions(0, 1, max_denominator=5))
def test_exact_classes_equal_brute_force(pop: dict[str, Any], alpha: Fraction) -> None:
    v = af.class_utility(pop["classes"], pop["model"])
    users, profile = _expanded(pop)
    utility = af.profile_utility(users, pop["model"])
    a = sympy.Rational(alpha.numerator, alpha.denominator)
    th2 = acl.class_user_values(v, pop["counts"], a)
    brute2 = afv.user_values(utility, profile, a)
    assert all(af.log_equal(x, y) for x, y in zip(th2.users, brute2.users, strict=True))
    assert af.log_equal(th2.utility, brute2.utility)
    th1 = acl.class_platform_values(v, pop["counts"])
    brute1 = afv.platform_values(utility, profile)
    assert all(af.log_equal(x, y) for x, y in zip(th1.users, brute1.users, strict=True))
    assert af.log_equal(th1.platform, brute1.platform)
    # efficiency (Theorem 2: U(0) = 0 here; Theorem 1: the platform included), structurally exact
    zero = (0,) * len(pop["counts"])
    assert sympy.expand(th2.total - a * (v(pop["counts"]) - v(zero))) == 0
    assert sympy.expand(th1.total - v(pop["counts"])) == 0


@given(fl_populations(max_users=10, max_count=5), st.floats(0, 1))
def test_float_classes_equal_brute_force(pop: dict[str, Any], alpha: float) -> None:
    v = _float_class_utility(pop)
    users, profile = _expanded(pop)
    utility = nf.utility_function(
        [u.n for u in users], [to_float(u.a) for u in users], s2=to_float(pop["model"].s2), r2=to_float(pop["model"].r2)
    )
    th2 = ncl.class_user_values(v, pop["counts"], alpha)
    brute2 = nfv.user_values(utility, list(profile), alpha)
    assert np.allclose(th2.users, brute2.users, rtol=1e-9, atol=1e-9)
    th1 = ncl.class_platform_values(v, pop["counts"])
    brute1 = nfv.platform_values(utility, list(profile))
    assert np.allclose(th1.users, brute1.users, rtol=1e-9, atol=1e-9)
    assert abs(th1.platform - brute1.platform) <= 1e-9 * max(1.0, abs(brute1.platform))
    scale = max(1.0, abs(th2.utility))
    assert abs(th2.total - alpha * th2.utility) <= 1e-12 * scale  # U(0) = 0
    assert abs(th1.total - th1.utility) <= 1e-12 * scale


@settings(max_examples=15)
@given(fl_populations(max_users=8, max_count=4))
def test_float_classes_equal_exact_classes(pop: dict[str, Any]) -> None:
    exact = acl.class_user_values(af.class_utility(pop["classes"], pop["model"]), pop["counts"])
    floats = ncl.class_user_values(_float_class_utility(pop), pop["counts"])
    assert np.allclose(floats.classes, [to_float(x) for x in exact.classes], rtol=1e-9, atol=1e-12)


def test_glove_game() -> None:
    """Known Shapley values: 2 left gloves, 1 right glove; a pair is worth 1."""
    th2 = acl.class_user_values(lambda m: min(m[0], m[1]), (2, 1))
    assert th2.classes == (sympy.Rational(1, 6), sympy.Rational(2, 3))
    th1 = acl.class_platform_values(lambda m: min(m[0], m[1]), (2, 1))
    assert (th1.platform, th1.classes) == (sympy.Rational(5, 12), (sympy.Rational(1, 12), sympy.Rational(5, 12)))
    assert acl.class_platform_values(lambda m: min(m[0], m[1]), (2, 1), z=0).total == 0
    fl = ncl.class_user_values(lambda m: np.minimum(m[:, 0], m[:, 1]).astype(float), np.array([2, 1]))
    assert np.allclose(fl.classes, [1 / 6, 2 / 3], atol=1e-15)


def test_quadratic_game_closed_form_at_large_counts() -> None:
    """v(m) = (c . m)^2: Shapley phi_t = c_t (c . K); with the platform phi_t = c_t^2/2 + 2 c_t (C - c_t)/3.

    (Unanimity decomposition: ``c_i^2`` on {i} and ``2 c_i c_j`` on {i, j}, plus the platform under
    Theorem 1.) Counts in the hundreds exercise the log-space weights: binom(499, 250) ~ 1e149.
    """
    c = np.array([1.5, -0.5])
    counts = (300, 200)
    total = float(c @ counts)
    th2 = ncl.class_user_values(lambda m: (m @ c) ** 2, counts)
    assert np.allclose(th2.classes, c * total, rtol=1e-10)
    th1 = ncl.class_platform_values(lambda m: (m @ c) ** 2, counts)
    assert np.allclose(th1.classes, c**2 / 2 + 2 * c * (total - c) / 3, rtol=1e-10)
    assert abs(th1.total - total**2) <= 1e-10 * total**2


def test_float_weights_match_exact_weights() -> None:
    """Medium counts with a rational utility: floats vs exact Fractions, relative 1e-12."""

    def exact_v(m: tuple[int, ...]) -> sympy.Expr:
        return sympy.Rational((m[0] + 2 * m[1] + 3 * m[2]) ** 2, 1 + m[0] + m[2])

    def float_v(m: np.ndarray) -> np.ndarray:
        return (m[:, 0] + 2 * m[:, 1] + 3 * m[:, 2]) ** 2 / (1.0 + m[:, 0] + m[:, 2])

    counts = (12, 9, 5)
    exact = acl.class_user_values(exact_v, counts, "3/4")
    floats = ncl.class_user_values(float_v, counts, 0.75)
    assert np.allclose(floats.classes, [to_float(x) for x in exact.classes], rtol=1e-12, atol=0)
    p_exact = acl.class_platform_values(exact_v, counts)
    p_float = ncl.class_platform_values(float_v, counts)
    assert abs(p_float.platform - to_float(p_exact.platform)) <= 1e-12 * abs(to_float(p_exact.platform))
    assert np.allclose(p_float.classes, [to_float(x) for x in p_exact.classes], rtol=1e-12, atol=0)


def test_large_federated_population_is_efficient_and_finite() -> None:
    """426,000 count vectors: N = 320 users in 3 classes (levels 2, 1, 0), heterogeneous regime."""
    counts = (200, 100, 20)
    v = nf.class_utility([10, 100, 5], [2, 1, 0], None, counts, s2=100.0, r2=1.0)
    th2 = ncl.class_user_values(v, counts)
    assert np.all(np.isfinite(th2.classes))
    assert abs(th2.total - th2.utility) <= 1e-9 * abs(th2.utility)
    assert th2.classes[2] == 0.0  # level-0 users are null players
    assert th2.classes[0] > th2.classes[1] > 0  # heterogeneous: sharing directly is worth more


def test_section_4_1_population_against_brute_force() -> None:
    """Section 4.1's N = 10 (N1 = 5, N2 = 4, N0 = 1), with n in {10, 100} (our reconstruction)."""
    cls = [
        af.UserClass(n=100, level=2, count=2),
        af.UserClass(n=10, level=2, count=2),
        af.UserClass(n=100, level=1, count=2),
        af.UserClass(n=10, level=1, count=3),
        af.UserClass(n=10, level=0, count=1),
    ]
    counts = tuple(c.count for c in cls)
    users = [c.user for c in cls for _ in range(c.count)]
    for s2, r2 in [(100.0, 1.0), (1.0, 10.0), (0.1, 100.0)]:
        v = nf.class_utility([c.n for c in cls], [c.level for c in cls], None, counts, s2=s2, r2=r2)
        fast = ncl.class_user_values(v, counts)
        brute = nfv.user_values(nf.utility_function([u.n for u in users], s2=s2, r2=r2), [u.level for u in users])
        assert np.allclose(fast.users, brute.users, rtol=1e-9, atol=1e-12)
    exact = acl.class_user_values(af.class_utility(cls, af.FederatedModel(100, 1)), counts)
    assert np.allclose([to_float(x) for x in exact.classes], ncl.class_user_values(
        nf.class_utility([c.n for c in cls], [c.level for c in cls], None, counts, s2=100.0, r2=1.0), counts
    ).classes, rtol=1e-12)  # fmt: skip


@given(fl_populations(max_users=5, max_count=2))
@settings(max_examples=10)
def test_splitting_a_class_changes_nothing(pop: dict[str, Any]) -> None:
    """Symmetry (axiom B.i): two copies of a class are valued like the merged class."""
    head = pop["classes"][0]
    first = af.UserClass(n=head.n, level=head.level, count=max(2, head.count), a=head.a)
    whole = [first, *pop["classes"][1:]]
    a = af.UserClass(n=first.n, level=first.level, count=1, a=first.a)
    b = af.UserClass(n=first.n, level=first.level, count=first.count - 1, a=first.a)
    split = [a, b, *pop["classes"][1:]]
    merged = acl.class_user_values(af.class_utility(whole, pop["model"]), tuple(c.count for c in whole))
    parts = acl.class_user_values(af.class_utility(split, pop["model"]), tuple(c.count for c in split))
    assert af.log_equal(parts.classes[0], merged.classes[0])
    assert af.log_equal(parts.classes[1], merged.classes[0])


def test_alpha_callable_and_helpers() -> None:
    th2 = acl.class_user_values(lambda m: m[0] + m[1], (2, 2), alpha=lambda u: u / 8)
    assert th2.alpha == sympy.Rational(1, 2) and th2.classes == (sympy.Rational(1, 2), sympy.Rational(1, 2))
    assert th2.theorem == 2 and th2.n_users == 4 and th2.users == (sympy.Rational(1, 2),) * 4
    fl = ncl.class_user_values(lambda m: m.sum(axis=1).astype(float), (2, 2), alpha=lambda u: u / 8)
    assert fl.alpha == 0.5 and np.allclose(fl.classes, [0.5, 0.5])
    assert acl.class_platform_values(lambda m: 1, (1,)).theorem == 1
    assert acl.expand_counts((1, 2)) == (0, 1, 1)
    assert ncl.count_grid((1, 1)).tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    p, u = ncl.platform_values_from_class_game(np.ones((2, 2)), z=0)
    assert p == 0.0 and u.tolist() == [0.0, 0.0]


def test_errors() -> None:
    with pytest.raises(ValueError, match="K_2 must be an integer >= 1, got 0"):
        acl.class_user_values(lambda m: 0, (1, 0))
    with pytest.raises(ValueError, match="K_1"):
        acl.check_counts([sympy.Rational(3, 2)])
    with pytest.raises(TypeError, match="boolean"):
        acl.check_counts([True])
    with pytest.raises(TypeError, match="sequence"):
        acl.check_counts("12")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="empty"):
        acl.check_counts([])
    with pytest.raises(ValueError, match="limit of 50000 for exact class values"):
        acl.class_user_values(lambda m: 0, (300, 300))
    with pytest.raises(ValueError, match="alpha"):
        acl.class_user_values(lambda m: m[0], (2,), alpha=2)
    with pytest.raises(ValueError, match="z must be 0 or 1"):
        acl.class_platform_values(lambda m: m[0], (2,), z=2)
    with pytest.raises(ValueError, match="alpha"):
        ncl.class_user_values(lambda m: m[:, 0].astype(float), (2,), alpha=-0.1)
    with pytest.raises(ValueError, match="shape"):
        ncl.class_user_values(lambda m: np.zeros(3), (4,))
    with pytest.raises(ValueError, match="non-finite"):
        ncl.class_user_values(lambda m: np.full(m.shape[0], np.nan), (2,))
    with pytest.raises(ValueError, match="held in memory"):
        ncl.count_grid((8192, 8192))
    with pytest.raises(ValueError, match="integers >= 1"):
        ncl.class_user_values(lambda m: m[:, 0].astype(float), np.array([1.5]))
    with pytest.raises(ValueError, match="class game has shape"):
        ncl.user_values_from_class_game(np.zeros((1, 3)))
    with pytest.raises(ValueError, match="z must be 0 or 1"):
        ncl.platform_values_from_class_game(np.zeros((2, 3)), z=3)
    with pytest.raises(ValueError, match="k must be"):
        ncl.log_binomials(-1)
