"""referrals: an index on the organisation that pushed a referral in

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-05 22:40:00

Department officers and partner systems see the referrals addressed to their organisation
or pushed in by it; the second half of that condition had no index.
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0035'
down_revision: str | None = '0034'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index('ix_referrals_sender_organization', ['sender_organization_id', 'status', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index('ix_referrals_sender_organization')
