"""Settings of the bureau file (`bureau_settings.json`): the points the sources leave open,
each with its proposed default and marked as an assumption there, and the reporting cycle.

A deployment overrides any top-level key with a JSON file of its own (the same shape, only
the keys it changes): `load_settings(path)`.

Reporting cycle (`cycle_days`): credit information as on the 15th and the last day of each
month (RBI/2024-25/60, DoR.FIN.REC.No.32/20.16.056/2024-25, 8 August 2024, from 1 January
2025, kept by the Master Direction of 6 January 2025). From 1 July 2026 the Amendment
Directions of 4 December 2025 move to the 9th, 16th, 23rd and last day; the setting takes
either list (the README says when to change it).
"""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from models.bureau_format import FieldSpec, Layout, SegmentSpec
from models.money import parse_rupees

# What a GRPCRD field may be filled from (OPEN-3: its field list is a setting).
GROUP_VALUES = (
    "shg_id",
    "shg_name",
    "formed_on",
    "branch_id",
    "account_number",
    "dose",
    "vo_id",
    "clf_id",
    "state",
)


@dataclass(frozen=True)
class HeaderProfile:
    """One CIC's header and trailer values (OPEN-10 to OPEN-12)."""

    name: str
    length: int
    vendor_id: str
    vendor_version: str
    trailer_reserved: str
    structure_indicator: str


@dataclass(frozen=True)
class Membership:
    """A bank at its CIC: which header profile, its member ID there, its short name."""

    profile: str
    member_id: str
    short_name: str | None


@dataclass(frozen=True)
class BureauSettings:
    cycle_days: tuple[int | str, ...]
    separator: str
    line_ending: str
    header_on_own_line: bool
    one_line_per_account: bool
    group: SegmentSpec | None
    format_id: str
    version: str
    profiles: dict[str, HeaderProfile]
    default_profile: str
    banks: dict[str, Membership]
    file_name: str
    centre_identifier: str
    group_identifier: str
    loan_category: str
    gender_codes: dict[str, str]
    marital_codes: dict[str, str]
    key_person_codes: dict[str, str]
    ckyc_label: str
    other_id_labels: dict[str, str]
    phone_type: str
    state_codes: dict[str, str]
    frequency_codes: dict[str, str]
    status_codes: dict[str, str]
    default_loan_purpose: str
    min_shg_facility_exceeding_paise: int
    scheduled: bool

    def profile_values(self, profile: HeaderProfile) -> dict[str, str]:
        """The profile's header and trailer slot values, a value written ">X" right-aligned
        in its slot (CIBIL's "FUTURE" and "END")."""
        widths = {"vendor_id": 30, "vendor_version": 30, "trailer_reserved": 20}
        raw = {
            "vendor_id": profile.vendor_id,
            "vendor_version": profile.vendor_version,
            "trailer_reserved": profile.trailer_reserved,
            "structure_indicator": profile.structure_indicator,
        }
        return {
            key: value[1:].rjust(widths[key]) if value.startswith(">") else value
            for key, value in raw.items()
        }

    def membership(self, ifsc_prefix: str, bank_name: str) -> Membership:
        known = self.banks.get(ifsc_prefix)
        if known is not None:
            return known
        return Membership(self.default_profile, "", bank_name)

    def layout(self, profile: HeaderProfile) -> Layout:
        return Layout(
            separator=self.separator,
            line_ending=self.line_ending,
            header_on_own_line=self.header_on_own_line,
            header_length=profile.length,
            group=self.group,
        )


def _group(rows: list[list[Any]]) -> SegmentSpec | None:
    if not rows:
        return None
    fields = tuple(FieldSpec(str(r[0]), str(r[1]), str(r[2]), str(r[3]), int(r[4])) for r in rows)
    unknown = [f.key for f in fields if f.key not in GROUP_VALUES]
    if unknown:
        raise ValueError(f"grpcrd_fields: Bahi cannot fill {unknown}; it knows {GROUP_VALUES}")
    if any(f.kind not in ("A", "N", "D") or f.mandatory not in ("Y", "N") for f in fields):
        raise ValueError("grpcrd_fields: mandatory is Y or N, type A, N or D")
    return SegmentSpec("GRPCRD", fields)


