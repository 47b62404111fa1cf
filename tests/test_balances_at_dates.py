"""No cash, bank or savings balance goes below zero at the end of any day, back-dated entries
included (issue 14, section 6). Durga SHG in April and May 2025, figures worked by hand.

A balance "that day" is the balance at the end of the day (every posting dated on or before
it), as the balance sheet as of that day shows it.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.services.ledger.posting import EntryDraft, post_entries, post_entry, post_linked_set
from app.services.ledger.reports import balance_sheet
from app.services.lending.reversals import reverse_entry
from app.services.shared.errors import Invalid
from models import Account, Book, Role
from tests.factories import ADMIN, ApiCaller, make_federation, token, transfer

LATER = date(2030, 1, 1)
CASH_BOOK = "/api/v1/cash-book"


@pytest.fixture
def fed(session):
    return make_federation(session, members_count=1)


@pytest.fixture
def api(session, client, fed):
    return ApiCaller(client, token(session, Role.BOOKKEEPER, fed.clf))


class Bank:
    """Durga SHG's bank account and what moves money in and out of it, by role."""

    def __init__(self, session, fed):
        self.session = session
        self.book = fed.book_id(session, fed.shg)
        self.ids = {
            role: fed.account(session, fed.shg, role).id
            for role in ("cash", "bank", "revolving_fund", "other_grants", "admin_expenses")
        }

    def receive(self, rupees, day, source="revolving_fund"):
        return transfer(
            self.session, self.book, self.ids["bank"], self.ids[source], rupees * 100, day
        )

    def spend(self, paise, day):
        return transfer(
            self.session, self.book, self.ids["admin_expenses"], self.ids["bank"], paise, day
        )

    def draft_in(self, rupees, day):
        return EntryDraft.transfer(
            self.book, day, "grant", self.ids["bank"], self.ids["other_grants"], rupees * 100
        )

    def draft_out(self, rupees, day):
        return EntryDraft.transfer(
            self.book, day, "expense", self.ids["admin_expenses"], self.ids["bank"], rupees * 100
        )

    def balance(self):
        """The bank's maintained balance today."""
        return self.session.get(Account, self.ids["bank"]).balance_paise


def assets_as_of(session, book_id, day):
    sheet = balance_sheet(session, session.get(Book, book_id), day)
    return {line.code: line.amount_paise for line in sheet.assets.lines}


def test_an_expense_dated_before_the_money_arrived_is_refused(session, fed, api):
    """10 Apr: RF ₹20,000 reaches the bank. A stationery bill of ₹10,000 dated 2 Apr would
    leave the bank at ₹0.00 - ₹10,000.00 = -₹10,000.00 on 2 Apr (and until 9 Apr), though
    today's ₹20,000 covers it. Dated 10 Apr it is fine: ₹20,000 - ₹10,000 = ₹10,000."""
    bank = Bank(session, fed)
    bank.receive(20_000, date(2025, 4, 10))
    body = {
        "institution_id": fed.shg.id,
        "amount": "10000",
        "category": "stationery",
        "via": "bank",
    }
    refused = api.post(f"{CASH_BOOK}/expenses", {**body, "value_date": "2025-04-02"})
    assert refused.status_code == 422
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert refused.json["errors"] == [
        {
            "field": "amount",
            "code": "amount.below_zero",
            "reason": "would take Savings bank account below zero on 02-04-2025:"
            " balance that day ₹0.00, change -₹10,000.00",
        }
    ]
    assert assets_as_of(session, bank.book, date(2025, 4, 2)) == {}
    posted = api.post(f"{CASH_BOOK}/expenses", {**body, "value_date": "2025-04-10"})
    assert posted.status_code == 201, posted.json
    assert assets_as_of(session, bank.book, date(2025, 4, 10)) == {"1200": 1_000_000}


