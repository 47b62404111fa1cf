"""`via`: whether money moves through the cash box or the bank account.

One rule on every write that takes it: `via` may always be left out, and then it is where that
kind of money normally moves. Money that changes hands with members at the group (savings,
members' loans and repayments, whole meetings) and the group's own expenses and other income
is counted in cash; money from or to the mission, a federation or a bank (grants, bank loans,
their draws and repayments) moves through the bank account, as the mission's funds and bank
credit do. Old clients that leave it out keep posting where they always did.
"""

from __future__ import annotations

from typing import Literal

from marshmallow import fields

from app.schemas.fields import Enum

WHY = {
    "cash": "money that changes hands with members, and the group's own expenses and income",
    "bank": "money from or to the mission, a federation or a bank",
}


def Via(default: Literal["cash", "bank"]) -> fields.String:
    """The `via` field of a write whose money moves by default as `default` does."""
    return Enum(
        ["cash", "bank"],
        load_default=default,
        metadata={"description": f'"cash" or "bank". Left out: {default}, as for {WHY[default]}'},
    )
