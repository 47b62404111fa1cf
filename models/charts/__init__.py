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
