"""The bureau file of the worked example (tests/bureau_example.py, figures worked there): its
exact segments and figures, the reject report, the reconciliation with the books, the parser
reading it back to the books' figures, scope, the period, and the file kept once, whole."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from app.services.credit import bureau_reports
from app.services.lending import loans
from app.services.shared.errors import Conflict, Forbidden, Invalid, NotFound
from app.services.shared.principal import Principal
from models import Role
from models.bureau_format import format_spec, parse, validate
from models.bureau_settings import load_settings
from tests.bureau_example import AS_OF, TODAY, Example, build_example
from tests.factories import ADMIN

SETTINGS = load_settings()


@pytest.fixture
def ex(session) -> Example:
    return build_example(session)


def settings_with(tmp_path, **values):
    path = tmp_path / "bureau.json"
    path.write_text(json.dumps(values))
    return load_settings(str(path))


def make(session, ex, settings=SETTINGS, as_of=AS_OF, today=TODAY, bank=None):
    bank = bank or ex.jrgb
    file = bureau_reports.generate_file(session, ADMIN, bank.id, as_of, settings, today=today)
    return file, bureau_reports.file_content(session, ADMIN, file.id)[1]


def line(cns: dict, adr: dict, act: dict) -> str:
    """A body line from the values a field holds (every other field empty), in the format's
    order: the hand-worked figures, written out by name."""
    out = ""
    for tag, values in (("CNSCRD", cns), ("ADRCRD", adr), ("ACTCRD", act)):
        spec = format_spec().segments[tag]
        assert set(values) <= {f.key for f in spec.fields}, set(values)
        out += "|".join([tag, *(values.get(f.key, "") for f in spec.fields)]) + "|"
    return out


ADDRESS = {
    "permanent_address": "Ward 4, Kanke, Ranchi",
    "permanent_state": "JH",
    "permanent_pin": "834006",
    "current_address": "Ward 4, Kanke, Ranchi",
    "current_state": "JH",
    "current_pin": "834006",
}
BRANCH = "JRGB0000101"


def member(ex, name, **fields):
    shg = ex.shgs["Lakshmi" if name == "Lakshmi" else "Durga"]
    return {
        "member_id": str(ex.members[name].id),
        "branch_id": BRANCH,
        "centre_id": BRANCH,
        "group_id": str(shg.id),
        "name_1": f"{name} Devi",
        "gender": "F",
        "marital_status": "M01",
        "key_person_relation": "K02",
        **fields,
    }


def account(ex, name, bank_account="TL-101", **fields):
    shg = ex.shgs["Lakshmi" if name == "Lakshmi" else "Durga"]
    return {
        "account_reference": f"{bank_account}-{ex.loans[name].id}",
        "account_number": bank_account,
        "branch_id": BRANCH,
        "centre_id": BRANCH,
        "information_date": "15092026",
        "loan_category": "T04",
        "group_id": str(shg.id),
        "loan_cycle": "1",
        "loan_purpose": "OTHER",
        "frequency": "F03",
        **fields,
    }


def expected_lines(ex: Example) -> list[str]:
    return [
        line(
            member(
                ex, "Sunita", name_1="Sunita Devi", birth_date="10031988", age="38",
                age_as_on="15092026", key_person_name="Ramesh Mahto", voter_id="JHV1234567",
                other_id_1_type="CKYC", other_id_1="12345678901234", phone_1_type="P03",
                phone_1="9876543210",
            ),
            ADDRESS,
            account(
                ex, "Sunita", loan_purpose="Dairy", account_status="S04",
                sanctioned_date="01052026", disbursed_date="01052026",
                last_payment_date="01092026", sanctioned_amount="12000",
                disbursed_amount="12000", instalments="12", instalment_amount="1120",
                current_balance="8000", amount_overdue="0", dpd="000",
            ),
        ),
        line(
            member(
                ex, "Geeta", age="35", age_as_on="10012026", key_person_name="Suresh Oraon",
                pan="ABCDE1234F",
            ),
            ADDRESS,
            account(
                ex, "Geeta", account_status="S05", sanctioned_date="02052026",
                disbursed_date="02052026", last_payment_date="02072026",
                sanctioned_amount="6000", disbursed_amount="6000", instalments="12",
                instalment_amount="560", current_balance="5000", amount_overdue="1000",
                dpd="045",
            ),
        ),
        line(
            member(
                ex, "Kamala", birth_date="01121990", age="35", age_as_on="15092026",
                key_person_name="Mohan", ration_card="RC778",
            ),
            ADDRESS,
            account(
                ex, "Kamala", account_status="S07", sanctioned_date="05062026",
                disbursed_date="05062026", closed_date="05092026", last_payment_date="05092026",
                sanctioned_amount="3000", disbursed_amount="3000", instalments="3",
                instalment_amount="1030", current_balance="0", amount_overdue="0", dpd="000",
            ),
        ),
        line(
            member(
                ex, "Radha", birth_date="16091975", age="50", age_as_on="15092026",
                marital_status="M04", key_person_name="Budhu Munda",
                key_person_relation="K01", voter_id="JHV7654321",
            ),
            ADDRESS,
            account(
                ex, "Radha", account_status="S06", sanctioned_date="15042026",
                disbursed_date="15042026", last_payment_date="15052026",
                sanctioned_amount="4000", disbursed_amount="4000", instalments="4",
                instalment_amount="1040", current_balance="0", amount_overdue="0", dpd="082",
                write_off_amount="3000", write_off_date="05092026",
            ),
        ),
        line(
            member(
                ex, "Lakshmi", birth_date="01011985", age="41", age_as_on="15092026",
                key_person_name="Hari", voter_id="V1",
            ),
            ADDRESS,
            account(
                ex, "Lakshmi", bank_account="CC-202", account_status="S04",
                sanctioned_date="01092026", disbursed_date="01092026",
                sanctioned_amount="2001", disbursed_amount="2001", instalments="1",
                instalment_amount="2001", current_balance="2001", amount_overdue="0",
                dpd="000",
            ),
        ),
    ]  # fmt: skip


HEADER = (
    "HDR"
    "HMMFI"
    "1.9"
    + " " * 10  # the bank's CIC member ID: not configured, the bank fills it
    + "Jharkhand Rajya Gramin Bank".ljust(30)
    + " " * 10  # submitting branch
    + "15092026"  # reported date
    + "16092026"  # file created
    + " " * 3
    + " " * 30  # the CIC password: never kept
    + "INHOUSE".ljust(30)
    + "INHOUSE".ljust(30)
    + " "  # CRIF's 171st filler
)
TRAILER = "TRLHMMFI1.9" + " " * 10 + " " * 20


def test_the_worked_example_has_exactly_the_expected_segments_and_figures(session, ex):
    file, data = make(session, ex)
    assert data.decode("ascii").split("\r\n") == [HEADER, *expected_lines(ex), TRAILER, ""]
    assert len(HEADER) == 171 and len(TRAILER) == 41
    assert (file.shgs, file.members_reported, file.members_rejected) == (2, 5, 1)
    assert (file.accounts, file.accounts_closed) == (5, 2)  # Kamala closed, Radha written off
    assert file.period_start == date(2026, 8, 31)  # no earlier file: the cycle date before
    assert file.sha256 == hashlib.sha256(data).hexdigest() and file.byte_count == len(data)
    assert file.file_name == "JRGB_SHG_MFI_15092026.CDF"


def test_the_reject_report_names_the_member_and_what_her_kyc_lacks(session, ex):
    file, _ = make(session, ex)
    _, rejected = bureau_reports.rejects(session, ADMIN, file.id)
    assert [(r.member.name, r.shg.name, r.accounts, r.outstanding_paise) for r in rejected] == [
        ("Meena Devi", "Durga SHG", 1, 350_000)
    ]
    assert rejected[0].problems == [
        ("key_person_name", "missing: husband's or father's name"),
        ("pin_code", "missing: PIN code"),
    ]
    csv = bureau_reports.rejects_csv(rejected).splitlines()
    assert csv[1].endswith(
        ",1,3500.00,key_person_name; pin_code,"
        "key_person_name: missing: husband's or father's name; pin_code: missing: PIN code"
    )


def test_the_file_reconciles_with_the_books(session, ex):
    """Durga: books ₹16,500 = reported ₹8,000 + ₹5,000 (Kamala and Radha owe nothing) +
    rejected ₹3,500 (Meena). Lakshmi: books ₹2,000.50 = reported ₹2,001 − 50 paise of
    rounding; Parvati's ₹6,000 names no bank loan: unattributed, outside the books figure."""
    file, _ = make(session, ex)
    detail = bureau_reports.file_detail(session, ADMIN, file.id)
    rows = {r.shg.name: r for r in detail.reconciliation}
    assert set(rows) == {"Durga SHG", "Lakshmi SHG"}
    durga, lakshmi = rows["Durga SHG"].figures, rows["Lakshmi SHG"].figures
    assert (
        durga.books_outstanding_paise,
        durga.reported_outstanding_paise,
        durga.rejected_outstanding_paise,
        durga.rounding_paise,
    ) == (1_650_000, 1_300_000, 350_000, 0)
    assert (durga.members_reported, durga.members_rejected, durga.accounts) == (4, 1, 4)
    assert (
        lakshmi.books_outstanding_paise,
        lakshmi.reported_outstanding_paise,
        lakshmi.rounding_paise,
        lakshmi.unattributed_loans,
        lakshmi.unattributed_outstanding_paise,
    ) == (200_050, 200_100, -50, 1, 600_000)
    assert [r.unexplained_paise for r in detail.reconciliation] == [0, 0]


