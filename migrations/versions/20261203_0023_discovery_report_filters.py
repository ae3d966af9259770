"""intake: an index for the urgency filter of the discovery reports list

Revision ID: 0023
Revises: 0021
Create Date: 2026-12-03 12:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0023"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_discovery_reports_region_urgency",
        "discovery_reports",
        ["region_code", "urgency", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_discovery_reports_region_urgency", table_name="discovery_reports")
