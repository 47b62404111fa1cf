"""The ledger's tables keyed by state: `state_code` on postings (its book's), and every unique
key and reference among books, accounts, entry sets, journal entries and postings carrying it.
Issue 18: on a deployment distributed by state, a unique key must include the distribution
column and a foreign key between distributed tables must name it on both sides
(docs/scaling.md, "Before distributing").

Postings keep the same-book guarantee: a posting refers to its entry by (entry_id, book_id,
state_code) and to its account by (account_id, book_id, state_code), so the parents' (id,
book_id) keys become (id, book_id, state_code). An account's parent and member, an entry's
reversed entry and a set's reversed set are referred to by (x_id, state_code). Unique keys
keep their columns and gain `state_code` last: the same rows are unique (a book, an entry, an
account is in one state), and each key's index keeps the prefix the queries that do not name
the state yet use (`(book_id, seq)` pages a book's entries in order).

Existing postings take their book's state. Postings, entries and sets are append-only: their
guards are set aside while they are filled or copied (on SQLite every key change copies the
table). On PostgreSQL the postings' foreign keys are dropped before the parents' keys they
depend on, and made again after.

PostgreSQL's seal functions (migration 0001: a posting into a sealed entry is refused; an entry
row seals its postings) read the entry, its postings and its book by their state too: a
statement that names the state is one state's, from a trigger as from a request. SQLite's
triggers are left as they are: SQLite is never distributed.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-03 20:30:00
"""

from dataclasses import dataclass

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

from migrations.guards import set_aside

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

STATE = "state_code"


def _keyed(columns: tuple[str, ...], with_state: bool) -> list[str]:
    """The key's columns, with the state last or without it."""
    return [*columns, STATE] if with_state else list(columns)


@dataclass(frozen=True)
class Unique:
    table: str
    columns: tuple[str, ...]

    def name(self, with_state: bool) -> str:
        return f"uq_{self.table}_{'_'.join(_keyed(self.columns, with_state))}"

    def keyed(self, with_state: bool) -> list[str]:
        return _keyed(self.columns, with_state)


@dataclass(frozen=True)
class Reference:
    table: str
    columns: tuple[str, ...]
    parent: str
    parent_columns: tuple[str, ...]
    deferred: bool = False

    def name(self, with_state: bool) -> str:
        return f"fk_{self.table}_{'_'.join(_keyed(self.columns, with_state))}_{self.parent}"

    def create(self, batch_op: BatchOperations, with_state: bool) -> None:
        batch_op.create_foreign_key(
            self.name(with_state),
            self.parent,
            _keyed(self.columns, with_state),
            _keyed(self.parent_columns, with_state),
            # A posting is written before its entry, which seals it (migration 0001).
            **({"deferrable": True, "initially": "DEFERRED"} if self.deferred else {}),
        )


# The ledger's tables but postings: the unique keys and references of each that gain the state.
TABLES: dict[str, tuple[tuple[Unique, ...], tuple[Reference, ...]]] = {
    "books": ((Unique("books", ("institution_id",)),), ()),
    "entry_sets": (
        (Unique("entry_sets", ("reverses_set_id",)),),
        (Reference("entry_sets", ("reverses_set_id",), "entry_sets", ("id",)),),
    ),
    "accounts": (
        (
            Unique("accounts", ("book_id", "code")),
            Unique("accounts", ("book_id", "role")),
            Unique("accounts", ("id", "book_id")),
        ),
        (
            Reference("accounts", ("member_id",), "members", ("id",)),
            Reference("accounts", ("parent_id",), "accounts", ("id",)),
        ),
    ),
    "journal_entries": (
        (
            Unique("journal_entries", ("book_id", "seq")),
            Unique("journal_entries", ("id", "book_id")),
            Unique("journal_entries", ("reverses_entry_id",)),
        ),
        (Reference("journal_entries", ("reverses_entry_id",), "journal_entries", ("id",)),),
    ),
}

POSTINGS_UNIQUE = Unique("postings", ("entry_id", "line_no"))
POSTINGS_REFERENCES = (
    Reference(
        "postings", ("entry_id", "book_id"), "journal_entries", ("id", "book_id"), deferred=True
    ),
    Reference("postings", ("account_id", "book_id"), "accounts", ("id", "book_id")),
)


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _rekey(table: str, with_state: bool) -> None:
    """Swap the table's keys: to the ones with the state (`with_state`) or back."""
    uniques, references = TABLES[table]
    with set_aside(table), op.batch_alter_table(table, schema=None) as batch_op:
        for reference in references:
            batch_op.drop_constraint(reference.name(not with_state), type_="foreignkey")
        for unique in uniques:
            batch_op.drop_constraint(unique.name(not with_state), type_="unique")
            batch_op.create_unique_constraint(unique.name(with_state), unique.keyed(with_state))
        for reference in references:
            reference.create(batch_op, with_state)


