"""What each field of a member's KYC must look like, and the one thing it must never hold: a
full Aadhaar number. Pure functions over plain values; `kyc.py` beside this module applies
them to the record being written, and the API's schema publishes the same patterns.

Sources of the formats (each a pattern the whole value must match):

- PIN code: India Post's Postal Index Number, 6 digits; the first is the region (1-8) or the
  Army Postal Service (9), never 0.
- phone: an Indian mobile number, 10 digits starting 6, 7, 8 or 9: the levels the National
  Numbering Plan 2003 (DoT, as amended) gives mobile services, as TRAI's "Recommendations on
  Ensuring Adequate Numbering Resources for Fixed Line and Mobile Services" of 29 May 2020
  describe. Written without +91 or a leading 0. If DoT opens another level to mobiles, widen
  `FORMATS["phone"]`.
- voter ID: the Election Commission's EPIC number is 3 letters (the constituency's
  Functional Unique Serial Number) and 7 digits, e.g. "WKH1186253". Cards issued before the
  ECI's ERONET numbering kept their older, state-made numbers, whose formats we could not find
  published. Assumption: accepted leniently as 2-3 capital letters and then 6-17 capital
  letters, digits or "/", 8-20 characters in all; no check digit is verified.
- CKYC number: the 14-digit KYC Identifier (KIN) that CERSAI's Central KYC Records Registry
  issues.
- IFSC: RBI's Indian Financial System Code, 11 characters: 4 letters (the bank), "0"
  (reserved), 6 letters or digits (the branch).
- bank account number: assumption, no published standard: 9 to 18 digits (Indian banks' own
  numbering ranges within it).
- ration card and other ID numbers: each state and document numbers its own way; assumption:
  4 to 30 letters, digits, spaces, "/" or "-", starting with a letter or digit.
- names: no digits and no control characters (a digit in a name is a typing slip).

Age: at least `MIN_AGE` (18) and at most `MAX_AGE` (100) on the day recorded. 18 is the age
of majority (Indian Majority Act 1875, s.3), below which no one is competent to contract
(Indian Contract Act 1872, s.11), and an SHG member borrows from her group; the DAY-NRLM texts
we read set no age of their own, so 18 is kept here as a setting grounded on those Acts. 100
is an assumption: an older age is taken for a typing slip.

Aadhaar: never a full number, in any field (`app/services/shared/aadhaar.py`): a 12-digit number is
refused outright in the free-text fields, the voter ID and the other ID, and where it could be
an Aadhaar number in the others (a bank account or ration card may be 12 digits).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.services.shared.aadhaar import aadhaar_problems
from app.services.shared.errors import FieldProblem
from models.kyc import GENDERS, KEY_PERSON_RELATIONS, MARITAL_STATUSES, OTHER_ID_TYPES

MIN_AGE = 18
MAX_AGE = 100

# Every field of a version a bookkeeper writes: the columns of models/kyc.py but the version's
# own (version, recorded_at, recorded_by) and the member's state (`column_of` maps the rest).
KYC_FIELDS: tuple[str, ...] = (
    "full_name",
    "date_of_birth",
    "age_years",
    "age_as_on",
    "gender",
    "marital_status",
    "key_person_name",
    "key_person_relation",
    "address_line",
    "village_or_town",
    "district_name",
    "state_code",
    "pin_code",
    "phone",
    "voter_id",
    "ration_card",
    "other_id_type",
    "other_id_number",
    "ckyc_number",
    "bank_account_number",
    "bank_ifsc",
    "aadhaar_last4",
)
# The record's field `state_code`, her address's state (so the API, the form, the bureau
# format and the reject report name it), is kept in column `address_state_code`: the table's
# own `state_code` is the member's state, its distribution column (issue 18).
COLUMNS = {"state_code": "address_state_code"}


def column_of(field: str) -> str:
    """The attribute of models.kyc.MemberKyc a field of the record is kept in."""
    return COLUMNS.get(field, field)


@dataclass(frozen=True)
class Format:
    """A pattern the whole value must match, and what a bookkeeper is told when it does not."""

    pattern: str  # without anchors; published in the OpenAPI document as ^pattern$
    reason: str

    def matches(self, value: str) -> bool:
        return re.fullmatch(self.pattern, value) is not None


FORMATS: dict[str, Format] = {
    "pin_code": Format("[1-9][0-9]{5}", "must be a 6-digit PIN code not starting with 0"),
    "phone": Format(
        "[6-9][0-9]{9}",
        "must be a 10-digit mobile number starting 6, 7, 8 or 9, without +91 or 0",
    ),
    "voter_id": Format(
        "[A-Z]{2,3}[A-Z0-9/]{6,17}",
        "must be the EPIC number as printed on the card: 3 capital letters and 7 digits"
        " (older cards: capital letters, digits and /, 8 to 20 characters)",
    ),
    "ckyc_number": Format("[0-9]{14}", "must be the 14-digit CKYC identifier"),
    "bank_ifsc": Format(
        "[A-Z]{4}0[A-Z0-9]{6}",
        "must be an 11-character IFSC: 4 capital letters, 0, then 6 capital letters or digits",
    ),
    "bank_account_number": Format("[0-9]{9,18}", "must be 9 to 18 digits"),
    "aadhaar_last4": Format("[0-9]{4}", "must be exactly the last 4 digits of her Aadhaar"),
    "ration_card": Format(
        "[A-Za-z0-9][A-Za-z0-9/ -]{3,29}",
        "must be 4 to 30 letters, digits, spaces, / or -",
    ),
    "other_id_number": Format(
        "[A-Za-z0-9][A-Za-z0-9/ -]{3,29}",
        "must be 4 to 30 letters, digits, spaces, / or -",
    ),
    # and must be her SHG's state (`record_problems`)
    "state_code": Format("[A-Z]{2,4}", "must be a state code of 2 to 4 capital letters"),
}

NAME_FIELDS = ("full_name", "key_person_name")
TEXT_LIMITS = {
    "full_name": 200,
    "key_person_name": 200,
    "address_line": 200,
    "village_or_town": 100,
    "district_name": 100,
}
CHOICES: dict[str, tuple[str, ...]] = {
    "gender": GENDERS,
    "marital_status": MARITAL_STATUSES,
    "key_person_relation": KEY_PERSON_RELATIONS,
    "other_id_type": OTHER_ID_TYPES,
}
# Where a 12-digit number has no business (any is taken for an Aadhaar number) and, the
# rest, where a genuine value may be 12 digits (refused when it could be an Aadhaar number).
NO_TWELVE_DIGITS = (*TEXT_LIMITS, "voter_id", "other_id_number")
# Fields that must come together: each means nothing without the other.
PAIRS = (("age_years", "age_as_on"), ("other_id_type", "other_id_number"))


def given_problems(given: Mapping[str, Any]) -> list[FieldProblem]:
    """Problems with the fields as sent, before anything else is read: a field this record
    does not have, and a full Aadhaar number wherever it is."""
    lenient = [field for field in KYC_FIELDS if field not in NO_TWELVE_DIGITS]
    problems = aadhaar_problems(given, lenient)
    named = {problem.field for problem in problems}
    problems += [
        FieldProblem(field, "is not a field of a member's KYC")
        for field in given
        if field not in KYC_FIELDS and field not in named
    ]
    return problems


def name_problem(value: str) -> str | None:
    """Why a person's name is refused, or None."""
    if not value.strip():
        return "must not be blank"
    if any(unicodedata.category(c) == "Cc" for c in value):
        return "must not contain control characters"
    if any(c.isdigit() for c in value):
        return "must not contain digits"
    return None


