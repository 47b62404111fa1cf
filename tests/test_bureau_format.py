"""The format module alone: values made fit, the writer, the parser and the validator; and
the reporting cycle's reference dates."""

from __future__ import annotations

from datetime import date

import pytest

from models.bureau_format import (
    CdfFile,
    FormatError,
    Layout,
    clean,
    days_field,
    fixed_record,
    format_spec,
    parse,
    segment_text,
    validate,
    whole_rupees,
    write,
)
from models.bureau_settings import latest_cycle, previous_cycle

FORTNIGHTLY = (15, "last")
FROM_JULY_2026 = (9, 16, 23, "last")


def test_values_are_made_fit_for_the_file():
    assert clean("  Sunītā   Devi|x\r\n~y ") == "Sunita Devi x y"
    assert clean("सुनीता") == "" and clean(None) == ""
    # whole rupees, half up: ₹0.49 is 0, ₹0.50 is 1, ₹2,000.50 is 2001
    assert [whole_rupees(p) for p in (0, 49, 50, 200_050, 1_650_000)] == [
        "0", "0", "1", "2001", "16500",
    ]  # fmt: skip
    with pytest.raises(ValueError):
        whole_rupees(-1)
    assert [days_field(d) for d in (0, 45, 82, 1200)] == ["000", "045", "082", "999"]


def test_the_writer_refuses_what_would_break_the_layout():
    spec = format_spec()
    with pytest.raises(ValueError, match="does not fit"):
        fixed_record(spec.header, {"member_id": "MORE THAN TEN"}, 170)
    with pytest.raises(ValueError, match="separator"):
        segment_text(spec.segments["ADRCRD"], {"permanent_address": "a|b"}, "|")


def minimal(opened="01052026", instalments="12"):
    cns = {
        "member_id": "7", "branch_id": "B", "centre_id": "B", "name_1": "Asha", "age": "30",
        "age_as_on": "15092026", "gender": "F", "marital_status": "M01",
        "key_person_name": "Ravi", "key_person_relation": "K02",
    }  # fmt: skip
    adr = {
        "permanent_address": "Ward 1", "permanent_state": "JH", "permanent_pin": "834001",
        "current_address": "Ward 1", "current_state": "JH", "current_pin": "834001",
    }  # fmt: skip
    act = {
        "account_reference": "A-1", "account_number": "A", "branch_id": "B", "centre_id": "B",
        "information_date": "15092026", "loan_category": "T04", "loan_purpose": "OTHER",
        "account_status": "S04", "disbursed_date": opened, "sanctioned_amount": "100",
        "disbursed_amount": "100", "instalments": instalments, "frequency": "F03",
        "instalment_amount": "10", "current_balance": "50", "amount_overdue": "0",
    }  # fmt: skip
    header = {
        "segment": "HDR", "format_id": "HMMFI", "version": "1.9", "member_id": "M1",
        "reported_date": "15092026", "created_date": "16092026",
    }  # fmt: skip
    trailer = {"segment": "TRL", "format_id": "HMMFI", "version": "1.9", "member_id": "M1"}
    return CdfFile(header, ((("CNSCRD", cns), ("ADRCRD", adr), ("ACTCRD", act)),), trailer)


@pytest.mark.parametrize("own_line", [True, False])
def test_what_is_written_reads_back_the_same(own_line):
    layout = Layout(header_on_own_line=own_line, header_length=171)
    cdf = minimal()
    data = write(cdf, layout)
    assert data.count(b"\r\n") == (3 if own_line else 2)
    back = parse(data, layout)
    assert validate(back, layout) == []
    assert back.lines[0][2][1]["current_balance"] == "50"
    assert back.header["member_id"] == "M1" and back.trailer["member_id"] == "M1"
    assert {k: v for k, v in back.lines[0][0][1].items() if v} == cdf.lines[0][0][1]


