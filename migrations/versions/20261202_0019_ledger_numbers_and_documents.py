"""one file per household (一户一档): ledger numbers per district and year; household documents

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 20:00:00

Existing households get their numbers here, in creation order (created_at, then id)
within each district and year of entry (Asia/Shanghai), and the counters start after
the last number given, so numbers keep counting where the backfill stopped.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

import app.core.types


revision: str = '0019'
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SHANGHAI = ZoneInfo("Asia/Shanghai")
_CHUNK = 5000


def _code(length: int) -> sa.String:
    return sa.String(length=length).with_variant(sa.String(length=length, collation='C'), 'postgresql')


def _backfill() -> None:
    """Number every household in creation order per district and year; set the counters."""
    households = sa.table(
        'households',
        sa.column('id', sa.Uuid()),
        sa.column('district_code', sa.String()),
        sa.column('created_at', sa.DateTime(timezone=True)),
        sa.column('ledger_number', sa.String()),
    )
    counters = sa.table(
        'ledger_number_counters',
        sa.column('district_code', sa.String()),
        sa.column('year', sa.Integer()),
        sa.column('last_value', sa.Integer()),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(households.c.id, households.c.district_code, households.c.created_at).order_by(
            households.c.created_at, households.c.id
        )
    )
    last: dict[tuple[str, int], int] = defaultdict(int)
    pending: list[dict[str, object]] = []
    update = (
        households.update()
        .where(households.c.id == sa.bindparam('household_id'))
        .values(ledger_number=sa.bindparam('number'))
    )
    for household_id, district, created_at in rows.all():
        moment: datetime = created_at if created_at.tzinfo else created_at.replace(tzinfo=UTC)
        year = moment.astimezone(_SHANGHAI).year
        last[(district, year)] += 1
        number = f"{district}-{year:04d}-{last[(district, year)]:06d}"
        pending.append({'household_id': household_id, 'number': number})
        if len(pending) >= _CHUNK:
            connection.execute(update, pending)
            pending = []
    if pending:
        connection.execute(update, pending)
    if last:
        connection.execute(
            counters.insert(),
            [{'district_code': d, 'year': y, 'last_value': n} for (d, y), n in sorted(last.items())],
        )


def upgrade() -> None:
    op.create_table('ledger_number_counters',
    sa.Column('district_code', _code(6), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('district_code', 'year', name=op.f('pk_ledger_number_counters'))
    )
    op.create_table('household_documents',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('media_type', sa.String(length=32), nullable=False),
    sa.Column('original_filename', sa.String(length=255), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('uploaded_by', sa.Uuid(), nullable=False),
    sa.Column('uploaded_at', app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('voided_at', app.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('voided_by', sa.Uuid(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('household_id', sa.Uuid(), nullable=False),
    sa.Column('region_code', _code(15), nullable=False),
    sa.Column('district_code', _code(6), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_household_documents_household_id_households'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['uploaded_by'], ['users.id'], name=op.f('fk_household_documents_uploaded_by_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['voided_by'], ['users.id'], name=op.f('fk_household_documents_voided_by_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_documents'))
    )
    with op.batch_alter_table('household_documents', schema=None) as batch_op:
        batch_op.create_index('ix_household_documents_household_id', ['household_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_documents_sha256'), ['sha256'], unique=False)

    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ledger_number', sa.String(length=24), nullable=True))
    _backfill()
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.alter_column('ledger_number', existing_type=sa.String(length=24), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_households_ledger_number'), ['ledger_number'])


def downgrade() -> None:
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_households_ledger_number'), type_='unique')
        batch_op.drop_column('ledger_number')

    with op.batch_alter_table('household_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_documents_sha256'))
        batch_op.drop_index('ix_household_documents_household_id')

    op.drop_table('household_documents')
    op.drop_table('ledger_number_counters')