def age_on(born: date, day: date) -> int:
    """Whole years completed on `day` by someone born on `born`."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def record_problems(record: Mapping[str, Any], state_code: str, today: date) -> list[FieldProblem]:
    """Every problem of the whole record a version would hold, each naming its field.

    `state_code` is the member's (her SHG's) state; `today` the day it is recorded."""
    return [
        *_text_problems(record),
        *_choice_problems(record),
        *_state_problems(record, state_code),
        *_pair_problems(record),
        *_age_problems(record, today),
    ]


def _state_problems(record: Mapping[str, Any], state_code: str) -> list[FieldProblem]:
    given = record.get("state_code")
    if isinstance(given, str) and FORMATS["state_code"].matches(given) and given != state_code:
        return [FieldProblem("state_code", f"must be {state_code}, the state of her SHG")]
    return []


def _pair_problems(record: Mapping[str, Any]) -> list[FieldProblem]:
    problems = []
    for first, second in PAIRS:
        if (record.get(first) is None) != (record.get(second) is None):
            missing, present = (second, first) if record.get(second) is None else (first, second)
            problems.append(FieldProblem(missing, f"is needed with {present}"))
    return problems


def _text_problems(record: Mapping[str, Any]) -> list[FieldProblem]:
    problems = []
    for field in (*FORMATS, *TEXT_LIMITS):
        value = record.get(field)
        if value is None:
            continue
        reason = text_reason(field, value)
        if reason is not None:
            problems.append(FieldProblem(field, reason))
    return problems


def text_reason(field: str, value: Any) -> str | None:
    """Why one text field's value is refused (its format, length, characters), or None."""
    if not isinstance(value, str):
        return "must be text"
    if not value.strip():
        return "must not be blank (send null to clear it)"
    if field in FORMATS:
        return None if FORMATS[field].matches(value) else FORMATS[field].reason
    if field in NAME_FIELDS:
        return name_problem(value) or _too_long(field, value)
    if any(unicodedata.category(c) == "Cc" for c in value):
        return "must not contain control characters"
    return _too_long(field, value)


