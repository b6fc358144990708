"""Parsing and printing exact numbers: the inputs of every command."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy

from analytic.exact import (
    exact_equal,
    format_exact,
    is_zero,
    parse_exact,
    parse_level,
    parse_levels,
    parse_profile,
    parse_unit_interval,
    to_float,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2/27", sympy.Rational(2, 27)),
        ("0.25", sympy.Rational(1, 4)),
        ("oo", sympy.oo),
        ("inf", sympy.oo),
        ("∞", sympy.oo),
        (" 3 ", sympy.Integer(3)),
        (0.1, sympy.Rational(1, 10)),
        (Fraction(2, 3), sympy.Rational(2, 3)),
        ("sqrt(4)/4", sympy.Rational(1, 2)),
    ],
)
def test_parse_exact(text: object, value: sympy.Expr) -> None:
    assert parse_exact(text) == value


@pytest.mark.parametrize("bad", ["x", "1/", "", "nan", "1+I"])
def test_parse_level_rejects_non_numbers(bad: str) -> None:
    with pytest.raises(ValueError, match="level"):
        parse_level(bad)


@pytest.mark.parametrize("bad", [None, [1], True])
def test_parse_exact_rejects_wrong_types(bad: object) -> None:
    with pytest.raises(TypeError):
        parse_exact(bad)  # type: ignore[arg-type]


def test_negative_level_names_the_entry() -> None:
    with pytest.raises(ValueError, match=r"entry 2 \('-1/2'\)"):
        parse_profile("1,-1/2")


def test_levels_sorted_and_unique() -> None:
    assert parse_levels("oo,1/2,0") == (0, sympy.Rational(1, 2), sympy.oo)
    with pytest.raises(ValueError, match="repeated"):
        parse_levels("0,0.0")


@pytest.mark.parametrize("bad", ["-0.1", "1.5", "oo"])
def test_alpha_outside_unit_interval(bad: str) -> None:
    with pytest.raises(ValueError, match="alpha"):
        parse_unit_interval(bad)


def test_round_trip_and_float() -> None:
    for value in (sympy.Rational(5, 9), sympy.oo, sympy.sqrt(3) / 7):
        assert sympy.sympify(format_exact(value)) == value
    assert to_float(sympy.oo) == float("inf")
    assert abs(to_float(sympy.Rational(1, 3)) - 1 / 3) < 1e-16


def test_is_zero_three_valued() -> None:
    x = sympy.Symbol("x", positive=True)
    assert is_zero(sympy.sin(x) ** 2 + sympy.cos(x) ** 2 - 1) is True
    assert is_zero(x - 2) is False
    assert exact_equal("1/3", sympy.Rational(2, 6))
    assert not exact_equal(1, "1/3")
