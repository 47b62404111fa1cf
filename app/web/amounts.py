"""Amounts as people type them on a page, read into the plain decimal the services take.

A bookkeeper writes `1500`, `1,500`, `1,50,000`, `₹1,500`, `Rs. 1500`, `1500/-` or `1500.50`,
in ASCII, Devanagari (०-९) or Odia (୦-୯) digits. The page layer converts what it is sure of
and refuses the rest with one plain sentence; the API stays strict (ASCII decimal strings,
`models/money.py`), so only pages are this forgiving.

What is refused, because it could mean two amounts: a dot used to group thousands
(`1.500.00`), a comma where a decimal point could be meant (`1,50` or `1500,50`), more than
two decimals, a minus sign, and anything besides the rupee sign or word before the figure and
`/-` after it.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext

from models.money import MoneyError, format_rupees, parse_rupees

ASK = lazy_gettext("Write the amount in rupees, like 1500 or 1,500.50")

# Devanagari and Odia digits to ASCII: str.translate takes a map of code points.
_DIGITS = {
    **{0x0966 + i: str(i) for i in range(10)},  # ० .. ९
    **{0x0B66 + i: str(i) for i in range(10)},  # ୦ .. ୯
}
# The rupee before the figure: ₹, Rs, Rs., INR, रु, रु. (any case, a space or none after).
_PREFIX = re.compile(r"^(?:₹|rs\.?|inr|रु\.?)\s*", re.IGNORECASE)
_SUFFIX = re.compile(r"\s*/-$")
# Whole rupees: plain digits, or grouped by commas the Indian way (1,50,000: pairs before the
# last three) or the international way (150,000): either way the last group has three digits.
_WHOLE = re.compile(r"[0-9]+|[0-9]{1,2}(?:,[0-9]{2})*,[0-9]{3}|[0-9]{1,3}(?:,[0-9]{3})+")
_AMOUNT = re.compile(rf"(?P<whole>{_WHOLE.pattern})(?:\.(?P<frac>[0-9]{{1,2}}))?")


class AmountError(ValueError):
    """What she typed is not an amount the page can be sure of."""


def rupees_text(typed: str) -> str:
    """The amount typed, as the services' decimal string ("1,500/-" → "1500.00").

    Raises:
        AmountError: it is not clearly one amount of rupees (the message says how to write it).
    """
    text = typed.strip().translate(_DIGITS)
    text = _SUFFIX.sub("", _PREFIX.sub("", text))
    match = _AMOUNT.fullmatch(text)
    if match is None:
        raise AmountError(str(ASK))
    whole = match["whole"].replace(",", "").lstrip("0") or "0"
    try:  # the services' own reading: at most 13 rupee digits, within the largest amount
        paise = parse_rupees(f"{whole}.{match['frac'] or '0'}")
    except MoneyError as error:
        raise AmountError(str(ASK)) from error
    return format_rupees(paise)


def paise_of(typed: str) -> int:
    """The amount typed, in paise (see `rupees_text` for what is accepted)."""
    return parse_rupees(rupees_text(typed))