def _too_long(field: str, value: str) -> str | None:
    limit = TEXT_LIMITS[field]
    return f"must be at most {limit} characters" if len(value) > limit else None


def _choice_problems(record: Mapping[str, Any]) -> list[FieldProblem]:
    return [
        FieldProblem(field, f"must be one of {', '.join(choices)}")
        for field, choices in CHOICES.items()
        if record.get(field) is not None and record[field] not in choices
    ]


def _age_problems(record: Mapping[str, Any], today: date) -> list[FieldProblem]:
    """Date of birth, or age and the day it was given: she is 18 to 100, and both agree."""
    born, years, as_on = (
        record.get("date_of_birth"),
        record.get("age_years"),
        record.get("age_as_on"),
    )
    problems = [
        FieldProblem(field, "must be a date")
        for field, value in (("date_of_birth", born), ("age_as_on", as_on))
        if value is not None and not isinstance(value, date)
    ]
    if isinstance(born, date) and born > today:
        problems.append(FieldProblem("date_of_birth", "is in the future"))
    elif isinstance(born, date) and not MIN_AGE <= age_on(born, today) <= MAX_AGE:
        reason = f"makes her {age_on(born, today)} today: she must be {MIN_AGE} to {MAX_AGE}"
        problems.append(FieldProblem("date_of_birth", reason))
    if isinstance(as_on, date) and as_on > today:
        problems.append(FieldProblem("age_as_on", "is in the future"))
    if years is not None and not _whole_number_in(years, MIN_AGE, MAX_AGE):
        reason = f"must be a whole number from {MIN_AGE} to {MAX_AGE}"
        problems.append(FieldProblem("age_years", reason))
    elif not problems and years is not None and isinstance(born, date) and isinstance(as_on, date):
        problems = _agreement_problems(born, years, as_on)
    return problems


def _whole_number_in(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _agreement_problems(born: date, years: Any, as_on: date) -> list[FieldProblem]:
    """Both her date of birth and an age given on a day: they must tell the same story."""
    if as_on < born:
        return [FieldProblem("age_as_on", "is before her date_of_birth")]
    if age_on(born, as_on) != years:
        reason = (
            f"does not agree with date_of_birth, which makes her {age_on(born, as_on)}"
            f" on {as_on.isoformat()}"
        )
        return [FieldProblem("age_years", reason)]
    return []
