"""structured eligibility inputs: hukou division code, asset kind fields and share, gross and reimbursed expenditures

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 20:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Free-text hukou places the ledger has held (the demo and early imports) and their national
# division codes. Text not listed keeps its place in `hukou_place`, the code stays null for
# staff to fill in (completeness then lists `hukou_region_code`).
_KNOWN_PLACES = {
    "重庆市渝北区": "500112",
    "重庆渝北区": "500112",
    "渝北区": "500112",
    "重庆市江北区": "500105",
    "重庆市渝中区": "500103",
    "重庆市沙坪坝区": "500106",
    "重庆市九龙坡区": "500107",
    "重庆市南岸区": "500108",
    "重庆市北碚区": "500109",
    "北京市东城区": "110101",
    "北京市西城区": "110102",
    "北京市朝阳区": "110105",
    "北京市海淀区": "110108",
}


def upgrade() -> None:
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hukou_region_code", sa.String(length=12), nullable=True))
    households = sa.table(
        "households",
        sa.column("hukou_place", sa.String()),
        sa.column("hukou_region_code", sa.String()),
    )
    for place, code in _KNOWN_PLACES.items():
        op.execute(
            households.update()
            .where(sa.func.trim(households.c.hukou_place) == place)
            .values(hukou_region_code=code)
        )

    with op.batch_alter_table("household_assets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("area_m2", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("vehicle_type", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("count", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("financial_type", sa.String(length=32), nullable=True))
        # Area and share are integer hundredths (m², percent). Earlier assets had no
        # share: the household was taken to own them whole (100.00 %).
        batch_op.add_column(
            sa.Column(
                "ownership_share",
                sa.BigInteger(),
                server_default="10000",
                nullable=False,
            )
        )

    with op.batch_alter_table("household_expenditures", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("gross_amount", sa.BigInteger(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("reimbursed_amount", sa.BigInteger(), server_default="0", nullable=False)
        )
    # An earlier amount was what the household paid: gross, with nothing reimbursed recorded.
    op.execute("UPDATE household_expenditures SET gross_amount = amount")


def downgrade() -> None:
    with op.batch_alter_table("household_expenditures", schema=None) as batch_op:
        batch_op.drop_column("reimbursed_amount")
        batch_op.drop_column("gross_amount")
    with op.batch_alter_table("household_assets", schema=None) as batch_op:
        batch_op.drop_column("ownership_share")
        batch_op.drop_column("financial_type")
        batch_op.drop_column("count")
        batch_op.drop_column("vehicle_type")
        batch_op.drop_column("area_m2")
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.drop_column("hukou_region_code")
