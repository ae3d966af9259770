"""indexes for the household list's sorts and filters and the staff directory

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 20:30:00
"""

from collections.abc import Sequence

from alembic import op


revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Issue 13: the household list sorts by the last change and filters by exit reason and
    # by the head's name (a prefix: on PostgreSQL only a pattern_ops index serves LIKE 'x%'
    # under a linguistic collation); the staff directory lists users by display name; a household's
    # assignments are paged newest first.
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.create_index("ix_households_updated_at_id", ["updated_at", "id"], unique=False)
        batch_op.create_index("ix_households_exit_reason_id", ["exit_reason", "id"], unique=False)
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.create_index(
            "ix_persons_name",
            ["name"],
            unique=False,
            postgresql_ops={"name": "text_pattern_ops"},
        )
    with op.batch_alter_table("household_assignments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_household_assignments_household_id", ["household_id", "id"], unique=False
        )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index("ix_users_display_name_id", ["display_name", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index("ix_users_display_name_id")
    with op.batch_alter_table("household_assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_household_assignments_household_id")
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_index("ix_persons_name")
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.drop_index("ix_households_exit_reason_id")
        batch_op.drop_index("ix_households_updated_at_id")
