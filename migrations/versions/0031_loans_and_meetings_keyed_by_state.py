"""Member loans, their schedules, repayments and write-offs, and meetings with their attendance
and entries, keyed by state (issue 18): on a deployment distributed by state every foreign key
between distributed tables carries `state_code` on both sides, and every primary and unique
key includes it (docs/scaling.md, "Before distributing").

- member_loans has its state already: its keys to the member, the loan's account, its
  disbursement entry and its facility become (…, state_code), and its one-loan-an-account
  key becomes (account_id, state_code).
- meetings takes its SHG's state, is keyed to the SHG by (shg_id, state_code), its key of one
  recording a day becomes (shg_id, state_code, meeting_date, revision), and it gets
  UNIQUE (id, state_code) for its children.
- The five children take their parent's state (the loan's, the meeting's); their keys to it
  and to the member or the journal entry become composite, and their primary keys take
  `state_code` after the parent's id (so the key's index still serves lookups by parent).

Existing rows take their parent's state and nothing else in them changes: a loan's rows, its
member, account and entries are in one SHG's books, so in one state. None of these tables has
triggers; on SQLite each is copied (foreign keys off for the run, migrations/env.py).
Downgrade puts the single-column keys back and drops the added columns.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-03 20:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None

# The distributed parents each table refers to: (its columns, the parent table).
LOAN_KEYS = (
    ("member_id", "members"),
    ("account_id", "accounts"),
    ("disbursement_entry_id", "journal_entries"),
    ("facility_id", "facilities"),
)

# (table, its parent: the column naming it and the table, its other references,
#  its primary key before, its primary key after)
CHILDREN: tuple[tuple[str, str, str, tuple[tuple[str, str], ...], list[str], list[str]], ...] = (
    (
        "loan_instalments",
        "loan_id",
        "member_loans",
        (),
        ["loan_id", "number"],
        ["loan_id", "state_code", "number"],
    ),
    (
        "loan_repayments",
        "loan_id",
        "member_loans",
        (("entry_id", "journal_entries"),),
        ["entry_id", "loan_id"],
        ["entry_id", "state_code", "loan_id"],
    ),
    (
        "loan_write_offs",
        "loan_id",
        "member_loans",
        (("entry_id", "journal_entries"),),
        ["entry_id"],
        ["entry_id", "state_code"],
    ),
    (
        "meeting_attendance",
        "meeting_id",
        "meetings",
        (("member_id", "members"),),
        ["meeting_id", "member_id"],
        ["meeting_id", "state_code", "member_id"],
    ),
    (
        "meeting_entries",
        "meeting_id",
        "meetings",
        (("entry_id", "journal_entries"),),
        ["meeting_id", "entry_id"],
        ["meeting_id", "state_code", "entry_id"],
    ),
)

STATE = sa.String(length=4)

# On SQLite, member_loans' key to its facility has no name in the table's text (0022 added
# it in a column, 0029's copy kept it nameless): the convention names it, so it can be
# dropped by name on both databases.
NAMED_KEYS = {"fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s"}
MEETING_DAY = ["shg_id", "meeting_date", "revision"]
MEETING_DAY_IN_STATE = ["shg_id", "state_code", "meeting_date", "revision"]


def _fk(table: str, column: str, parent: str, composite: bool) -> str:
    """The convention's name (models/base.py), which PostgreSQL's 63-character limit cuts as
    the models' metadata does: `op.f` marks it as already made by the convention."""
    middle = f"{column}_state_code" if composite else column
    return op.f(f"fk_{table}_{middle}_{parent}")


def _to_composite(batch_op, table: str, keys: Sequence[tuple[str, str]]) -> None:
    for column, parent in keys:
        batch_op.drop_constraint(_fk(table, column, parent, False), type_="foreignkey")
        batch_op.create_foreign_key(
            _fk(table, column, parent, True),
            parent,
            [column, "state_code"],
            ["id", "state_code"],
        )


def _to_single(batch_op, table: str, keys: Sequence[tuple[str, str]]) -> None:
    for column, parent in keys:
        batch_op.drop_constraint(_fk(table, column, parent, True), type_="foreignkey")
        batch_op.create_foreign_key(_fk(table, column, parent, False), parent, [column], ["id"])


def _fill_state(table: str, column: str, parent: str) -> None:
    op.add_column(table, sa.Column("state_code", STATE, nullable=True))
    op.execute(
        f"UPDATE {table} SET state_code ="
        f" (SELECT p.state_code FROM {parent} p WHERE p.id = {table}.{column})"
    )


def upgrade() -> None:
    with op.batch_alter_table("member_loans", naming_convention=NAMED_KEYS) as batch_op:
        batch_op.drop_constraint("uq_member_loans_account_id", type_="unique")
        batch_op.create_unique_constraint(
            "uq_member_loans_account_id_state_code", ["account_id", "state_code"]
        )
        _to_composite(batch_op, "member_loans", LOAN_KEYS)

    _fill_state("meetings", "shg_id", "institutions")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.alter_column("state_code", existing_type=STATE, nullable=False)
        batch_op.drop_constraint("uq_meetings_shg_id_meeting_date_revision", type_="unique")
        batch_op.create_unique_constraint(
            "uq_meetings_shg_id_state_code_meeting_date_revision", MEETING_DAY_IN_STATE
        )
        batch_op.create_unique_constraint("uq_meetings_id_state_code", ["id", "state_code"])
        _to_composite(batch_op, "meetings", (("shg_id", "institutions"),))

    for table, column, parent, others, _, key in CHILDREN:
        _fill_state(table, column, parent)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("state_code", existing_type=STATE, nullable=False)
            batch_op.drop_constraint(f"pk_{table}", type_="primary")
            batch_op.create_primary_key(f"pk_{table}", key)
            _to_composite(batch_op, table, ((column, parent), *others))


def downgrade() -> None:
    for table, column, parent, others, key, _ in reversed(CHILDREN):
        with op.batch_alter_table(table, schema=None) as batch_op:
            _to_single(batch_op, table, ((column, parent), *others))
            batch_op.drop_constraint(f"pk_{table}", type_="primary")
            batch_op.create_primary_key(f"pk_{table}", key)
            batch_op.drop_column("state_code")

    with op.batch_alter_table("meetings", schema=None) as batch_op:
        _to_single(batch_op, "meetings", (("shg_id", "institutions"),))
        batch_op.drop_constraint("uq_meetings_id_state_code", type_="unique")
        batch_op.drop_constraint(
            "uq_meetings_shg_id_state_code_meeting_date_revision", type_="unique"
        )
        batch_op.create_unique_constraint("uq_meetings_shg_id_meeting_date_revision", MEETING_DAY)
        batch_op.drop_column("state_code")

    with op.batch_alter_table("member_loans", schema=None) as batch_op:
        _to_single(batch_op, "member_loans", LOAN_KEYS)
        batch_op.drop_constraint("uq_member_loans_account_id_state_code", type_="unique")
        batch_op.create_unique_constraint("uq_member_loans_account_id", ["account_id"])
