"""references to another table's rows are foreign keys

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-05 21:58:59.204500

Two columns named a row of another table without a constraint: the application a pushed
referral answers and the person a ledger change concerned. Each is only ever written with
the id of a row that exists, and none of those rows is ever deleted, so the constraints can
be added as they are. On SQLite each table is copied (batch mode), its indexes with it.
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0033'
down_revision: str | None = '0032'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFERENCES = (
    ('referrals', 'application_id', 'applications'),
    ('household_changes', 'person_id', 'persons'),
)


def upgrade() -> None:
    for table, column, referred in REFERENCES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_foreign_key(
                batch_op.f(f'fk_{table}_{column}_{referred}'),
                referred,
                [column],
                ['id'],
                ondelete='RESTRICT',
            )


def downgrade() -> None:
    for table, column, referred in reversed(REFERENCES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_{column}_{referred}'), type_='foreignkey')
