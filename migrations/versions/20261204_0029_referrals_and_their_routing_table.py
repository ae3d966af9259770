"""referrals: the routing table, referrals and their transitions; the reason codes aligned

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-04 22:36:24.813825

The built-in reason codes of referrals are renamed to the issue's (`capacity` ->
`at_capacity`, `household_unreachable` -> `unable_to_contact`, `household_declined` ->
`declined_by_household`). Built-in codes live in the code, not the database, and no
referral stored one before this revision; only an administrator's addition of a code of the
same name as a new built-in one is in the database, and it goes, since the table would list
that code twice.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.core.types


revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_BUILT_IN = {
    "referral_rejection_reason": (("capacity", "at_capacity"),),
    "referral_failure_reason": (
        ("household_unreachable", "unable_to_contact"),
        ("household_declined", "declined_by_household"),
    ),
}
"""Per table, the built-in codes renamed here: (before, after)."""


def _drop_added(position: int) -> None:
    """Delete administrators' additions named like the built-in codes on one side."""
    for table, renamed in _BUILT_IN.items():
        for pair in renamed:
            op.execute(
                sa.text(
                    "DELETE FROM dictionary_codes WHERE table_name = :table AND code = :code"
                ).bindparams(table=table, code=pair[position])
            )


def upgrade() -> None:
    _drop_added(1)
    op.create_table(
        "referral_routes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("need_code", sa.String(length=64), nullable=False),
        sa.Column("organization_kind", sa.String(length=64), nullable=False),
        sa.Column("due_working_days", sa.Integer(), nullable=False),
        sa.Column("created_at", app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_routes")),
        sa.UniqueConstraint(
            "need_code",
            "organization_kind",
            name=op.f("uq_referral_routes_need_code_organization_kind"),
        ),
    )
    op.create_table(
        "referral_defaults",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("organization_kind", sa.String(length=64), nullable=False),
        sa.Column(
            "region_code",
            sa.String(length=15).with_variant(sa.String(length=15, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_referral_defaults_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_defaults")),
        sa.UniqueConstraint(
            "organization_kind",
            "region_code",
            name=op.f("uq_referral_defaults_organization_kind_region_code"),
        ),
    )
    op.create_table(
        "referrals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("need_id", sa.Uuid(), nullable=False),
        sa.Column("need_code", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=True),
        sa.Column("sent_by", sa.Uuid(), nullable=True),
        sa.Column(
            "sender_region_code",
            sa.String(length=15).with_variant(sa.String(length=15, collation="C"), "postgresql"),
            nullable=True,
        ),
        sa.Column("sender_organization_id", sa.Uuid(), nullable=True),
        sa.Column("receiver_organization_id", sa.Uuid(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("due_working_days", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("reason", sa.String(length=64), nullable=True),
        sa.Column("reason_note", sa.Text(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("amount", app.core.types.Money(), nullable=True),
        sa.Column("closed_at", app.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("household_id", sa.Uuid(), nullable=False),
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
        sa.Column("created_at", app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_referrals_household_id_households"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["need_id"],
            ["household_needs.id"],
            name=op.f("fk_referrals_need_id_household_needs"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["receiver_organization_id"],
            ["organizations.id"],
            name=op.f("fk_referrals_receiver_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["sender_organization_id"],
            ["organizations.id"],
            name=op.f("fk_referrals_sender_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["sent_by"], ["users.id"], name=op.f("fk_referrals_sent_by_users"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
    )
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.create_index("ix_referrals_application", ["application_id", "id"], unique=False)
        batch_op.create_index("ix_referrals_due", ["due_on", "id"], unique=False)
        batch_op.create_index("ix_referrals_household", ["household_id", "id"], unique=False)
        batch_op.create_index(
            "ix_referrals_receiver_status",
            ["receiver_organization_id", "status", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_referrals_region_status", ["region_code", "status", "id"], unique=False
        )
        batch_op.create_index("ix_referrals_status_due", ["status", "due_on", "id"], unique=False)
        batch_op.create_index(
            "uq_referrals_pushed_need_receiver",
            ["need_id", "receiver_organization_id"],
            unique=True,
            postgresql_where=sa.text("source = 'application'"),
            sqlite_where=sa.text("source = 'application'"),
        )

    op.create_table(
        "referral_transitions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("referral_id", sa.Uuid(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("at", app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_referral_transitions_referral_id_referrals"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_transitions")),
    )
    with op.batch_alter_table("referral_transitions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_referral_transitions_referral", ["referral_id", "id"], unique=False
        )


def downgrade() -> None:
    _drop_added(0)
    with op.batch_alter_table("referral_transitions", schema=None) as batch_op:
        batch_op.drop_index("ix_referral_transitions_referral")

    op.drop_table("referral_transitions")
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_referrals_pushed_need_receiver",
            postgresql_where=sa.text("source = 'application'"),
            sqlite_where=sa.text("source = 'application'"),
        )
        batch_op.drop_index("ix_referrals_status_due")
        batch_op.drop_index("ix_referrals_region_status")
        batch_op.drop_index("ix_referrals_receiver_status")
        batch_op.drop_index("ix_referrals_household")
        batch_op.drop_index("ix_referrals_due")
        batch_op.drop_index("ix_referrals_application")

    op.drop_table("referrals")
    op.drop_table("referral_defaults")
    op.drop_table("referral_routes")
