"""The Microfinance Data Sharing File Format (Including SHG): the one module that owns it.

What the format is, as data (`bureau_format.json`): the segments HDR, GRPCRD, CNSCRD, ADRCRD,
ACTCRD and TRL of RBI's Annex II (RBI/2015-16/424, DBR.CID.BC.No.104/20.16.56/2015-16, 16 June
2016, which put SHG members into the Microfinance format of DBOD.No.CID.BC.127/20.16.056/
2013-14, 27 June 2014), each body segment's fields in order with name, mandatory flag, type,
maximum length and code list, and the fixed-width header and trailer. Annex II's segment table
was read; its field tables were not, so field order, lengths and flags come from public
implementations that agree with each other and with CRIF High Mark's own sample file (CRIF's
Microfinance Data File Format v2.0, November 2023, gives the revisions). The sources and every
point they leave open are in the JSON file and the README.

Here: the writer (records to bytes), the parser (bytes to records) and the validator (every
mandatory field present, lengths, types, dates as DDMMYYYY, digits, codes), all pure. The
physical conventions the sources leave open (line ending, header on its own line, GRPCRD's
fields) come in a `Layout` built from the settings (`models/bureau_settings.py`).

Body layout, as in CRIF's sample and every implementation: `TAG|f1|f2|...|fN|`, every field
followed by the separator, the last one included, so the next tag follows at once; one
physical line per member and account: `CNSCRD|...|ADRCRD|...|ACTCRD|...|`.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any

# Characters no value may carry: the separators the annex allows (it names "¬" as ASCII 170,
# which it is only in old DOS code pages), and line breaks.
FORBIDDEN = frozenset("|~¬\r\n")
DATE_FORMAT = "%d%m%Y"


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str
    mandatory: str  # "Y", "N", or "C": mandatory for accounts disbursed from a date on
    kind: str  # "A" text, "N" digits, "D" date DDMMYYYY, "C" a code of `codes`
    max_length: int
    codes: str | None = None
    allowed: frozenset[str] = frozenset()  # the code list's values (kind "C")


@dataclass(frozen=True)
class SegmentSpec:
    tag: str
    fields: tuple[FieldSpec, ...]

    def field(self, key: str) -> FieldSpec:
        return next(f for f in self.fields if f.key == key)


@dataclass(frozen=True)
class FixedSpec:
    """A fixed-width record (HDR, TRL): (key, 1-based start, length) slots."""

    slots: tuple[tuple[str, int, int], ...]
    dates: tuple[str, ...]

    @property
    def width(self) -> int:
        return max(start + length - 1 for _, start, length in self.slots)


@dataclass(frozen=True)
class FormatSpec:
    header: FixedSpec
    trailer: FixedSpec
    segments: dict[str, SegmentSpec]
    codes: dict[str, frozenset[str]]
    conditional_field: str
    conditional_from: date


@dataclass(frozen=True)
class Layout:
    """The physical conventions of one file (settings; OPEN-3 and OPEN-4 in the README)."""

    separator: str = "|"
    line_ending: str = "\r\n"
    header_on_own_line: bool = True
    header_length: int = 170
    trailer_length: int = 41
    group: SegmentSpec | None = None  # GRPCRD's fields, when a bank gives them


Values = dict[str, str]
Segment = tuple[str, Values]  # a tag and its values by field key


@dataclass(frozen=True)
class CdfFile:
    header: Values
    lines: tuple[tuple[Segment, ...], ...]  # body lines, each its segments in order
    trailer: Values


@dataclass(frozen=True)
class Problem:
    line: int  # the physical line, 1-based (0: not yet written)
    segment: str
    field: str
    reason: str


class FormatError(ValueError):
    """A file whose structure cannot be read (not a field's value: see `validate`)."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line, self.reason = line, reason


def _segment(tag: str, rows: list[list[Any]], codes: dict[str, frozenset[str]]) -> SegmentSpec:
    fields = []
    for r in rows:
        named = r[5] if len(r) > 5 else None
        allowed = codes[named] if named else frozenset()
        fields.append(
            FieldSpec(str(r[0]), str(r[1]), str(r[2]), str(r[3]), int(r[4]), named, allowed)
        )
    return SegmentSpec(tag, tuple(fields))


def _fixed(raw: dict[str, Any]) -> FixedSpec:
    slots = tuple((str(k), int(s), int(n)) for k, s, n in raw["slots"])
    return FixedSpec(slots, tuple(raw["dates"]))


@cache
def format_spec() -> FormatSpec:
    raw = json.loads(resources.files(__package__).joinpath("bureau_format.json").read_text("utf-8"))
    condition = raw["conditional"]
    codes = {name: frozenset(values) for name, values in raw["codes"].items()}
    return FormatSpec(
        header=_fixed(raw["header"]),
        trailer=_fixed(raw["trailer"]),
        segments={tag: _segment(tag, rows, codes) for tag, rows in raw["segments"].items()},
        codes=codes,
        conditional_field=str(condition["field"]),
        conditional_from=datetime.strptime(condition["on_or_after"], DATE_FORMAT).date(),  # noqa: DTZ007
    )


# --- values -------------------------------------------------------------------------------


def clean(text: str | None) -> str:
    """A value as the file can carry it: letters folded to ASCII (OPEN-6: "Sunītā" is
    "Sunita"; a script with no Latin form folds to nothing and then fails as missing),
    separators and line breaks dropped, runs of spaces made one."""
    if not text:
        return ""
    if not (text.isascii() and text.isprintable() and FORBIDDEN.isdisjoint(text)):
        folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
        text = "".join(c if c.isprintable() and c not in FORBIDDEN else " " for c in folded)
    return " ".join(text.split())


def ddmmyyyy(day: date | None) -> str:
    return day.strftime(DATE_FORMAT) if day else ""


def read_date(text: str) -> date | None:
    """DDMMYYYY as a date; None when it is not one."""
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[4:]), int(text[2:4]), int(text[:2]))
    except ValueError:
        return None