def test_a_withdrawal_dated_before_her_first_saving_is_refused(session, fed, api):
    """1 Apr: the SHG's cash box holds ₹15,000 of RF. 15 May: Member 1 saves ₹500 in cash.
    A withdrawal of ₹500 dated 1 May would leave her passbook at ₹0.00 - ₹500.00 = -₹500.00
    from 1 to 14 May, though her balance today is ₹500. Dated 15 May it empties it to ₹0."""
    bank = Bank(session, fed)
    transfer(
        session,
        bank.book,
        bank.ids["cash"],
        bank.ids["revolving_fund"],
        1_500_000,
        date(2025, 4, 1),
    )
    member = fed.members[0].id
    saved = api.post(
        f"/api/v1/members/{member}/savings/deposits", {"amount": "500", "value_date": "2025-05-15"}
    )
    assert saved.status_code == 201, saved.json
    withdrawals = f"/api/v1/members/{member}/savings/withdrawals"
    refused = api.post(withdrawals, {"amount": "500", "value_date": "2025-05-01"})
    assert refused.status_code == 422
    assert refused.json["errors"] == [
        {
            "field": "amount",
            "code": "amount.below_zero",
            "reason": "would take Savings – Member 1 below zero on 01-05-2025:"
            " balance that day ₹0.00, change -₹500.00",
        }
    ]
    passbook = api.get(f"/api/v1/members/{member}/passbook?from=2025-04-01&to=2025-05-31").json
    (savings,) = passbook["accounts"]
    assert [(line["value_date"], line["balance"]) for line in savings["lines"]] == [
        ("2025-05-15", "500.00")
    ]
    assert api.post(withdrawals, {"amount": "500", "value_date": "2025-05-15"}).status_code == 201


def test_a_back_dated_expense_that_keeps_every_day_covered_is_posted(session, fed):
    """1 Apr RF ₹20,000 in; 20 Apr ₹5,000 out. The running balance is ₹20,000 from 1 Apr and
    ₹15,000 from 20 Apr. A ₹15,000 bill dated 10 Apr leaves ₹5,000 from 10 Apr and ₹0 from
    20 Apr: never below zero, posted. One paisa more, dated 5 Apr, is fine on 5 Apr
    (₹19,999.99) and 10 Apr (₹4,999.99) but leaves -₹0.01 from 20 Apr: refused, naming 20 Apr."""
    bank = Bank(session, fed)
    bank.receive(20_000, date(2025, 4, 1))
    bank.spend(500_000, date(2025, 4, 20))
    bank.spend(1_500_000, date(2025, 4, 10))
    assert bank.balance() == 0
    with pytest.raises(Invalid) as refused:
        bank.spend(1, date(2025, 4, 5))
    assert [(p.field, p.reason) for p in refused.value.problems] == [
        (
            "postings[1].account_id",
            "would take Savings bank account below zero on 20-04-2025:"
            " balance that day ₹0.00, change -₹0.01",
        )
    ]
    running = {
        day: assets_as_of(session, bank.book, date(2025, 4, day)).get("1200", 0)
        for day in (1, 9, 10, 19, 20, 30)
    }
    assert running == {1: 2_000_000, 9: 2_000_000, 10: 500_000, 19: 500_000, 20: 0, 30: 0}


def test_an_earlier_entry_of_a_batch_counts_at_its_own_date(session, fed):
    """10 Apr: ₹10,000 in. A ₹5,000 bill dated 6 Apr alone finds ₹0 that day: refused. In one
    batch after a ₹5,000 grant dated 5 Apr, it finds ₹5,000 on 6 Apr and ₹15,000 from 10 Apr:
    both posted, the bank ends at ₹10,000."""
    bank = Bank(session, fed)
    bank.receive(10_000, date(2025, 4, 10))
    (alone,) = post_entries(session, ADMIN, [bank.draft_out(5_000, date(2025, 4, 6))], LATER)
    assert isinstance(alone, Invalid)
    assert alone.problems[0].reason == (
        "would take Savings bank account below zero on 06-04-2025:"
        " balance that day ₹0.00, change -₹5,000.00"
    )
    batch = [bank.draft_in(5_000, date(2025, 4, 5)), bank.draft_out(5_000, date(2025, 4, 6))]
    results = post_entries(session, ADMIN, batch, LATER)
    assert not any(isinstance(r, Invalid) for r in results)
    assert bank.balance() == 1_000_000
    assert assets_as_of(session, bank.book, date(2025, 4, 6)) == {}  # ₹5,000 in, ₹5,000 out