def problems_of(cdf):
    layout = Layout()
    return [
        (p.segment, p.field, p.reason) for p in validate(parse(write(cdf, layout), layout), layout)
    ]


def test_the_validator_names_every_field_that_does_not_fit():
    cdf = minimal()
    cns, adr, act = (values for _, values in cdf.lines[0])
    cns.update(name_1="", age="3O", gender="X", birth_date="31022026")
    adr["permanent_state"] = "ZZ"
    act.update(account_number="A" * 36, dpd="1000")
    assert sorted(problems_of(cdf)) == [
        ("ACTCRD", "account_number", "is 36 characters long; at most 35"),
        ("ACTCRD", "dpd", "is 4 characters long; at most 3"),
        ("ADRCRD", "permanent_state", "'ZZ' is not a code of states"),
        ("CNSCRD", "age", "must be digits only"),
        ("CNSCRD", "birth_date", "must be a date as DDMMYYYY"),
        ("CNSCRD", "gender", "'X' is not a code of genders"),
        ("CNSCRD", "name_1", "is mandatory"),
    ]


def test_instalment_fields_are_mandatory_for_loans_from_april_2022():
    """IMPL-1's reading of CRIF v1.9: number of instalments, frequency and instalment amount
    are mandatory for loans disbursed on or after 01-04-2022."""
    assert problems_of(minimal("01042022", "")) == [("ACTCRD", "instalments", "is mandatory")]
    assert problems_of(minimal("31032022", "")) == []


def test_a_file_that_is_not_the_format_is_refused_with_its_line():
    layout = Layout()
    data = write(minimal(), layout)
    with pytest.raises(FormatError, match="HDR"):
        parse(data.replace(b"HDR", b"XXX"), layout)
    with pytest.raises(FormatError, match="not ASCII"):
        parse(data.replace(b"Asha", "Āsha".encode()), layout)
    with pytest.raises(FormatError, match="line 2: ACTCRD has fewer"):
        parse(data.replace(b"|||||||||||\r\nTRL", b"\r\nTRL"), layout)
    with pytest.raises(FormatError, match="line 2: 'XYZ' is not a segment tag"):
        parse(data.replace(b"ADRCRD", b"XYZ"), layout)


def test_segments_out_of_order_and_a_trailer_of_another_member():
    cdf = minimal()
    line = cdf.lines[0]
    swapped = CdfFile(
        cdf.header, ((line[0], line[2], line[1]),), {**cdf.trailer, "member_id": "M2"}
    )
    found = problems_of(swapped)
    assert ("CNSCRD", "", "segments out of order: CNSCRD ACTCRD ADRCRD") in found
    assert ("TRL", "member_id", "differs from the header's") in found


@pytest.mark.parametrize(
    ("days", "today", "latest", "previous"),
    [
        (FORTNIGHTLY, date(2026, 9, 15), date(2026, 9, 15), date(2026, 8, 31)),
        (FORTNIGHTLY, date(2026, 9, 16), date(2026, 9, 15), date(2026, 9, 15)),
        (FORTNIGHTLY, date(2026, 1, 3), date(2025, 12, 31), date(2025, 12, 31)),
        (FORTNIGHTLY, date(2028, 3, 1), date(2028, 2, 29), date(2028, 2, 29)),  # leap year
        (FROM_JULY_2026, date(2026, 7, 10), date(2026, 7, 9), date(2026, 7, 9)),
        (FROM_JULY_2026, date(2026, 7, 1), date(2026, 6, 30), date(2026, 6, 30)),
        (FROM_JULY_2026, date(2026, 7, 31), date(2026, 7, 31), date(2026, 7, 23)),
    ],
)
def test_reference_dates(days, today, latest, previous):
    """RBI/2024-25/60 (8 Aug 2024): the 15th and the month's last day; the Amendment
    Directions of 4 Dec 2025 (from 1 Jul 2026): the 9th, 16th, 23rd and last day."""
    assert latest_cycle(today, days) == latest
    assert previous_cycle(today, days) == previous
