"""allocate / allocate_detailed / RoundingPolicy against the Rust core."""

from decimal import Decimal

import pytest

import estatekit
from estatekit import ValidationError


def D(s: str) -> Decimal:
    return Decimal(s)


def test_acceptance_example() -> None:
    parts = estatekit.allocate(Decimal("100"), [Decimal(1000), Decimal(500)])
    assert parts == [D("66.67"), D("33.33")]
    assert all(isinstance(p, Decimal) for p in parts)
    assert [str(p) for p in parts] == ["66.67", "33.33"]


def test_ties_go_to_lower_index_and_are_recorded() -> None:
    a = estatekit.allocate_detailed(D("0.02"), [1, 1, 1])
    assert a.parts == [D("0.01"), D("0.01"), D("0")]
    assert a.adjusted == [0, 1]
    assert a.adjustment == D("0.02")
    assert a.total == D("0.02")


def test_negative_total_is_a_refund() -> None:
    assert estatekit.allocate(D("-10.00"), [1, 1, 1]) == [D("-3.34"), D("-3.33"), D("-3.33")]


def test_zero_weights_receive_zero() -> None:
    assert estatekit.allocate(D("10"), [0, 1, 0, 2]) == [D("0"), D("3.33"), D("0"), D("6.67")]


@pytest.mark.parametrize(
    ("rounding", "scale", "expected"),
    [
        ("half_up", 2, [D("0.13")]),
        ("half_even", 2, [D("0.12")]),
        ("down", 2, [D("0.12")]),
        ("up", 2, [D("0.13")]),
        ("half_up", 0, [D("0")]),
    ],
)
def test_total_is_rounded_with_the_policy(rounding: str, scale: int, expected: list) -> None:
    assert estatekit.allocate(D("0.125"), [1], scale=scale, rounding=rounding) == expected  # type: ignore[arg-type]


def test_accepts_ints_and_decimal_strings() -> None:
    assert estatekit.allocate("100", ["2", 1]) == [D("66.67"), D("33.33")]


def test_large_split_sums_exactly() -> None:
    weights = [Decimal(50 + i % 97) / 10 for i in range(100_000)]
    parts = estatekit.allocate(D("987654.32"), weights)
    assert len(parts) == 100_000
    assert sum(parts) == D("987654.32")


@pytest.mark.parametrize(
    ("total", "weights", "kwargs", "code", "path", "message"),
    [
        (D("1"), [D(1), D(-2)], {}, "negative_weight", "weights[1]", "weights[1]: weight must not be negative, got -2"),
        (D("1"), [], {}, "empty_weights", "weights", "weights: at least one weight is required"),
        (D("1"), [0, 0], {}, "all_zero_weights", "weights", "weights: all 2 weights are zero; at least one must be positive"),
        (1.5, [1], {}, "invalid_decimal", "total", "total: expected decimal.Decimal, int or str, got float (money is never a float)"),
        (D("1"), [1, 0.5], {}, "invalid_decimal", "weights[1]", "weights[1]: expected decimal.Decimal, int or str, got float (money is never a float)"),
        (D("NaN"), [1], {}, "invalid_decimal", "total", 'total: "NaN" is not a decimal: expected [-]digits[.digits][e[+|-]digits], ASCII, no spaces, no + sign'),
        (D("Infinity"), [1], {}, "invalid_decimal", "total", 'total: "Infinity" is not a decimal: expected [-]digits[.digits][e[+|-]digits], ASCII, no spaces, no + sign'),
        (D("1e30"), [1], {}, "invalid_decimal", "total", 'total: "1E+30" is not a decimal: beyond ±7.9e28'),
        (D("7e28"), [1], {}, "overflow", "total", "overflow: total 70000000000000000000000000000 cannot be expressed at scale 2"),
        (D("1"), [True], {}, "invalid_decimal", "weights[0]", "weights[0]: expected decimal.Decimal, int or str, got bool (money is never a float)"),
        (D("1"), [None], {}, "invalid_decimal", "weights[0]", "weights[0]: expected decimal.Decimal, int or str, got NoneType"),
        (D("1"), ["abc"], {}, "invalid_decimal", "weights[0]", 'weights[0]: "abc" is not a decimal: expected [-]digits[.digits][e[+|-]digits], ASCII, no spaces, no + sign'),
        (D("1"), [1], {"rounding": "banker"}, "unknown_rounding_mode", "rounding", 'rounding: unknown rounding mode "banker"; expected half_up, half_even, down or up'),
        (D("1"), [1], {"scale": 13}, "invalid_scale", "scale", "scale: 13 is out of range 0..=12"),
        (D("1"), [1], {"scale": -1}, "invalid_scale", "scale", "scale: -1 is out of range 0..=12"),
    ],
)
def test_bad_input_raises_typed_errors(total, weights, kwargs, code, path, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as info:
        estatekit.allocate(total, weights, **kwargs)
    assert info.value.code == code
    assert info.value.path == path
    assert str(info.value) == message
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, estatekit.EstateKitError)


def test_weights_must_be_iterable() -> None:
    with pytest.raises(TypeError):
        estatekit.allocate(D("1"), 5)  # type: ignore[arg-type]


def test_rounding_policy() -> None:
    p = estatekit.RoundingPolicy(2, "half_even")
    assert (p.scale, p.mode) == (2, "half_even")
    assert p.round(D("2.345")) == D("2.34")
    assert estatekit.RoundingPolicy().round(D("2.345")) == D("2.35")
    assert estatekit.RoundingPolicy(2, "down").round(D("-2.349")) == D("-2.34")
    assert estatekit.RoundingPolicy(2, "up").round(D("-2.341")) == D("-2.35")
    assert repr(p) == 'RoundingPolicy(scale=2, mode="half_even")'
    assert p == estatekit.RoundingPolicy(2, "half_even")
    with pytest.raises(ValidationError, match="scale: 40 is out of range"):
        estatekit.RoundingPolicy(40)
