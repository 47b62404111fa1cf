from __future__ import annotations

from marshmallow import Schema, fields

from app.schemas.fields import Enum, Id, Rupees, SafeDate, Text
from app.schemas.via import Via
from models.charts import cash_book_categories


def _accounts(roles: dict[str, str]) -> str:
    """Which account a category posts to, per kind of book ("admin_expenses", or
    "admin_expenses (shg, vo), staff_costs (clf)")."""
    kinds: dict[str, list[str]] = {}
    for kind, role in roles.items():
        kinds.setdefault(role, []).append(kind)
    if len(kinds) == 1 and len(roles) == 3:
        return next(iter(kinds))
    return ", ".join(f"{role} ({', '.join(k)})" for role, k in kinds.items())


def _category(income: bool) -> fields.String:
    """The category field, its description saying which account each posts to, per book."""
    categories = cash_book_categories().of(income)
    accounts = "; ".join(
        f"{name}: {_accounts(roles)}" for name, roles in sorted(categories.items())
    )
    return Enum(
        sorted(categories),
        required=True,
        metadata={"description": f"Posts to the book's account of this role: {accounts}"},
    )


class CashBookLineSchema(Schema):
    institution_id = Id(required=True, metadata={"description": "The SHG, VO or CLF"})
    value_date = SafeDate(required=True)
    amount = Rupees(required=True)
    narration = Text(500, metadata={"description": "Left out: what the line is, in words"})


class CashExpenseCreateSchema(CashBookLineSchema):
    category = _category(income=False)
    via = Via("cash")


class OtherIncomeCreateSchema(CashBookLineSchema):
    category = _category(income=True)
    via = Via("cash")
