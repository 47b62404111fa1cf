"""Leave room on the pages of the tables whose rows every posting updates (accounts'
maintained balances, books' heads), so PostgreSQL can update them in place ("HOT": no index
entry to rewrite). With full pages two balance updates in three rewrote all five indexes of
`accounts`; the bulk meeting import updates thousands of balances a second.

Takes effect on pages written from now on; `VACUUM FULL accounts, books` in a quiet hour
repacks the existing ones. SQLite has no such setting.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25 12:10:00
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

FILLFACTOR = {"accounts": 70, "books": 50}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, percent in FILLFACTOR.items():
        op.execute(f"ALTER TABLE {table} SET (fillfactor = {percent})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in FILLFACTOR:
        op.execute(f"ALTER TABLE {table} RESET (fillfactor)")
