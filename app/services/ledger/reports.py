"""Trial balance, balance sheet, and income and expenditure statement of one book."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from models.ledger import Account, AccountType, Book, Posting, Side


@dataclass(frozen=True)
class TrialBalanceRow:
    account: Account
    debit_paise: int
    credit_paise: int


@dataclass(frozen=True)
class TrialBalance:
    book: Book
    as_of: date
    rows: list[TrialBalanceRow]
    total_debit_paise: int
    total_credit_paise: int


@dataclass(frozen=True)
class ReportLine:
    code: str
    name: str
    amount_paise: int


@dataclass(frozen=True)
class Section:
    title: str
    lines: list[ReportLine]

    @property
    def total_paise(self) -> int:
        return sum(line.amount_paise for line in self.lines)


@dataclass(frozen=True)
class BalanceSheet:
    book: Book
    as_of: date
    assets: Section
    liabilities: Section
    funds: Section
    surplus_paise: int  # income less expenditure not yet closed into a fund account

    @property
    def balances(self) -> bool:
        right = self.liabilities.total_paise + self.funds.total_paise + self.surplus_paise
        return self.assets.total_paise == right


@dataclass(frozen=True)
class IncomeExpenditure:
    book: Book
    date_from: date
    date_to: date
    income: Section
    expenditure: Section

    @property
    def surplus_paise(self) -> int:
        return self.income.total_paise - self.expenditure.total_paise


def _net_by_account(
    session: Session, book: Book, *conditions: ColumnElement[bool]
) -> dict[int, int]:
    """Debit-positive net of postings per account of the book."""
    rows = session.execute(
        select(Posting.account_id, func.sum(Posting.delta_paise))
        .where(Posting.book_id == book.id, *conditions)
        .group_by(Posting.account_id)
    )
    return {account_id: int(total) for account_id, total in rows}


def _accounts(session: Session, book: Book) -> dict[int, Account]:
    return {
        a.id: a
        for a in session.scalars(
            select(Account).where(Account.book_id == book.id).order_by(Account.code)
        )
    }


def trial_balance(session: Session, book: Book, as_of: date) -> TrialBalance:
    accounts = _accounts(session, book)
    net = _net_by_account(session, book, Posting.value_date <= as_of)
    rows = [
        TrialBalanceRow(accounts[i], max(n, 0), max(-n, 0))
        for i, n in sorted(net.items(), key=lambda kv: accounts[kv[0]].code)
        if n != 0
    ]
    return TrialBalance(
        book, as_of, rows, sum(r.debit_paise for r in rows), sum(r.credit_paise for r in rows)
    )


def _sections(accounts: dict[int, Account], net: dict[int, int]) -> dict[str, Section]:
    """Lines per account type, member sub-accounts rolled up into their control account."""
    totals: dict[int, int] = defaultdict(int)
    for account_id, amount in net.items():
        account = accounts[account_id]
        top = accounts[account.parent_id] if account.parent_id else account
        sign = 1 if top.normal_side == Side.DEBIT.value else -1
        totals[top.id] += sign * amount
    by_type: dict[str, list[ReportLine]] = defaultdict(list)
    for account_id in sorted(totals, key=lambda i: accounts[i].code):
        if totals[account_id]:
            top = accounts[account_id]
            by_type[top.type].append(ReportLine(top.code, top.name, totals[account_id]))
    return {t.value: Section(t.value, by_type.get(t.value, [])) for t in AccountType}


def balance_sheet(session: Session, book: Book, as_of: date) -> BalanceSheet:
    sections = _sections(
        _accounts(session, book), _net_by_account(session, book, Posting.value_date <= as_of)
    )
    surplus = sections["income"].total_paise - sections["expense"].total_paise
    return BalanceSheet(
        book, as_of, sections["asset"], sections["liability"], sections["fund"], surplus
    )


def income_expenditure(
    session: Session, book: Book, date_from: date, date_to: date
) -> IncomeExpenditure:
    net = _net_by_account(
        session, book, Posting.value_date >= date_from, Posting.value_date <= date_to
    )
    sections = _sections(_accounts(session, book), net)
    return IncomeExpenditure(book, date_from, date_to, sections["income"], sections["expense"])


def financial_year_start(day: date) -> date:
    """Indian financial years run April to March."""
    return date(day.year if day.month >= 4 else day.year - 1, 4, 1)
