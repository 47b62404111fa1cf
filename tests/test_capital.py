"""Capital support: grants passed down the federation, CIF and VRF lent and repaid with
interest at each level, reversals, and fund utilisation, with figures worked by hand."""

from __future__ import annotations

from datetime import date

import pytest

from app.services.capital import gradings, grants, utilisation
from app.services.ledger.journal import readable_entry
from app.services.lending import federation_loans, savings
from app.services.lending.reversals import reverse_set
from app.services.shared.errors import Conflict, Invalid
from models.schedule import Frequency, LoanTerms, Method, RateBasis
from tests.factories import ADMIN, Federation, make_federation

LATER = date(2030, 1, 1)


def give(session, fed_or_none, fund, receiver, rupees, day, giver=None):
    return grants.give_grant(
        session,
        ADMIN,
        grants.NewGrant(
            fund=fund,
            receiver_id=receiver.id,
            amount_paise=rupees * 100,
            value_date=day,
            giver_id=giver.id if giver else None,
        ),
        today=LATER,
    )


def graded(session, shg, day, grade="A"):
    """Its grading, as the grading team gave it: the Revolving Fund rule reads it."""
    return gradings.record_grading(
        session, ADMIN, gradings.NewGrading(shg.id, day, grade, "CLF grading committee"), LATER
    )


def balance(session, fed: Federation, institution, role) -> int:
    return fed.account(session, institution, role).balance_paise


def cif_terms(rupees: int, rate_percent: int) -> LoanTerms:
    return LoanTerms(
        principal_paise=rupees * 100,
        rate_bp=rate_percent * 100,
        rate_basis=RateBasis.PER_ANNUM,
        method=Method.DECLINING,
        instalments=12,
        frequency=Frequency.MONTHLY,
    )


def lend(session, fund, lender, borrower, rupees, rate, day):
    return federation_loans.lend(
        session,
        ADMIN,
        federation_loans.NewFederationLoan(
            fund, lender.id, borrower.id, cif_terms(rupees, rate), day
        ),
        today=LATER,
    )


def keeps_books_from(session, fed: Federation, day):
    """Her SHG's books begin on `day`: a member saves ₹100 (in cash)."""
    member = fed.members[0]
    savings.deposit(session, ADMIN, savings.SavingsMovement(member.id, 100_00, day), LATER)


@pytest.fixture
def fed(session) -> Federation:
    """A CLF with ₹5,00,000 of CIF and ₹60,000 of RF from 1 April 2026; its SHG keeps books
    from 2 January 2026 and was graded A on 1 April 2026."""
    fed = make_federation(session)
    give(session, None, "cif_corpus", fed.clf, 500_000, date(2026, 4, 1))
    give(session, None, "revolving_fund", fed.clf, 60_000, date(2026, 4, 1))
    keeps_books_from(session, fed, date(2026, 1, 2))
    graded(session, fed.shg, date(2026, 4, 1))
    return fed


def test_grants_from_the_mission_and_passed_on_post_in_both_books(session, fed):
    give(session, fed, "revolving_fund", fed.shg, 20_000, date(2026, 4, 5), giver=fed.clf)

    assert balance(session, fed, fed.clf, "bank") == (500_000 + 60_000 - 20_000) * 100
    assert balance(session, fed, fed.clf, "revolving_fund") == 40_000 * 100
    assert balance(session, fed, fed.shg, "bank") == 20_000 * 100
    assert balance(session, fed, fed.shg, "revolving_fund") == 20_000 * 100


def test_a_grant_cannot_pass_more_than_the_giver_holds_or_go_sideways(session, fed):
    give(session, None, "startup_fund", fed.clf, 10_000, date(2026, 4, 1))
    with pytest.raises(Invalid) as more:
        give(session, fed, "startup_fund", fed.shg, 10_001, date(2026, 4, 5), giver=fed.clf)
    assert more.value.problems[0].field == "amount"
    assert "holds" in more.value.problems[0].reason
    with pytest.raises(Invalid) as wrong_kind:
        give(session, fed, "cif_corpus", fed.shg, 100, date(2026, 4, 5))
    assert wrong_kind.value.problems[0].field == "receiver_id"
    with pytest.raises(Invalid) as upward:
        give(session, fed, "revolving_fund", fed.clf, 100, date(2026, 4, 5), giver=fed.shg)
    assert upward.value.problems[0].field == "giver_id"


