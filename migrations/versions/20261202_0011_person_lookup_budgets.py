"""each account's budget of lookups by ID number (person search, members entered by form)

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-02 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.core.types


revision: str = '0011'
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('person_lookup_budgets',
    sa.Column('account', sa.String(length=64), nullable=False),
    sa.Column('window_start', app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('account', name=op.f('pk_person_lookup_budgets'))
    )


def downgrade() -> None:
    op.drop_table('person_lookup_budgets')
