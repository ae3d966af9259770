"""consents: an optional end day (valid_until)

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-06 00:30:00

A consent given for a period ("this year's aid") is in force up to and including its end
day. Nullable: the consents on record keep no end day, so they stay in force until
withdrawn, as they were given.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0038'
down_revision: str | None = '0037'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('household_consents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('valid_until', sa.Date(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_household_consents_validity'), 'valid_until IS NULL OR valid_until >= given_on'
        )


def downgrade() -> None:
    with op.batch_alter_table('household_consents', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_household_consents_validity'), type_='check')
        batch_op.drop_column('valid_until')
