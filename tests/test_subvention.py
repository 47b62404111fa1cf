"""Interest subvention, against examples worked out by hand (scheme rate 7%, cap 5.5% on the
first ₹3 lakh, prompt payers a further 3%; ₹3-5 lakh at a flat 5% in category I districts in
FY 2022-23 only, the one year a guideline read gives it)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from app.services.capital import subvention
from app.services.federation import banks
from app.services.lending import bank_loans
from app.services.lending.facilities import schedule_of
from app.services.lending.reversals import reverse_entry
from app.services.shared.errors import Conflict, Invalid
from models import subvention as scheme_files
from models.subvention import financial_year_of, scheme_year
from tests.factories import ADMIN, Federation, bank_ready_federation, make_federation, transfer
from tests.test_bank_loans import LATER, sanction

OCTOBER = (date(2025, 10, 1), date(2025, 10, 31))


@pytest.fixture
def fed(session) -> Federation:
    return bank_ready_federation(session)


def in_category_i(session, fed):
    fed.district.code = "LGD-0541"
    session.flush()


def books_since(session, day: date) -> Federation:
    """An SHG keeping books since `day` (₹20,000 of RF in its bank account), in a category I
    district, with a bank branch in its state."""
    fed = make_federation(session)
    bank, rf = (
        fed.account(session, fed.shg, "bank"),
        fed.account(session, fed.shg, "revolving_fund"),
    )
    transfer(session, fed.book_id(session, fed.shg), bank.id, rf.id, 2_000_000, day)
    lender = banks.create_bank(session, ADMIN, "Jharkhand Rajya Gramin Bank", "JRGB")
    fed.branch = banks.create_branch(session, ADMIN, lender.id, "Kanke", "JRGB0000101", "JH")
    in_category_i(session, fed)
    return fed


def instalment(line):
    return line.principal_paise + line.interest_paise


def october_loan(session, fed, credit_in_october=True, rate_bp=1100):
    """₹1,00,000 drawn on 1 October, the bank's rate 11% (charged to the SHG at `rate_bp`);
    ₹10,000 repaid on 20 October: 19 days at 1,00,000 and 12 days at 90,000, that is
    29,80,000 rupee-days."""
    facility = sanction(session, fed, rate_bp=rate_bp, bank_rate_bp=1100)
    bank_loans.draw(session, ADMIN, facility, 10_000_000, date(2025, 10, 1), today=LATER)
    if credit_in_october:
        bank_loans.repay(session, ADMIN, facility, 1_000_000, date(2025, 10, 20), today=LATER)
    return facility


def test_parameters_are_kept_per_financial_year():
    assert financial_year_of(date(2026, 3, 31)) == "2025-26"
    assert financial_year_of(date(2026, 4, 1)) == "2026-27"
    assert scheme_year("2025-26").scheme_rate_bp == 700
    assert len(scheme_year("2021-22").slabs) == 1  # the ₹3-5 lakh slab starts in 2022-23
    assert len(scheme_year("2022-23").slabs) == 2
    # No guideline read gives its subvention after 2022-23: not in the default files.
    assert len(scheme_year("2023-24").slabs) == len(scheme_year("2025-26").slabs) == 1
    assert scheme_year("1999-00") is None


def test_every_rate_slab_and_cap_in_the_year_files_names_its_source():
    for path in sorted(Path(scheme_files.YEARS).glob("fy*.json")):
        raw = json.loads(path.read_text("utf-8"))
        for key in ("year_source", "scheme_rate_source", "prompt_additional_source"):
            assert raw[key].strip(), (path.name, key)
        assert raw["prompt_payer"]["source"].strip(), path.name
        assert raw["category_i_source"].strip(), path.name
        assert all(slab["source"].strip() for slab in raw["slabs"]), path.name
        assert scheme_year(raw["financial_year"]) is not None


def test_category_i_bank_claims_the_excess_and_a_prompt_payer_earns_three_percent(session, fed):
    in_category_i(session, fed)
    facility = october_loan(session, fed, rate_bp=700)

    [month] = subvention.loan_subvention(session, facility, *OCTOBER)

    # 29,80,000 x (11% - 7%) / 365 = 326.5753... -> 326.58
    assert month.due_to_bank_paise == 32_658
    # 29,80,000 x 3% / 365 = 244.9315... -> 244.93, credited to the loan account
    assert (month.prompt, month.incentive_paise) == (True, 24_493)
    assert month.incentive_route == "loan_account"
    assert month.average_outstanding_paise == 9_612_903  # 29,80,000 / 31 = 96,129.032...


def test_category_ii_reimburses_only_prompt_payers_through_the_mission(session, fed):
    """Category II: the bank charges the SHG its own 11%; she is reimbursed the excess over 7%
    on the rate she was charged: 29,80,000 x 4% / 365 = 326.58."""
    facility = october_loan(session, fed)
    [month] = subvention.loan_subvention(session, facility, *OCTOBER)
    assert (month.category, month.due_to_bank_paise, month.incentive_paise) == ("II", 0, 32_658)
    assert month.incentive_route == "state_mission"


def test_the_hand_worked_may_2024_cash_credit(session):
    """₹4,00,000 of cash credit owed at every day-end of May 2024 (FY 2024-25), category I,
    the bank's rate 11%, the SHG charged 7%, prompt (a credit of her own in May, never over
    the drawing limit). On the first ₹3 lakh the bank claims 3,00,000 x (11% - 7%) x 31/365
    = 1,019.1781 -> ₹1,019.18 and the prompt incentive 3,00,000 x 3% x 31/365 = 764.3836 ->
    ₹764.38; 2024-25 keeps no slab above ₹3 lakh, so nothing on the rest. The SHG's interest:
    3,00,000 x 7% x 31/365 = 1,783.5616 on the first ₹3 lakh and 1,00,000 x 11% x 31/365 =
    934.2466 on the rest, 2,717.8082 -> ₹2,717.81, credited on 31 May so that ₹4,00,000 is
    what she owes at every day-end."""
    fed = books_since(session, date(2023, 10, 1))
    facility = sanction(
        session,
        fed,
        rupees=400_000,
        day=date(2024, 4, 30),
        rate_bp=700,
        bank_rate_bp=1100,
        drawing_power_paise=40_000_000,
    )
    bank_loans.draw(session, ADMIN, facility, 40_000_000, date(2024, 5, 1), today=LATER)
    interest = bank_loans.charge_interest(session, ADMIN, facility, date(2024, 5, 31), today=LATER)
    assert interest.interest_paise == 271_781
    bank_loans.repay(session, ADMIN, facility, 271_781, date(2024, 5, 31), today=LATER)

    [may] = subvention.loan_subvention(session, facility, date(2024, 5, 1), date(2024, 5, 31))

    assert (may.category, may.prompt, may.average_outstanding_paise) == ("I", True, 40_000_000)
    assert (may.due_to_bank_paise, may.incentive_paise) == (101_918, 76_438)


def test_a_cash_credit_without_a_credit_in_the_month_is_not_prompt(session, fed):
    in_category_i(session, fed)
    facility = october_loan(session, fed, credit_in_october=False)
    [month] = subvention.loan_subvention(session, facility, *OCTOBER)
    # 31 days at 1,00,000 x 4% / 365 = 339.726... -> 339.73; no incentive
    assert (month.prompt, month.due_to_bank_paise, month.incentive_paise) == (False, 33_973, 0)


def test_the_rate_excess_is_capped_and_the_2022_23_upper_slab_earns_its_flat_rate(session):
    fed = books_since(session, date(2022, 4, 1))
    facility = sanction(
        session,
        fed,
        rupees=500_000,
        day=date(2022, 10, 1),
        rate_bp=700,
        bank_rate_bp=1400,
        drawing_power_paise=50_000_000,
    )
    bank_loans.draw(session, ADMIN, facility, 40_000_000, date(2022, 11, 1), today=LATER)
    bank_loans.repay(session, ADMIN, facility, 1, date(2022, 11, 30), today=LATER)

    [month] = subvention.loan_subvention(session, facility, date(2022, 11, 1), date(2022, 11, 30))

    # 29 days at 4,00,000 and one at 3,99,999.99. Excess 14% - 7% = 7%, capped at 5.5%:
    # 3,00,000 x 30 x 5.5% / 365 = 1,356.1643...; the ₹3-5 lakh slab at a flat 5% (NABARD
    # circular 237 of 11 Nov 2022): 1,00,000 x 29 x 5% / 365 = 397.2602... and 99,999.99 x 5% /
    # 365 = 13.6986...: 1,767.1232... -> 1,767.12
    assert month.due_to_bank_paise == 176_712
    # 3,00,000 x 30 x 3% / 365 = 739.7260... -> 739.73
    assert month.incentive_paise == 73_973


def test_a_state_sets_the_upper_slab_explicitly_for_a_later_year(
    session, fed, tmp_path, monkeypatch
):
    """FY 2025-26 keeps no ₹3-5 lakh slab by default; a state that applies one says so, with
    its source, in subvention_years/states/<state>/fy2025-26.json."""
    in_category_i(session, fed)
    facility = sanction(
        session, fed, rupees=400_000, rate_bp=700, bank_rate_bp=1100, drawing_power_paise=40_000_000
    )
    bank_loans.draw(session, ADMIN, facility, 40_000_000, date(2025, 11, 1), today=LATER)
    november = (date(2025, 11, 1), date(2025, 11, 30))
    # 3,00,000 x 4% x 30/365 = 986.3014 -> 986.30, nothing on the ₹1 lakh above.
    assert subvention.loan_subvention(session, facility, *november)[0].due_to_bank_paise == 98_630

    folder = tmp_path / "JH"
    folder.mkdir()
    slab = {"from": "300000", "to": "500000", "flat_bp": 500, "category_i_only": True}
    (folder / "fy2025-26.json").write_text(json.dumps({"slabs": [{**slab, "source": "JH order"}]}))
    monkeypatch.setattr(scheme_files, "STATES", tmp_path)
    scheme_year.cache_clear()
    try:
        [month] = subvention.loan_subvention(session, facility, *november)
        # + 1,00,000 x 5% x 30/365 = 410.9589: 1,397.2603 -> 1,397.26
        assert month.due_to_bank_paise == 139_726
        (folder / "fy2025-26.json").write_text(json.dumps({"slabs": [slab]}))
        scheme_year.cache_clear()
        with pytest.raises(ValueError, match="source"):
            scheme_year("2025-26", "JH")
    finally:
        scheme_year.cache_clear()


def test_a_term_loan_is_prompt_while_nothing_is_more_than_thirty_days_past_due(session, fed):
    in_category_i(session, fed)
    facility = sanction(session, fed, kind="term", rupees=120_000)
    first, second = schedule_of(session, facility)[:2]
    # Due 1 November, paid 30 November: 29 days past due at most, still prompt.
    bank_loans.repay(session, ADMIN, facility, instalment(first), date(2025, 11, 30), today=LATER)
    assert subvention.is_prompt(session, facility, date(2025, 10, 1), date(2025, 12, 30))
    # Due 1 December and unpaid at the day-end of 31 December: day 31, not prompt.
    assert not subvention.is_prompt(session, facility, date(2025, 10, 1), date(2025, 12, 31))
    bank_loans.repay(session, ADMIN, facility, instalment(second), date(2025, 12, 31), today=LATER)
    assert subvention.is_prompt(session, facility, date(2025, 10, 1), date(2026, 1, 5))


def test_a_term_loan_late_once_is_prompt_again_in_a_later_claim_period(session, fed):
    """Judged over the claim period: 45 days late in the quarter to December, on time after."""
    in_category_i(session, fed)
    facility = sanction(session, fed, kind="term", rupees=120_000)
    lines = schedule_of(session, facility)
    bank_loans.repay(
        session,
        ADMIN,
        facility,
        instalment(lines[0]) + instalment(lines[1]),
        date(2025, 12, 15),
        today=LATER,
    )
    for line in lines[2:6]:
        bank_loans.repay(session, ADMIN, facility, instalment(line), line.due_on, today=LATER)
    assert not subvention.is_prompt(session, facility, date(2025, 10, 1), date(2025, 12, 31))
    assert subvention.is_prompt(session, facility, date(2026, 1, 1), date(2026, 3, 31))
    assert subvention.is_prompt(session, facility, date(2026, 4, 1), date(2026, 4, 30))


def test_an_incentive_credited_by_the_bank_is_not_the_shgs_own_credit(session, fed):
    """A month whose only credit is the incentive is not a month with a credit of hers, and an
    instalment the incentive covers is still hers to pay for the prompt test."""
    in_category_i(session, fed)
    facility = october_loan(session, fed, rate_bp=700)
    november = (date(2025, 11, 1), date(2025, 11, 30))
    incentive = subvention.NewReceipt(facility.id, *OCTOBER, 24_493, date(2025, 11, 15))
    subvention.receive_incentive(session, ADMIN, facility, incentive, today=LATER)
    assert not subvention.is_prompt(session, facility, *november)
    bank_loans.repay(session, ADMIN, facility, 100_000, date(2025, 11, 20), today=LATER)
    assert subvention.is_prompt(session, facility, *november)

    term = sanction(session, fed, kind="term", rupees=120_000, account_number="TL-1")
    first = schedule_of(session, term)[0]
    receipt = subvention.NewReceipt(
        term.id, date(2025, 10, 1), date(2025, 10, 31), instalment(first), date(2025, 11, 1)
    )
    subvention.receive_incentive(session, ADMIN, term, receipt, today=LATER)
    assert bank_loans.position(session, term, date(2025, 12, 15)).days_past_due == 15  # 1 Dec's
    assert not subvention.is_prompt(session, term, date(2025, 10, 1), date(2025, 12, 15))


def test_the_claim_report_lists_each_loan_and_month_as_csv(session, fed):
    in_category_i(session, fed)
    facility = october_loan(session, fed, rate_bp=700)
    rows = subvention.claim(
        session, ADMIN, fed.branch.bank_id, date(2025, 10, 1), date(2025, 12, 31)
    )
    assert [r.month_start.month for r in rows] == [10, 11, 12]
    table = list(csv.DictReader(io.StringIO(subvention.claim_csv(rows))))
    assert table[0]["loan_account"] == facility.account_number
    assert (table[0]["lending_rate"], table[0]["rate_to_shg"]) == ("11.00", "7.00")
    assert table[0]["subvention_due_to_bank"] == "326.58"
    assert table[0]["prompt_payer"] == "N"  # no credit in November or December
    assert table[0]["prompt_incentive"] == "0.00"
    assert table[1]["average_outstanding"] == "90000.00"


def test_an_incentive_is_posted_once_per_period_and_reverses(session, fed):
    in_category_i(session, fed)
    facility = october_loan(session, fed, rate_bp=700)
    new = subvention.NewReceipt(facility.id, *OCTOBER, 24_493, date(2025, 11, 15))
    receipt = subvention.receive_incentive(session, ADMIN, facility, new, today=LATER)

    assert receipt.credited_to == "loan_account"
    assert fed.account(session, fed.shg, "subvention_income").balance_paise == 24_493
    assert fed.account(session, fed.shg, "bank_loan_payable").balance_paise == 9_000_000 - 24_493
    with pytest.raises(Conflict):
        subvention.receive_incentive(session, ADMIN, facility, new, today=LATER)
    reverse_entry(session, ADMIN, receipt.entry_id, today=LATER)
    again = subvention.receive_incentive(session, ADMIN, facility, new, today=LATER)
    assert again.amount_paise == 24_493


def test_a_period_without_parameters_is_refused_by_name(session, fed):
    facility = october_loan(session, fed)
    with pytest.raises(Invalid) as missing:
        subvention.loan_subvention(session, facility, date(2019, 4, 1), date(2019, 4, 30))
    assert missing.value.problems[0].field == "period"
