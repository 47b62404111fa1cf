"""Money: integer paise in, decimal strings out, explicit rounding, Indian grouping."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.money import (
    MAX_AMOUNT_PAISE,
    MoneyError,
    Rounding,
    divide,
    format_inr,
    format_rupees,
    parse_rupees,
)


@pytest.mark.parametrize(
    ("text", "paise"),
    [("1500.50", 150050), ("1500.5", 150050), ("0.01", 1), ("7", 700), ("0", 0), ("12.30", 1230)],
)
def test_parses_decimal_rupee_strings(text, paise):
    assert parse_rupees(text) == paise


@pytest.mark.parametrize(
    "bad",
    [
        *(1500.5, 1500, None, "1,500", "1500.505", "₹10", "1e3", "", "-5", "abc", "NaN"),
        # Only the published ASCII pattern, nothing around it: Devanagari and Odia digits,
        # spaces and a trailing newline are refused, not read as ₹10.00 or ₹1.00.
        *("१०.००", "୧୦", " 1.00", "1.00 ", "1.00\n", "\t7"),
    ],
)
def test_refuses_anything_but_a_plain_decimal_string(bad):
    with pytest.raises(MoneyError):
        parse_rupees(bad)


def test_negative_only_when_allowed():
    assert parse_rupees("-12.34", allow_negative=True) == -1234


def test_refuses_amounts_beyond_the_limit():
    with pytest.raises(MoneyError):
        parse_rupees("10000000000000.00")
    assert parse_rupees(format_rupees(MAX_AMOUNT_PAISE)) == MAX_AMOUNT_PAISE


@pytest.mark.parametrize(
    ("paise", "text"),
    [
        (123456750, "₹12,34,567.50"),
        (100, "₹1.00"),
        (99999, "₹999.99"),
        (100000, "₹1,000.00"),
        (10000000, "₹1,00,000.00"),
        (1000000000, "₹1,00,00,000.00"),
        (-150050, "-₹1,500.50"),
        (5, "₹0.05"),
    ],
)
def test_formats_in_indian_grouping(paise, text):
    assert format_inr(paise) == text


@given(st.integers(min_value=-MAX_AMOUNT_PAISE, max_value=MAX_AMOUNT_PAISE))
def test_format_then_parse_is_identity(paise):
    assert parse_rupees(format_rupees(paise), allow_negative=True) == paise


@pytest.mark.parametrize(
    ("num", "den", "rounding", "expected"),
    [
        (5, 2, Rounding.HALF_UP, 3),
        (-5, 2, Rounding.HALF_UP, -3),
        (5, 2, Rounding.HALF_EVEN, 2),
        (7, 2, Rounding.HALF_EVEN, 4),
        (7, 3, Rounding.DOWN, 2),
        (-7, 3, Rounding.DOWN, -2),
        (2, 3, Rounding.HALF_UP, 1),
    ],
)
def test_division_rounds_by_the_named_rule(num, den, rounding, expected):
    assert divide(num, den, rounding) == expected


@given(st.integers(-(10**15), 10**15), st.integers(1, 10**6))
def test_division_is_within_half_a_paisa(num, den):
    q = divide(num, den)
    assert abs(q * den - num) * 2 <= den
