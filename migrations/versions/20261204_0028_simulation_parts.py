"""eligibility: simulations walked in parts, each part's checkpoint its own row

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-04 21:00:00.000000

A simulation's households are cut into parts that several workers walk at once; each part
keeps its own checkpoint, so the simulation's single checkpoint goes. An unfinished
simulation that had started keeps its place: its checkpoint becomes part 0, covering the
whole subtree with the counts made so far, so it resumes where it was rather than counting
anything twice.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.core.types


revision: str = '0028'
down_revision: str | None = '0027'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('simulation_parts',
    sa.Column('simulation_id', sa.Uuid(), nullable=False),
    sa.Column('part', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('until_id', sa.Uuid(), nullable=True),
    sa.Column('checkpoint', sa.Uuid(), nullable=True),
    sa.Column('transitions', sa.JSON(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Uuid(), nullable=True),
    sa.Column('finished_at', app.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['simulation_id'], ['simulations.id'], name=op.f('fk_simulation_parts_simulation_id_simulations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('simulation_id', 'part', name=op.f('pk_simulation_parts'))
    )
    op.execute(
        "INSERT INTO simulation_parts "
        "(simulation_id, part, until_id, checkpoint, transitions, attempts, job_id) "
        "SELECT id, 0, NULL, last_household_id, transitions, attempts, job_id FROM simulations "
        "WHERE status IN ('queued', 'running') AND total IS NOT NULL"
    )
    with op.batch_alter_table('simulations', schema=None) as batch_op:
        batch_op.drop_column('last_household_id')


def downgrade() -> None:
    # One checkpoint cannot hold several parts' places: such an unfinished simulation fails
    # (its officer asks again) rather than count households twice.
    op.execute(
        "UPDATE simulations SET status = 'failed', failure_code = 'simulation_internal_error', "
        "finished_at = CURRENT_TIMESTAMP "
        "WHERE status IN ('queued', 'running') AND (SELECT count(*) FROM simulation_parts "
        "WHERE simulation_parts.simulation_id = simulations.id) > 1"
    )
    # The earlier code has no handler for the parts' jobs: they end here, not as dead letters.
    op.execute(
        "UPDATE jobs SET status = 'done', locked_by = NULL, locked_until = NULL "
        "WHERE kind = 'eligibility.simulation_part' AND status IN ('pending', 'running')"
    )
    with op.batch_alter_table('simulations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_household_id', sa.Uuid(), nullable=True))
    # Finished simulations keep their summed counts; an unfinished one has one part now.
    op.execute(
        "UPDATE simulations SET last_household_id = (SELECT checkpoint FROM simulation_parts "
        "WHERE simulation_parts.simulation_id = simulations.id AND simulation_parts.part = 0), "
        "transitions = coalesce((SELECT transitions FROM simulation_parts "
        "WHERE simulation_parts.simulation_id = simulations.id AND simulation_parts.part = 0), "
        "transitions) WHERE status IN ('queued', 'running')"
    )
    op.drop_table('simulation_parts')