def test_the_parser_reads_back_what_the_books_say(session, ex):
    """Every account read back from the file carries the figures `loans.position` gives on
    the reference date (in whole rupees), and the file passes its own validator."""
    _, data = make(session, ex)
    layout = SETTINGS.layout(SETTINGS.profiles["CRIF"])
    cdf = parse(data, layout)
    assert validate(cdf, layout) == []
    assert (cdf.header["reported_date"], cdf.trailer["segment"]) == ("15092026", "TRL")
    status = {"active": ("S04", "S05"), "closed": ("S07",), "written_off": ("S06",)}
    for segments in cdf.lines:
        who, act = segments[0][1], segments[2][1]
        loan = ex.loans[who["name_1"].split()[0]]
        assert int(who["member_id"]) == loan.member_id
        books = loans.position(session, loan, AS_OF)
        # whole rupees, half up
        assert int(act["current_balance"]) == (books.outstanding_paise + 50) // 100
        assert int(act["sanctioned_amount"]) == (loan.principal_paise + 50) // 100
        assert act["account_status"] in status[books.status]
        if books.status == "active":
            assert int(act["dpd"]) == books.days_past_due


def test_another_banks_loans_and_shgs_without_its_loan_never_appear(session, ex):
    _, jrgb = make(session, ex)
    text_ = jrgb.decode()
    for name in ("Savita", "Kusum", "Parvati", "SB-303"):
        assert name not in text_
    sbi_file, sbi = make(session, ex, bank=ex.sbi)
    body = sbi.decode().split("\r\n")[1:-2]
    assert [b.split("|")[5] for b in body] == ["Savita Devi"]
    detail = bureau_reports.file_detail(session, ADMIN, sbi_file.id)
    assert [r.shg.name for r in detail.reconciliation] == ["Sakhi SHG"]
    assert "Kiran" not in sbi.decode()


