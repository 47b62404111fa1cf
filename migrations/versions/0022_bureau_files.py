"""Credit bureau files (models/bureau.py), and which bank loan funded each member loan.

`member_loans.facility_id`: the SHG's bank loan (a facility) whose money a loan with
`fund_source = 'bank_loan'` lent; the bank reports the loan to the credit bureaus as the
member's share of its loan. Existing rows: a bank-funded loan is linked where exactly one bank
loan of its SHG was running on the day it was lent (the service's rule in
`app/services/lending/loan_funding.py`: a cash credit from its sanction on; a term loan from its
sanction while drawn and until what is owed on it is back to zero, the day of the last
repayment included); a loan whose SHG had none or several running then stays null, and every
bureau file's reconciliation lists it as unattributed until someone names its bank loan.
Loans from other sources stay null (a check keeps them so).

`bureau_files`, `bureau_file_members`, `bureau_file_shgs`: new, empty, append-only.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-14 10:00:00
"""

import sqlalchemy as sa
from alembic import op

from migrations.guards import append_only, set_aside
from models.base import UtcDateTime

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
CHECK = "facility_id IS NULL OR fund_source = 'bank_loan'"

# A bank loan `f` running on the day member loan `member_loans` was lent; standing movements
# are those whose entry no later entry reverses. The same rule as loan_funding.running_on.
_STANDING = (
    "NOT EXISTS (SELECT 1 FROM journal_entries AS r WHERE r.reverses_entry_id = m.entry_id)"
)
_RUNNING = f"""
f.fund = 'bank' AND f.borrower_id = member_loans.shg_id
AND f.sanctioned_on <= member_loans.disbursed_on
AND (f.kind = 'cash_credit' OR (
    EXISTS (SELECT 1 FROM facility_movements AS m
            WHERE m.facility_id = f.id AND m.kind = 'draw' AND {_STANDING})
    AND NOT (
        EXISTS (SELECT 1 FROM facility_movements AS m
                WHERE m.facility_id = f.id AND m.value_date < member_loans.disbursed_on
                AND {_STANDING})
        AND (SELECT COALESCE(SUM(CASE WHEN m.kind IN ('draw', 'interest') THEN 1 ELSE -1 END
                                 * (m.principal_paise + m.interest_paise)), 0)
             FROM facility_movements AS m
             WHERE m.facility_id = f.id AND m.value_date < member_loans.disbursed_on
             AND {_STANDING}) <= 0
    )
))
"""
LINK = f"""
UPDATE member_loans SET facility_id = (SELECT f.id FROM facilities AS f WHERE {_RUNNING})
WHERE fund_source = 'bank_loan' AND facility_id IS NULL
AND (SELECT COUNT(*) FROM facilities AS f WHERE {_RUNNING}) = 1
"""


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _facility_column() -> None:
    # SQLite: in place (ALTER TABLE ADD COLUMN with column constraints), not batch mode's copy
    # of the table, whose drop of the old member_loans the loans' instalments refuse (0016).
    if _sqlite():
        op.execute(
            "ALTER TABLE member_loans ADD COLUMN facility_id INTEGER"
            " CONSTRAINT fk_member_loans_facility_id_facilities REFERENCES facilities (id)"
            f" CONSTRAINT ck_member_loans_facility CHECK ({CHECK})"
        )
    else:
        op.add_column("member_loans", sa.Column("facility_id", BigId, nullable=True))
        op.create_foreign_key(
            "fk_member_loans_facility_id_facilities",
            "member_loans",
            "facilities",
            ["facility_id"],
            ["id"],
        )
        op.create_check_constraint("facility", "member_loans", CHECK)
    op.create_index("ix_member_loans_facility", "member_loans", ["facility_id"])
    op.execute(LINK)


