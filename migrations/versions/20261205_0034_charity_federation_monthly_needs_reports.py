"""charity federation monthly needs reports

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-05 21:34:50.682888

A new table of the charity federation's monthly needs reports (one row per generation of a
street's month); nothing existing changes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.core.types


revision: str = '0034'
down_revision: str | None = '0033'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('charity_reports',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('region_code', sa.String(length=9).with_variant(sa.String(length=9, collation='C'), 'postgresql'), nullable=False),
    sa.Column('district_code', sa.String(length=6).with_variant(sa.String(length=6, collation='C'), 'postgresql'), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('generated_at', app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('generated_by', sa.String(length=60), nullable=False),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_charity_reports_region_code_regions'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charity_reports')),
    sa.UniqueConstraint('region_code', 'month', 'version', name='uq_charity_reports_version')
    )
    with op.batch_alter_table('charity_reports', schema=None) as batch_op:
        batch_op.create_index('ix_charity_reports_month_region', ['month', 'region_code'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('charity_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_charity_reports_month_region')

    op.drop_table('charity_reports')
