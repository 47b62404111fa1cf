"""The cash book's everyday lines outside savings and loans, for an SHG, VO or CLF: interest the
bank credited, cash taken to the bank or drawn from it, expenses and other income.

Each posts one entry in the institution's book through the posting service (so cash and bank
never go below zero and closed months stay closed), on accounts found by their role in the
chart: no client looks up an account id. Expenses and other income name a category, mapped
to the chart's account for each kind of book by `models/charts/categories.json`. Each entry
is undone like any other (`POST /journal-entries/{id}/reverse`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from app.services.federation.institutions import writable_institution
from app.services.ledger.books import account_by_role, book_of
from app.services.ledger.posting import EntryDraft, post_entry
from app.services.shared.errors import Invalid, renamed
from app.services.shared.principal import Principal
from models.charts import cash_book_categories
from models.institutions import BOOK_KEEPING_KINDS, Institution
from models.ledger import JournalEntry

VIA = ("cash", "bank")


@dataclass(frozen=True)
class CashBookLine:
    institution_id: int  # an SHG, VO or CLF
    value_date: date
    amount_paise: int
    narration: str | None = None  # a default saying what it was is written when left out


def _institution(session: Session, who: Principal, institution_id: int) -> Institution:
    institution = writable_institution(session, who, institution_id)
    if institution.kind not in BOOK_KEEPING_KINDS:
        raise Invalid.field(
            "institution_id",
            f"institution {institution.id} is a {institution.kind}: it keeps no books",
        )
    return institution


def _post(
    session: Session,
    who: Principal,
    line: CashBookLine,
    debit_role: str,
    credit_role: str,
    narration: str,
    today: date | None,
) -> JournalEntry:
    """Dr the account of `debit_role`, Cr that of `credit_role`, in the institution's book."""
    institution = _institution(session, who, line.institution_id)
    book = book_of(session, institution.id)
    draft = EntryDraft.transfer(
        book.id,
        line.value_date,
        line.narration or narration,
        account_by_role(session, book.id, debit_role).id,
        account_by_role(session, book.id, credit_role).id,
        line.amount_paise,
    )
    try:
        return post_entry(session, who, draft, today)
    except Invalid as error:
        raise renamed(error, {"postings": "amount"}) from None


def bank_interest(
    session: Session, who: Principal, line: CashBookLine, today: date | None = None
) -> JournalEntry:
    """Interest the bank credited to the savings account: Dr bank, Cr interest on deposits."""
    return _post(
        session, who, line, "bank", "bank_interest_income", "Interest credited by the bank", today
    )


def deposit_cash(
    session: Session, who: Principal, line: CashBookLine, today: date | None = None
) -> JournalEntry:
    """Cash taken to the bank: Dr bank, Cr cash (never more than the cash in hand)."""
    return _post(session, who, line, "bank", "cash", "Cash deposited in the bank", today)


def withdraw_cash(
    session: Session, who: Principal, line: CashBookLine, today: date | None = None
) -> JournalEntry:
    """Cash drawn from the bank: Dr cash, Cr bank (never more than the bank balance)."""
    return _post(session, who, line, "cash", "bank", "Cash withdrawn from the bank", today)


def category_role(kind: str, category: str, *, income: bool) -> str:
    """The account role a category posts to in a book of `kind`."""
    categories = cash_book_categories().of(income)
    if category not in categories:
        raise Invalid.field("category", f"must be one of {', '.join(sorted(categories))}")
    role = categories[category].get(kind)
    if role is None:
        offered = sorted(c for c, roles in categories.items() if kind in roles)
        raise Invalid.field(
            "category",
            f"a {kind}'s books have no account for {category}; use one of {', '.join(offered)}",
        )
    return role


def _check_via(via: str) -> None:
    if via not in VIA:
        raise Invalid.field("via", 'must be "cash" or "bank"')


def expense(
    session: Session,
    who: Principal,
    line: CashBookLine,
    category: str,
    via: str = "cash",
    today: date | None = None,
) -> JournalEntry:
    """An expense paid: Dr the category's expense account, Cr cash or bank."""
    return _by_category(session, who, line, category, via, income=False, today=today)


def income(
    session: Session,
    who: Principal,
    line: CashBookLine,
    category: str,
    via: str = "cash",
    today: date | None = None,
) -> JournalEntry:
    """Other income received: Dr cash or bank, Cr the category's income account."""
    return _by_category(session, who, line, category, via, income=True, today=today)


def _by_category(
    session: Session,
    who: Principal,
    line: CashBookLine,
    category: str,
    via: str,
    *,
    income: bool,
    today: date | None,
) -> JournalEntry:
    _check_via(via)
    kind = _institution(session, who, line.institution_id).kind
    role = category_role(kind, category, income=income)
    label = "Income" if income else "Expense"
    narration = f"{label}: {category.replace('_', ' ')}"
    debit, credit = (via, role) if income else (role, via)
    return _post(session, who, line, debit, credit, narration, today)
