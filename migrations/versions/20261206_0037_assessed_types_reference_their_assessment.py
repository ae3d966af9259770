"""the ledger's assessed target types reference their assessment

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-06 01:05:00

A target type decided by an assessment (income or expenditure poverty, DOMAIN 5) named the
assessment without a constraint. Only the assessment's acceptance writes it, with the id of
an assessment that exists, and assessments are never deleted; only a benchmark database
generated before this revision names assessments that do not exist, and those references,
pointing nowhere, are cleared before the constraints are added. A foreign key by the table's name: eligibility uses the ledger, not the
other way (the import contracts). On SQLite each table is copied (batch mode).
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0037'
down_revision: str | None = '0036'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ('target_type_decisions', 'household_target_types')


def upgrade() -> None:
    for table in TABLES:
        # No production row names a missing assessment; a benchmark database generated
        # before this revision does (made-up ids). Such a reference points nowhere, so it is
        # cleared rather than made to fail the constraint.
        op.execute(
            f'UPDATE {table} SET assessment_id = NULL WHERE assessment_id IS NOT NULL '
            'AND assessment_id NOT IN (SELECT id FROM assessments)'
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_foreign_key(
                batch_op.f(f'fk_{table}_assessment_id_assessments'),
                'assessments',
                ['assessment_id'],
                ['id'],
                ondelete='RESTRICT',
            )


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(
                batch_op.f(f'fk_{table}_assessment_id_assessments'), type_='foreignkey'
            )
