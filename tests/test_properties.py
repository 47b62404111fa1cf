"""Property: any sequence of valid and invalid entries, reversals and closes keeps every invariant.

Invariants checked after each sequence: the trial balance nets to zero; every maintained
balance equals both the sum of its postings and an independent model of what was accepted;
cash, bank and savings never go below zero at the end of any day; every hash chain verifies.
"""

from __future__ import annotations

from datetime import date
from itertools import accumulate

from hypothesis import event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.services.ledger import periods
from app.services.ledger.posting import EntryDraft, PostingDraft, post_entry
from app.services.ledger.reports import trial_balance
from app.services.ledger.verify import verify_books
from app.services.lending.reversals import reverse_entry
from app.services.shared.errors import DomainError
from models import Account, Book, Posting, Side
from tests.factories import ADMIN, make_federation

ROLES = [
    "cash",
    "bank",
    "revolving_fund",
    "admin_expenses",
    "loan_interest_income",
    "bank_loan_payable",
]
TODAY = date(2030, 1, 1)

posting = st.tuples(
    st.sampled_from([*ROLES, "savings"]),
    st.sampled_from([Side.DEBIT, Side.CREDIT]),
    st.integers(1, 50_000),
)
operation = st.one_of(
    st.tuples(
        st.just("post"),
        st.lists(posting, min_size=1, max_size=4),
        st.integers(1, 3),
        st.integers(1, 28),
    ),
    st.tuples(st.just("reverse"), st.integers(0, 20)),
    st.tuples(st.just("close"), st.sampled_from(["2026-04", "2026-05", "2026-06"])),
)


def balanced(lines):
    """Make a balanced entry from random lines by adding one closing line (or leave it off)."""
    drafts = [PostingDraft(*line) for line in lines]
    net = sum(p.amount_paise if p.side is Side.DEBIT else -p.amount_paise for p in drafts)
    if net:
        drafts.append(PostingDraft(lines[0][0], Side.CREDIT if net > 0 else Side.DEBIT, abs(net)))
    return drafts


def run(session, fed, ops, model):
    book = fed.book_id(session, fed.shg)
    ids = {role: fed.account(session, fed.shg, role).id for role in ROLES}
    ids["savings"] = fed.members[0].accounts[0].id
    posted = []
    for op in ops:
        try:
            with session.begin_nested():
                if op[0] == "post":
                    _, lines, month, day = op
                    drafts = balanced([(ids[r], side, amt) for r, side, amt in lines])
                    if len(drafts) < 2:
                        drafts.append(
                            PostingDraft(ids["cash"], Side.DEBIT, 1)
                        )  # an unbalanced entry
                    entry = post_entry(
                        session,
                        ADMIN,
                        EntryDraft(book, date(2026, 3 + month, day), "p", tuple(drafts)),
                        TODAY,
                    )
                    effects = [(p.account_id, p.side, p.amount_paise) for p in drafts]
                elif op[0] == "reverse":
                    if not posted:
                        continue
                    original, original_effects = posted[op[1] % len(posted)]
                    entry = reverse_entry(
                        session, ADMIN, original.id, value_date=date(2026, 12, 1), today=TODAY
                    )
                    effects = [
                        (a, Side.CREDIT if s is Side.DEBIT else Side.DEBIT, amt)
                        for a, s, amt in original_effects
                    ]
                else:
                    periods.close_month(session, ADMIN, book, op[1], today=TODAY)
                    continue
        except DomainError:
            continue
        event(f"accepted {op[0]}")
        posted.append((entry, effects))
        for account_id, side, amount in effects:
            model[account_id] = model.get(account_id, 0) + (
                amount if side is Side.DEBIT else -amount
            )
    return book


def running_balances_by_day(session, account):
    """The account's balance at the end of each day that carries a posting."""
    sign = 1 if account.normal_side == "D" else -1
    days = session.execute(
        select(Posting.value_date, func.sum(Posting.delta_paise))
        .where(Posting.account_id == account.id)
        .group_by(Posting.value_date)
        .order_by(Posting.value_date)
    ).all()
    return list(accumulate(sign * int(total) for _, total in days))


@settings(max_examples=25)
@given(ops=st.lists(operation, max_size=12))
def test_every_sequence_keeps_the_books_sound(session, ops):
    with session.begin_nested() as outer:
        fed = make_federation(session, members_count=1)
        model: dict[int, int] = {}
        book_id = run(session, fed, ops, model)
        book = session.get(Book, book_id)
        tb = trial_balance(session, book, TODAY)
        assert tb.total_debit_paise == tb.total_credit_paise
        for account in session.query(Account).filter(Account.book_id == book_id):
            sign = 1 if account.normal_side == "D" else -1
            assert account.balance_paise == sign * model.get(account.id, 0), account.code
            if not account.allow_negative:
                assert min(running_balances_by_day(session, account), default=0) >= 0, account
        assert verify_books(session, [book]).ok
        outer.rollback()
