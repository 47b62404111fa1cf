"""A stable code for each reason the services give a field problem, with its figures.

Reasons are English sentences, many with figures in them ("is ₹500.00 more than she owes
(₹300.00)"). Integrators and pages should not match on the words, which may improve; they
match on the code, which does not change (`amount.more_than_owed`). Each code is recognised
by a pattern of the reason; the pattern's named groups are the code's parameters, which the
pages put into a sentence in the reader's language (`app/web/plain_problems.py`).

A reason no pattern knows gets the generic code `invalid`. `tests/test_problem_codes.py`
lists every reason written in the code base and fails on one that would get `invalid`, so a
new reason needs its pattern here (and a sentence in `plain_problems`).
"""

from __future__ import annotations

import re
from typing import NamedTuple

GENERIC = "invalid"


class ProblemCode(NamedTuple):
    code: str
    params: dict[str, str]


# First match wins: more particular patterns come before the general ones they would match.
_PATTERNS: tuple[tuple[str, str], ...] = (
    # People: mobile numbers, passwords and PINs (`app/services/access/people.py`, `passwords.py`);
    # first, as "a password needs ..." would otherwise read as a kind of institution's need.
    ("mobile.not_valid", r"give a 10-digit Indian mobile number.*"),
    ("text.required", r"give her name"),
    ("choice.not_allowed", r"one of (?P<choices>.+)"),
    ("password.wrong_current", r"this is not your current password"),
    ("password.unchanged", r"choose a password other than the one you have"),
    ("password.too_long", r"use at most (?P<high>[0-9]+) characters"),
    ("password.too_short", r"a PIN needs at least (?P<pin>[0-9]+) digits"),
    (
        "password.too_short",
        r"a password needs at least (?P<high>[0-9]+) characters"
        r" \(or use a PIN of at least (?P<pin>[0-9]+) digits\)",
    ),
    ("password.common", r"this (password|PIN) is one of the first that anyone would guess.*"),
    ("password.has_mobile", r"do not use your mobile number in it"),
    ("not_found", r"no such person, or she is disabled"),
    ("institution.wrong_kind", r"a token issued to a person has her role and scope"),
    # Amounts of money.
    ("amount.not_positive", r"must be more than zero"),
    ("amount.negative", r"(amounts )?must not be negative"),
    ("amount.not_rupees", r"must be a decimal string of rupees.*"),
    ("amount.too_large", r"is larger than the largest amount accepted"),
    ("amount.more_than_owed", r"is (?P<amount>\S+) more than she owes \((?P<owed>[^)]+)\)"),
    ("amount.more_than_owed", r"is more than the (?P<owed>\S+ )?(loan account )?owe[sd].*"),
    ("amount.more_than_held", r"is more than the (?P<held>\S+) of .* holds"),
    ("amount.below_zero", r"would take (?P<account>.+) below zero on (?P<date>[0-9-]+).*"),
    ("amount.above_limit", r"would take the balance to (?P<amount>\S+), above the limit.*"),
    ("amount.outside_range", r"an SHG's Revolving Fund is (?P<low>\S+) to (?P<high>\S+)"),
    ("amount.unbalanced", r"debits \((?P<debits>[^)]+)\) do not equal credits.*"),
    ("amount.not_percentage", r"must be a percentage such as .*"),
    # Choices, numbers and text.
    ("choice.not_allowed", r"must be one of (?P<choices>.+)"),
    ("choice.not_allowed", r'must be (?P<choices>"[^"]+" or "[^"]+")'),
    ("number.not_whole", r"must be a whole number"),
    ("number.out_of_range", r"must be (?P<low>[0-9]+) to (?P<high>[0-9]+)(, so every month.*)?"),
    ("number.out_of_range", r"must be (?P<low>1) or more|must be zero or (?P<high>more)"),
    ("number.out_of_range", r"needs 2 to (?P<high>[0-9]+) postings, got .*"),
    (
        "number.out_of_range",
        r"a (meeting|linked set) (has|holds) 1 to (?P<high>\S+) (lines|entries)",
    ),
    ("text.required", r"is required|must not be blank|must name who graded the SHG"),
    ("text.required", r"is needed with (?P<other>.+)"),
    ("text.too_long", r"at most (?P<high>[0-9]+) characters"),
    ("text.not_valid", r"must be valid text.*|has a key that is not valid text|is nested .*"),
    ("reason.required", r"say why the flag is (?P<status>.+)|a reason is required.*"),
    # Dates.
    # A meeting sheet's row split by an unquoted "1,500" (`lending/meeting_csv.py`).
    ("csv.too_many_values", r"Row (?P<row>[0-9]+) has more values than the header.*"),
    ("date.not_valid", r"must be a date( such as .*)?"),
    ("date.not_valid", r"must look like \"2026-10\"|must be a month from .*"),
    ("date.in_future", r"is in the future|is after today.*|(?P<month>.+) has not ended yet"),
    ("date.in_future", r"must be a day that has ended.*"),
    ("date.in_past", r"is in the past"),
    ("date.in_closed_period", r"book (?P<book>[0-9]+) is closed through (?P<date>\S+)"),
    ("date.out_of_order", r".* recorded in date order; the last was on (?P<date>\S+)"),
    ("date.out_of_order", r"interest is already charged through (?P<date>\S+)"),
    ("date.too_early", r"is before .*|must not be before .*|.* cannot be dated before .*"),
    ("date.too_late", r"must not be after .*"),
    ("date.too_late", r"at most (?P<high>[0-9]+) days after start|a claim period covers .*"),
    ("date.too_late", r"an incentive is received after its period ends"),
    # Members, loans and the places they belong to.
    ("member.not_in_shg", r"no active member (?P<member>[0-9]+) in this SHG"),
    ("member.duplicate_line", r"this member already has a line"),
    ("loan.not_found", r"she has no loan (?P<loan>[0-9]+)"),
    ("loan.none_running", r"she has no loan running"),
    ("loan.which", r"she has several loans: name the loan_id"),
    ("loan.which", r"the SHG had [0-9]+ bank loans running on .*"),
    ("loan.not_running", r"is not a bank loan of this SHG running on .*"),
    ("loan.wrong_fund", r"only a loan lent from bank-loan funds .*"),
    ("not_found", r"no (active )?(SHG|institution|book|account|bank|bank branch|state) .*"),
    ("not_found", r"she has no income record .*|no subvention parameters are kept .*"),
    (
        "institution.wrong_kind",
        r"institution [0-9]+ is (a|not) .*|a [a-z_]+ (is not graded|needs|must).*",
    ),
    (
        "institution.wrong_kind",
        r"a [a-z_]+ does not (lend|pass|receive) .*|is not under institution .*",
    ),
    ("institution.wrong_kind", r"bank loans are recorded for SHGs|incentives are received on .*"),
    ("institution.wrong_kind", r"a (state|[a-z_]+ token) (needs|has|is) .*"),
    ("account.closed", r"(?P<account>.+) is closed"),
    ("account.control", r"(?P<account>.+) is a control account.*"),
    ("account.no_category", r"a [a-z_]+'s books have no account for .*"),
    (
        "grant.not_eligible",
        r".*( received its Revolving Fund| was graded|'s books begin| has no).*",
    ),
    ("grant.not_eligible", r"the VO has lent .*|no member has savings to share it on"),
    ("rule.not_applicable", r"only a [a-z_]+ rule has one|own funds have no utilisation.*"),
    ("rule.not_applicable", r"use the close action, which checks balances"),
    ("rule.not_applicable", r"no interest is due for these days; nothing to charge"),
    ("rule.not_applicable", r"must order penalty, interest and principal.*"),
    ("kyc.not_allowed", r".*(Aadhaar|aadhaar).*"),
    ("bank.ifsc", r"must be an 11-character IFSC starting (?P<prefix>\S+)"),
    ("bank.state", r"must be (?P<state>\S+), the state of her SHG"),
    ("bank.ifsc", r"must be the 4 capital letters that start the bank's IFSCs"),
    ("text.required", r"the bank's loan account number is required"),
    ("kyc.not_allowed", r"is not a field of a member's KYC"),
    ("institution.wrong_kind", r"a linked set cannot span two states"),
    (
        "rule.not_applicable",
        r"a flat loan's interest is its schedule's: .*|a low-utilisation rule needs .*",
    ),
    ("record.already_replaced", r"that record was already replaced"),
    ("record.overlaps", r"overlaps her .*"),
    ("record.unchanged", r"changes nothing: .*"),
    # Forms and files.
    ("form.incomplete", r"the form is incomplete.*|is not a cursor this API returned"),
    ("file.not_utf8", r"the file must be UTF-8 text.*"),
    ("file.empty", r"the file is empty.*"),
    ("file.not_csv", r"not valid CSV: .*"),
    ("file.too_many_rows", r"more than (?P<high>[0-9]+) rows; split the file"),
    ("file.column_missing", r"required column missing from the header"),
    ("file.column_unknown", r"unknown column"),
    ("setting.not_valid", r"unknown time zone .*"),
    # What the API's schemas (marshmallow) say of a field they cannot read.
    ("text.required", r"Missing data for required field\.|Field may not be null\."),
    ("choice.not_allowed", r"Must be one of: (?P<choices>.+)\."),
    ("value.not_valid", r"Not a valid .*|Unknown field\.|Invalid .*"),
)
_COMPILED = tuple((code, re.compile(pattern, re.DOTALL)) for code, pattern in _PATTERNS)
CODES = frozenset(code for code, _ in _PATTERNS) | {GENERIC}


def problem_code(reason: str) -> ProblemCode:
    """The stable code of a reason, and the figures its words carried."""
    for code, pattern in _COMPILED:
        match = pattern.fullmatch(reason)
        if match is not None:
            params = {k: v.strip() for k, v in match.groupdict().items() if v is not None}
            return ProblemCode(code, params)
    return ProblemCode(GENERIC, {})
