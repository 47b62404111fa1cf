"""The one thing a member's record must never hold: a full Aadhaar number.

The Aadhaar Act 2016 (s.29) and the Aadhaar (Data Security) Regulations 2016 limit who may
keep an Aadhaar number; this service keeps at most its last four digits (`aadhaar_last4`).
An Aadhaar number is 12 digits, the first never 0 or 1, the last a Verhoeff check digit
(UIDAI, "A UID Numbering Scheme"), written whole or in groups of four.

Where a 12-digit number has no business (a name, an address, an identity document other than
a bank account or a ration card) any such number is refused, a mistyped Aadhaar number
included (a typing slip breaks its check digit, not its privacy). Where a genuine value may
be 12 digits (`lenient` fields: a bank account, a ration card) it is refused when it could be
an Aadhaar number. Either way every real Aadhaar number is refused, in every field, and the
refusal never repeats the value.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

from app.services.shared.errors import FieldProblem

LAST4_FIELD = "aadhaar_last4"
TWELVE_DIGITS = re.compile(r"(?<![0-9])[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{4}(?![0-9])")
# The same in a URL: grouped by "+" or "%20" too.
TWELVE_DIGITS_IN_URL = re.compile(
    r"(?<![0-9])[0-9]{4}(?:[ +-]|%20)?[0-9]{4}(?:[ +-]|%20)?[0-9]{4}(?![0-9])"
)
HOLDS_AADHAAR = (
    "looks like a full Aadhaar number, which this service never keeps:"
    f" it keeps only the last four digits, in {LAST4_FIELD}"
)
NAMES_AADHAAR = (
    "a full Aadhaar number is never accepted: this service keeps only its last four digits;"
    f" send them as {LAST4_FIELD}"
)

# Verhoeff's tables (the dihedral group D5): multiplication, and the permutation by position.
_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 7, 6, 0, 8),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)


def verhoeff_valid(digits: str) -> bool:
    """Whether the last digit of `digits` is its Verhoeff check digit."""
    check = 0
    for position, digit in enumerate(reversed(digits)):
        check = _D[check][_P[position % 8][int(digit)]]
    return check == 0


def could_be_aadhaar(digits: str) -> bool:
    """12 digits shaped as UIDAI issues them: first digit 2-9, Verhoeff check digit right."""
    return (
        len(digits) == 12 and digits.isascii() and digits.isdigit() and digits[0] not in "01"
    ) and verhoeff_valid(digits)


def twelve_digit_numbers(text: str) -> list[str]:
    """The 12-digit numbers in `text` (whole, or grouped 4-4-4 by spaces or hyphens), not
    counting longer runs of digits."""
    return [re.sub("[ -]", "", found) for found in TWELVE_DIGITS.findall(text)]


def _texts(value: Any) -> list[str]:
    """Every string or whole number inside a value, however nested."""
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, int | str):
        return [str(value)]
    if isinstance(value, Mapping):
        return [text for inner in value.values() for text in _texts(inner)]
    if isinstance(value, list | tuple):
        return [text for inner in value for text in _texts(inner)]
    return []


def _holds_aadhaar(value: Any, lenient: bool) -> bool:
    numbers = [number for text in _texts(value) for number in twelve_digit_numbers(text)]
    return any(could_be_aadhaar(n) for n in numbers) if lenient else bool(numbers)


def aadhaar_problems(given: Mapping[str, Any], lenient: Collection[str]) -> list[FieldProblem]:
    """A problem for each field that is named for a full Aadhaar number or holds one.

    `given` maps field names to values as sent (strings, numbers, nested lists or objects);
    `lenient` names the fields where a genuine value may be 12 digits."""
    problems = []
    for field, value in given.items():
        if "aadhaar" in field.lower() and field != LAST4_FIELD:
            problems.append(FieldProblem(field, NAMES_AADHAAR))
        elif _holds_aadhaar(value, lenient=field in lenient):
            problems.append(FieldProblem(field, HOLDS_AADHAAR))
    return problems


def mask_aadhaar(url: str) -> str:
    """`url` with every 12-digit number masked but its last four digits: for logs."""
    return TWELVE_DIGITS_IN_URL.sub(lambda found: "XXXXXXXX" + found[0][-4:], url)
