"""The Revolving Fund rule for an SHG (`models/capital_rules.json`, key
`revolving_fund_to_shg`, with its sources), checked when a grant is given (`grants.py`):

- the amount within the range per SHG (₹20,000 to ₹30,000);
- once per SHG: a standing (not reversed) RF grant to it refuses another;
- the SHG's own books at least `min_months_of_books` (3) old on the grant's date, counted
  from its first entry that is neither a reversal nor reversed (31 January + 3 months is
  30 April, as `models.schedule.add_months` counts);
- its latest grading on or before that date in `passing_grades` (A); no grading recorded is
  refused, saying so.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.formats import indian_date
from app.services.capital.gradings import latest_grading
from app.services.ledger.books import book_of
from app.services.ledger.journal import reversed_clause
from app.services.shared.errors import FieldProblem
from models.capital import Grant
from models.institutions import Institution
from models.ledger import JournalEntry
from models.money import format_inr
from models.revolving_fund_rule import revolving_fund_rule
from models.schedule import add_months


def _standing_rf(session: Session, shg_id: int) -> Grant | None:
    return session.scalar(
        select(Grant)
        .where(Grant.fund == "revolving_fund", Grant.receiver_id == shg_id)
        .where(~reversed_clause(Grant.entry_id))
        .order_by(Grant.value_date, Grant.id)
        .limit(1)
    )


def books_begin(session: Session, book_id: int) -> date | None:
    """The value date of the first entry in a book that is neither a reversal nor reversed:
    how old an institution is by its own books."""
    return session.scalar(
        select(func.min(JournalEntry.value_date)).where(
            JournalEntry.book_id == book_id,
            JournalEntry.reverses_entry_id.is_(None),
            ~reversed_clause(JournalEntry.id),
        )
    )


def once_problems(session: Session, shg: Institution) -> list[FieldProblem]:
    earlier = _standing_rf(session, shg.id)
    if earlier is None:
        return []
    return [
        FieldProblem(
            "receiver_id",
            f"{shg.name} received its Revolving Fund on {indian_date(earlier.value_date)}"
            f" (grant {earlier.id}): once per SHG",
        )
    ]


def rf_problems(
    session: Session, shg: Institution, amount_paise: int, on: date
) -> list[FieldProblem]:
    """Why the SHG may not have a Revolving Fund grant of this amount on this day (the rule
    in this module's docstring); empty when it may."""
    rule = revolving_fund_rule()
    problems = []
    if not rule.min_paise <= amount_paise <= rule.max_paise:
        problems.append(
            FieldProblem(
                "amount",
                f"an SHG's Revolving Fund is {format_inr(rule.min_paise)} to"
                f" {format_inr(rule.max_paise)}",
            )
        )
    if rule.once_per_shg:
        problems += once_problems(session, shg)
    begins = books_begin(session, book_of(session, shg.id).id)
    if begins is None:
        problems.append(FieldProblem("value_date", f"{shg.name} has no entries in its books yet"))
    elif on < add_months(begins, rule.min_months_of_books):
        problems.append(
            FieldProblem(
                "value_date",
                f"{shg.name}'s books begin on {indian_date(begins)}: the Revolving Fund needs"
                f" {rule.min_months_of_books} months of books, from"
                f" {indian_date(add_months(begins, rule.min_months_of_books))}",
            )
        )
    grading = latest_grading(session, shg.id, on)
    if grading is None:
        problems.append(
            FieldProblem(
                "receiver_id",
                f"{shg.name} has no grading recorded on or before {indian_date(on)}",
            )
        )
    elif grading.grade not in rule.passing_grades:
        problems.append(
            FieldProblem(
                "receiver_id",
                f"{shg.name} was graded {grading.grade} on {indian_date(grading.graded_on)};"
                f" the Revolving Fund needs grade {' or '.join(rule.passing_grades)}",
            )
        )
    return problems
