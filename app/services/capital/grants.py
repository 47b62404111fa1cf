"""Capital support given as grants: Revolving Fund, Start-up Fund, and the CIF and VRF corpus.

A grant from the state mission posts one entry in the receiver's book (Dr bank, Cr the fund).
A grant passed on by a CLF or VO to an institution under it posts a linked set: the giver's
fund is utilised (Dr fund, Cr bank) and the receiver's fund grows (Dr bank, Cr fund). Each
is recorded once; reversing its entry (or set) undoes it and every figure ignores it.

Eligibility, as data (`models/capital_rules.json`, with sources):

- **Revolving Fund to an SHG** (from the mission, a CLF or a VO; key `revolving_fund_to_shg`,
  RBI's DAY-NRLM master circular): an amount within the range per SHG (₹20,000 to ₹30,000);
  once per SHG (a reversed grant does not count); the SHG's own books at least
  `min_months_of_books` old on the grant's date (3: from its first entry that is neither a
  reversal nor reversed; a state setting, the circular says 3/6 months); and its latest
  grading on or before that date in `passing_grades` (A; a state setting). No grading
  recorded: refused, saying so (`POST /institutions/{id}/gradings` records one). RF to a CLF
  or VO (which pass it on) has no per-SHG range.
- **VRF's next tranche** to a VO only once `vrf_next_release_min_lent_percent` (60%) of the
  VRF released is lent (a state rule; its source in the file).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services.capital.revolving_fund import once_problems, rf_problems
from app.services.capital.utilisation import fund_utilisation
from app.services.federation.institutions import readable_institution, writable_institution
from app.services.ledger.books import account_by_role, book_of
from app.services.ledger.journal import Posted, posted, posted_one, reversed_clause
from app.services.ledger.posting import EntryDraft, PostingDraft, post_entry, post_linked_set
from app.services.shared.errors import Conflict, Invalid, renamed, require_no_problems
from app.services.shared.principal import Principal
from models.capital import GRANT_FUNDS, Grant, capital_rules
from models.institutions import Institution, InstitutionKind
from models.ledger import Side
from models.money import format_inr
from models.revolving_fund_rule import revolving_fund_rule

CLF, VO, SHG = InstitutionKind.CLF.value, InstitutionKind.VO.value, InstitutionKind.SHG.value

# Who may receive each fund from the state mission, and who may pass it to whom.
FROM_MISSION: dict[str, frozenset[str]] = {
    "revolving_fund": frozenset({CLF, VO, SHG}),
    "startup_fund": frozenset({CLF, VO, SHG}),
    "cif_corpus": frozenset({CLF}),
    "vrf_corpus": frozenset({CLF, VO}),
    "other_grants": frozenset({CLF, SHG}),
}
PASSED_ON: dict[str, frozenset[tuple[str, str]]] = {
    "revolving_fund": frozenset({(CLF, SHG), (VO, SHG)}),
    "startup_fund": frozenset({(CLF, VO), (CLF, SHG), (VO, SHG)}),
    "cif_corpus": frozenset(),
    "vrf_corpus": frozenset({(CLF, VO)}),
    "other_grants": frozenset(),
}


@dataclass(frozen=True)
class NewGrant:
    fund: str
    receiver_id: int
    amount_paise: int
    value_date: date
    giver_id: int | None = None  # None: from the state mission
    via: str = "bank"
    reference: str | None = None


def _check(new: NewGrant, giver: Institution | None, receiver: Institution) -> None:
    if new.fund not in GRANT_FUNDS:
        raise Invalid.field("fund", f"must be one of {', '.join(GRANT_FUNDS)}")
    if new.amount_paise <= 0:
        raise Invalid.field("amount", "must be more than zero")
    if new.via not in ("cash", "bank"):
        raise Invalid.field("via", 'must be "cash" or "bank"')
    if giver is None:
        if receiver.kind not in FROM_MISSION[new.fund]:
            raise Invalid.field(
                "receiver_id", f"a {receiver.kind} does not receive {new.fund} from the mission"
            )
        return
    if (giver.kind, receiver.kind) not in PASSED_ON[new.fund]:
        raise Invalid.field(
            "giver_id", f"a {giver.kind} does not pass {new.fund} to a {receiver.kind}"
        )
    if not receiver.path.startswith(giver.path):
        raise Invalid.field("receiver_id", f"is not under institution {giver.id}")


def _check_vrf_release(session: Session, new: NewGrant) -> int:
    """VRF is released in tranches: the next only once enough of the earlier ones is lent.
    Returns the tranche number."""
    vrf = next(
        (f for f in fund_utilisation(session, new.receiver_id, date.max) if f.fund == "vrf"), None
    )
    if vrf is None or vrf.received_paise == 0:
        return 1
    released, lent = vrf.received_paise, vrf.lent_paise
    percent = capital_rules().vrf_next_release_min_lent_percent
    if Fraction(lent, released) * 100 < percent:
        raise Conflict(
            f"the VO has lent {format_inr(lent)} of the {format_inr(released)} VRF released;"
            f" the next release needs at least {percent}% lent"
        )
    tranches = session.scalar(
        select(func.count())
        .select_from(Grant)
        .where(Grant.fund == "vrf_corpus", Grant.receiver_id == new.receiver_id)
        .where(~reversed_clause(Grant.entry_id))
    )
    return (tranches or 0) + 1


def _refuse_overdraw(held: int, amount: int, fund: str, giver: Institution) -> None:
    if held < amount:
        raise Invalid.field(
            "amount", f"is more than the {format_inr(held)} of {fund} that {giver.name} holds"
        )


def give_grant(session: Session, who: Principal, new: NewGrant, today: date | None = None) -> Grant:
    """Record a grant once, in the receiver's book and, when passed on, the giver's too."""
    receiver = writable_institution(session, who, new.receiver_id)
    giver = writable_institution(session, who, new.giver_id) if new.giver_id else None
    _check(new, giver, receiver)
    rf_to_shg = new.fund == "revolving_fund" and receiver.kind == SHG
    if rf_to_shg:
        require_no_problems(
            rf_problems(session, receiver, new.amount_paise, new.value_date),
            "the grant cannot be given",
        )
    tranche = _check_vrf_release(session, new) if new.fund == "vrf_corpus" else 1
    narration = f"{new.fund.replace('_', ' ').capitalize()} to {receiver.name}"[:500]
    book = book_of(session, receiver.id)
    received = EntryDraft.transfer(
        book.id,
        new.value_date,
        narration,
        account_by_role(session, book.id, new.via).id,
        account_by_role(session, book.id, new.fund).id,
        new.amount_paise,
    )
    drafts = [received]
    if giver is not None:
        giver_book = book_of(session, giver.id)
        fund = account_by_role(session, giver_book.id, new.fund)
        _refuse_overdraw(fund.balance_paise, new.amount_paise, new.fund, giver)
        drafts.append(
            EntryDraft(
                giver_book.id,
                new.value_date,
                narration,
                (
                    PostingDraft(fund.id, Side.DEBIT, new.amount_paise),
                    PostingDraft(
                        account_by_role(session, giver_book.id, new.via).id,
                        Side.CREDIT,
                        new.amount_paise,
                    ),
                ),
            )
        )
    try:
        if giver is None:
            entry = post_entry(session, who, received, today)
        else:
            entry = post_linked_set(session, who, drafts, today)[1][0]
    except Invalid as error:
        raise renamed(error, {"postings": "amount", "entries": "amount"}) from None
    if giver is not None:
        # Checked again under the posting's row lock: a grant racing this one may have
        # used the fund meanwhile. Raising here rolls the whole request back.
        _refuse_overdraw(fund.balance_paise + new.amount_paise, new.amount_paise, new.fund, giver)
    if rf_to_shg and revolving_fund_rule().once_per_shg:
        # Likewise under the lock of the SHG's fund account: a racing RF grant to the same
        # SHG has committed by now, and this one is refused.
        require_no_problems(once_problems(session, receiver), "the grant cannot be given")
    grant = Grant(
        state_code=receiver.state_code,
        fund=new.fund,
        giver_id=giver.id if giver else None,
        receiver_id=receiver.id,
        amount_paise=new.amount_paise,
        value_date=new.value_date,
        tranche=tranche,
        reference=new.reference,
        entry_id=entry.id,
        created_by=who.label,
    )
    session.add(grant)
    session.flush()
    return grant


@dataclass(frozen=True)
class GrantView:
    grant: Grant
    reversed: bool
    posted: Posted  # its entry, and its linked set when passed on: what a reversal needs

    def __getattr__(self, name: str) -> object:
        return getattr(self.grant, name)


def new_grant_view(session: Session, grant: Grant) -> GrantView:
    """The view of a grant just given."""
    return GrantView(grant, False, posted_one(session, grant.entry_id))


def grants_of(session: Session, who: Principal, institution_id: int) -> list[GrantView]:
    """Grants an institution received or gave, oldest first, each marked if reversed."""
    readable_institution(session, who, institution_id)
    rows = session.execute(
        select(Grant, reversed_clause(Grant.entry_id))
        .where((Grant.receiver_id == institution_id) | (Grant.giver_id == institution_id))
        .order_by(Grant.value_date, Grant.id)
    ).all()
    where = posted(session, [grant.entry_id for grant, _ in rows])
    return [GrantView(grant, bool(gone), where[grant.entry_id]) for grant, gone in rows]