def _files() -> None:
    op.create_table(
        "bureau_files",
        sa.Column("id", BigId, primary_key=True),
        sa.Column(
            "bank_id",
            BigId,
            sa.ForeignKey("banks.id", name="fk_bureau_files_bank_id_banks"),
            nullable=False,
        ),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("header_profile", sa.String(20), nullable=False),
        sa.Column("file_name", sa.String(120), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("byte_count", sa.BigInteger(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("shgs", sa.Integer(), nullable=False),
        sa.Column("members_reported", sa.Integer(), nullable=False),
        sa.Column("members_rejected", sa.Integer(), nullable=False),
        sa.Column("accounts", sa.Integer(), nullable=False),
        sa.Column("accounts_closed", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.UniqueConstraint("bank_id", "as_of", name="uq_bureau_files_bank_id_as_of"),
        sa.CheckConstraint("period_start < as_of", name="period"),
        sa.CheckConstraint("length(sha256) = 64", name="sha256"),
        sa.CheckConstraint(
            "source IN ('api', 'cli', 'schedule')", name="source"
        ),
        sa.CheckConstraint(
            "byte_count >= 0 AND shgs >= 0 AND members_reported >= 0 AND members_rejected >= 0"
            " AND accounts >= 0 AND accounts_closed >= 0",
            name="counts",
        ),
    )


def _members() -> None:
    op.create_table(
        "bureau_file_members",
        sa.Column(
            "file_id",
            BigId,
            sa.ForeignKey("bureau_files.id", name="fk_bureau_file_members_file_id_bureau_files"),
            primary_key=True,
        ),
        sa.Column(
            "member_id",
            BigId,
            sa.ForeignKey("members.id", name="fk_bureau_file_members_member_id_members"),
            primary_key=True,
        ),
        sa.Column(
            "shg_id",
            BigId,
            sa.ForeignKey("institutions.id", name="fk_bureau_file_members_shg_id_institutions"),
            nullable=False,
        ),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("accounts", sa.Integer(), nullable=False),
        sa.Column("outstanding_paise", sa.BigInteger(), nullable=False),
        sa.Column("missing", sa.String(2000)),
        sa.CheckConstraint(
            "outcome IN ('reported', 'rejected')", name="outcome"
        ),
        sa.CheckConstraint(
            "(outcome = 'rejected') = (missing IS NOT NULL)", name="missing"
        ),
        sa.CheckConstraint(
            "accounts > 0 AND outstanding_paise >= 0", name="figures"
        ),
    )
    op.create_index(
        "ix_bureau_file_members_member", "bureau_file_members", ["member_id", "file_id"]
    )


def _shgs() -> None:
    amounts = (
        "facility_limit_paise",
        "books_outstanding_paise",
        "reported_outstanding_paise",
        "rounding_paise",
        "rejected_outstanding_paise",
        "not_reported_paise",
        "unattributed_outstanding_paise",
    )
    op.create_table(
        "bureau_file_shgs",
        sa.Column(
            "file_id",
            BigId,
            sa.ForeignKey("bureau_files.id", name="fk_bureau_file_shgs_file_id_bureau_files"),
            primary_key=True,
        ),
        sa.Column(
            "shg_id",
            BigId,
            sa.ForeignKey("institutions.id", name="fk_bureau_file_shgs_shg_id_institutions"),
            primary_key=True,
        ),
        *(sa.Column(name, sa.BigInteger(), nullable=False) for name in amounts),
        *(
            sa.Column(name, sa.Integer(), nullable=False)
            for name in ("unattributed_loans", "members_reported", "members_rejected", "accounts")
        ),
    )


def upgrade() -> None:
    _facility_column()
    _files()
    _members()
    _shgs()
    for table in ("bureau_files", "bureau_file_members", "bureau_file_shgs"):
        append_only(table)


def downgrade() -> None:
    op.drop_table("bureau_file_shgs")
    op.drop_table("bureau_file_members")
    op.drop_table("bureau_files")
    op.drop_index("ix_member_loans_facility", table_name="member_loans")
    if _sqlite():
        # A copy, not SQLite's own DROP COLUMN: a later migration's copy of member_loans
        # (0029) wrote the column's foreign key as a table constraint, which DROP COLUMN
        # refuses to leave behind.
        with set_aside("member_loans"), op.batch_alter_table("member_loans") as batch_op:
            batch_op.drop_constraint(op.f("ck_member_loans_facility"), type_="check")
            batch_op.drop_column("facility_id")
        return
    op.drop_constraint(op.f("ck_member_loans_facility"), "member_loans", type_="check")
    op.drop_constraint("fk_member_loans_facility_id_facilities", "member_loans", type_="foreignkey")
    op.drop_column("member_loans", "facility_id")
