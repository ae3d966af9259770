"""transfer requests between streets (DOMAIN 4): filed by the receiving street, answered by
the sending street, decided by the district; one pending request per person. A new table,
so no existing rows to migrate.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 20:04:03.665944
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.core.types


revision: str = '0015'
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('transfer_requests',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('from_household_id', sa.Uuid(), nullable=False),
    sa.Column('to_household_id', sa.Uuid(), nullable=False),
    sa.Column('from_region_code', sa.String(length=15).with_variant(sa.String(length=15, collation='C'), 'postgresql'), nullable=False),
    sa.Column('to_region_code', sa.String(length=15).with_variant(sa.String(length=15, collation='C'), 'postgresql'), nullable=False),
    sa.Column('relation_to_head', sa.String(length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('filed_by', sa.Uuid(), nullable=False),
    sa.Column('filed_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('answered_by', sa.Uuid(), nullable=True),
    sa.Column('answered_at', app.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('refusal_reason', sa.String(length=64), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['answered_by'], ['users.id'], name=op.f('fk_transfer_requests_answered_by_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['filed_by'], ['users.id'], name=op.f('fk_transfer_requests_filed_by_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['from_household_id'], ['households.id'], name=op.f('fk_transfer_requests_from_household_id_households'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_transfer_requests_person_id_persons'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['to_household_id'], ['households.id'], name=op.f('fk_transfer_requests_to_household_id_households'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfer_requests'))
    )
    with op.batch_alter_table('transfer_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transfer_requests_from_household_id'), ['from_household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_requests_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_transfer_requests_status_due_on', ['status', 'due_on', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_requests_to_household_id'), ['to_household_id'], unique=False)
        batch_op.create_index('uq_transfer_requests_pending_person', ['person_id'], unique=True, postgresql_where=sa.text("status = 'pending'"), sqlite_where=sa.text("status = 'pending'"))



def downgrade() -> None:
    with op.batch_alter_table('transfer_requests', schema=None) as batch_op:
        batch_op.drop_index('uq_transfer_requests_pending_person', postgresql_where=sa.text("status = 'pending'"), sqlite_where=sa.text("status = 'pending'"))
        batch_op.drop_index(batch_op.f('ix_transfer_requests_to_household_id'))
        batch_op.drop_index('ix_transfer_requests_status_due_on')
        batch_op.drop_index(batch_op.f('ix_transfer_requests_person_id'))
        batch_op.drop_index(batch_op.f('ix_transfer_requests_from_household_id'))

    op.drop_table('transfer_requests')