def test_an_earlier_entry_of_a_batch_can_leave_too_little_for_a_later_back_dated_one(session, fed):
    """1 Apr ₹10,000 in, 30 Apr ₹20,000 in: ₹30,000 today. One batch:
    - ₹8,000 out on 20 Apr: ₹2,000 left from 20 to 29 Apr, posted;
    - ₹5,000 out on 10 Apr: ₹5,000 on 10 Apr, but ₹2,000 - ₹5,000 = -₹3,000 on 20 Apr because
      of the entry before it: refused, though ₹30,000 - ₹8,000 - ₹5,000 is ₹17,000 today;
    - ₹2,000 out on 10 Apr: ₹8,000 on 10 Apr, ₹0 from 20 Apr: posted (each entry alone)."""
    bank = Bank(session, fed)
    bank.receive(10_000, date(2025, 4, 1))
    bank.receive(20_000, date(2025, 4, 30), source="other_grants")
    batch = [
        bank.draft_out(8_000, date(2025, 4, 20)),
        bank.draft_out(5_000, date(2025, 4, 10)),
        bank.draft_out(2_000, date(2025, 4, 10)),
    ]
    first, second, third = post_entries(session, ADMIN, batch, LATER)
    assert not isinstance(first, Invalid) and not isinstance(third, Invalid)
    assert isinstance(second, Invalid)
    assert second.problems[0].reason == (
        "would take Savings bank account below zero on 20-04-2025:"
        " balance that day ₹2,000.00, change -₹5,000.00"
    )
    assert bank.balance() == 2_000_000
    assert assets_as_of(session, bank.book, date(2025, 4, 20)) == {}  # ₹10,000 - 8,000 - 2,000


def test_reversing_a_deposit_after_the_money_was_spent_is_refused(session, fed):
    """1 Apr RF ₹10,000 in (reversed below); 10 Apr ₹8,000 out; 20 Apr a ₹20,000 grant in:
    ₹22,000 today. Reversing the RF on its own date takes ₹10,000 off every day from 1 Apr:
    ₹2,000 - ₹10,000 = -₹8,000 from 10 Apr: refused. Dated 20 Apr: ₹22,000 - ₹10,000."""
    bank = Bank(session, fed)
    rf = bank.receive(10_000, date(2025, 4, 1))
    bank.spend(800_000, date(2025, 4, 10))
    bank.receive(20_000, date(2025, 4, 20), source="other_grants")
    with pytest.raises(Invalid) as refused:
        reverse_entry(session, ADMIN, rf.id, today=LATER)
    assert refused.value.problems[0].reason == (
        "would take Savings bank account below zero on 10-04-2025:"
        " balance that day ₹2,000.00, change -₹10,000.00"
    )
    reverse_entry(session, ADMIN, rf.id, value_date=date(2025, 4, 20), today=LATER)
    assert bank.balance() == 1_200_000


def test_the_balance_sheet_never_shows_negative_cash_or_bank_on_any_day(session, fed):
    """April 2025, recorded in this order (each line's balances are after it):
    1 Apr  RF ₹10,000 in cash                 cash 10,000 from 1 Apr
    25 Apr a ₹5,000 grant in cash             cash 15,000 from 25 Apr
    5 Apr  ₹6,000 cash to bank (back-dated)   cash 4,000 from 5 Apr, 9,000 from 25 Apr;
                                              bank 6,000 from 5 Apr
    12 Apr ₹4,000 paid from the bank          bank 2,000 from 12 Apr
    28 Apr ₹3,000 cash to bank                cash 6,000 from 28 Apr; bank 5,000 from 28 Apr
    3 Apr  ₹5,000 paid in cash: refused, cash ₹4,000 on 5 Apr (today's ₹6,000 would cover it)
    20 Apr ₹2,000.01 paid from the bank: refused, bank ₹2,000 on 20 Apr (today's ₹5,000 would)
    25 Apr ₹3,000 paid in cash (back-dated)   cash 6,000 from 25 Apr, 3,000 from 28 Apr
    """
    bank = Bank(session, fed)
    cash, bank_id, expense = (bank.ids[r] for r in ("cash", "bank", "admin_expenses"))
    book = bank.book

    def move(debit, credit, paise, day):
        return transfer(session, book, debit, credit, paise, date(2025, 4, day))

    move(cash, bank.ids["revolving_fund"], 1_000_000, 1)
    move(cash, bank.ids["other_grants"], 500_000, 25)
    move(bank_id, cash, 600_000, 5)
    move(expense, bank_id, 400_000, 12)
    move(bank_id, cash, 300_000, 28)
    with pytest.raises(
        Invalid,
        match=re.escape(
            "Cash in hand below zero on 05-04-2025: balance that day ₹4,000.00, change -₹5,000.00"
        ),
    ):
        move(expense, cash, 500_000, 3)
    with pytest.raises(
        Invalid,
        match=re.escape(
            "Savings bank account below zero on 20-04-2025: balance"
            " that day ₹2,000.00, change -₹2,000.01"
        ),
    ):
        move(expense, bank_id, 200_001, 20)
    move(expense, cash, 300_000, 25)
    seen = {}
    day = date(2025, 3, 31)
    while day <= date(2025, 4, 30):
        assets = assets_as_of(session, book, day)
        assert all(amount >= 0 for amount in assets.values()), (day, assets)
        seen[day.day if day.month == 4 else 0] = (assets.get("1100", 0), assets.get("1200", 0))
        day += timedelta(days=1)
    assert {d: seen[d] for d in (0, 1, 4, 5, 11, 12, 24, 25, 27, 28, 30)} == {
        0: (0, 0),
        1: (1_000_000, 0),
        4: (1_000_000, 0),
        5: (400_000, 600_000),
        11: (400_000, 600_000),
        12: (400_000, 200_000),
        24: (400_000, 200_000),
        25: (600_000, 200_000),
        27: (600_000, 200_000),
        28: (300_000, 500_000),
        30: (300_000, 500_000),
    }


