"""The Revolving Fund rule for an SHG, read from `models/capital_rules.json` (key
`revolving_fund_to_shg`, with its sources): how much, how often, how old the SHG's books must
be and which grades pass. Apart from `models.capital.CapitalRules` so that each rule set loads
what it needs from the shared file."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from models.money import parse_rupees


@dataclass(frozen=True)
class RevolvingFundRule:
    min_paise: int
    max_paise: int
    once_per_shg: bool
    min_months_of_books: int  # months from the first entry in the SHG's books
    passing_grades: tuple[str, ...]


@cache
def revolving_fund_rule() -> RevolvingFundRule:
    raw = json.loads(resources.files(__package__).joinpath("capital_rules.json").read_text("utf-8"))
    rule = raw["revolving_fund_to_shg"]
    return RevolvingFundRule(
        min_paise=parse_rupees(rule["min_amount"]),
        max_paise=parse_rupees(rule["max_amount"]),
        once_per_shg=bool(rule["once_per_shg"]),
        min_months_of_books=int(rule["min_months_of_books"]),
        passing_grades=tuple(rule["passing_grades"]),
    )