def test_shgs_at_or_under_the_threshold_are_reconciled_not_reported(session, ex, tmp_path):
    """RBI (14 Jan 2016): member credit information for SHGs with facilities *exceeding*
    ₹1,00,000. At ₹2,00,000 Durga's term loan (exactly ₹2,00,000) no longer exceeds it."""
    settings = settings_with(tmp_path, min_shg_facility_exceeding="200000.00")
    file, data = make(session, ex, settings)
    assert "Sunita" not in data.decode() and "Lakshmi Devi" not in data.decode()
    rows = {
        r.shg.name: r.figures
        for r in bureau_reports.file_detail(session, ADMIN, file.id).reconciliation
    }
    assert (rows["Durga SHG"].not_reported_paise, rows["Durga SHG"].reported_outstanding_paise) == (
        1_650_000,
        0,
    )
    assert file.members_rejected == 0  # Meena is not reported either way: no reject


def test_the_next_file_reports_only_what_closed_since_the_last(session, ex):
    make(session, ex)
    nxt, data = make(session, ex, as_of=date(2026, 9, 30), today=date(2026, 10, 1))
    assert nxt.period_start == AS_OF
    names = [b.split("|")[5] for b in data.decode().split("\r\n")[1:-2]]
    assert names == ["Sunita Devi", "Geeta Devi", "Lakshmi Devi"]  # Kamala, Radha reported


def test_one_file_per_bank_and_date(session, ex):
    make(session, ex)
    with pytest.raises(Conflict) as again:
        make(session, ex)
    assert "made already" in again.value.detail
    with pytest.raises(IntegrityError), session.begin_nested():  # the database refuses too
        session.execute(
            text(
                "INSERT INTO bureau_files (bank_id, as_of, period_start, header_profile,"
                " file_name, sha256, byte_count, content, shgs, members_reported,"
                " members_rejected, accounts, accounts_closed, source, created_at, created_by)"
                " SELECT bank_id, as_of, period_start, header_profile, file_name, sha256,"
                " byte_count, content, shgs, members_reported, members_rejected, accounts,"
                " accounts_closed, source, created_at, created_by FROM bureau_files"
            )
        )


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE bureau_files SET sha256 = repeat('0', 64)",
        "DELETE FROM bureau_files",
        "UPDATE bureau_file_members SET outstanding_paise = 0",
        "DELETE FROM bureau_file_members",
        "UPDATE bureau_file_shgs SET books_outstanding_paise = 0",
        "DELETE FROM bureau_file_shgs",
    ],
)
def test_files_are_append_only(session, ex, statement):
    make(session, ex)
    with pytest.raises(DBAPIError), session.begin_nested():
        session.execute(text(statement))


