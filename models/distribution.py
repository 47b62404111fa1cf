"""Where every table lives when PostgreSQL is distributed by state (issue 18): the one list.

A state's books never touch another state's, so the state is the shard. Each table is:

- **distributed** by `state_code`, all in one co-location group (the state's SHGs, their books,
  loans, meetings, flags and bureau file rows sit on one node, so a request joins them
  locally);
- **reference**: national, small and read far more than written (banks and their branches,
  rules, scoring models, tokens and people), or a national record written rarely (an audit
  run's slot, a bank's bureau file twice a month): copied to every node, so distributed rows
  may refer to them;
- **local**: kept on the coordinator only, never joined with a state's rows (the migration
  stamp, the scheduler's job store, per-token rate and idempotency counters, the access log,
  the queue of import jobs).

Citus accepts a distributed table only if its primary key and every unique key include the
distribution column, and a foreign key between distributed tables only if it includes it on
both sides; a reference or local table may not refer to a distributed one (Citus docs, FAQ
"Can I create primary keys on distributed tables?", docs.citusdata.com/en/v11.1/faq/faq.html;
"Creating and Modifying Distributed Objects (DDL)", foreign keys). Those rules are checked on
the live schema by tests/test_distribution_schema.py; `docs/scaling.md` has the statements.
"""

from __future__ import annotations

from enum import StrEnum


class Placement(StrEnum):
    DISTRIBUTED = "distributed"
    REFERENCE = "reference"
    LOCAL = "local"


DISTRIBUTION_COLUMN = "state_code"

# table -> why it belongs to one state (its owner row)
DISTRIBUTED: dict[str, str] = {
    # the ledger's core
    "institutions": "an SHG, VO or CLF of one state mission",
    "members": "a member of one SHG",
    "books": "one institution's books",
    "accounts": "an account in one book",
    "entry_sets": "entries posted together, all in one state",
    "journal_entries": "an entry in one book",
    "postings": "a line of one entry",
    "period_events": "a period closed or reopened in one book",
    # members' savings and loans, meetings
    "member_loans": "a member's loan from her SHG",
    "loan_instalments": "a line of one loan's schedule",
    "loan_repayments": "one loan's share of an entry",
    "loan_write_offs": "one loan written off by an entry",
    "meetings": "one SHG's meeting",
    "meeting_attendance": "a member at one meeting",
    "meeting_entries": "an entry recorded at one meeting",
    "shg_gradings": "one SHG's grading",
    # capital support, federation and bank lending
    "grants": "a grant inside one state's mission (giver and receiver in the state)",
    "facilities": "a loan or limit to one institution",
    "facility_instalments": "a line of one facility's schedule",
    "facility_movements": "one facility's share of an entry",
    "drawing_powers": "one facility's drawing power",
    "subvention_receipts": "subvention credited on one facility",
    # audit of idle funds
    "idle_flags": "an idle fund of one institution",
    "idle_flag_events": "a step of one flag's workflow",
    "idle_observations": "one flag seen by one run",
    # members' credit
    "member_kyc": "one member's KYC",
    "consents": "one member's consent",
    "credit_enquiries": "an enquiry on one member",
    "credit_scores": "one member's score",
    "livelihood_incomes": "one member's income",
    "bureau_file_shgs": "an SHG's reconciliation in a file, in the SHG's state",
    "bureau_file_members": "a member's line in a file, in the member's state",
}

# table -> why it is national
REFERENCE: dict[str, str] = {
    "banks": "banks are national; every state's facilities and files name them",
    "bank_branches": "a national directory (IFSC unique across India) that facilities refer to",
    "idle_rules": "the idle-fund rules, one set for the country",
    "audit_schedule": "when the idle-fund report runs, one setting",
    "audit_runs": (
        "a national record of one slot, a row a day or so, read with the flags on every node"
        " (idle flags refer to the runs that opened, saw and closed them)"
    ),
    "scoring_models": "readiness scoring models, trained and activated nationally",
    "bureau_files": (
        "a bank's file for one reporting date, a national record of what was sent: one row"
        " per bank and date, written twice a month; its rows (bureau_file_shgs,"
        " bureau_file_members) are distributed with their SHG and member"
    ),
    "api_tokens": "checked on every request before its state is known",
    "people": "people who sign in, checked before their state is known (issue 16)",
}

# table -> why it stays on the coordinator
LOCAL: dict[str, str] = {
    "alembic_version": "the schema's version stamp",
    "scheduler_jobs": "APScheduler's job store, used by the scheduler process alone",
    "throttle_windows": "rate-limit counters per token, written on every request",
    "idempotency_records": "replies kept per token and key, written on every write",
    "access_log": "one row per request, append-only, read by national admins",
    "import_jobs": (
        "a queue of uploaded files and their outcomes, claimed by the import worker; it refers"
        " only to api_tokens and nothing refers to it (the import's writes name their states)"
    ),
}


def placement(table: str) -> Placement | None:
    """Where a table lives, or None for a table nobody has placed yet."""
    if table in DISTRIBUTED:
        return Placement.DISTRIBUTED
    if table in REFERENCE:
        return Placement.REFERENCE
    if table in LOCAL:
        return Placement.LOCAL
    return None
