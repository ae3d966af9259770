"""finances: whether and when a household declared its asset list

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 16:00:00

An empty asset list used to leave no trace, so "declared to have none" could not be
told from "never declared" (DOMAIN 5 needs the difference: missing assets cannot be
assessed). Existing data: a household counts as declared when it has asset rows or its
history has a replacement of the list (one that emptied it included), at the latest of
those times.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.core.types

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "household_asset_declarations",
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("declared_at", app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "region_code",
            sa.String(length=15).with_variant(sa.String(length=15, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "district_code",
            sa.String(length=6).with_variant(sa.String(length=6, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_household_asset_declarations_household_id_households"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("household_id", name=op.f("pk_household_asset_declarations")),
    )
    op.execute(
        """
        INSERT INTO household_asset_declarations
            (household_id, declared_at, region_code, district_code)
        SELECT h.id, MAX(d.at), h.region_code, h.district_code
        FROM (
            SELECT household_id, updated_at AS at FROM household_assets
            UNION ALL
            SELECT household_id, occurred_at AS at FROM household_changes
            WHERE action = 'household.assets.replace'
        ) AS d
        JOIN households AS h ON h.id = d.household_id
        GROUP BY h.id, h.region_code, h.district_code
        """
    )


def downgrade() -> None:
    op.drop_table("household_asset_declarations")