def test_a_cif_loan_at_each_level_charges_its_own_interest(session, fed):
    to_vo = lend(session, "cif", fed.clf, fed.vo, 100_000, 6, date(2026, 4, 1))
    to_shg = lend(session, "cif", fed.vo, fed.shg, 50_000, 12, date(2026, 4, 10))

    # Interest per period of the schedule (models.interest): each repays one month after it
    # borrowed, one whole monthly period.
    # VO repays the CLF on 1 May: 1,00,000 x 6% / 12 = 500.00
    _, vo_position = federation_loans.repay(
        session, ADMIN, to_vo, 900_000, date(2026, 5, 1), today=LATER
    )
    # SHG repays the VO on 10 May: 50,000 x 12% / 12 = 500.00
    movement, shg_position = federation_loans.repay(
        session, ADMIN, to_shg, 500_000, date(2026, 5, 10), today=LATER
    )

    assert vo_position.outstanding_paise == 9_150_000  # 1,00,000 - (9,000 - 500.00)
    assert (movement.interest_paise, movement.principal_paise) == (50_000, 450_000)
    assert shg_position.outstanding_paise == 4_550_000
    assert balance(session, fed, fed.clf, "cif_loans_to_vos") == 9_150_000
    assert balance(session, fed, fed.clf, "cif_interest_income") == 50_000
    assert balance(session, fed, fed.vo, "cif_payable") == 9_150_000
    assert balance(session, fed, fed.vo, "cif_interest") == 50_000
    assert balance(session, fed, fed.vo, "cif_loans_to_shgs") == 4_550_000
    assert balance(session, fed, fed.vo, "cif_interest_income") == 50_000
    assert balance(session, fed, fed.shg, "cif_payable") == 4_550_000
    assert balance(session, fed, fed.shg, "cif_interest") == 50_000
    # VO bank: +1,00,000 - 50,000 - 9,000 + 5,000
    assert balance(session, fed, fed.vo, "bank") == 4_600_000


def test_federation_loan_refuses_overpayment_and_reverses_newest_first(session, fed):
    loan = lend(session, "cif", fed.clf, fed.vo, 10_000, 12, date(2026, 4, 1))
    with pytest.raises(Invalid) as too_much:
        federation_loans.repay(session, ADMIN, loan, 2_000_000, date(2026, 5, 1), today=LATER)
    assert too_much.value.problems[0].field == "amount"
    movement, _ = federation_loans.repay(
        session, ADMIN, loan, 100_000, date(2026, 5, 1), today=LATER
    )
    draw_entry = readable_entry(
        session, ADMIN, federation_loans.movements(session, loan)[0].entry_id
    )

    with pytest.raises(Conflict):
        reverse_set(session, ADMIN, draw_entry.set_id, today=LATER)
    repayment_entry = readable_entry(session, ADMIN, movement.entry_id)
    reverse_set(session, ADMIN, repayment_entry.set_id, today=LATER)
    reverse_set(session, ADMIN, draw_entry.set_id, today=LATER)

    assert federation_loans.position(session, loan, date(2026, 6, 1)).status == "cancelled"
    assert balance(session, fed, fed.clf, "cif_loans_to_vos") == 0
    assert balance(session, fed, fed.vo, "cif_payable") == 0


def test_vrf_is_released_in_tranches_once_enough_is_lent(session):
    fed = make_federation(session)
    give(session, None, "vrf_corpus", fed.vo, 10_000, date(2026, 4, 1))
    with pytest.raises(Conflict) as early:
        give(session, None, "vrf_corpus", fed.vo, 5_000, date(2026, 5, 1))
    assert "60%" in early.value.detail

    lend(session, "vrf", fed.vo, fed.shg, 6_000, 12, date(2026, 4, 15))
    second = give(session, None, "vrf_corpus", fed.vo, 5_000, date(2026, 5, 1))

    assert second.tranche == 2
    assert balance(session, fed, fed.shg, "vrf_payable") == 600_000


def test_fund_utilisation_counts_what_came_in_went_out_and_sits_idle(session, fed):
    give(session, fed, "revolving_fund", fed.shg, 20_000, date(2026, 4, 5), giver=fed.clf)
    to_vo = lend(session, "cif", fed.clf, fed.vo, 100_000, 6, date(2026, 4, 1))
    lend(session, "cif", fed.clf, fed.shg, 30_000, 6, date(2026, 4, 20))
    federation_loans.repay(session, ADMIN, to_vo, 900_000, date(2026, 5, 1), today=LATER)

    clf = {f.fund: f for f in utilisation.fund_utilisation(session, fed.clf.id, date(2026, 6, 30))}
    vo = {f.fund: f for f in utilisation.fund_utilisation(session, fed.vo.id, date(2026, 6, 30))}

    # CIF at the CLF: 5,00,000 in; 1,30,000 lent; 8,500.00 principal back (9,000 less a
    # month's interest at 6% a year, 500.00)
    assert clf["cif"].received_paise == 50_000_000
    assert clf["cif"].lent_paise == 13_000_000
    assert clf["cif"].repaid_paise == 850_000
    assert clf["cif"].outstanding_paise == 12_150_000
    assert clf["cif"].idle_paise == 50_000_000 - 13_000_000 + 850_000
    assert clf["cif"].last_outflow_on == date(2026, 4, 20)
    assert clf["revolving_fund"].granted_paise == 2_000_000
    assert clf["revolving_fund"].idle_paise == 4_000_000
    assert vo["cif"].received_paise == 10_000_000
    assert vo["cif"].returned_paise == 850_000
    assert vo["cif"].idle_paise == 10_000_000 - 850_000
    # Before the loans were made, nothing was lent yet.
    early = {f.fund: f for f in utilisation.fund_utilisation(session, fed.clf.id, date(2026, 4, 1))}
    assert early["cif"].lent_paise == 10_000_000
    assert early["cif"].last_outflow_on == date(2026, 4, 1)


