"""referrals: what a completion gave, and the household measure it recorded

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-06 00:40:00

Completing a referral now records what was given as a measure in the household's ledger
(帮扶措施), so statistics and the Red Cross yearly cap count it. The referral keeps the
measure's code and the record's id. Referrals completed before have neither (null).

Each action also derives the state of the need it answers from all the need's referrals:
an index on the need serves that read.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0036'
down_revision: str | None = '0035'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('measure', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('measure_id', sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_referrals_measure_id_household_measures'),
            'household_measures',
            ['measure_id'],
            ['id'],
            ondelete='RESTRICT',
        )
        batch_op.create_index('ix_referrals_need', ['need_id', 'status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index('ix_referrals_need')
        batch_op.drop_constraint(
            batch_op.f('fk_referrals_measure_id_household_measures'), type_='foreignkey'
        )
        batch_op.drop_column('measure_id')
        batch_op.drop_column('measure')
