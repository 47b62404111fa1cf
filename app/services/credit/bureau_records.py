"""A member's segments of the bureau file, from her KYC and her accounts (Bahi → the format).

The mapping is ours (RBI's Annex I mapping of its Table 3 to the fields could not be read,
OPEN-2 in the README); each field's source is written beside it. A member is reported only
when her KYC has what `app/services/federation/kyc.py` says reporting needs and every value fits its
field (`models.bureau_format`); otherwise she goes to the reject report with each reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.services.credit.bureau_accounts import Account, ShgAtBank
from app.services.federation.kyc import REQUIRED_FOR_REPORTING, missing_for_reporting
from models.bureau_format import (
    Segment,
    Values,
    clean,
    days_field,
    ddmmyyyy,
    format_spec,
    segment_problems,
    whole_rupees,
)
from models.bureau_settings import BureauSettings
from models.kyc import MemberKyc

MISSING = dict(REQUIRED_FOR_REPORTING)


@dataclass
class MemberRecord:
    """Her segments (one line per account, or one line with every account), or the reasons
    she cannot be reported."""

    member_id: int
    lines: list[tuple[Segment, ...]] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (field, reason)


@dataclass
class _Texts:
    """Text values made fit for the file, noting any that fold to nothing (a name in a
    script with no Latin letters must be written in English letters for the bureaus)."""

    problems: list[tuple[str, str]] = field(default_factory=list)

    def __call__(self, raw: str | None, where: str) -> str:
        value = clean(raw)
        if raw and raw.strip() and not value:
            self.problems.append((where, "has no letters the file can carry: write it in English"))
        return value


def _age(kyc: MemberKyc, as_of: date) -> tuple[str, str]:
    """(age in years, the date it is counted on): from her birth date on the as-of date, or
    the age she gave and the day she gave it (RBI's tables take either)."""
    if kyc.date_of_birth is not None:
        born = kyc.date_of_birth
        years = as_of.year - born.year - ((as_of.month, as_of.day) < (born.month, born.day))
        return str(years), ddmmyyyy(as_of)
    return str(kyc.age_years or ""), ddmmyyyy(kyc.age_as_on)


def _ids(kyc: MemberKyc, settings: BureauSettings, text: _Texts) -> Values:
    values = {
        "voter_id": text(kyc.voter_id, "voter_id"),
        "ration_card": text(kyc.ration_card, "ration_card"),
        # UID stays empty: Bahi keeps at most an Aadhaar number's last four digits (OPEN-18).
    }
    if kyc.ckyc_number:  # CKYC in Other ID 1 since CRIF v1.9 (May 2022)
        values["other_id_1_type"] = settings.ckyc_label
        values["other_id_1"] = text(kyc.ckyc_number, "ckyc_number")
    if kyc.other_id_type == "pan":
        values["pan"] = text(kyc.other_id_number, "other_id_number")
    elif kyc.other_id_type and kyc.other_id_number:
        values["other_id_2_type"] = settings.other_id_labels.get(kyc.other_id_type, "OTHER")
        values["other_id_2"] = text(kyc.other_id_number, "other_id_number")
    return values


def member_values(
    member_id: int,
    kyc: MemberKyc,
    shg: ShgAtBank,
    first: Account,
    as_of: date,
    settings: BureauSettings,
    text: _Texts,
) -> Values:
    """CNSCRD: who she is, from her latest KYC; branch and group from her first account."""
    age, age_as_on = _age(kyc, as_of)
    values = {
        "member_id": str(member_id),
        "branch_id": first.bank_loan.branch.ifsc,
        "centre_id": centre_of(shg, first, settings),
        "group_id": group_of(shg, settings),
        "name_1": text(kyc.full_name, "full_name"),
        "birth_date": ddmmyyyy(kyc.date_of_birth),
        "age": age,
        "age_as_on": age_as_on,
        "gender": settings.gender_codes.get(kyc.gender or "", ""),
        "marital_status": settings.marital_codes.get(kyc.marital_status or "", ""),
        "key_person_name": text(kyc.key_person_name, "key_person_name"),
        "key_person_relation": settings.key_person_codes.get(kyc.key_person_relation or "", ""),
        **_ids(kyc, settings, text),
        "bank_account": text(kyc.bank_account_number, "bank_account_number"),
    }
    if kyc.phone:
        values.update(phone_1_type=settings.phone_type, phone_1=text(kyc.phone, "phone"))
    return values


def address_values(kyc: MemberKyc, settings: BureauSettings, text: _Texts) -> Values:
    """ADRCRD: her one recorded address as both permanent and current."""
    parts = (kyc.address_line, kyc.village_or_town, kyc.district_name)
    address = text(", ".join(p.strip() for p in parts if p and p.strip()), "address_line")
    given = kyc.address_state_code or ""
    state = settings.state_codes.get(given, given)
    pin = kyc.pin_code or ""
    return {
        "permanent_address": address,
        "permanent_state": state,
        "permanent_pin": pin,
        "current_address": address,
        "current_state": state,
        "current_pin": pin,
    }


def centre_of(shg: ShgAtBank, account: Account, settings: BureauSettings) -> str:
    """Kendra/Centre (OPEN-15): the branch's IFSC, or the SHG's Village Organisation."""
    if settings.centre_identifier == "vo":
        return str(shg.shg.parent_id)
    return account.bank_loan.branch.ifsc


def group_of(shg: ShgAtBank, settings: BureauSettings) -> str:
    if settings.group_identifier == "shg_code" and shg.shg.code:
        return clean(shg.shg.code)
    return str(shg.shg.id)


def account_values(
    account: Account, shg: ShgAtBank, as_of: date, settings: BureauSettings
) -> Values:
    """ACTCRD: her loan funded by the bank's loan, as the books stood at the as-of date."""
    loan, facility = account.loan, account.bank_loan.facility
    principal = whole_rupees(loan.principal_paise)
    written_off = account.written_off
    values = {
        # Her share of the SHG's bank loan: the bank's account, then her loan (OPEN-22).
        "account_reference": f"{clean(facility.account_number)}-{loan.id}",
        "account_number": clean(facility.account_number),
        "branch_id": account.bank_loan.branch.ifsc,
        "centre_id": centre_of(shg, account, settings),
        "information_date": ddmmyyyy(as_of),
        "loan_category": settings.loan_category,
        "group_id": group_of(shg, settings),
        "loan_cycle": str(facility.dose or ""),
        "loan_purpose": clean(loan.purpose)[:20] or settings.default_loan_purpose,
        "account_status": settings.status_codes[account.status],
        # The SHG's meeting sanctions and lends on the same day: one date in its books.
        "sanctioned_date": ddmmyyyy(loan.disbursed_on),
        "disbursed_date": ddmmyyyy(loan.disbursed_on),
        "closed_date": ddmmyyyy(account.closed_on) if account.status == "closed" else "",
        "last_payment_date": ddmmyyyy(account.last_payment_on),
        "sanctioned_amount": principal,
        "disbursed_amount": principal,
        "instalments": str(loan.instalments),
        "frequency": settings.frequency_codes.get(loan.frequency, ""),
        "instalment_amount": whole_rupees(account.instalment_paise),
        "current_balance": whole_rupees(account.outstanding_paise),
        "amount_overdue": whole_rupees(account.overdue_paise),
        "dpd": days_field(account.days_past_due),
    }
    if written_off is not None:
        values["write_off_date"] = ddmmyyyy(written_off[0])
        values["write_off_amount"] = whole_rupees(written_off[1])
    return values


def _format_problems(segments: list[Segment]) -> list[tuple[str, str]]:
    specs = format_spec().segments
    return [
        (f"{tag}.{p.field}", p.reason)
        for tag, values in segments
        for p in segment_problems(specs[tag], values)
    ]


def member_record(
    member_id: int,
    kyc: MemberKyc | None,
    shg: ShgAtBank,
    accounts: list[Account],
    as_of: date,
    settings: BureauSettings,
) -> MemberRecord:
    """Her lines of the file, or why she is not reported: what her KYC lacks for reporting
    (`kyc.missing_for_reporting`), else every value that does not fit its field."""
    record = MemberRecord(member_id)
    missing = missing_for_reporting(kyc)
    if kyc is None or missing:
        record.problems = [(f, f"missing: {MISSING[f]}") for f in missing]
        return record
    text = _Texts()
    who = ("CNSCRD", member_values(member_id, kyc, shg, accounts[0], as_of, settings, text))
    where = ("ADRCRD", address_values(kyc, settings, text))
    each = [("ACTCRD", account_values(a, shg, as_of, settings)) for a in accounts]
    if settings.one_line_per_account:
        record.lines = [(who, where, account) for account in each]
    else:
        record.lines = [(who, where, *each)]
    record.problems = text.problems or _format_problems([who, where, *each])
    if record.problems:
        record.lines = []
    return record
