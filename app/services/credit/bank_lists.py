"""The bank officer's list of her bank's consenting members: who, and on what consent (its
purpose, start and expiry), a page at a time or whole as a CSV file.

Only members whose consent to her bank is active today are listed, with the masked identity
a bank is shown (`consents.mask`). Listing is not an enquiry: no profile is read.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from app.services.credit import consents
from app.services.shared.clock import today_in_india
from app.services.shared.paging import Page
from app.services.shared.principal import Principal
from models.credit import Consent
from models.institutions import Member

# A whole list in one file: a district's consents for one bank are a few thousand at most.
CSV_LIMIT = 50_000
CSV_PAGE = 500
CSV_COLUMNS = (
    "member_id",
    "name",
    "member_code",
    "shg",
    "district",
    "consent_id",
    "purpose",
    "starts_on",
    "expires_on",
)


@dataclass(frozen=True)
class ConsentingMember:
    """A member as a bank may see her, with the consent that lets it read her today."""

    member_id: int
    name: str
    member_code: str | None
    shg: str
    district: str
    consent_id: int
    purpose: str
    purpose_text: str
    starts_on: date
    expires_on: date


def with_consents(
    session: Session, who: Principal, members: Sequence[Member]
) -> list[ConsentingMember]:
    """Each member with her consent to the caller's bank active today (the latest expiring,
    when she gave more than one)."""
    today = today_in_india()
    found = []
    for member in members:
        consent = consents.active_consent(session, who, member.id, today)
        found.append(_row(session, member, consent))
    return found


def _row(session: Session, member: Member, consent: Consent) -> ConsentingMember:
    seen = consents.mask(session, member)
    return ConsentingMember(
        seen.member_id,
        seen.name,
        seen.member_code,
        seen.shg,
        seen.district,
        consent.id,
        consent.purpose,
        consent.purpose_text,
        consent.starts_on,
        consent.expires_on,
    )


def listed(
    session: Session, who: Principal, member_code: str | None, after: int | None, limit: int
) -> Page[ConsentingMember]:
    """A page of the consenting members (with `member_code`, only hers)."""
    page = consents.consenting_members(session, who, member_code, after, limit)
    return Page(items=with_consents(session, who, page.items), next_after=page.next_after)


def consenting_csv(session: Session, who: Principal) -> str:
    """Every member consenting to the caller's bank today, as CSV (dates as yyyy-mm-dd,
    which spreadsheets read in any language)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    after: int | None = None
    written = 0
    while written < CSV_LIMIT:
        page = listed(session, who, None, after, CSV_PAGE)
        for row in page.items:
            writer.writerow([_cell(getattr(row, c)) for c in CSV_COLUMNS])
        written += len(page.items)
        if page.next_after is None:
            break
        after = page.next_after
    return out.getvalue()


def _cell(value: object) -> object:
    """A text cell a spreadsheet would run as a formula (names are typed by people) is kept as
    text by a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return f"'{value}"
    return "" if value is None else value
