"""Running balances from a date onwards: what a back-dated posting must not take below zero.

An account that may not go negative (cash, bank, a member's savings) must not go negative at
the end of any day, not only today: the balance sheet as of any past date shows it. A posting
dated d changes the balance of every day from d on, so it is refused when the running balance
plus its change falls below zero on d or on any later day.

The running balance only changes on days that carry postings, so the days to look at are d
and the later days with postings. A posting dated on or after an account's latest posting
date (the meeting import's every posting, and most others) has no later days: today's
maintained balance decides, as it always did. For a back-dated one the balance at the end of
a day is today's balance less the changes dated after that day, summed from the end.

One grouped query per batch reads those changes (the sum of deltas by account and value date,
after the batch's earliest date): an index range scan per account on `ix_postings_account_date`
that finds nothing in the common case. The query runs after the accounts are locked (see
app/services/ledger/posting.py), so a concurrent writer's postings are either committed and read, or
wait for this transaction's locks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services.ledger.bulk import among
from models.ledger import Account, Posting, Side


@dataclass(frozen=True)
class BelowZero:
    """The first day a change would leave an account below zero."""

    day: date
    balance_paise: int  # at the end of that day, before the change
    change_paise: int  # the change's effect on that day (its changes dated up to it)


class RunningBalances:
    """Each checked account's changes by day after the batch's first date (existing postings,
    then the batch's accepted entries as they are accepted), and its maintained balance plus
    what the batch has accepted so far. Amounts are on the account's normal side."""

    def __init__(self, accounts: Mapping[int, Account], later: dict[int, dict[date, int]]):
        self._accounts = accounts
        self._later = later
        self.pending: dict[int, int] = defaultdict(int)

    def first_below_zero(self, account_id: int, changes: Mapping[date, int]) -> BelowZero | None:
        """The first day, from the earliest of `changes` on, on which the changes (by value
        date) lower the account and leave it below zero; None when there is no such day."""
        start = min(changes)
        later = self._later.get(account_id, {})
        days = sorted({day for day in later if day > start} | set(changes))
        balance = self._accounts[account_id].balance_paise + self.pending.get(account_id, 0)
        balance -= sum(amount for day, amount in later.items() if day > start)
        change = 0
        for day in days:
            if day > start:
                balance += later.get(day, 0)
            change += changes.get(day, 0)
            if change < 0 and balance + change < 0:
                return BelowZero(day, balance, change)
        return None

    def accept(self, changes: Mapping[int, Mapping[date, int]]) -> None:
        """Count an accepted entry's changes at their dates for the entries checked after it."""
        for account_id, by_day in changes.items():
            later = self._later.get(account_id)
            for day, amount in by_day.items():
                self.pending[account_id] += amount
                if later is not None:
                    later[day] = later.get(day, 0) + amount


def running_balances(
    session: Session, accounts: Mapping[int, Account], since: Mapping[int, date]
) -> RunningBalances:
    """Balances of the locked `accounts`, with the changes dated after `since` of each account
    in it (the accounts a batch takes money from, each from the batch's earliest date for it).

    One query from the earliest of those dates for all of them: a batch's entries share one
    date in practice (one meeting day, one linked set), and a change read from before an
    account's own date is only never looked at."""
    later: dict[int, dict[date, int]] = {account_id: {} for account_id in since}
    if since:
        rows = session.execute(
            select(Posting.account_id, Posting.value_date, func.sum(Posting.delta_paise))
            .where(
                among(session, Posting.account_id, sorted(since)),
                Posting.value_date > min(since.values()),
            )
            .group_by(Posting.account_id, Posting.value_date)
        )
        for account_id, day, total in rows:
            sign = 1 if accounts[account_id].normal_side == Side.DEBIT.value else -1
            later[account_id][day] = sign * int(total)
    return RunningBalances(accounts, later)