def test_federation_loan_repayments_are_recorded_in_date_order(session, fed):
    loan = lend(session, "cif", fed.clf, fed.vo, 10_000, 12, date(2026, 4, 1))
    federation_loans.repay(session, ADMIN, loan, 100_000, date(2026, 5, 1), today=LATER)
    with pytest.raises(Invalid) as early:
        federation_loans.repay(session, ADMIN, loan, 100_000, date(2026, 4, 30), today=LATER)
    assert early.value.problems[0].field == "value_date"


def _refusal(session, fed, rupees, day, giver=None):
    with pytest.raises(Invalid) as refused:
        give(session, fed, "revolving_fund", fed.shg, rupees, day, giver=giver)
    return [(p.field, p.reason) for p in refused.value.problems]


def test_revolving_fund_needs_three_months_of_the_shgs_own_books(session):
    """Books begin on 10 February 2026: 10 February + 3 months is 10 May. A grant dated
    10 April (two months) is refused; one dated 10 May is given."""
    fed = make_federation(session)
    keeps_books_from(session, fed, date(2026, 2, 10))
    graded(session, fed.shg, date(2026, 4, 1))
    assert _refusal(session, fed, 20_000, date(2026, 4, 10)) == [
        (
            "value_date",
            "Durga SHG's books begin on 10-02-2026: the Revolving Fund needs 3 months of"
            " books, from 10-05-2026",
        )
    ]
    assert _refusal(session, fed, 20_000, date(2026, 5, 9))[0][0] == "value_date"
    given = give(session, fed, "revolving_fund", fed.shg, 20_000, date(2026, 5, 10))
    assert given.amount_paise == 20_000_00


def test_revolving_fund_is_given_once_per_shg(session, fed):
    first = give(session, fed, "revolving_fund", fed.shg, 20_000, date(2026, 4, 5), giver=fed.clf)
    assert _refusal(session, fed, 20_000, date(2026, 4, 6), giver=fed.clf) == [
        (
            "receiver_id",
            f"Durga SHG received its Revolving Fund on 05-04-2026 (grant {first.id}): once per SHG",
        )
    ]
    # From the mission directly: still the same SHG's second RF.
    assert _refusal(session, fed, 20_000, date(2026, 4, 6))[0][0] == "receiver_id"
    # A grant reversed was never given: the SHG may have its RF after all.
    reverse_set(session, ADMIN, readable_entry(session, ADMIN, first.entry_id).set_id, today=LATER)
    again = give(session, fed, "revolving_fund", fed.shg, 20_000, date(2026, 4, 6), giver=fed.clf)
    assert again.amount_paise == 20_000_00


def test_revolving_fund_amount_is_within_the_range_per_shg(session, fed):
    """₹20,000 to ₹30,000 per SHG (models/capital_rules.json): ₹19,999 and ₹30,001 are
    refused, ₹30,000 is given. The CLF's own RF from the mission has no such range."""
    for rupees in (19_999, 30_001):
        assert _refusal(session, fed, rupees, date(2026, 4, 5), giver=fed.clf) == [
            ("amount", "an SHG's Revolving Fund is ₹20,000.00 to ₹30,000.00")
        ]
    give(session, fed, "revolving_fund", fed.shg, 30_000, date(2026, 4, 5), giver=fed.clf)
    assert balance(session, fed, fed.shg, "revolving_fund") == 30_000_00


def test_revolving_fund_needs_a_passing_grade_on_the_day(session):
    fed = make_federation(session)
    keeps_books_from(session, fed, date(2026, 1, 2))
    assert _refusal(session, fed, 20_000, date(2026, 4, 5)) == [
        ("receiver_id", "Durga SHG has no grading recorded on or before 05-04-2026")
    ]
    graded(session, fed.shg, date(2026, 4, 1), "B")
    assert _refusal(session, fed, 20_000, date(2026, 4, 5)) == [
        ("receiver_id", "Durga SHG was graded B on 01-04-2026; the Revolving Fund needs grade A")
    ]
    graded(session, fed.shg, date(2026, 5, 1), "A")  # graded again, and passed
    assert _refusal(session, fed, 20_000, date(2026, 4, 30))[0][1].endswith("needs grade A")
    give(session, fed, "revolving_fund", fed.shg, 20_000, date(2026, 5, 1))