def _profiles(raw: dict[str, dict[str, Any]]) -> dict[str, HeaderProfile]:
    return {
        name: HeaderProfile(
            name,
            int(p["length"]),
            str(p["vendor_id"]),
            str(p["vendor_version"]),
            str(p["trailer_reserved"]),
            str(p["structure_indicator"]),
        )
        for name, p in raw.items()
    }


def _banks(raw: dict[str, dict[str, Any]]) -> dict[str, Membership]:
    return {
        prefix: Membership(str(b["profile"]), str(b.get("member_id", "")), b.get("short_name"))
        for prefix, b in raw.items()
    }


def _settings(values: dict[str, Any]) -> BureauSettings:
    profiles = _profiles(values["header_profiles"])
    banks = _banks(values["banks"])
    for name in [values["default_header_profile"], *(b.profile for b in banks.values())]:
        if name not in profiles:
            raise ValueError(f"header profile {name!r} is not one of {sorted(profiles)}")
    try:
        str(values["file_name"]).format(bank="JRGB", as_of="15092026")
    except (KeyError, IndexError, ValueError) as error:
        raise ValueError(f"file_name: only {{bank}} and {{as_of}} may be named ({error})") from None
    return BureauSettings(
        cycle_days=tuple(values["cycle_days"]),
        separator=str(values["separator"]),
        line_ending=str(values["line_ending"]),
        header_on_own_line=bool(values["header_on_own_line"]),
        one_line_per_account=bool(values["one_line_per_account"]),
        group=_group(values["grpcrd_fields"]),
        format_id=str(values["format_id"]),
        version=str(values["version"]),
        profiles=profiles,
        default_profile=str(values["default_header_profile"]),
        banks=banks,
        file_name=str(values["file_name"]),
        centre_identifier=str(values["centre_identifier"]),
        group_identifier=str(values["group_identifier"]),
        loan_category=str(values["loan_category"]),
        gender_codes=dict(values["gender_codes"]),
        marital_codes=dict(values["marital_codes"]),
        key_person_codes=dict(values["key_person_codes"]),
        ckyc_label=str(values["ckyc_label"]),
        other_id_labels=dict(values["other_id_labels"]),
        phone_type=str(values["phone_type"]),
        state_codes=dict(values["state_codes"]),
        frequency_codes=dict(values["frequency_codes"]),
        status_codes=dict(values["status_codes"]),
        default_loan_purpose=str(values["default_loan_purpose"]),
        min_shg_facility_exceeding_paise=parse_rupees(str(values["min_shg_facility_exceeding"])),
        scheduled=bool(values["scheduled"]),
    )


def default_values() -> dict[str, Any]:
    """Each setting's value in the shipped file (its provenance stays in the file)."""
    raw = json.loads(
        resources.files(__package__).joinpath("bureau_settings.json").read_text("utf-8")
    )
    return {key: entry["value"] for key, entry in raw.items() if not key.startswith("_")}


@cache
def load_settings(path: str = "") -> BureauSettings:
    """The shipped settings, with the top-level keys of the JSON file at `path` (if any)
    replacing theirs."""
    values = default_values()
    if path:
        overrides = json.loads(Path(path).read_text("utf-8"))
        unknown = sorted(set(overrides) - set(values))
        if unknown:
            raise ValueError(f"{path}: unknown bureau settings {unknown}")
        values.update(overrides)
    return _settings(values)


# --- the reporting cycle --------------------------------------------------------------------


def cycle_dates_of_month(year: int, month: int, days: tuple[int | str, ...]) -> list[date]:
    """The month's reference dates: each listed day, "last" being the month's last day (a
    day past the month's end falls on its last day)."""
    last = calendar.monthrange(year, month)[1]
    return sorted({date(year, month, last if d == "last" else min(int(d), last)) for d in days})


def latest_cycle(day: date, days: tuple[int | str, ...]) -> date:
    """The latest reference date on or before `day`."""
    month_start = day.replace(day=1)
    for start in (month_start, month_start - timedelta(days=1)):
        earlier = [d for d in cycle_dates_of_month(start.year, start.month, days) if d <= day]
        if earlier:
            return earlier[-1]
    raise ValueError(f"no reference date in cycle_days {days}")


def previous_cycle(day: date, days: tuple[int | str, ...]) -> date:
    """The latest reference date strictly before `day`."""
    return latest_cycle(day - timedelta(days=1), days)
