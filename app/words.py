"""The words a page shows for the codes the books keep (a flag's status, a loan's fund, an
institution's kind), in the reader's language.

The books and the API keep the codes (`written_off`, `bank_loan`); a page shows
`{{ value|word }}`. A code not listed here is shown as it is.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

WORDS = {
    # An idle-fund flag's status.
    "open": _l("open"),
    "opened": _l("opened"),
    "acknowledged": _l("acknowledged"),
    "explained": _l("explained"),
    "resolved": _l("resolved"),
    "escalated": _l("escalated"),
    # An audit run's status and what started it.
    "running": _l("running"),
    "succeeded": _l("finished"),
    "failed": _l("failed"),
    "schedule": _l("on schedule"),
    "on_demand": _l("on demand"),
    # A loan's status.
    "active": _l("running"),
    "closed": _l("closed"),
    "cancelled": _l("cancelled"),
    "written_off": _l("written off"),
    # Institutions.
    "state": _l("state"),
    "district": _l("district"),
    "block": _l("block"),
    "clf": _l("CLF"),
    "vo": _l("VO"),
    "shg": _l("SHG"),
    # Funds and where a loan's money came from.
    "own": _l("own funds"),
    "cif": _l("CIF"),
    "vrf": _l("VRF"),
    "bank_loan": _l("bank loan"),
    "revolving_fund": _l("Revolving Fund"),
    "startup_fund": _l("Start-up Fund"),
    # Loan terms.
    "monthly": _l("monthly"),
    "fortnightly": _l("fortnightly"),
    "weekly": _l("weekly"),
    "per_month": _l("per month"),
    "per_annum": _l("per year"),
    "declining": _l("reducing balance"),
    "flat": _l("flat"),
    # Where the money is held, and where a meeting came from.
    "cash": _l("cash"),
    "bank": _l("bank"),
    "web": _l("register page"),
    "csv": _l("meeting sheet"),
    # What a consent lets a bank read her record for (models/credit.py PURPOSES).
    "Appraisal of an individual loan application": _l(
        "Appraisal of an individual loan application"
    ),
    "Appraisal of her SHG's bank loan": _l("Appraisal of her SHG’s bank loan"),
    "Monitoring of a loan the bank has lent her": _l("Monitoring of a loan the bank has lent her"),
    "individual_loan": _l("individual loan"),
    "group_loan": _l("SHG’s bank loan"),
    "loan_monitoring": _l("loan monitoring"),
    # The bands of a payment strip (app/formats.py DPD_BANDS keeps the English for PDFs).
    "on time": _l("on time"),
    "1-30 days late": _l("1-30 days late"),
    "31-60 days late": _l("31-60 days late"),
    "61-90 days late": _l("61-90 days late"),
    "over 90 days late": _l("over 90 days late"),
    "no loan running": _l("no loan running"),
}


def word(value: object) -> str:
    """The reader's word for a code the books keep; the code itself when none is listed."""
    code = str(getattr(value, "value", value))
    return str(WORDS.get(code, code))
