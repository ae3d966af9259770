"""imports keep a bounded number of row errors: errors_stored beside errors_count

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0014'
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('imports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('errors_stored', sa.Integer(), server_default='0', nullable=False))
    # Every error of an earlier import was stored.
    op.execute("UPDATE imports SET errors_stored = errors_count")


def downgrade() -> None:
    with op.batch_alter_table('imports', schema=None) as batch_op:
        batch_op.drop_column('errors_stored')
