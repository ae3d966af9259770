"""domain events outbox; district code on household assignments

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 10:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.core.types


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('domain_events',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('occurred_at', app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('dispatched_at', app.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_domain_events'))
    )
    with op.batch_alter_table('domain_events', schema=None) as batch_op:
        batch_op.create_index('ix_domain_events_pending', ['occurred_at', 'id'], unique=False, postgresql_where=sa.text('dispatched_at IS NULL'), sqlite_where=sa.text('dispatched_at IS NULL'))

    # Household-owned rows carry their district: existing assignments take their household's.
    district = sa.String(length=6).with_variant(sa.String(length=6, collation='C'), 'postgresql')
    with op.batch_alter_table('household_assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('district_code', district, nullable=True))
    op.execute(
        "UPDATE household_assignments SET district_code = "
        "(SELECT households.district_code FROM households "
        "WHERE households.id = household_assignments.household_id)"
    )
    with op.batch_alter_table('household_assignments', schema=None) as batch_op:
        batch_op.alter_column('district_code', existing_type=district, nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('household_assignments', schema=None) as batch_op:
        batch_op.drop_column('district_code')
    with op.batch_alter_table('domain_events', schema=None) as batch_op:
        batch_op.drop_index('ix_domain_events_pending', postgresql_where=sa.text('dispatched_at IS NULL'), sqlite_where=sa.text('dispatched_at IS NULL'))
    op.drop_table('domain_events')
