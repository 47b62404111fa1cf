"""Field types shared by every schema: rupees as decimal strings, bounded ids and text."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.formats import percent
from models.money import MoneyError, format_rupees, parse_rupees

MAX_ID = 10**18  # inside a signed 64-bit integer on both databases


class Rupees(fields.Field):
    """Paise inside, a decimal rupee string outside ("1500.50"). Never a JSON number."""

    def __init__(self, *, allow_negative: bool = False, **kwargs: Any) -> None:
        self.allow_negative = allow_negative
        pattern = r"^-?\d{1,13}(\.\d{1,2})?$" if allow_negative else r"^\d{1,13}(\.\d{1,2})?$"
        kwargs.setdefault("metadata", {}).update(
            {"type": "string", "pattern": pattern, "example": "1500.50"}
        )
        super().__init__(**kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else format_rupees(int(value))

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        try:
            return parse_rupees(value, allow_negative=self.allow_negative)
        except MoneyError as error:
            raise ValidationError(str(error)) from None


# Published in the OpenAPI document as each text field's pattern: no control characters
# but the tab (no NUL, no line breaks).
NO_CONTROL_CHARACTERS = "^[^\\u0000-\\u0008\\u000a-\\u001f]*$"


def _no_control_characters(text: str) -> None:
    if any(ord(c) < 32 and c not in "\t" for c in text):
        raise ValidationError("must not contain control characters")


def Text(max_length: int, *, min_length: int = 1, **kwargs: Any) -> fields.String:
    """A bounded single-line string (no NUL or other control characters)."""
    kwargs.setdefault("metadata", {}).setdefault("pattern", NO_CONTROL_CHARACTERS)
    return fields.String(
        validate=[validate.Length(min=min_length, max=max_length), _no_control_characters], **kwargs
    )


def Month(**kwargs: Any) -> fields.String:
    """A calendar month as "2026-10"."""
    pattern = "^(19[0-9]{2}|2[01][0-9]{2}|2200)-(0[1-9]|1[0-2])$"
    kwargs.setdefault("metadata", {}).update({"pattern": pattern})
    kwargs["metadata"].setdefault("example", "2026-10")
    return fields.String(
        validate=validate.Regexp(
            pattern, error='must be a month from 1900-01 to 2200-12, as "2026-10"'
        ),
        **kwargs,
    )


def Id(*, strict: bool = True, **kwargs: Any) -> fields.Integer:
    """A row id, strict in JSON bodies: 5.5 is refused, not truncated. Queries use QueryId."""
    return fields.Integer(strict=strict, validate=validate.Range(min=1, max=MAX_ID), **kwargs)


def QueryId(**kwargs: Any) -> fields.Integer:
    return Id(strict=False, **kwargs)


def Limit() -> fields.Integer:
    return fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


def Enum(values: list[str], **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.OneOf(values), **kwargs)


class ChangeSchema(Schema):
    """The body of a PATCH: the fields to change, at least one (an empty change is refused)."""

    @validates_schema
    def _something_to_change(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if not data:
            raise ValidationError("send at least one field to change", field_name="body")


class SafeDate(fields.Date):
    """An ISO date within years 1900-2200: older or later dates are typing mistakes."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = kwargs.setdefault("metadata", {})
        metadata.setdefault("pattern", "^(19[0-9]{2}|2[01][0-9]{2}|2200)-[0-9]{2}-[0-9]{2}$")
        description = metadata.get("description")
        range_note = "a date from 1900-01-01 to 2200-12-31"
        metadata["description"] = f"{description} ({range_note})" if description else range_note
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        day = super()._deserialize(value, attr, data, **kwargs)
        if not 1900 <= day.year <= 2200:
            raise ValidationError("must be a date between 1900 and 2200")
        return day


class Percent(fields.Field):
    """A rate in percent as a decimal string ("2.00"), held as whole basis points (200)."""

    PATTERN = r"^\d{1,3}(\.\d{1,2})?$"

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("metadata", {}).update(
            {"type": "string", "pattern": self.PATTERN, "example": "2.00"}
        )
        super().__init__(**kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else percent(int(value))

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        import re

        if not isinstance(value, str) or not re.match(self.PATTERN, value):
            raise ValidationError('must be a percentage as a decimal string, such as "2.00"')
        whole, _, frac = value.partition(".")
        return int(whole) * 100 + int(frac.ljust(2, "0") or "0")
