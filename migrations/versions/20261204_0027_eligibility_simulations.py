"""eligibility: simulations of a policy version over a region's ledger

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-04 17:03:01.703644

A simulation row carries its progress, checkpoint and transition counts; the households it
changes are rows of their own, paged by household id within the simulation (the key).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.core.types


revision: str = '0027'
down_revision: str | None = '0026'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('simulations',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('policy_version_id', sa.Uuid(), nullable=False),
    sa.Column('policy_version_version', sa.Integer(), nullable=False),
    sa.Column('region_code', sa.String(length=15).with_variant(sa.String(length=15, collation='C'), 'postgresql'), nullable=False),
    sa.Column('reference_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('job_id', sa.Uuid(), nullable=True),
    sa.Column('total', sa.Integer(), nullable=True),
    sa.Column('processed', sa.Integer(), nullable=False),
    sa.Column('changed', sa.Integer(), nullable=False),
    sa.Column('last_household_id', sa.Uuid(), nullable=True),
    sa.Column('transitions', sa.JSON(), nullable=False),
    sa.Column('failure_code', sa.String(length=64), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('started_at', app.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', app.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_simulations_created_by_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['policy_version_id'], ['policy_versions.id'], name=op.f('fk_simulations_policy_version_id_policy_versions'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_simulations'))
    )
    with op.batch_alter_table('simulations', schema=None) as batch_op:
        batch_op.create_index('ix_simulations_region_id', ['region_code', 'id'], unique=False)

    op.create_table('simulation_changes',
    sa.Column('simulation_id', sa.Uuid(), nullable=False),
    sa.Column('household_id', sa.Uuid(), nullable=False),
    sa.Column('region_code', sa.String(length=15).with_variant(sa.String(length=15, collation='C'), 'postgresql'), nullable=False),
    sa.Column('from_outcome', sa.String(length=24), nullable=False),
    sa.Column('to_outcome', sa.String(length=24), nullable=False),
    sa.Column('score', app.core.types.Hundredths(), nullable=True),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_simulation_changes_household_id_households'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['simulation_id'], ['simulations.id'], name=op.f('fk_simulation_changes_simulation_id_simulations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('simulation_id', 'household_id', name=op.f('pk_simulation_changes'))
    )


def downgrade() -> None:
    op.drop_table('simulation_changes')
    with op.batch_alter_table('simulations', schema=None) as batch_op:
        batch_op.drop_index('ix_simulations_region_id')

    op.drop_table('simulations')
