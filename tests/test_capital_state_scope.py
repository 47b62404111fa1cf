"""Capital support's request paths name their state (issue 18): a bookkeeper reading an SHG's
bank loans, a federation loan, grants and fund utilisation, and a bank reading the credit
profile of a member whose SHG owes it a loan, send no statement on the six capital tables
(grants, facilities and a facility's rows) that leaves the state out. Checked as
tests/test_state_scoped_queries.py checks the ledger's: every statement logged, each read for
a state_code condition (tests/state_scope.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.services.capital import grants, subvention
from app.services.lending import bank_loans, federation_loans
from app.services.shared.clock import today_in_india
from models import Role
from models.schedule import Frequency, LoanTerms, Method, RateBasis
from tests.factories import ADMIN, ApiCaller, bank_ready_federation, token
from tests.state_scope import logging_statements
from tests.test_migration_0032 import _bank_loan

LATER = date(2030, 1, 1)
CAPITAL = frozenset(
    {
        "grants",
        "facilities",
        "facility_instalments",
        "drawing_powers",
        "facility_movements",
        "subvention_receipts",
    }
)


@pytest.fixture
def world(session, client):
    """An SHG with a bank term loan (an incentive credited to it) and a cash credit; its CLF
    with CIF from the mission, lent on to its VO."""
    fed = bank_ready_federation(session)
    cif = grants.NewGrant("cif_corpus", fed.clf.id, 500_000_00, date(2025, 4, 1))
    grants.give_grant(session, ADMIN, cif, LATER)
    terms = LoanTerms(
        100_000_00, 1000, RateBasis.PER_ANNUM, Method.DECLINING, 12, Frequency.MONTHLY
    )
    new = federation_loans.NewFederationLoan("cif", fed.clf.id, fed.vo.id, terms, date(2025, 5, 1))
    federation_loan = federation_loans.lend(session, ADMIN, new, LATER)
    term = bank_loans.sanction(session, ADMIN, _bank_loan(fed, "term", "TL-1"), LATER)
    incentive = subvention.NewReceipt(
        term.id, date(2025, 10, 1), date(2025, 10, 31), 1_000_00, date(2025, 11, 1), "loan_account"
    )
    subvention.receive_incentive(session, ADMIN, term, incentive, LATER)
    cash_credit = bank_loans.sanction(session, ADMIN, _bank_loan(fed, "cash_credit", "CC-1"), LATER)
    bookkeeper = ApiCaller(client, token(session, Role.BOOKKEEPER, fed.clf))
    partner = ApiCaller(client, token(session, Role.BANK_PARTNER, bank_id=fed.branch.bank_id))
    session.flush()
    return fed, bookkeeper, partner, (term.id, cash_credit.id), federation_loan.id


def _requests(world) -> None:
    fed, bookkeeper, partner, bank_loan_ids, federation_loan_id = world
    paths = [f"/api/v1/bank-loans/{i}" for i in bank_loan_ids]
    paths += [
        f"/api/v1/bank-loans/{i}/subvention?from=2025-10-01&to=2025-11-30" for i in bank_loan_ids
    ]
    paths += [
        f"/api/v1/federation-loans/{federation_loan_id}",
        f"/api/v1/institutions/{fed.shg.id}/facilities",
        f"/api/v1/institutions/{fed.clf.id}/facilities",
        f"/api/v1/institutions/{fed.clf.id}/grants",
        f"/api/v1/institutions/{fed.clf.id}/fund-utilisation",
        f"/api/v1/institutions/{fed.vo.id}/fund-utilisation",
    ]
    for path in paths:
        assert bookkeeper.get(path).status_code == 200, path
    member = fed.members[0]
    expires = (today_in_india() + timedelta(days=180)).isoformat()
    consent = bookkeeper.post(
        f"/api/v1/members/{member.id}/consents",
        {"bank_id": fed.branch.bank_id, "purpose": "individual_loan", "expires_on": expires},
    )
    assert consent.status_code == 201, consent.json
    profile = partner.get(f"/api/v1/bank/members/{member.id}/credit-profile")
    assert profile.status_code == 200, profile.json


def test_capital_request_paths_name_their_state(connection, world):
    with logging_statements(connection) as log:
        _requests(world)
    assert log.scoped > 0, "the listener saw nothing scoped: the check would be blind"
    unscoped = [" ".join(sql.split()) for sql, tables in log.unscoped if tables & CAPITAL]
    assert unscoped == []