def whole_rupees(paise: int) -> str:
    """Paise as whole rupees, rounded half up, no separators or sign (OPEN-7)."""
    if paise < 0:
        raise ValueError("the format carries no negative amounts")
    return str((paise + 50) // 100)


def days_field(days: int, width: int = 3) -> str:
    """Days past due zero-padded to the field's width, at most all nines (OPEN-24)."""
    return str(min(max(days, 0), 10**width - 1)).zfill(width)


# --- writing ------------------------------------------------------------------------------


def fixed_record(spec: FixedSpec, values: Mapping[str, str], width: int) -> str:
    """A fixed-width record: each slot's value left-justified and space-filled (a value too
    long for its slot is refused, never cut), then spaces to `width`."""
    chars = [" "] * width
    for key, start, length in spec.slots:
        value = values.get(key, "")
        if len(value) > length or not value.isascii():
            raise ValueError(f"{key} {value!r} does not fit its {length} ASCII characters")
        chars[start - 1 : start - 1 + len(value)] = list(value)
    return "".join(chars)


def segment_text(spec: SegmentSpec, values: Mapping[str, str], separator: str) -> str:
    """`TAG|f1|...|fN|`: every field in order, each followed by the separator."""
    text = separator.join([spec.tag, *(values.get(f.key, "") for f in spec.fields)]) + separator
    if (
        text.count(separator) != len(spec.fields) + 1
        or not text.isascii()
        or any(c in text for c in FORBIDDEN - {separator})
    ):
        raise ValueError(f"a value of {spec.tag} holds a separator, line break or non-ASCII")
    return text


def segments_of(layout: Layout) -> dict[str, SegmentSpec]:
    segments = dict(format_spec().segments)
    if layout.group is not None:
        segments["GRPCRD"] = layout.group
    return segments


def write(cdf: CdfFile, layout: Layout) -> bytes:
    """The file's bytes: HDR, the body lines, TRL, each line ended by the layout's ending."""
    specs = segments_of(layout)
    header = fixed_record(format_spec().header, cdf.header, layout.header_length)
    body = [
        "".join(segment_text(specs[tag], values, layout.separator) for tag, values in line)
        for line in cdf.lines
    ]
    if layout.header_on_own_line or not body:
        lines = [header, *body]
    else:
        lines = [header + body[0], *body[1:]]
    lines.append(fixed_record(format_spec().trailer, cdf.trailer, layout.trailer_length))
    return "".join(line + layout.line_ending for line in lines).encode("ascii")


# --- reading ------------------------------------------------------------------------------


def _read_fixed(spec: FixedSpec, text: str) -> Values:
    return {key: text[start - 1 : start - 1 + length].rstrip() for key, start, length in spec.slots}


def _read_body(number: int, text: str, specs: Mapping[str, SegmentSpec], sep: str) -> list[Segment]:
    tokens = text.split(sep)
    if tokens[-1] != "":
        raise FormatError(number, f"a segment must end with {sep!r}")
    segments, i = [], 0
    while i < len(tokens) - 1:
        spec = specs.get(tokens[i])
        if spec is None:
            raise FormatError(number, f"{tokens[i]!r} is not a segment tag where one must start")
        end = i + 1 + len(spec.fields)
        if end > len(tokens) - 1:
            raise FormatError(number, f"{spec.tag} has fewer than its {len(spec.fields)} fields")
        values = tokens[i + 1 : end]
        segments.append((spec.tag, {f.key: v for f, v in zip(spec.fields, values, strict=True)}))
        i = end
    return segments


def parse(data: bytes, layout: Layout) -> CdfFile:
    """The file's header, body lines and trailer, each value as written.

    Raises:
        FormatError: not ASCII, no header or trailer, a line that is not segments.
    """
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError as error:
        raise FormatError(0, f"not ASCII (byte {error.start})") from None
    if not text.endswith(layout.line_ending):
        raise FormatError(0, "the last line has no line ending")
    lines = text[: -len(layout.line_ending)].split(layout.line_ending)
    if len(lines) < 2 or not lines[0].startswith("HDR") or not lines[-1].startswith("TRL"):
        raise FormatError(1, "a file starts with HDR and ends with TRL")
    specs = segments_of(layout)
    width = layout.header_length
    header, first = lines[0][:width], lines[0][width:]
    body = [first] if first else []
    body.extend(lines[1:-1])
    offset = 1 if first else 2  # the physical line of body[0]
    return CdfFile(
        header=_read_fixed(format_spec().header, header),
        lines=tuple(
            tuple(_read_body(n + offset, line, specs, layout.separator))
            for n, line in enumerate(body)
        ),
        trailer=_read_fixed(format_spec().trailer, lines[-1]),
    )


# --- validating ---------------------------------------------------------------------------


def _required(spec: FieldSpec, values: Mapping[str, str]) -> bool:
    if spec.mandatory == "Y":
        return True
    if spec.mandatory != "C":
        return False
    rule = format_spec()
    opened = read_date(values.get(rule.conditional_field, ""))
    return opened is not None and opened >= rule.conditional_from


def field_problem(spec: FieldSpec, value: str, values: Mapping[str, str]) -> str | None:
    """Why the value does not fit the field, in words; None when it does."""
    if value == "":
        return "is mandatory" if _required(spec, values) else None
    if len(value) > spec.max_length:
        return f"is {len(value)} characters long; at most {spec.max_length}"
    if not (value.isascii() and value.isprintable() and FORBIDDEN.isdisjoint(value)):
        return "must be printable ASCII without separators"
    if spec.kind == "N" and not value.isdigit():
        return "must be digits only"
    if spec.kind == "D" and read_date(value) is None:
        return "must be a date as DDMMYYYY"
    if spec.kind == "C" and value not in spec.allowed:
        return f"{value!r} is not a code of {spec.codes}"
    return None


def segment_problems(spec: SegmentSpec, values: Mapping[str, str], line: int = 0) -> list[Problem]:
    problems = []
    for f in spec.fields:
        value = values.get(f.key, "")
        if not value and f.mandatory == "N":
            continue  # most fields: optional and empty
        reason = field_problem(f, value, values)
        if reason is not None:
            problems.append(Problem(line, spec.tag, f.key, reason))
    return problems


def _fixed_problems(tag: str, values: Values, line: int) -> list[Problem]:
    spec = format_spec().header if tag == "HDR" else format_spec().trailer
    problems = [Problem(line, tag, "segment", "wrong tag")] if values["segment"] != tag else []
    problems += [
        Problem(line, tag, key, "must be a date as DDMMYYYY")
        for key in spec.dates
        if read_date(values[key]) is None
    ]
    return problems


MEMBER_LINE = ["CNSCRD", "ADRCRD", "ACTCRD"]


def _order_problems(tags: list[str], line: int) -> list[Problem]:
    """A body line holds a member, one or more addresses and one or more accounts (S3's
    occurrences), or a group alone (GRPCRD, where the layout has its fields)."""
    squeezed = [t for i, t in enumerate(tags) if i == 0 or tags[i - 1] != t]
    if squeezed in (MEMBER_LINE, ["GRPCRD"]):
        return []
    return [Problem(line, tags[0] if tags else "", "", "segments out of order: " + " ".join(tags))]


def validate(cdf: CdfFile, layout: Layout) -> list[Problem]:
    """Every problem of a parsed file: header and trailer, the order of segments on each
    line, and every field's presence, length, type and code."""
    specs = segments_of(layout)
    problems = _fixed_problems("HDR", cdf.header, 1)
    first = 2 if layout.header_on_own_line else 1
    for n, line in enumerate(cdf.lines, start=first):
        problems += _order_problems([tag for tag, _ in line], n)
        for tag, values in line:
            problems += segment_problems(specs[tag], values, n)
    last = len(cdf.lines) + first
    problems += _fixed_problems("TRL", cdf.trailer, last)
    if cdf.trailer.get("member_id") != cdf.header.get("member_id"):
        problems.append(Problem(last, "TRL", "member_id", "differs from the header's"))
    return problems
