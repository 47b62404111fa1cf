"""Chart-of-accounts templates, kept as versioned JSON files beside this module."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from models.ledger import NORMAL_SIDE, AccountType


@dataclass(frozen=True)
class AccountTemplate:
    code: str
    role: str
    name: str
    type: AccountType
    allow_negative: bool
    postable: bool

    @property
    def normal_side(self) -> str:
        return NORMAL_SIDE[self.type].value


@dataclass(frozen=True)
class ChartTemplate:
    name: str
    version: int
    accounts: tuple[AccountTemplate, ...]

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}"


@cache
def chart_for(kind: str) -> ChartTemplate:
    """The standard chart for an institution kind ("shg", "vo", "clf")."""
    raw = json.loads(resources.files(__package__).joinpath(f"{kind}.json").read_text("utf-8"))
    accounts = tuple(
        AccountTemplate(
            code=item["code"],
            role=item["role"],
            name=item["name"],
            type=AccountType(item["type"]),
            allow_negative=item.get("allow_negative", True),
            postable=item.get("postable", True),
        )
        for item in raw["accounts"]
    )
    return ChartTemplate(name=raw["name"], version=raw["version"], accounts=accounts)


@dataclass(frozen=True)
class Categories:
    """Expense and income categories: category → institution kind → account role."""

    expense: dict[str, dict[str, str]]
    income: dict[str, dict[str, str]]

    def of(self, income: bool) -> dict[str, dict[str, str]]:
        return self.income if income else self.expense


@cache
def cash_book_categories() -> Categories:
    """The categories of `categories.json` (expenses, other income) and their accounts."""
    raw = json.loads(resources.files(__package__).joinpath("categories.json").read_text("utf-8"))
    return Categories(expense=raw["expense"], income=raw["income"])
