"""A member's KYC: what RBI's tables ask banks to collect from SHG members for credit
reporting, kept in versions (an edit is a new version; old values stay).

Source of the field list: RBI DBR.CID.BC.No.73/20.16.56/2015-16 of 14 January 2016 (tables
of information to be collected from SHG members) and RBI/2015-16/424
DBR.CID.BC.No.104/20.16.56/2015-16 of 16 June 2016 (the "Microfinance Data Sharing File Format
(Including SHG)" whose member, address and account segments carry them), kept by Annex VI of
the Master Direction on Credit Information Reporting of 6 January 2025.

Aadhaar: the full number is never stored (Aadhaar Act 2016, section 29, and the Aadhaar
(Data Security) Regulations limit who may keep it): at most its last four digits. A bank that
needs the number in its bureau file fills it from its own KYC records.

Rows are never updated or deleted (a trigger refuses it): the member's KYC is her latest
version; each version names who recorded it and when.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UtcDateTime, one_of, state_key, utcnow

GENDERS = ("female", "male", "transgender")
KEY_PERSON_RELATIONS = ("husband", "father", "mother", "son", "brother", "other")
OTHER_ID_TYPES = ("pan", "passport", "driving_licence", "nrega_job_card", "other")
MARITAL_STATUSES = ("married", "separated", "divorced", "widowed", "unmarried")


class MemberKyc(Base):
    """One version of a member's KYC: the whole record as it stood after an edit."""

    __tablename__ = "member_kyc"
    __table_args__ = (
        UniqueConstraint("member_id", "state_code", "version"),
        state_key("member_id", "members"),
        CheckConstraint("version >= 1", name="version"),
        CheckConstraint(f"gender IS NULL OR {one_of('gender', GENDERS)}", name="gender"),
        CheckConstraint(
            f"key_person_relation IS NULL OR {one_of('key_person_relation', KEY_PERSON_RELATIONS)}",
            name="key_person_relation",
        ),
        CheckConstraint(
            f"other_id_type IS NULL OR {one_of('other_id_type', OTHER_ID_TYPES)}",
            name="other_id_type",
        ),
        CheckConstraint(
            f"marital_status IS NULL OR {one_of('marital_status', MARITAL_STATUSES)}",
            name="marital_status",
        ),
        CheckConstraint("aadhaar_last4 IS NULL OR length(aadhaar_last4) = 4", name="aadhaar_last4"),
        Index("ix_member_kyc_member_version", "member_id", "version"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    member_id: Mapped[int] = mapped_column(BigId)
    state_code: Mapped[str] = mapped_column(String(4))  # the member's, for distribution
    version: Mapped[int] = mapped_column(Integer)
    full_name: Mapped[str | None] = mapped_column(String(200))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    # Where the date of birth is not known: her age on `age_as_on`, as the tables allow.
    age_years: Mapped[int | None] = mapped_column(Integer)
    age_as_on: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(String(12))
    marital_status: Mapped[str | None] = mapped_column(String(10))
    key_person_name: Mapped[str | None] = mapped_column(String(200))  # husband or father
    key_person_relation: Mapped[str | None] = mapped_column(String(10))
    address_line: Mapped[str | None] = mapped_column(String(200))
    village_or_town: Mapped[str | None] = mapped_column(String(100))
    district_name: Mapped[str | None] = mapped_column(String(100))
    # Her address's state, as the bureau format has it (nullable until recorded). The KYC
    # record's field is `state_code` to the API, the form and the reject report.
    address_state_code: Mapped[str | None] = mapped_column(String(4))
    pin_code: Mapped[str | None] = mapped_column(String(6))
    phone: Mapped[str | None] = mapped_column(String(10))
    voter_id: Mapped[str | None] = mapped_column(String(20))
    ration_card: Mapped[str | None] = mapped_column(String(30))
    other_id_type: Mapped[str | None] = mapped_column(String(20))
    other_id_number: Mapped[str | None] = mapped_column(String(30))
    ckyc_number: Mapped[str | None] = mapped_column(String(14))
    bank_account_number: Mapped[str | None] = mapped_column(String(20))
    bank_ifsc: Mapped[str | None] = mapped_column(String(11))
    aadhaar_last4: Mapped[str | None] = mapped_column(String(4))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(120))