def model_accepts(accepted, day, change):
    """Independently of the service: would `change` on `day` keep the end-of-day balance at
    or above zero on that day and every later day with a movement?"""
    if change >= 0:
        return True
    days = {day} | {d for d, _ in accepted if d > day}
    return all(sum(c for d, c in accepted if d <= t) + change >= 0 for t in days)


movement = st.tuples(st.integers(0, 60), st.integers(-30_000, 30_000).filter(bool))


@settings(max_examples=30)
@given(movements=st.lists(movement, max_size=12), together=st.booleans())
def test_cash_is_accepted_exactly_when_no_day_goes_below_zero(session, movements, together):
    """Cash moved in and out on random days of April-May 2025, recorded in random order, one
    by one (`post_entry`) or as one batch (`post_entries`): each movement is posted exactly
    when the model above accepts it after those accepted before it."""
    with session.begin_nested() as outer:
        bank = Bank(session, make_federation(session, members_count=0))
        cash = bank.ids["cash"]

        def draft(offset, change):
            debit, credit = (
                (cash, bank.ids["revolving_fund"])
                if change > 0
                else (bank.ids["admin_expenses"], cash)
            )
            day = date(2025, 4, 1) + timedelta(days=offset)
            return EntryDraft.transfer(bank.book, day, "cash", debit, credit, abs(change))

        drafts = [draft(*m) for m in movements]
        if together:
            posted = [
                not isinstance(r, Invalid) for r in post_entries(session, ADMIN, drafts, LATER)
            ]
        else:
            posted = []
            for d in drafts:
                try:
                    post_entry(session, ADMIN, d, LATER)
                    posted.append(True)
                except Invalid as refusal:
                    assert "below zero on" in refusal.detail
                    posted.append(False)
        accepted: list[tuple[date, int]] = []
        for (offset, change), was_posted in zip(movements, posted, strict=True):
            day = date(2025, 4, 1) + timedelta(days=offset)
            assert was_posted == model_accepts(accepted, day, change), (day, change, accepted)
            if was_posted:
                accepted.append((day, change))
        assert session.get(Account, cash).balance_paise == sum(c for _, c in accepted)
        outer.rollback()


def test_a_linked_set_is_checked_day_by_day_not_by_its_net_change(session, fed):
    """One linked set, two entries of Durga SHG's book: ₹5,000 paid from the bank on 3 Apr
    and a ₹5,000 grant in on 5 Apr. The set nets to zero, but the bank (₹0 until then) would
    be at -₹5,000 from 3 to 4 Apr: refused. Grant on 3 Apr and payment on 5 Apr: posted."""
    bank = Bank(session, fed)
    early_out = [bank.draft_out(5_000, date(2025, 4, 3)), bank.draft_in(5_000, date(2025, 4, 5))]
    with pytest.raises(Invalid) as refused:
        post_linked_set(session, ADMIN, early_out, LATER)
    assert [(p.field, p.reason) for p in refused.value.problems] == [
        (
            "entries[0].postings[1].account_id",
            "would take Savings bank account below zero on 03-04-2025:"
            " balance that day ₹0.00, change -₹5,000.00",
        )
    ]
    post_linked_set(
        session,
        ADMIN,
        [bank.draft_in(5_000, date(2025, 4, 3)), bank.draft_out(5_000, date(2025, 4, 5))],
        LATER,
    )
    assert bank.balance() == 0
    assert assets_as_of(session, bank.book, date(2025, 4, 4)) == {"1200": 500_000}
