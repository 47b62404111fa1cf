"""A member's KYC: the change a bookkeeper sends (any fields; null clears one), and the
record as it stands, with what it lacks for credit reporting. The patterns and messages are
`app/services/federation/kyc_rules.py`'s, so the document and the service refuse the same values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError, fields, pre_load, validate

from app.schemas.fields import ChangeSchema, Enum, Limit, QueryId, SafeDate
from app.services.federation.kyc_rules import (
    FORMATS,
    MAX_AGE,
    MIN_AGE,
    NAME_FIELDS,
    TEXT_LIMITS,
    given_problems,
    text_reason,
)
from models.kyc import GENDERS, KEY_PERSON_RELATIONS, MARITAL_STATUSES, OTHER_ID_TYPES

# Published for the free-text fields: no control characters; names also no ASCII digits
# (the service refuses a digit of any script).
_NO_CONTROL = "^[^\\u0000-\\u001f\\u007f]+$"
_NAME = "^[^\\u0000-\\u001f\\u007f0-9]+$"


def _checked(field: str, description: str) -> fields.String:
    """A text field checked by the service's own rule for it, its pattern published."""

    def check(value: str) -> None:
        reason = text_reason(field, value)
        if reason is not None:
            raise ValidationError(reason)

    if field in FORMATS:
        pattern = f"^{FORMATS[field].pattern}$"
        limits = {}
    else:
        pattern = _NAME if field in NAME_FIELDS else _NO_CONTROL
        limits = {"minLength": 1, "maxLength": TEXT_LIMITS[field]}
    return fields.String(
        allow_none=True,
        validate=check,
        metadata={"description": description, "pattern": pattern, **limits},
    )


def _choice(values: tuple[str, ...], description: str) -> fields.String:
    return Enum(list(values), allow_none=True, metadata={"description": description})


class KycChangeSchema(ChangeSchema):
    """The fields to change in her KYC; the others keep their latest values. Send null to
    clear a field. A full Aadhaar number is refused in any field: only `aadhaar_last4`."""

    full_name = _checked("full_name", "as on her identity document; no digits")
    date_of_birth = SafeDate(
        allow_none=True,
        metadata={"description": f"she must be {MIN_AGE} to {MAX_AGE} on the day recorded"},
    )
    age_years = fields.Integer(
        strict=True,
        allow_none=True,
        validate=validate.Range(
            MIN_AGE, MAX_AGE, error=f"must be a whole number from {MIN_AGE} to {MAX_AGE}"
        ),
        metadata={"description": "her age on age_as_on, where the date of birth is not known"},
    )
    age_as_on = SafeDate(
        allow_none=True, metadata={"description": "the day her age was given; not in the future"}
    )
    gender = _choice(GENDERS, "gender")
    marital_status = _choice(MARITAL_STATUSES, "marital status")
    key_person_name = _checked("key_person_name", "her husband's or father's name; no digits")
    key_person_relation = _choice(KEY_PERSON_RELATIONS, "who the key person is to her")
    address_line = _checked("address_line", "house, street or hamlet")
    village_or_town = _checked("village_or_town", "village or town")
    district_name = _checked("district_name", "district")
    state_code = _checked("state_code", "must be her SHG's state")
    pin_code = _checked("pin_code", "India Post PIN code")
    phone = _checked("phone", "mobile number, 10 digits without +91 or 0")
    voter_id = _checked("voter_id", "EPIC number (voter ID card)")
    ration_card = _checked("ration_card", "ration card number")
    other_id_type = _choice(OTHER_ID_TYPES, "another KYC document; with other_id_number")
    other_id_number = _checked("other_id_number", "its number; with other_id_type")
    ckyc_number = _checked("ckyc_number", "CKYC identifier (KIN)")
    bank_account_number = _checked("bank_account_number", "her own savings account")
    bank_ifsc = _checked("bank_ifsc", "IFSC of her account's branch")
    aadhaar_last4 = _checked(
        "aadhaar_last4", "only the last four digits: a full Aadhaar number is never kept"
    )

    @pre_load
    def _no_full_aadhaar(self, data: Any, **_kwargs: Any) -> Any:
        """Refuse a full Aadhaar number, and any field a KYC record lacks, before reading."""
        if isinstance(data, Mapping):
            problems = given_problems(data)
            if problems:
                raise ValidationError({p.field: [p.reason] for p in problems})
        return data


class KycHistoryArgsSchema(Schema):
    after = QueryId(metadata={"description": "the version to continue after (newest first)"})
    limit = Limit()


class MissingSchema(Schema):
    field = fields.String(metadata={"description": "e.g. pin_code, date_of_birth_or_age"})
    description = fields.String(metadata={"description": "what it is, in plain words"})


class KycVersionSchema(Schema):
    """One version of her KYC: the whole record as it stood after an edit."""

    member_id = fields.Integer()
    version = fields.Integer(allow_none=True, metadata={"description": "null: none recorded"})
    recorded_at = fields.DateTime(allow_none=True)
    recorded_by = fields.String(allow_none=True)
    full_name = fields.String(allow_none=True)
    date_of_birth = fields.Date(allow_none=True)
    age_years = fields.Integer(allow_none=True)
    age_as_on = fields.Date(allow_none=True)
    gender = fields.String(allow_none=True)
    marital_status = fields.String(allow_none=True)
    key_person_name = fields.String(allow_none=True)
    key_person_relation = fields.String(allow_none=True)
    address_line = fields.String(allow_none=True)
    village_or_town = fields.String(allow_none=True)
    district_name = fields.String(allow_none=True)
    # her address's state (the member's own state is not part of her KYC)
    state_code = fields.String(attribute="address_state_code", allow_none=True)
    pin_code = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    voter_id = fields.String(allow_none=True)
    ration_card = fields.String(allow_none=True)
    other_id_type = fields.String(allow_none=True)
    other_id_number = fields.String(allow_none=True)
    ckyc_number = fields.String(allow_none=True)
    bank_account_number = fields.String(allow_none=True)
    bank_ifsc = fields.String(allow_none=True)
    aadhaar_last4 = fields.String(allow_none=True)


class KycSchema(KycVersionSchema):
    """Her KYC as it stands (every field null before the first version), and what it lacks
    before her record can go to the credit bureaus."""

    missing_for_reporting = fields.List(fields.Nested(MissingSchema))


class KycHistorySchema(Schema):
    items = fields.List(fields.Nested(KycVersionSchema))
    next_after = fields.Integer(allow_none=True)
