"""The bureau file's worked example (issue 15), built through the services.

Jharkhand Rajya Gramin Bank (JRGB) lends to two SHGs of Pragati VO: Durga SHG a term loan of
₹2,00,000 (TL-101, sanctioned 01-04-2026) and Lakshmi SHG a cash credit of ₹1,50,000 (CC-202,
sanctioned 01-04-2026, ₹50,000 drawn). State Bank of India lends ₹1,50,000 to Sakhi SHG
(SB-303); Kiran SHG has no bank loan. Members' loans, all monthly and flat at 1% a month unless
said, lent from the bank's money unless said, reference date 15-09-2026 (file made 16-09-2026,
so the period starts at the reference date before, 31-08-2026):

Durga SHG (books: ₹16,500 owed on loans from TL-101)
- Sunita: ₹12,000 over 12 (₹1,000 principal + ₹120 interest = ₹1,120), lent 01-05-2026, paid
  on 01-06, 01-07, 01-08, 01-09: owes ₹8,000, nothing overdue: current (S04). Her second loan,
  ₹1,000 at 0% in one instalment lent 20-07-2026 and repaid 20-08-2026, closed before the
  period: not reported.
- Geeta: ₹6,000 over 12 (₹500 + ₹60 = ₹560), lent 02-05-2026, paid 02-06 and 02-07 only:
  owes ₹5,000; principal due through 02-09 ₹2,000 less ₹1,000 repaid = ₹1,000 overdue; oldest
  unpaid instalment 02-08: 2 Aug → 15 Sep is 44 days, day-end counting makes it 45 days past
  due: delinquent (S05).
- Kamala: ₹3,000 over 3 (₹1,000 + ₹30), lent 05-06-2026, paid 05-07, 05-08, 05-09: closed on
  05-09-2026, inside the period (S07).
- Radha: ₹4,000 over 4 (₹1,000 + ₹40), lent 15-04-2026, paid 15-05 only, ₹3,000 written off
  05-09-2026 (S06); at the day-end of 04-09 her oldest unpaid instalment (15-06) was 81 days
  old: 82 days past due.
- Meena: ₹5,000 over 10 (₹500 + ₹50), lent 01-06-2026, paid 01-07, 01-08, 01-09: owes ₹3,500;
  her KYC has no husband's or father's name and no PIN code: rejected.
Lakshmi SHG (books: ₹2,000.50)
- Lakshmi: ₹2,000.50 at 0% in one instalment due 01-10-2026, lent 01-09-2026 from CC-202:
  current; written as ₹2,001 (whole rupees, half up): 50 paise of rounding.
- Parvati: ₹6,000 from bank-loan funds lent 10-03-2026, before CC-202 existed: it names no bank
  loan (unattributed), never in the file, listed in the reconciliation.
Sakhi SHG (SBI): Savita ₹10,000 from SB-303. Kiran SHG: Kusum ₹5,000 from own funds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from app.services.federation import banks, institutions, members
from app.services.federation.institutions import NewInstitution
from app.services.lending import bank_loans, loans
from models import Bank, BankBranch, Institution, InstitutionKind, Member, MemberKyc
from models.loans import MemberLoan
from models.schedule import Frequency, LoanTerms, Method, RateBasis
from tests.factories import ADMIN, Federation, make_federation, transfer

AS_OF = date(2026, 9, 15)
TODAY = date(2026, 9, 16)
LATER = date(2030, 1, 1)


@dataclass
class Example:
    fed: Federation
    jrgb: Bank
    sbi: Bank
    branches: dict[int, BankBranch] = field(default_factory=dict)  # by bank id
    shgs: dict[str, Institution] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)
    loans: dict[str, MemberLoan] = field(default_factory=dict)


def _shg(session: Session, fed: Federation, name: str) -> Institution:
    shg = institutions.create_institution(
        session, ADMIN, NewInstitution(kind=InstitutionKind.SHG, name=name, parent_id=fed.vo.id)
    )
    book = fed.book_id(session, shg)
    bank, rf = (fed.account(session, shg, role).id for role in ("bank", "revolving_fund"))
    transfer(session, book, bank, rf, 2_000_000, date(2025, 4, 1), "RF received")
    return shg


def _kyc(session: Session, member: Member, **fields: object) -> None:
    values = {
        "full_name": member.name,
        "gender": "female",
        "marital_status": "married",
        "key_person_relation": "husband",
        "address_line": "Ward 4",
        "village_or_town": "Kanke",
        "district_name": "Ranchi",
        "address_state_code": "JH",
        "pin_code": "834006",
        **fields,
    }
    session.add(
        MemberKyc(
            member_id=member.id,
            state_code=member.state_code,
            version=1,
            recorded_by="test",
            **values,
        )
    )


def flat(rupees: float, instalments: int, rate_bp: int = 100) -> LoanTerms:
    return LoanTerms(
        round(rupees * 100),
        rate_bp,
        RateBasis.PER_MONTH,
        Method.FLAT,
        instalments,
        Frequency.MONTHLY,
    )


def lend(session: Session, member: Member, terms: LoanTerms, day: date, **kw: object) -> MemberLoan:
    new = loans.NewLoan(
        member.id, terms, day, fund_source=kw.pop("fund_source", "bank_loan"), via="bank", **kw
    )
    return loans.disburse_loan(session, ADMIN, new, LATER)


def repay(session: Session, loan: MemberLoan, rupees: int, *days: date) -> None:
    for day in days:
        loans.repay_loan(session, ADMIN, loan.id, rupees * 100, day, today=LATER)


def _member(session: Session, ex: Example, shg: str, name: str) -> Member:
    member = members.create_member(
        session, ADMIN, members.NewMember(ex.shgs[shg].id, f"{name} Devi")
    )
    ex.members[name] = member
    return member


def _durga(session: Session, ex: Example) -> None:
    d = date
    sunita = _member(session, ex, "Durga", "Sunita")
    _kyc(
        session,
        sunita,
        full_name="Sunītā Devi",
        date_of_birth=d(1988, 3, 10),
        key_person_name="Ramesh Mahto",
        voter_id="JHV1234567",
        ckyc_number="12345678901234",
        phone="9876543210",
    )
    ex.loans["Sunita"] = lend(session, sunita, flat(12_000, 12), d(2026, 5, 1), purpose="Dairy")
    repay(session, ex.loans["Sunita"], 1_120, *(d(2026, m, 1) for m in (6, 7, 8, 9)))
    old = lend(session, sunita, flat(1_000, 1, 0), d(2026, 7, 20))
    repay(session, old, 1_000, d(2026, 8, 20))
    ex.loans["Sunita (closed before)"] = old

    geeta = _member(session, ex, "Durga", "Geeta")
    _kyc(
        session,
        geeta,
        age_years=35,
        age_as_on=d(2026, 1, 10),
        key_person_name="Suresh Oraon",
        other_id_type="pan",
        other_id_number="ABCDE1234F",
    )
    ex.loans["Geeta"] = lend(session, geeta, flat(6_000, 12), d(2026, 5, 2))
    repay(session, ex.loans["Geeta"], 560, d(2026, 6, 2), d(2026, 7, 2))

    kamala = _member(session, ex, "Durga", "Kamala")
    _kyc(
        session, kamala, date_of_birth=d(1990, 12, 1), key_person_name="Mohan", ration_card="RC778"
    )
    ex.loans["Kamala"] = lend(session, kamala, flat(3_000, 3), d(2026, 6, 5))
    repay(session, ex.loans["Kamala"], 1_030, d(2026, 7, 5), d(2026, 8, 5), d(2026, 9, 5))

    radha = _member(session, ex, "Durga", "Radha")
    _kyc(
        session,
        radha,
        date_of_birth=d(1975, 9, 16),
        marital_status="widowed",
        key_person_relation="father",
        key_person_name="Budhu Munda",
        voter_id="JHV7654321",
    )
    ex.loans["Radha"] = lend(session, radha, flat(4_000, 4), d(2026, 4, 15))
    repay(session, ex.loans["Radha"], 1_040, d(2026, 5, 15))
    loans.write_off_loan(session, ADMIN, ex.loans["Radha"].id, d(2026, 9, 5), "migrated", LATER)

    meena = _member(session, ex, "Durga", "Meena")
    _kyc(session, meena, date_of_birth=d(1992, 2, 2), pin_code=None, voter_id="JHV5555555")
    ex.loans["Meena"] = lend(session, meena, flat(5_000, 10), d(2026, 6, 1))
    repay(session, ex.loans["Meena"], 550, *(d(2026, m, 1) for m in (7, 8, 9)))


def _lakshmi(session: Session, ex: Example) -> None:
    parvati = _member(session, ex, "Lakshmi", "Parvati")
    ex.loans["Parvati"] = lend(session, parvati, flat(6_000, 6), date(2026, 3, 10))
    facility = bank_loans.sanction(
        session,
        ADMIN,
        bank_loans.NewBankLoan(
            shg_id=ex.shgs["Lakshmi"].id,
            branch_id=ex.branches[ex.jrgb.id].id,
            kind="cash_credit",
            dose=1,
            sanctioned_on=date(2026, 4, 1),
            limit_paise=15_000_000,
            rate_bp=700,
            account_number="CC-202",
            drawing_power_paise=15_000_000,
        ),
        LATER,
    )
    bank_loans.draw(session, ADMIN, facility, 5_000_000, date(2026, 4, 1), today=LATER)
    lakshmi = _member(session, ex, "Lakshmi", "Lakshmi")
    _kyc(session, lakshmi, date_of_birth=date(1985, 1, 1), key_person_name="Hari", voter_id="V1")
    ex.loans["Lakshmi"] = lend(session, lakshmi, flat(2_000.50, 1, 0), date(2026, 9, 1))


def _term_loan(
    session: Session, ex: Example, shg: Institution, bank: Bank, rupees: int, account: str
) -> None:
    bank_loans.sanction(
        session,
        ADMIN,
        bank_loans.NewBankLoan(
            shg_id=shg.id,
            branch_id=ex.branches[bank.id].id,
            kind="term",
            dose=1,
            sanctioned_on=date(2026, 4, 1),
            limit_paise=rupees * 100,
            rate_bp=700,
            account_number=account,
            instalments=24,
        ),
        LATER,
    )


def build_example(session: Session) -> Example:
    fed = make_federation(session, members_count=0)
    jrgb = banks.create_bank(session, ADMIN, "Jharkhand Rajya Gramin Bank", "JRGB")
    sbi = banks.create_bank(session, ADMIN, "State Bank of India", "SBIN")
    ex = Example(fed, jrgb, sbi)
    ex.branches[jrgb.id] = banks.create_branch(
        session, ADMIN, jrgb.id, "Kanke", "JRGB0000101", "JH"
    )
    ex.branches[sbi.id] = banks.create_branch(session, ADMIN, sbi.id, "Ranchi", "SBIN0000202", "JH")
    book = fed.book_id(session, fed.shg)
    bank, rf = (fed.account(session, fed.shg, r).id for r in ("bank", "revolving_fund"))
    transfer(session, book, bank, rf, 2_000_000, date(2025, 4, 1), "RF received")
    ex.shgs = {"Durga": fed.shg}
    for name in ("Lakshmi", "Sakhi", "Kiran"):
        ex.shgs[name] = _shg(session, fed, f"{name} SHG")
    _term_loan(session, ex, ex.shgs["Durga"], jrgb, 200_000, "TL-101")
    _term_loan(session, ex, ex.shgs["Sakhi"], sbi, 150_000, "SB-303")
    _durga(session, ex)
    _lakshmi(session, ex)
    savita = _member(session, ex, "Sakhi", "Savita")
    _kyc(session, savita, date_of_birth=date(1980, 5, 5), key_person_name="Ram", voter_id="V2")
    ex.loans["Savita"] = lend(session, savita, flat(10_000, 10), date(2026, 4, 10))
    kusum = _member(session, ex, "Kiran", "Kusum")
    _kyc(session, kusum, date_of_birth=date(1982, 6, 6), key_person_name="Shyam", voter_id="V3")
    ex.loans["Kusum"] = lend(session, kusum, flat(5_000, 5), date(2026, 5, 1), fund_source="own")
    session.flush()
    return ex
