"""Members' credit tables keyed by state (issue 18, docs/scaling.md "Before distributing"):
consents, credit enquiries, livelihood incomes, KYC versions and the rows of bureau files
get `state_code`, their member's (for a bureau file's SHG row, the SHG's), and every key to a
member, an SHG, a consent or an income becomes `(x_id, state_code)` to the parent's
`(id, state_code)`. Unique keys gain `state_code` (the same rows: a member is in one state).
`bureau_files` itself is national (a reference table, models/distribution.py) and is not
changed; its rows keep their single-column key to it.

`member_kyc.state_code` was her address's state (nullable, as the bureau format has it): it
is renamed `address_state_code`, and `state_code` is added beside it, the member's.

Existing rows take their parent's state, which the composite key then holds them to; nothing
else in them changes. All these tables are append-only or revised only once (consents): their
guards are set aside for the fill and the copy, and put back as they were. The rows of a
bureau file get `state_code` in their primary keys (`(file_id, member_id, state_code)`,
`(file_id, shg_id, state_code)`). Downgrade puts everything back.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-03 20:30:00
"""

import sqlalchemy as sa
from alembic import op

from migrations.guards import set_aside

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None

State = sa.String(length=4)

# (table, column, parent table): the single-column keys that become (column, state_code)
KEYS = {
    "consents": (("member_id", "members"),),
    "credit_enquiries": (("member_id", "members"), ("consent_id", "consents")),
    "livelihood_incomes": (("member_id", "members"), ("replaces_id", "livelihood_incomes")),
    "member_kyc": (("member_id", "members"),),
    "bureau_file_members": (("member_id", "members"), ("shg_id", "institutions")),
    "bureau_file_shgs": (("shg_id", "institutions"),),
}
# Where each table's rows take their state from: (its column, the parent table)
FILLED_FROM = {
    "consents": ("member_id", "members"),
    "credit_enquiries": ("member_id", "members"),
    "livelihood_incomes": ("member_id", "members"),
    "member_kyc": ("member_id", "members"),
    "bureau_file_members": ("member_id", "members"),
    "bureau_file_shgs": ("shg_id", "institutions"),
}
# Parents others refer to by (id, state_code)
TARGETS = ("consents", "livelihood_incomes")
# table -> (old unique key, new unique key): the same columns with state_code
UNIQUE = {
    "livelihood_incomes": (("replaces_id",), ("replaces_id", "state_code")),
    "member_kyc": (("member_id", "version"), ("member_id", "state_code", "version")),
}
DAILY = "uq_credit_enquiries_daily"
DAILY_OLD = ["bank_id", "member_id", "consent_id", "on_day"]
DAILY_NEW = ["bank_id", "member_id", "state_code", "consent_id", "on_day"]
# table -> (old primary key, new primary key)
PRIMARY = {
    "bureau_file_members": (["file_id", "member_id"], ["file_id", "member_id", "state_code"]),
    "bureau_file_shgs": (["file_id", "shg_id"], ["file_id", "shg_id", "state_code"]),
}
ORDER = (
    "consents",
    "credit_enquiries",
    "livelihood_incomes",
    "member_kyc",
    "bureau_file_members",
    "bureau_file_shgs",
)


def _uq(table: str, columns: tuple[str, ...]) -> str:
    return f"uq_{table}_{'_'.join(columns)}"


def _fill(table: str) -> None:
    column, parent = FILLED_FROM[table]
    op.add_column(table, sa.Column("state_code", State, nullable=True))
    op.execute(
        f"UPDATE {table} SET state_code ="
        f" (SELECT p.state_code FROM {parent} p WHERE p.id = {table}.{column})"
    )


def _upgrade(table: str) -> None:
    if table == "member_kyc":
        # SQLite (3.25 and later) and PostgreSQL both rename a column in place.
        op.execute("ALTER TABLE member_kyc RENAME COLUMN state_code TO address_state_code")
    _fill(table)
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.alter_column("state_code", existing_type=State, nullable=False)
        if table in PRIMARY:
            batch_op.drop_constraint(f"pk_{table}", type_="primary")
            batch_op.create_primary_key(f"pk_{table}", PRIMARY[table][1])
        if table in TARGETS:
            batch_op.create_unique_constraint(_uq(table, ("id", "state_code")), ["id", "state_code"])
        if table in UNIQUE:
            old, new = UNIQUE[table]
            batch_op.drop_constraint(_uq(table, old), type_="unique")
            batch_op.create_unique_constraint(_uq(table, new), list(new))
        if table == "credit_enquiries":
            batch_op.drop_index(DAILY)
            batch_op.create_index(DAILY, DAILY_NEW, unique=True)
        for column, parent in KEYS[table]:
            batch_op.drop_constraint(f"fk_{table}_{column}_{parent}", type_="foreignkey")
            batch_op.create_foreign_key(
                f"fk_{table}_{column}_state_code_{parent}",
                parent,
                [column, "state_code"],
                ["id", "state_code"],
            )


def _downgrade(table: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column, parent in KEYS[table]:
            batch_op.drop_constraint(
                f"fk_{table}_{column}_state_code_{parent}", type_="foreignkey"
            )
            batch_op.create_foreign_key(f"fk_{table}_{column}_{parent}", parent, [column], ["id"])
        if table == "credit_enquiries":
            batch_op.drop_index(DAILY)
            batch_op.create_index(DAILY, DAILY_OLD, unique=True)
        if table in UNIQUE:
            old, new = UNIQUE[table]
            batch_op.drop_constraint(_uq(table, new), type_="unique")
            batch_op.create_unique_constraint(_uq(table, old), list(old))
        if table in TARGETS:
            batch_op.drop_constraint(_uq(table, ("id", "state_code")), type_="unique")
        if table in PRIMARY:
            batch_op.drop_constraint(f"pk_{table}", type_="primary")
            batch_op.create_primary_key(f"pk_{table}", PRIMARY[table][0])
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_column("state_code")
    if table == "member_kyc":
        op.execute("ALTER TABLE member_kyc RENAME COLUMN address_state_code TO state_code")


def upgrade() -> None:
    for table in ORDER:
        with set_aside(table):
            _upgrade(table)


def downgrade() -> None:
    for table in reversed(ORDER):
        with set_aside(table):
            _downgrade(table)
