"""Members' KYC: recorded in versions by her bookkeeper, and what is still missing before
her record can be reported to the credit bureaus.

What the bureau file needs of a member (`REQUIRED_FOR_REPORTING`) follows the mandatory
fields of the member and address segments of the "Microfinance Data Sharing File Format
(Including SHG)" (RBI/2015-16/424, DBR.CID.BC.No.104/20.16.56/2015-16, 16 June 2016, Annex
II, as the CICs publish it: CRIF High Mark MFI format v2.0, November 2023): her name, date of
birth or age, gender, marital status, key person (husband or father) and relationship, a
permanent address with state and PIN code. Assumption (the annex's mandatory flags could not
be read in full, see README): at least one identity document (voter ID, ration card, another
ID or the CKYC number) is required too, as the RBI tables of 14 January 2016 ask banks to
collect KYC identifiers. Incomplete KYC never blocks bookkeeping; it only keeps her out of
the bureau file, named in its reject report.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.kyc import MemberKyc

# (field, what a bookkeeper is told is missing)
REQUIRED_FOR_REPORTING: tuple[tuple[str, str], ...] = (
    ("full_name", "full name"),
    ("date_of_birth_or_age", "date of birth, or age and the date it was given"),
    ("gender", "gender"),
    ("marital_status", "marital status"),
    ("key_person_name", "husband's or father's name"),
    ("key_person_relation", "relationship of that person"),
    ("address_line", "address"),
    ("state_code", "state"),
    ("pin_code", "PIN code"),
    ("identity_document", "an identity document (voter ID, ration card, other ID or CKYC number)"),
)


def _present(kyc: MemberKyc, field: str) -> bool:
    if field == "date_of_birth_or_age":
        return kyc.date_of_birth is not None or (
            kyc.age_years is not None and kyc.age_as_on is not None
        )
    if field == "identity_document":
        return any((kyc.voter_id, kyc.ration_card, kyc.other_id_number, kyc.ckyc_number))
    return bool(getattr(kyc, field))


def missing_for_reporting(kyc: MemberKyc | None) -> list[str]:
    """The fields (names of `REQUIRED_FOR_REPORTING`) her latest KYC lacks; all of them
    when none is recorded."""
    if kyc is None:
        return [field for field, _ in REQUIRED_FOR_REPORTING]
    return [field for field, _ in REQUIRED_FOR_REPORTING if not _present(kyc, field)]


def latest_kyc(session: Session, member_ids: list[int]) -> dict[int, MemberKyc]:
    """Each member's latest KYC version, for any number of members in one query."""
    latest = (
        select(MemberKyc.member_id, func.max(MemberKyc.version).label("version"))
        .where(MemberKyc.member_id.in_(member_ids))
        .group_by(MemberKyc.member_id)
        .subquery()
    )
    rows = session.scalars(
        select(MemberKyc).join(
            latest,
            (latest.c.member_id == MemberKyc.member_id) & (latest.c.version == MemberKyc.version),
        )
    )
    return {kyc.member_id: kyc for kyc in rows}
