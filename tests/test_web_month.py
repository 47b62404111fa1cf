"""A bookkeeper's month on the pages, on both databases: cash to and from the bank, expenses and
other income, a member's savings withdrawal, repaying CIF, undoing an entry, and the reports
she files. Each form posts once, refuses bad input in plain words, and stays in her scope.

Durga SHG (funded_shg: ₹15,000 of RF in cash on 1 April 2026), worked by hand:
2 Apr  ₹10,000 taken to the bank ("₹10,000/-")      cash  5,000.00   bank 10,000.00
3 Apr  ₹2,000 drawn from the bank ("2,000")         cash  7,000.00   bank  8,000.00
4 Apr  stationery ₹150 from cash ("१५०")            cash  6,850.00
4 Apr  a fine of ₹20 received in cash ("୨୦")        cash  6,870.00
Trial balance on 30 Jun 2026: debits = credits = 15,000 + 20 = ₹15,020.00
(cash 6,870 + bank 8,000 + expense 150 = 15,020; RF 15,000 + fines 20 = 15,020).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.services.lending import savings
from models import Role
from models.ledger import JournalEntry
from tests.factories import ADMIN, ApiCaller, funded_shg, make_federation, token
from tests.test_capital import give, lend
from tests.web_support import WebUser, field_value, signed_in

LATER = date(2030, 1, 1)
PLAIN = "Write the amount in rupees, like 1500 or 1,500.50"
# What a page must never show her: the services' field names and the API's wording.
JARGON = ("value_date", "postings", "decimal string", "amount:", "institution_id")


@pytest.fixture
def fed(session):
    return funded_shg(session, members_count=2)


@pytest.fixture
def keeper(session, client, fed) -> WebUser:
    return signed_in(session, client, Role.BOOKKEEPER, institution=fed.clf)


def _text(response) -> str:
    return response.get_data(as_text=True)


def _send(user: WebUser, path: str, **fields: str):
    """Open the form, then send it with these fields; returns (response, what was sent)."""
    data = {"form_key": field_value(user.page(path), "form_key"), **fields}
    return user.post(path, data), data


def _entries(session) -> int:
    return session.scalar(select(func.count()).select_from(JournalEntry))


def _balance(session, fed, role: str) -> int:
    account = fed.account(session, fed.shg, role)
    session.refresh(account)
    return account.balance_paise


def _plain(page: str) -> None:
    """Every problem shown is said in her words: no field name, no API wording."""
    said = re.findall(r'class="(?:problem|flash error)"[^>]*>([^<]*)<', page)
    assert said
    for word in JARGON:
        assert all(word not in sentence for sentence in said), (word, said)


def test_cash_to_the_bank_posts_once_and_shows_what_was_recorded(session, fed, keeper):
    path = f"/institutions/{fed.shg.id}/bank-deposits/new"
    before = _entries(session)
    sent, data = _send(keeper, path, amount="₹10,000/-", value_date="02-04-2026")
    assert sent.status_code == 303 and sent.location.startswith("/entries/")
    again = keeper.post(path, data)  # a double tap: the same form, sent twice
    assert (again.status_code, again.location) == (303, sent.location)
    assert _entries(session) == before + 1
    assert (_balance(session, fed, "cash"), _balance(session, fed, "bank")) == (500000, 1000000)

    shown = keeper.page(sent.location)
    assert "₹10,000.00 taken to the bank is recorded." in shown
    assert "02-04-2026" in shown and "Cash deposited in the bank" in shown

    drawn, _ = _send(
        keeper,
        f"/institutions/{fed.shg.id}/bank-withdrawals/new",
        amount="2,000",
        value_date="03-04-2026",
    )
    assert drawn.status_code == 303
    assert (_balance(session, fed, "cash"), _balance(session, fed, "bank")) == (700000, 800000)


def test_a_deposit_beyond_the_cash_in_hand_is_refused_in_plain_words(session, fed, keeper):
    path = f"/institutions/{fed.shg.id}/bank-deposits/new"
    before = _entries(session)
    refused, _ = _send(keeper, path, amount="20,000", value_date="02-04-2026")
    assert refused.status_code == 422
    page = _text(refused)
    assert "has only ₹15,000.00 on 02-04-2026. Write a smaller amount." in page
    assert 'value="20,000"' in page  # what she typed stays
    _plain(page)

    for amount, day, said in (
        ("1.500.00", "02-04-2026", PLAIN),
        ("-500", "02-04-2026", PLAIN),
        ("0", "02-04-2026", "Write an amount more than zero."),
        ("500", "31-02-2026", "Write the date as day-month-year, like 05-06-2026."),
        ("500", "05-06-2030", "The date cannot be after today."),
    ):
        refused, _ = _send(keeper, path, amount=amount, value_date=day)
        assert refused.status_code == 422, amount
        assert said in _text(refused)
        _plain(_text(refused))
    assert _entries(session) == before


def test_expenses_and_income_offer_the_categories_of_her_books(session, fed, keeper):
    expense_path = f"/institutions/{fed.shg.id}/expenses/new"
    form = keeper.page(expense_path)
    assert all(c in form for c in ("Stationery", "Travel", "Honorarium"))
    assert "Membership fees" not in keeper.page(f"/institutions/{fed.shg.id}/income/new")
    paid, _ = _send(
        keeper,
        expense_path,
        amount="१५०",
        value_date="04-04-2026",
        category="stationery",
        via="cash",
    )
    assert paid.status_code == 303
    assert "An expense of ₹150.00 is recorded." in keeper.page(paid.location)
    got, _ = _send(
        keeper,
        f"/institutions/{fed.shg.id}/income/new",
        amount="୨୦",
        value_date="04-04-2026",
        category="fines",
        via="cash",
    )
    assert got.status_code == 303
    assert _balance(session, fed, "cash") == 1500000 - 15000 + 2000

    clf_income = keeper.page(f"/institutions/{fed.clf.id}/income/new")
    assert "Membership fees" in clf_income and "Fines" not in clf_income


def test_a_member_withdraws_no_more_than_she_saved(session, fed, keeper):
    member = fed.members[0]
    savings.deposit(session, ADMIN, savings.SavingsMovement(member.id, 50000, date(2026, 4, 2)))
    path = f"/members/{member.id}/withdrawals/new"
    assert "She has ₹500.00 saved." in keeper.page(path)
    too_much, _ = _send(keeper, path, amount="600", value_date="03-04-2026", via="cash")
    assert too_much.status_code == 422
    assert "has only ₹500.00 on 03-04-2026" in _text(too_much)
    _plain(_text(too_much))

    taken, data = _send(keeper, path, amount="Rs. 200", value_date="03-04-2026", via="cash")
    assert taken.status_code == 303
    assert keeper.post(path, data).location == taken.location
    assert savings.savings_account(session, member).balance_paise == 30000
    shown = keeper.page(taken.location)
    assert f"{member.name}&#39;s withdrawal of ₹200.00 is recorded." in shown


def test_pages_stay_in_her_scope(session, client, fed, keeper):
    other = make_federation(session, state_code="OD")
    for path in (
        f"/institutions/{other.shg.id}/bank-deposits/new",
        f"/institutions/{other.clf.id}/expenses/new",
        f"/members/{other.members[0].id}/withdrawals/new",
        f"/institutions/{other.shg.id}/books",
        f"/institutions/{other.shg.id}/trial-balance",
        f"/institutions/{other.vo.id}/ageing",
        f"/institutions/{other.shg.id}/entries",
    ):
        assert keeper.get(path).status_code == 404, path
    sent = keeper.post(
        f"/institutions/{other.shg.id}/bank-deposits/new",
        {"form_key": "web-x", "amount": "1", "value_date": "02-04-2026"},
    )
    assert sent.status_code == 404
    assert keeper.get(f"/institutions/{fed.block.id}/books").status_code == 404  # keeps no books

    auditor = signed_in(session, client, Role.AUDITOR, institution=fed.district)
    assert auditor.get(f"/institutions/{fed.shg.id}/bank-deposits/new").status_code == 403
    assert auditor.page(f"/institutions/{fed.shg.id}/trial-balance")


def test_undoing_an_entry_asks_why_then_links_both_entries(session, fed, keeper):
    deposited, _ = _send(
        keeper,
        f"/institutions/{fed.shg.id}/bank-deposits/new",
        amount="1000",
        value_date="02-04-2026",
    )
    original = deposited.location
    listed = keeper.page(f"/institutions/{fed.shg.id}/entries?from=01-04-2026&to=30-04-2026")
    assert f'href="{original}"' in listed  # found again in the book's entries, to be undone
    assert f'href="{original}"' not in keeper.page(
        f"/institutions/{fed.shg.id}/entries?from=01-05-2026&to=31-05-2026"
    )
    confirm_path = f"{original}/reverse"
    confirm = keeper.page(confirm_path)
    assert "Undo this entry?" in confirm and "₹1,000.00" in confirm  # the entry is shown
    before = _entries(session)
    no_reason, _ = _send(keeper, confirm_path, reason="  ")
    assert no_reason.status_code == 422
    assert "Write why this entry is undone" in _text(no_reason)
    assert _entries(session) == before

    stale_tab = field_value(keeper.page(confirm_path), "form_key")
    undone, data = _send(keeper, confirm_path, reason="Deposited twice by mistake")
    assert undone.status_code == 303
    assert keeper.post(confirm_path, data).location == undone.location
    assert _entries(session) == before + 1
    reversal = keeper.page(undone.location)
    assert "The entry is reversed" in reversal
    assert f'href="{original}"' in reversal and "Deposited twice by mistake" in reversal
    assert f'href="{undone.location}"' in keeper.page(original)
    assert _balance(session, fed, "cash") == 1500000

    assert "This entry cannot be undone from here." in keeper.page(confirm_path)
    twice = keeper.post(confirm_path, {"form_key": stale_tab, "reason": "again"})
    assert twice.status_code == 409
    assert "This entry is already reversed: there is nothing more to undo." in _text(twice)
    assert _entries(session) == before + 1


def test_repaying_cif_to_the_vo_posts_in_both_books(session, client):
    fed = make_federation(session)
    give(session, None, "cif_corpus", fed.clf, 500_000, date(2026, 4, 1))
    lend(session, "cif", fed.clf, fed.vo, 100_000, 6, date(2026, 4, 1))
    loan = lend(session, "cif", fed.vo, fed.shg, 50_000, 12, date(2026, 4, 10))
    keeper = signed_in(session, client, Role.BOOKKEEPER, institution=fed.clf)
    books = keeper.page(f"/institutions/{fed.shg.id}/books")
    path = f"/facilities/{loan.id}/repay"
    assert f'href="{path}"' in books
    assert "Still owed: ₹50,000.00" in keeper.page(path)
    over, _ = _send(keeper, path, amount="1,00,000", value_date="10-05-2026")
    assert over.status_code == 422
    _plain(_text(over))
    vo_bank = fed.account(session, fed.vo, "bank")
    vo_before = vo_bank.balance_paise
    paid, data = _send(keeper, path, amount="5,000", value_date="10-05-2026")
    assert paid.status_code == 303
    assert keeper.post(path, data).location == paid.location
    assert "A repayment of ₹5,000.00 is recorded." in keeper.page(paid.location)
    owed = ApiCaller(client, token(session, Role.BOOKKEEPER, fed.clf)).get(
        f"/api/v1/federation-loans/{loan.id}?as_of=2026-05-10"
    )
    # ₹50,000 at 12% a year, monthly: the month's interest, 50,000 × 12% / 12 = ₹500, is paid
    # first; the rest, ₹4,500, comes off the principal.
    assert owed.json["position"]["outstanding"] == "45500.00", owed.json
    session.refresh(vo_bank)
    assert vo_bank.balance_paise - vo_before == 500000  # the VO's book has it too

    # Undone in both books at once: the repayment was posted as a linked set.
    undone, _ = _send(keeper, f"{paid.location}/reverse", reason="Paid to the wrong VO")
    assert undone.status_code == 303, _text(undone)
    session.refresh(vo_bank)
    assert vo_bank.balance_paise == vo_before


def test_repaying_the_bank_loan_refuses_more_than_is_owed(session, client):
    from app.services.lending import bank_loans
    from tests.factories import bank_ready_federation
    from tests.test_bank_loans import sanction

    fed = bank_ready_federation(session)
    facility = sanction(session, fed)
    bank_loans.draw(session, ADMIN, facility, 1_000_000, date(2025, 10, 1), today=LATER)
    keeper = signed_in(session, client, Role.BOOKKEEPER, institution=fed.clf)
    path = f"/facilities/{facility.id}/repay"
    assert f'href="{path}"' in keeper.page(f"/institutions/{fed.shg.id}/books")
    assert "The bank loan&#39;s balance is ₹10,000.00." in keeper.page(path)
    over, _ = _send(keeper, path, amount="10,000.01", value_date="02-10-2025", via="bank")
    assert over.status_code == 422
    assert "Only ₹10,000.00 is owed. Write that amount or less." in _text(over)
    paid, _ = _send(keeper, path, amount="4,000", value_date="02-10-2025", via="bank")
    assert paid.status_code == 303
    assert bank_loans.position(session, facility, date(2025, 10, 2)).owed_paise == 600000


def _figures(page: str, table_id: str) -> list[str]:
    table = re.search(rf'<table class="report[^"]*" id="{table_id}">.*?</table>', page, re.S)
    assert table, table_id
    return re.findall(r"-?₹[0-9,]+\.[0-9]{2}", table[0])


def _inr(rupees: str) -> str:
    whole, frac = rupees.split(".")
    digits = whole.lstrip("-")
    head, last = digits[:-3], digits[-3:]
    groups = re.findall(r"\d{1,2}(?=(?:\d{2})*$)", head) if head else []
    sign = "-" if whole.startswith("-") else ""
    return sign + "₹" + ",".join([*groups, last]) + "." + frac


def test_reports_show_the_apis_figures(session, client, fed, keeper):
    for path, fields in (
        ("bank-deposits", {"amount": "10,000", "value_date": "02-04-2026"}),
        ("bank-withdrawals", {"amount": "2,000", "value_date": "03-04-2026"}),
        ("expenses", {"amount": "150", "value_date": "04-04-2026", "category": "stationery"}),
        ("income", {"amount": "20", "value_date": "04-04-2026", "category": "fines"}),
    ):
        sent, _ = _send(keeper, f"/institutions/{fed.shg.id}/{path}/new", via="cash", **fields)
        assert sent.status_code == 303, _text(sent)
    api = ApiCaller(client, token(session, Role.BOOKKEEPER, fed.clf))
    book = fed.book_id(session, fed.shg)

    trial = keeper.page(f"/institutions/{fed.shg.id}/trial-balance?as_of=30-06-2026")
    answer = api.get(f"/api/v1/books/{book}/trial-balance?as_of=2026-06-30").json
    expected = []
    for row in answer["rows"]:
        expected += [_inr(x) for x in (row["debit"], row["credit"]) if x != "0.00"]
    expected += [_inr(answer["total_debit"]), _inr(answer["total_credit"])]
    assert _figures(trial, "trial-balance") == expected
    assert expected[-2:] == ["₹15,020.00", "₹15,020.00"]  # worked by hand above

    sheet = keeper.page(f"/institutions/{fed.shg.id}/balance-sheet?as_of=30-06-2026")
    answer = api.get(f"/api/v1/books/{book}/balance-sheet?as_of=2026-06-30").json
    for section in ("assets", "liabilities"):
        lines = [_inr(line["amount"]) for line in answer[section]["lines"]]
        assert _figures(sheet, section) == [*lines, _inr(answer[section]["total"])]
    assert _figures(sheet, "assets")[-1] == "₹14,870.00"  # cash 6,870 + bank 8,000
    # Funds, with the surplus not yet closed into one: 15,000 RF + (20 fines - 150 expense).
    funds = [_inr(line["amount"]) for line in answer["funds"]["lines"]]
    right = Decimal(answer["funds"]["total"]) + Decimal(answer["surplus"])
    assert _figures(sheet, "funds") == [*funds, _inr(answer["surplus"]), _inr(f"{right:.2f}")]
    assert _figures(sheet, "funds")[-1] == "₹14,870.00"  # the two sides agree

    ie = keeper.page(f"/institutions/{fed.shg.id}/income-expenditure")
    answer = api.get(f"/api/v1/books/{book}/income-expenditure").json
    assert "From 01-04-2026 to" in ie  # the financial year to date
    for section in ("income", "expenditure"):
        lines = [_inr(line["amount"]) for line in answer[section]["lines"]]
        assert _figures(ie, section) == [*lines, _inr(answer[section]["total"])]
    assert _figures(ie, "income")[-1] == "₹20.00"

    ageing = keeper.page(f"/institutions/{fed.clf.id}/ageing?as_of=30-06-2026")
    answer = api.get(f"/api/v1/institutions/{fed.clf.id}/arrears?as_of=2026-06-30").json
    assert _figures(ageing, "ageing")[:-1] == [_inr(b["outstanding"]) for b in answer["buckets"]]
    assert "Pragati VO" in ageing and "data-print" in trial


def test_the_register_reads_amounts_as_people_type_them(session, fed, keeper):
    first, second = fed.members
    path = f"/shgs/{fed.shg.id}/meetings/new"
    data = {
        "form_key": field_value(keeper.page(path), "form_key"),
        "meeting_date": "05-06-2026",
        "via": "cash",
        "action": "check",
        f"m{first.id}-present": "yes",
        f"m{first.id}-savings": "₹1,500/-",
        f"m{second.id}-present": "yes",
        f"m{second.id}-savings": "१००",
    }
    checked = keeper.post(path, data)
    assert checked.status_code == 200, _text(checked)
    assert "The figures check out: savings ₹1,600.00" in _text(checked)

    refused = keeper.post(path, {**data, f"m{second.id}-savings": "1.500.00"})
    assert refused.status_code == 422
    row = re.search(rf'<tr id="row-{second.id}" class="bad">.*?</tr>', _text(refused), re.S)
    # The register says it as every page says an unreadable amount (plain_problem), in her
    # language: never the API's words.
    plain = "Savings: write the amount in rupees, such as 1500 or 1500.50."
    assert row and plain in row[0] and "decimal string" not in row[0]


def test_a_member_is_enrolled_then_her_kyc_recorded_without_her_full_aadhaar(session, fed, keeper):
    from app.services.federation import kyc
    from models.institutions import Member

    path = f"/shgs/{fed.shg.id}/members/new"
    assert 'href="' + path + '"' in keeper.page(f"/shgs/{fed.shg.id}")
    enrolled, data = _send(keeper, path, name="Kamla Devi", member_code="D-07", pin_code="834001")
    assert enrolled.status_code == 303, _text(enrolled)
    assert keeper.post(path, data).location == enrolled.location  # enrolled once
    kamla = session.scalars(select(Member).where(Member.name == "Kamla Devi")).one()
    assert enrolled.location == f"/members/{kamla.id}/edit"
    shown = keeper.page(enrolled.location)
    assert "Kamla Devi is enrolled in Durga SHG." in shown
    assert "her record needs:" in shown and "date of birth" in shown  # what reporting lacks
    assert kyc.kyc_of(session, ADMIN, kamla.id).pin_code == "834001"

    edit = enrolled.location
    aadhaar = "2345 6789 0124"  # a 12-digit number, typed whole into the wrong box
    refused, _ = _send(
        keeper, edit, name="Kamla Devi", voter_id=aadhaar, aadhaar_last4="0124", pin_code="834001"
    )
    assert refused.status_code == 422
    page = _text(refused)
    assert "A full Aadhaar number is never kept." in page
    assert "2345" not in page and "6789" not in page  # never drawn back into the form
    refused, _ = _send(
        keeper, edit, name="Kamla Devi", age_years="35", date_of_birth="", pin_code="012345"
    )
    assert refused.status_code == 422
    page = _text(refused)
    # Beside "Date that age was given": what to do, the other field called by its label.
    assert "Fill this in too: it goes with “Age in years, if the date of birth is not known”." in (
        page.replace("&#34;", '"')
    )
    assert "age_as_on" not in re.sub(r'name="[^"]*"', "", page)
    assert "Must be a 6-digit PIN code" in page

    saved, _ = _send(
        keeper,
        edit,
        name="Kamla Mahto",
        date_of_birth="02-03-1985",
        gender="female",
        aadhaar_last4="0124",
        pin_code="834001",
        state_code="JH",
    )
    assert saved.status_code == 303
    assert "Kamla Mahto&#39;s record is saved." in keeper.page(saved.location)
    reading = kyc.kyc_of(session, ADMIN, kamla.id)
    assert (reading.date_of_birth, reading.aadhaar_last4, reading.version) == (
        date(1985, 3, 2),
        "0124",
        2,
    )
    session.refresh(kamla)
    assert kamla.name == "Kamla Mahto"

    other = make_federation(session, state_code="OD")
    assert keeper.get(f"/shgs/{other.shg.id}/members/new").status_code == 404
    assert keeper.get(f"/members/{other.members[0].id}/edit").status_code == 404