def _drop_postings_references_on_postgresql(with_state: bool) -> None:
    """PostgreSQL refuses to drop a unique key a foreign key depends on: the postings' go first.
    SQLite has no such dependency; there they are dropped in the postings' one copy."""
    if _postgresql():
        for reference in POSTINGS_REFERENCES:
            op.drop_constraint(reference.name(with_state), "postings", type_="foreignkey")


# PostgreSQL's seal functions as migration 0001 made them, where {state} is "", and reading
# by the state, where it is BY_STATE.
BY_STATE = " AND state_code = NEW.state_code"
SEAL_FUNCTIONS = (
    """
    CREATE OR REPLACE FUNCTION bahi_refuse_posting_into_sealed_entry() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM journal_entries WHERE id = NEW.entry_id{state}) THEN
        RAISE EXCEPTION 'bahi: entry % is already posted; postings cannot be added', NEW.entry_id
          USING ERRCODE = 'restrict_violation';
      END IF;
      RETURN NEW;
    END $$
    """,
    """
    CREATE OR REPLACE FUNCTION bahi_seal_entry() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      n integer; total bigint; other_dates integer; closed date;
    BEGIN
      SELECT count(*), coalesce(sum(delta_paise), 0),
             count(*) FILTER (WHERE value_date <> NEW.value_date)
        INTO n, total, other_dates
        FROM postings WHERE entry_id = NEW.id{state};
      IF n < 2 THEN
        RAISE EXCEPTION 'bahi: entry % has % postings; at least two are needed', NEW.id, n
          USING ERRCODE = 'check_violation';
      END IF;
      IF total <> 0 THEN
        RAISE EXCEPTION 'bahi: entry % is unbalanced: debits exceed credits by % paise',
          NEW.id, total
          USING ERRCODE = 'check_violation';
      END IF;
      IF n <> NEW.posting_count OR other_dates > 0 THEN
        RAISE EXCEPTION 'bahi: entry % does not match its postings', NEW.id
          USING ERRCODE = 'check_violation';
      END IF;
      SELECT closed_through INTO closed FROM books WHERE id = NEW.book_id{state};
      IF closed IS NOT NULL AND NEW.value_date <= closed THEN
        RAISE EXCEPTION 'bahi: book % is closed through %', NEW.book_id, closed
          USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$
    """,
)


def _seal_functions(by_state: bool) -> None:
    if _postgresql():
        for function in SEAL_FUNCTIONS:
            op.execute(function.format(state=BY_STATE if by_state else ""))


def upgrade() -> None:
    with set_aside("postings"):
        op.add_column("postings", sa.Column(STATE, sa.String(length=4), nullable=True))
        op.execute(
            "UPDATE postings SET state_code ="
            " (SELECT b.state_code FROM books b WHERE b.id = postings.book_id)"
        )
    _drop_postings_references_on_postgresql(with_state=False)
    for table in TABLES:
        _rekey(table, with_state=True)
    with set_aside("postings"), op.batch_alter_table("postings", schema=None) as batch_op:
        batch_op.alter_column(STATE, existing_type=sa.String(length=4), nullable=False)
        if not _postgresql():
            for reference in POSTINGS_REFERENCES:
                batch_op.drop_constraint(reference.name(False), type_="foreignkey")
        batch_op.drop_constraint(POSTINGS_UNIQUE.name(False), type_="unique")
        batch_op.create_unique_constraint(POSTINGS_UNIQUE.name(True), POSTINGS_UNIQUE.keyed(True))
        for reference in POSTINGS_REFERENCES:
            reference.create(batch_op, with_state=True)
    _seal_functions(by_state=True)


def downgrade() -> None:
    _seal_functions(by_state=False)
    _drop_postings_references_on_postgresql(with_state=True)
    for table in reversed(TABLES):
        _rekey(table, with_state=False)
    with set_aside("postings"), op.batch_alter_table("postings", schema=None) as batch_op:
        if not _postgresql():
            for reference in POSTINGS_REFERENCES:
                batch_op.drop_constraint(reference.name(True), type_="foreignkey")
        batch_op.drop_constraint(POSTINGS_UNIQUE.name(True), type_="unique")
        batch_op.create_unique_constraint(POSTINGS_UNIQUE.name(False), POSTINGS_UNIQUE.keyed(False))
        for reference in POSTINGS_REFERENCES:
            reference.create(batch_op, with_state=False)
        batch_op.drop_column(STATE)