def test_who_may_make_a_file_and_for_which_day(session, ex):
    partner = Principal(Role.BANK_PARTNER, "token:9 JRGB", 9, bank_id=ex.jrgb.id)
    keeper = Principal(Role.BOOKKEEPER, "token:8 keeper", 8, scope_path=ex.fed.clf.path)
    generate = bureau_reports.generate_file
    with pytest.raises(Forbidden):
        generate(session, keeper, ex.jrgb.id, AS_OF, SETTINGS, today=TODAY)
    with pytest.raises(NotFound):
        generate(session, partner, ex.sbi.id, AS_OF, SETTINGS, today=TODAY)
    with pytest.raises(Invalid) as unfinished:
        generate(session, partner, ex.jrgb.id, TODAY, SETTINGS, today=TODAY)
    assert unfinished.value.problems[0].field == "as_of"
    assert generate(session, partner, ex.jrgb.id, AS_OF, SETTINGS, today=TODAY).created_by == (
        "token:9 JRGB"
    )


def test_a_cibil_header_and_a_members_accounts_on_one_line(session, ex, tmp_path):
    """Per-CIC header values (CIBIL's "FUTURE" and "END"), the bank's CIC member ID, and
    OPEN-5's other choice: a member's accounts after each other on her one line. As of
    31-08-2026 (period from 15-08) Sunita has two: her running loan and the one closed 20-08."""
    settings = settings_with(
        tmp_path,
        banks={"JRGB": {"profile": "CIBIL", "member_id": "MF8361", "short_name": "JRGB"}},
        one_line_per_account=False,
        line_ending="\n",
    )
    _, data = make(session, ex, settings, as_of=date(2026, 8, 31), today=date(2026, 9, 1))
    lines = data.decode().split("\n")
    assert lines[0] == (
        "HDRHMMFI1.9MF8361    " + "JRGB".ljust(30) + " " * 10 + "3108202601092026"
        + " " * 3 + " " * 30 + " " * 54 + "FUTURE"
    )  # fmt: skip
    assert lines[-2] == "TRLHMMFI1.9MF8361    " + " " * 17 + "END"
    sunita = next(x for x in lines if "|Sunita Devi|" in x)
    assert sunita.count("ACTCRD|") == 2 and "|S07|" in sunita and "|S04|" in sunita
    layout = settings.layout(settings.profiles["CIBIL"])
    assert validate(parse(data, layout), layout) == []


def test_grpcrd_when_a_bank_gives_its_fields(session, ex, tmp_path):
    """OPEN-3: no GRPCRD by default; given a field list, a group line precedes each SHG."""
    fields = [["shg_id", "Group Identifier", "Y", "A", 20], ["shg_name", "Name", "Y", "A", 100]]
    settings = settings_with(tmp_path, grpcrd_fields=fields)
    _, data = make(session, ex, settings)
    lines = data.decode().split("\r\n")
    durga, lakshmi = ex.shgs["Durga"], ex.shgs["Lakshmi"]
    assert lines[1] == f"GRPCRD|{durga.id}|Durga SHG|"
    assert lines[6] == f"GRPCRD|{lakshmi.id}|Lakshmi SHG|"
    layout = settings.layout(settings.profiles["CRIF"])
    assert validate(parse(data, layout), layout) == []


def test_a_name_with_no_latin_letters_is_rejected_with_the_reason(session, ex):
    from models import MemberKyc

    sunita = ex.members["Sunita"]
    kyc = session.query(MemberKyc).filter_by(member_id=sunita.id).one()
    later = {c.key: getattr(kyc, c.key) for c in MemberKyc.__table__.columns if c.key != "id"}
    session.add(MemberKyc(**{**later, "version": 2, "full_name": "सुनीता देवी"}))
    session.flush()
    file, _ = make(session, ex)
    _, rejected = bureau_reports.rejects(session, ADMIN, file.id)
    assert [(r.member.id, r.problems) for r in rejected if r.member.id == sunita.id] == [
        (sunita.id, [("full_name", "has no letters the file can carry: write it in English")])
    ]


def test_the_settings_refuse_what_bahi_cannot_fill(tmp_path):
    with pytest.raises(ValueError, match="cannot fill"):
        settings_with(tmp_path, grpcrd_fields=[["loan_officer", "x", "N", "A", 5]])
    with pytest.raises(ValueError, match="unknown bureau settings"):
        settings_with(tmp_path, emit_grpcrd=True)
