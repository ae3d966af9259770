"""red_cross: the major-illness aid's terms per district and period, and stored quotes

Revision ID: 0031
Revises: 0028
Create Date: 2026-12-04 22:35:29.450961

Yubei 3(3)1(3): the rate (percent, hundredths) and yearly cap (fen) in force per district
and period; each quote keeps its inputs, the figures it applied and its steps.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.core.types


revision: str = '0031'
down_revision: str | None = '0030'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('red_cross_aid_terms',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('district_code', sa.String(length=6).with_variant(sa.String(length=6, collation='C'), 'postgresql'), nullable=False),
    sa.Column('rate_percent', app.core.types.Hundredths(), nullable=False),
    sa.Column('yearly_cap', app.core.types.Money(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_by', sa.String(length=60), nullable=False),
    sa.Column('updated_by', sa.String(length=60), nullable=False),
    sa.Column('created_at', app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('effective_to IS NULL OR effective_to >= effective_from', name=op.f('ck_red_cross_aid_terms_effective_window')),
    sa.CheckConstraint('rate_percent >= 0 AND rate_percent <= 10000', name=op.f('ck_red_cross_aid_terms_rate_range')),
    sa.CheckConstraint('yearly_cap >= 0', name=op.f('ck_red_cross_aid_terms_cap_not_negative')),
    sa.ForeignKeyConstraint(['district_code'], ['regions.code'], name=op.f('fk_red_cross_aid_terms_district_code_regions'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_red_cross_aid_terms'))
    )
    with op.batch_alter_table('red_cross_aid_terms', schema=None) as batch_op:
        batch_op.create_index('ix_red_cross_aid_terms_district_from', ['district_code', 'effective_from'], unique=False)

    op.create_table('red_cross_aid_quotes',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('disease_code', sa.String(length=64), nullable=False),
    sa.Column('institution_id', sa.Uuid(), nullable=False),
    sa.Column('treatment_type', sa.String(length=32), nullable=False),
    sa.Column('treatment_date', sa.Date(), nullable=False),
    sa.Column('total_cost', app.core.types.Money(), nullable=False),
    sa.Column('in_scope_amount', app.core.types.Money(), nullable=False),
    sa.Column('insurance_reimbursement', app.core.types.Money(), nullable=False),
    sa.Column('medical_assistance', app.core.types.Money(), nullable=False),
    sa.Column('terms_id', sa.Uuid(), nullable=True),
    sa.Column('rate_percent', app.core.types.Hundredths(), nullable=True),
    sa.Column('yearly_cap', app.core.types.Money(), nullable=True),
    sa.Column('already_received', app.core.types.Money(), nullable=False),
    sa.Column('self_paid', app.core.types.Money(), nullable=False),
    sa.Column('covered', app.core.types.Money(), nullable=False),
    sa.Column('eligible', sa.Boolean(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('steps', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=60), nullable=False),
    sa.Column('created_at', app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('household_id', sa.Uuid(), nullable=False),
    sa.Column('region_code', sa.String(length=15).with_variant(sa.String(length=15, collation='C'), 'postgresql'), nullable=False),
    sa.Column('district_code', sa.String(length=6).with_variant(sa.String(length=6, collation='C'), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_red_cross_aid_quotes_household_id_households'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['institution_id'], ['organizations.id'], name=op.f('fk_red_cross_aid_quotes_institution_id_organizations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_red_cross_aid_quotes_person_id_persons'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['terms_id'], ['red_cross_aid_terms.id'], name=op.f('fk_red_cross_aid_quotes_terms_id_red_cross_aid_terms'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_red_cross_aid_quotes'))
    )
    with op.batch_alter_table('red_cross_aid_quotes', schema=None) as batch_op:
        batch_op.create_index('ix_red_cross_aid_quotes_household_id', ['household_id', 'id'], unique=False)
        batch_op.create_index('ix_red_cross_aid_quotes_terms', ['terms_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('red_cross_aid_quotes', schema=None) as batch_op:
        batch_op.drop_index('ix_red_cross_aid_quotes_terms')
        batch_op.drop_index('ix_red_cross_aid_quotes_household_id')

    op.drop_table('red_cross_aid_quotes')
    with op.batch_alter_table('red_cross_aid_terms', schema=None) as batch_op:
        batch_op.drop_index('ix_red_cross_aid_terms_district_from')

    op.drop_table('red_cross_aid_terms')
