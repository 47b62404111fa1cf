"""The bulk import posts many SHGs' meetings together; each must come out exactly as if it had
been recorded alone, one meeting after another in date order.

Three SHGs of one VO, three members each, every member with a running loan (flat, or
declining with interest per period or on actual/365) since 1 April 2026. Sheets for three
weekly meetings are drawn at random: savings, fines, repayments (some more than she owes),
new loans (some more than the cash in hand, on either interest basis), a line for a member
of another SHG. Sakhi SHG's book is closed through April, so its first meeting is refused.
The file is imported in batches of two SHGs, and the same sheets are recorded one at a time;
balances, repayment splits, meetings, attendance and every problem must agree. After the
import, the set-wise read of the loans must give every loan the dues that the single-loan
path (`loans.dues`) gives. Durga SHG has one bank cash credit running and Lakshmi SHG two,
so a new loan from bank-loan funds names its bank loan the same way in both paths: taken when
one runs, refused when several run and it names none, refused when it names another SHG's.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.services.federation import banks, institutions, members
from app.services.federation.institutions import NewInstitution
from app.services.ledger import periods
from app.services.ledger.bulk import among, insert_rows
from app.services.ledger.verify import books_in_scope, verify_books
from app.services.lending import bank_loans, loans, meeting_import, meeting_loans
from app.services.lending.loans import Paid, compute_dues
from app.services.lending.meeting_csv import RowProblem, locate, parse_sheets
from app.services.lending.meeting_repayments import read_loan_book
from app.services.lending.meetings import kept_if, record_meeting
from app.services.shared.errors import DomainError, FieldProblem
from app.services.shared.principal import Principal
from models import Account, Book, Institution, InstitutionKind, Meeting, MeetingAttendance, Role
from models.base import utcnow
from models.interest import InterestBasis
from models.loans import LoanRepayment, MemberLoan
from models.schedule import Frequency, LoanTerms, Method, RateBasis
from tests.factories import ADMIN, funded_shg, make_federation, transfer

TODAY = date(2026, 12, 1)
WEEKS = (date(2026, 4, 28), date(2026, 5, 5), date(2026, 5, 12))
HEADER = (
    "shg_id,meeting_date,member_id,present,savings,fine,repayment,new_loan_principal,"
    "new_loan_rate,new_loan_rate_basis,new_loan_method,new_loan_instalments,new_loan_frequency,"
    "new_loan_interest_basis,new_loan_fund_source,new_loan_facility_id\n"
)
NEW_LOAN_TERMS = ",2.00,per_month,declining,6,monthly,"


@pytest.fixture
def three_shgs(session):
    fed = funded_shg(session, members_count=3)
    shgs = {fed.shg.id: [m.id for m in fed.members]}
    for name in ("Lakshmi SHG", "Sakhi SHG"):
        shg = institutions.create_institution(
            session, ADMIN, NewInstitution(kind=InstitutionKind.SHG, name=name, parent_id=fed.vo.id)
        )
        book = fed.book_id(session, shg)
        cash, rf = (fed.account(session, shg, role).id for role in ("cash", "revolving_fund"))
        transfer(session, book, cash, rf, 15_000_00, date(2026, 4, 1), "RF received")
        ids = [
            members.create_member(session, ADMIN, members.NewMember(shg.id, f"{name} {i}")).id
            for i in range(3)
        ]
        shgs[shg.id] = ids
    for n, member_id in enumerate(m for ids in shgs.values() for m in ids):
        method = Method.DECLINING if n % 2 else Method.FLAT
        basis = InterestBasis.ACTUAL_365 if n % 4 == 3 else InterestBasis.PER_PERIOD
        terms = LoanTerms(3_000_00, 200, RateBasis.PER_MONTH, method, 10, Frequency.MONTHLY)
        new = loans.NewLoan(member_id, terms, date(2026, 4, 1), interest_basis=basis)
        loans.disburse_loan(session, ADMIN, new, TODAY)
    sakhi = session.get_one(Institution, list(shgs)[2])
    periods.close_month(session, ADMIN, fed.book_id(session, sakhi), "2026-04", TODAY)
    session.flush()
    return shgs


@pytest.fixture
def credit_lines(session, three_shgs):
    """Cash credits sanctioned on 01-04-2026: one for Durga SHG, two for Lakshmi SHG, none for
    Sakhi SHG (each SHG's books made to start six months before, as a bank loan needs)."""
    bank = banks.create_bank(session, ADMIN, "Jharkhand Rajya Gramin Bank", "JRGB")
    branch = banks.create_branch(session, ADMIN, bank.id, "Kanke", "JRGB0000101", "JH")
    lines: dict[int, list[int]] = {}
    for shg_id, count in zip(three_shgs, (1, 2, 0), strict=True):
        lines[shg_id] = []
        if not count:
            continue
        shg = session.get_one(Institution, shg_id)
        book = session.scalars(select(Book).where(Book.institution_id == shg_id)).one()
        accounts = {
            a.role: a.id for a in session.scalars(select(Account).where(Account.book_id == book.id))
        }
        transfer(
            session, book.id, accounts["cash"], accounts["revolving_fund"], 100, date(2025, 10, 1)
        )
        for n in range(count):
            new = bank_loans.NewBankLoan(
                shg.id, branch.id, "cash_credit", 1, date(2026, 4, 1), 20_000_000, 700,
                f"CC-{shg_id}-{n}", drawing_power_paise=20_000_000,
            )  # fmt: skip
            lines[shg_id].append(bank_loans.sanction(session, ADMIN, new, TODAY).id)
    session.flush()
    return lines


line = st.tuples(
    st.sampled_from(["", "50", "100"]),  # savings
    st.sampled_from(["", "", "10"]),  # fine
    st.sampled_from(["", "250", "250", "900", "99999"]),  # repayment; the last is too much
    st.sampled_from(["", "", "", "", "2000", "90000"]),  # a new loan; the last is more than cash
    st.sampled_from(["", "per_period", "actual_365"]),  # its interest basis
    st.sampled_from(["", "", "bank_loan", "bank_loan:named"]),  # its funds (and bank loan)
)


def sheet_text(
    shgs: dict[int, list[int]], drawn: list, stranger: bool, credit_lines: dict[int, list[int]]
) -> str:
    rows, values = [], iter(drawn)
    sakhi = list(shgs)[2]
    durga_line = credit_lines[next(iter(shgs))][0]
    for day in WEEKS:
        for shg, ids in shgs.items():
            for member_id in ids:
                savings, fine, repayment, lent, basis, funds = next(values)
                if (shg, day) == (sakhi, WEEKS[0]):
                    savings = savings or "50"  # something to post in the closed month
                fund, _, named = funds.partition(":")
                # Sakhi SHG has none of its own: it names Durga SHG's, which is refused
                facility = ((credit_lines[shg] or [durga_line])[-1]) if named else ""
                terms = f"{NEW_LOAN_TERMS}{basis},{fund},{facility}" if lent else ",,,,,,,,"
                rows.append(
                    f"{shg},{day},{member_id},yes,{savings},{fine},{repayment},{lent}{terms}"
                )
    if stranger:  # a member of Lakshmi SHG on Durga SHG's last sheet: that meeting is refused
        first, second = list(shgs)[:2]
        rows.append(f"{first},{WEEKS[-1]},{shgs[second][0]},yes,100,,,,,,,,,,,")
    return HEADER + "\n".join(rows) + "\n"


def books_state(session, shgs):
    """What the import leaves in the books, free of ids and times that differ run to run."""
    member_ids = [m for ids in shgs.values() for m in ids]
    # Keyed by what the account is, not its id: ids of accounts and loans opened in a run
    # differ from run to run.
    balances = sorted(
        session.execute(
            select(
                Account.book_id,
                Account.role,
                Account.member_id,
                Account.parent_id,
                Account.balance_paise,
            )
        ).all(),
        key=repr,
    )
    splits = sorted(
        session.execute(
            select(
                MemberLoan.member_id,
                MemberLoan.disbursed_on,
                LoanRepayment.value_date,
                LoanRepayment.penalty_paise,
                LoanRepayment.interest_paise,
                LoanRepayment.principal_paise,
                LoanRepayment.interest_unpaid_paise,
            ).join(MemberLoan, MemberLoan.id == LoanRepayment.loan_id)
        ).all()
    )
    meetings = sorted(
        session.execute(
            select(
                Meeting.shg_id,
                Meeting.meeting_date,
                Meeting.revision,
                Meeting.members_present,
                Meeting.members_total,
            ).where(Meeting.shg_id.in_(list(shgs)))
        ).all()
    )
    attendance = sorted(
        session.execute(
            select(MeetingAttendance.member_id, MeetingAttendance.present).where(
                MeetingAttendance.member_id.in_(member_ids)
            )
        ).all()
    )
    lent = sorted(
        session.execute(
            select(
                MemberLoan.member_id,
                MemberLoan.disbursed_on,
                MemberLoan.principal_paise,
                MemberLoan.interest_basis,
                MemberLoan.fund_source,
                MemberLoan.facility_id,
            )
        ).all()
    )
    return balances, splits, meetings, attendance, lent


def assert_loan_book_reads_dues_as_one_loan_does(session, shgs):
    """The set-wise read of every loan (its latest standing repayment found by aggregate) gives
    each loan the dues that reading that one loan's whole history gives."""
    day = WEEKS[-1] + timedelta(days=8)
    book = read_loan_book(session, [m for ids in shgs.values() for m in ids], day)
    assert len(book.loans) >= 9  # and the new ones
    for loan in book.loans.values():
        set_wise = compute_dues(
            loan,
            day,
            book.outstanding_on_day[loan.id],
            book.paid.get(loan.id, Paid(None, 0)),
            book.scheduled_interest.get(loan.id, 0),
        )
        assert set_wise == loans.dues(session, loan, day)


def one_at_a_time(session, text):
    """The reference: each sheet through `record_meeting`, oldest first, its refusal mapped to
    file rows as the import reports them."""
    parsed = parse_sheets(text, "test")
    problems = list(parsed.problems)
    posted = 0
    for sheet in sorted(parsed.sheets, key=lambda s: (s.meeting_date, s.shg_id)):
        rows = parsed.rows_of[(sheet.shg_id, sheet.meeting_date)]
        try:
            with kept_if(session, True):
                record_meeting(session, ADMIN, sheet, TODAY)
            posted += 1
        except DomainError as error:
            for problem in error.problems or [FieldProblem("", error.detail)]:
                row, column = locate(problem.field, rows) if problem.field else (rows[0], "shg_id")
                problems.append(RowProblem(row, column, problem.reason))
    return posted, sorted(problems, key=lambda p: (p.row, p.column))


def lent_set_wise(monkeypatch) -> set[tuple[int, date]]:
    """The (SHG, day) of every sheet whose new loans the set-wise path keeps, as it keeps them."""
    kept: set[tuple[int, date]] = set()
    keep = meeting_loans._keep_loans

    def spy(session, who, checked, *args):
        kept.update(
            (c.sheet.book.institution_id, c.sheet.loans[0].new.disbursed_on) for c in checked
        )
        return keep(session, who, checked, *args)

    monkeypatch.setattr(meeting_loans, "_keep_loans", spy)
    return kept


def lending_meetings(shgs, lent) -> set[tuple[int, date]]:
    """The (SHG, day) of the meetings in WEEKS at which the books show a new loan."""
    shg_of = {m: shg for shg, ids in shgs.items() for m in ids}
    return {(shg_of[member], day) for member, day, *_ in lent if day in WEEKS}


@settings(max_examples=12)
@given(drawn=st.lists(line, min_size=27, max_size=27), stranger=st.booleans())
def test_a_batched_import_posts_what_one_meeting_at_a_time_would(
    session, three_shgs, credit_lines, monkeypatch, drawn, stranger
):
    monkeypatch.setattr(meeting_import, "BATCH", 2)  # three SHGs a day: batches of 2 and 1
    text = sheet_text(three_shgs, drawn, stranger, credit_lines)
    set_wise = lent_set_wise(monkeypatch)
    with kept_if(session, False):
        report = meeting_import.import_meetings(
            session, ADMIN, text, "test", apply=True, today=TODAY
        )
        batched = books_state(session, three_shgs)
        # every meeting that lent was disbursed set-wise (a refused try is undone and the
        # sheet posted alone, which refuses it again)
        assert set_wise == lending_meetings(three_shgs, batched[4])
        assert_loan_book_reads_dues_as_one_loan_does(session, three_shgs)
        # balances moved set-wise match the postings, and entries chained in a batch verify
        verified = verify_books(session, books_in_scope(session, ADMIN))
        assert verified.entries > 9 and verified.mismatches == []
    session.expire_all()
    with kept_if(session, False):
        posted, problems = one_at_a_time(session, text)
        alone = books_state(session, three_shgs)
    session.expire_all()
    assert report.posted == posted
    assert report.problems == problems
    assert batched == alone
    # Sakhi SHG's April meeting falls in its closed month: never posted
    sakhi = list(three_shgs)[2]
    assert (sakhi, WEEKS[0]) not in {(shg, day) for shg, day, *_ in batched[2]}
    assert report.posted + report.refused == report.meetings == 9


AWKWARD = ["a,b", 'say "hi"', "back\\slash", "{braces}", "NULL", "", "  spaced ", "दुर्गा", None]


def test_bulk_rows_keep_every_value_as_it_was(session):
    """Rows written set-wise (arrays as text literals on PostgreSQL) read back unchanged,
    commas, quotes, backslashes, braces and the word NULL included; keys found set-wise too."""
    fed = funded_shg(session, members_count=1)
    rows = [
        {
            "shg_id": fed.shg.id,
            "state_code": fed.shg.state_code,
            "meeting_date": date(2026, 5, 1) + timedelta(days=i),
            "revision": 0,
            "members_present": i,
            "members_total": 1,
            "source": source,
            "recorded_at": utcnow(),
            "recorded_by": "test",
        }
        for i, source in enumerate(AWKWARD)
    ]
    insert_rows(session, Meeting.__table__, rows)
    found = session.execute(
        select(Meeting.members_present, Meeting.source).where(
            among(session, Meeting.members_present, [0, 2, 4, 6, 8])
        )
    )
    assert sorted(found) == [(i, AWKWARD[i]) for i in (0, 2, 4, 6, 8)]


def test_a_batch_refuses_only_the_sheet_outside_her_cluster(session, three_shgs):
    """A bookkeeper's file names an SHG of another state's cluster: that meeting is refused as
    not found (its existence must not leak), and her own SHGs' meetings in the same batch post."""
    elsewhere = make_federation(session, state_code="BR", members_count=1)
    own = list(three_shgs)[:2]
    vo = session.get_one(Institution, session.get_one(Institution, own[0]).parent_id)
    clf = session.get_one(Institution, vo.parent_id)
    bookkeeper = Principal(Role.BOOKKEEPER, "test:bookkeeper", scope_path=clf.path)
    text = (
        HEADER
        + "".join(f"{shg},{WEEKS[1]},{three_shgs[shg][0]},yes,100,,\n" for shg in own)
        + f"{elsewhere.shg.id},{WEEKS[1]},{elsewhere.members[0].id},yes,100,,\n"
    )
    report = meeting_import.import_meetings(
        session, bookkeeper, text, "test", apply=True, today=TODAY
    )
    assert (report.posted, report.refused) == (2, 1)
    assert [(p.row, p.column) for p in report.problems] == [(4, "shg_id")]
    assert "not found" in report.problems[0].reason
    recorded = session.scalars(select(Meeting.shg_id).where(Meeting.meeting_date == WEEKS[1]))
    assert sorted(recorded) == sorted(own)


def test_a_dry_run_leaves_no_balance_moved_in_memory(session, three_shgs):
    """A dry run posts in a savepoint and undoes it; the session must not go on holding the
    balances and book heads the undone postings moved (they are set in memory as committed
    values, which the savepoint's rollback alone would leave)."""
    shg = next(iter(three_shgs))
    member_id = three_shgs[shg][0]
    cash = session.scalars(
        select(Account)
        .where(Account.book_id == Book.id, Book.institution_id == shg)
        .where(Account.role == "cash")
    ).one()
    book = session.scalars(select(Book).where(Book.institution_id == shg)).one()
    cash_before, seq_before = cash.balance_paise, book.last_seq
    text = HEADER + f"{shg},{WEEKS[1]},{member_id},yes,100,,,,,,,,\n"
    report = meeting_import.import_meetings(session, ADMIN, text, "test", apply=False, today=TODAY)
    assert report.posted == 1
    assert (cash.balance_paise, book.last_seq) == (cash_before, seq_before)


def test_a_refused_lending_sheet_is_named_by_line_as_one_at_a_time(
    session, three_shgs, monkeypatch
):
    """Durga SHG lends ₹2,000 to one member: disbursed set-wise. Lakshmi SHG, in the same
    batch, lends ₹2,000 to its first member and ₹90,000 to its second, with ₹6,000 in cash
    (₹15,000 of Revolving Fund less three loans of ₹3,000) and ₹100 of savings collected: its
    group is refused, undone, and the sheet posted alone, which refuses it naming the second
    line's principal, exactly as recording that meeting alone names it. Durga SHG's meeting
    posts."""
    durga, lakshmi = list(three_shgs)[:2]
    d, (l1, l2, _) = three_shgs[durga][0], three_shgs[lakshmi]
    loan = "2.00,per_month,declining,6,monthly,,"
    text = (
        HEADER
        + f"{durga},{WEEKS[1]},{d},yes,,,,2000,{loan}\n"
        + f"{lakshmi},{WEEKS[1]},{l1},yes,100,,,2000,{loan}\n"
        + f"{lakshmi},{WEEKS[1]},{l2},yes,,,,90000,{loan}\n"
    )
    set_wise = lent_set_wise(monkeypatch)
    with kept_if(session, False):
        report = meeting_import.import_meetings(
            session, ADMIN, text, "test", apply=True, today=TODAY
        )
        batched = books_state(session, three_shgs)
    session.expire_all()
    with kept_if(session, False):
        posted, problems = one_at_a_time(session, text)
        alone = books_state(session, three_shgs)
    assert set_wise == {(durga, WEEKS[1])}
    assert (report.posted, report.refused) == (posted, 1) == (1, 1)
    assert report.problems == problems
    assert [(p.row, p.column) for p in problems] == [(4, "new_loan_principal")]
    # ₹6,000 + ₹100 collected - ₹2,000 lent on the first line leaves ₹4,100 that day
    assert problems[0].reason == (
        "would take Cash in hand below zero on 05-05-2026:"
        " balance that day ₹4,100.00, change -₹90,000.00"
    )
    assert batched == alone
