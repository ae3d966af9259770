"""consents: households' consent to share personal data with organisations that are not
government departments (PIPL art. 23)

Revision ID: 0032
Revises: 0028
Create Date: 2026-12-04 22:47:05.477371

A new household-owned table; nothing existing changes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.core.types


revision: str = '0032'
down_revision: str | None = '0031'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('household_consents',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('proxy_name', sa.String(length=60), nullable=True),
    sa.Column('proxy_relation', sa.String(length=32), nullable=True),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('scope', sa.JSON(), nullable=False),
    sa.Column('purpose', sa.String(length=500), nullable=False),
    sa.Column('method', sa.String(length=32), nullable=False),
    sa.Column('document_id', sa.Uuid(), nullable=True),
    sa.Column('recorded_by', sa.String(length=60), nullable=False),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('withdrawn_by', sa.String(length=60), nullable=True),
    sa.Column('withdrawn_at', app.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('withdrawal_reason', sa.String(length=500), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('household_id', sa.Uuid(), nullable=False),
    sa.Column('region_code', sa.String(length=15).with_variant(sa.String(length=15, collation='C'), 'postgresql'), nullable=False),
    sa.Column('district_code', sa.String(length=6).with_variant(sa.String(length=6, collation='C'), 'postgresql'), nullable=False),
    sa.Column('created_at', app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(method = 'by_guardian') = (proxy_name IS NOT NULL)", name=op.f('ck_household_consents_guardian_named')),
    sa.CheckConstraint('(withdrawn_on IS NULL) = (withdrawn_by IS NULL)', name=op.f('ck_household_consents_withdrawal_complete')),
    sa.CheckConstraint('withdrawn_on IS NULL OR withdrawn_on >= given_on', name=op.f('ck_household_consents_withdrawal')),
    sa.ForeignKeyConstraint(['document_id'], ['household_documents.id'], name=op.f('fk_household_consents_document_id_household_documents'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_household_consents_household_id_households'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_household_consents_organization_id_organizations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_household_consents_person_id_persons'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_consents'))
    )
    with op.batch_alter_table('household_consents', schema=None) as batch_op:
        batch_op.create_index('ix_household_consents_household_id', ['household_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_consents_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index('ix_household_consents_pair', ['household_id', 'organization_id', 'given_on'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('household_consents', schema=None) as batch_op:
        batch_op.drop_index('ix_household_consents_pair')
        batch_op.drop_index(batch_op.f('ix_household_consents_organization_id'))
        batch_op.drop_index('ix_household_consents_household_id')

    op.drop_table('household_consents')
