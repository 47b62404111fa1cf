"""Money is integer paise. This module is the one place rupee strings are parsed and formatted.

Rounding rule: inputs carry at most two decimal places and are never rounded, a third decimal
is an error. Amounts computed by division (interest, shares) use `divide`, which rounds half
away from zero to the nearest paisa unless a caller names another rule.
"""

from __future__ import annotations

import re
from enum import Enum

PAISE_PER_RUPEE = 100
# About ₹1 lakh crore: larger than any single SHG, VO or CLF transaction, small enough that sums of
# many postings stay far inside a signed 64-bit integer.
MAX_AMOUNT_PAISE = 10**15 - 1  # "9999999999999.99": 13 rupee digits

# ASCII digits only, nothing around them: exactly the pattern the API publishes. (`\d` would
# also take Devanagari or Odia digits, and `$` a trailing newline.) Pages that accept what
# people type (`₹1,500`, Indian digits) convert it before it reaches here.
_RUPEES = re.compile(r"(?P<sign>-?)(?P<whole>[0-9]{1,13})(?:\.(?P<frac>[0-9]{1,2}))?")


class MoneyError(ValueError):
    """A rupee amount that cannot be accepted, with the reason in plain words."""


class Rounding(Enum):
    HALF_UP = "half_up"  # half away from zero: 0.5 paise → 1 paisa
    HALF_EVEN = "half_even"
    DOWN = "down"  # towards zero


def parse_rupees(text: object, *, allow_negative: bool = False) -> int:
    """Paise from a decimal rupee string such as "1500.50".

    Raises:
        MoneyError: not a string, not a plain decimal of ASCII digits (no spaces around it),
            more than two decimals, or too large.
    """
    if not isinstance(text, str):
        raise MoneyError('must be a decimal string of rupees, such as "1500.50"')
    match = _RUPEES.fullmatch(text)
    if match is None:
        raise MoneyError(
            'must be a decimal string of rupees with at most two decimals, such as "1500.50"'
        )
    frac = (match["frac"] or "").ljust(2, "0")
    paise = int(match["whole"]) * PAISE_PER_RUPEE + int(frac or "0")
    if match["sign"]:
        if not allow_negative:
            raise MoneyError("must not be negative")
        paise = -paise
    if abs(paise) > MAX_AMOUNT_PAISE:
        raise MoneyError("is larger than the largest amount accepted")
    return paise


def format_rupees(paise: int) -> str:
    """ISO-style decimal string for JSON: 123456750 → "1234567.50"."""
    sign = "-" if paise < 0 else ""
    whole, frac = divmod(abs(paise), PAISE_PER_RUPEE)
    return f"{sign}{whole}.{frac:02d}"


def format_inr(paise: int) -> str:
    """Indian grouping for people to read: 123456750 → "₹12,34,567.50"."""
    sign = "-" if paise < 0 else ""
    whole, frac = divmod(abs(paise), PAISE_PER_RUPEE)
    digits = str(whole)
    if len(digits) > 3:
        head, tail = digits[:-3], digits[-3:]
        groups: list[str] = []
        while len(head) > 2:
            groups.insert(0, head[-2:])
            head = head[:-2]
        if head:
            groups.insert(0, head)
        digits = ",".join([*groups, tail])
    return f"{sign}₹{digits}.{frac:02d}"


def divide(numerator: int, denominator: int, rounding: Rounding = Rounding.HALF_UP) -> int:
    """numerator / denominator in whole paise, rounded by an explicit rule, without floats."""
    if denominator == 0:
        raise ZeroDivisionError("division of money by zero")
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    quotient, remainder = divmod(abs(numerator), denominator)
    sign = -1 if numerator < 0 else 1
    twice = 2 * remainder
    if (rounding is Rounding.HALF_UP and twice >= denominator) or (
        rounding is Rounding.HALF_EVEN
        and (twice > denominator or (twice == denominator and quotient % 2 == 1))
    ):
        quotient += 1
    return sign * quotient
