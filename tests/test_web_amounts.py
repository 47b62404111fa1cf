"""The pages' amount reader: what people type becomes the services' decimal, or a plain refusal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.web.amounts import AmountError, paise_of, rupees_text
from models.money import MAX_AMOUNT_PAISE

DEVANAGARI = "०१२३४५६७८९"
ODIA = "୦୧୨୩୪୫୬୭୮୯"


@pytest.mark.parametrize(
    ("typed", "paise"),
    [
        ("1500", 150000),
        ("1,500", 150000),
        ("1,50,000", 15000000),  # Indian grouping: one lakh fifty thousand
        ("15,00,000", 150000000),
        ("150,000", 15000000),  # international grouping, the same amount
        ("1,500,000", 150000000),
        ("₹1,500", 150000),
        ("₹ 1,500", 150000),
        ("Rs. 1500", 150000),
        ("rs 1500", 150000),
        ("INR 1500", 150000),
        ("1500/-", 150000),
        ("₹1,500/-", 150000),
        ("1500.50", 150050),
        ("1500.5", 150050),
        ("0.50", 50),
        ("  1500  ", 150000),
        ("०१", 100),
        ("१५००", 150000),  # Devanagari
        ("१,५००.५०", 150050),
        ("୧୫୦୦", 150000),  # Odia
        ("₹୧,୫୦,୦୦୦/-", 15000000),
        ("0", 0),
        ("9999999999999.99", MAX_AMOUNT_PAISE),
    ],
)
def test_what_people_type_is_read(typed: str, paise: int) -> None:
    assert paise_of(typed) == paise


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "1.500.00",  # dots grouping thousands: ambiguous
        "1.500",  # three decimals (or a thousand with a dot)
        "1500.505",
        "1,50",  # a decimal comma, or a misplaced group?
        "1500,50",
        "1,5000",
        "15,0,000",
        "1,00,000,000",  # Indian and international grouping mixed
        ",1500",
        "1500,",
        "-1500",
        "+1500",
        "1500-",
        "1 500",
        "1500 rupees",
        "$1500",
        "१५००x",
        "1e3",
        "12abc",
        "10000000000000",  # beyond the largest amount accepted
        "٣",  # Arabic-Indic digit: not one of the page's scripts
        "1500//-",
    ],
)
def test_anything_else_is_refused_in_plain_words(typed: str) -> None:
    with pytest.raises(AmountError) as refused:
        rupees_text(typed)
    assert str(refused.value) == "Write the amount in rupees, like 1500 or 1,500.50"


def _indian(whole: int) -> str:
    digits = str(whole)
    if len(digits) <= 3:
        return digits
    head, last = digits[:-3], digits[-3:]
    pairs = []
    while len(head) > 2:
        head, pair = head[:-2], head[-2:]
        pairs.insert(0, pair)
    return ",".join([head, *pairs, last])


@given(st.integers(min_value=0, max_value=MAX_AMOUNT_PAISE), st.sampled_from(["", "₹", "Rs. "]))
def test_any_amount_written_the_indian_way_reads_back(paise: int, prefix: str) -> None:
    whole, frac = divmod(paise, 100)
    typed = f"{prefix}{_indian(whole)}.{frac:02d}"
    assert paise_of(typed) == paise
    script = str.maketrans("0123456789", DEVANAGARI)
    assert paise_of(typed.translate(script)) == paise
    script = str.maketrans("0123456789", ODIA)
    assert paise_of(f"{_indian(whole).translate(script)}.{frac:02d}/-") == paise


@given(st.text(max_size=20))
def test_whatever_is_typed_is_read_or_refused_never_crashes(typed: str) -> None:
    try:
        text = rupees_text(typed)
    except AmountError:
        return
    # What is accepted is always the services' own strict form.
    assert text == f"{paise_of(typed) // 100}.{paise_of(typed) % 100:02d}"
