"""guardian and caregiver as contacts {name, relation, phone} instead of free text

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 16:00:00

Free text carried names and phone numbers past the masking. What the text
says is read into a contact where it can be (`households.contacts.contact_from_text`:
"侄子 赵强" becomes relation `relative`, name 赵强); the rest is kept whole as
the contact's `note`, shown only to roles that may see names and phones.
"""

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from app.dictionaries.catalog import CATALOG
from app.households.contacts import CONTACT_FIELDS, contact_from_text

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sa.String(length=100)


def _convert(
    old: sa.types.TypeEngine[Any], new: sa.types.TypeEngine[Any], value: Callable[[Any], Any]
) -> None:
    """Change both columns' type, carrying each value over through `value`.

    The values are read first and the columns emptied, so neither a cast on
    PostgreSQL nor SQLite's table copy ever sees one; then they are written
    back in the new form.
    """
    bind = op.get_bind()
    before = sa.table(
        "persons", sa.column("id", sa.Uuid()), *(sa.column(n, old) for n in CONTACT_FIELDS)
    )
    filled = sa.or_(*(before.c[n].is_not(None) for n in CONTACT_FIELDS))
    rows = bind.execute(sa.select(before).where(filled)).all()
    bind.execute(sa.update(before).where(filled).values({n: sa.null() for n in CONTACT_FIELDS}))
    with op.batch_alter_table("persons", schema=None) as batch_op:
        for name in CONTACT_FIELDS:
            batch_op.alter_column(
                name,
                existing_type=old,
                type_=new,
                existing_nullable=True,
                postgresql_using=f"{name}::{'json' if isinstance(new, sa.JSON) else 'varchar(100)'}",
            )
    after = sa.table(
        "persons", sa.column("id", sa.Uuid()), *(sa.column(n, new) for n in CONTACT_FIELDS)
    )
    if rows:
        bind.execute(
            sa.update(after).where(after.c.id == sa.bindparam("person_id")),
            [
                {
                    "person_id": row.id,
                    **{n: _or_none(getattr(row, n), value) for n in CONTACT_FIELDS},
                }
                for row in rows
            ],
        )


def _or_none(stored: Any, value: Callable[[Any], Any]) -> Any:
    return None if stored is None else value(stored)


def _contact(text: str) -> dict[str, str] | None:
    return contact_from_text(text.strip()) if text.strip() else None


_KINSHIP = {
    c.code: c.label_zh.split("、")[0] for t in CATALOG if t.name == "kinship" for c in t.codes
}


def _text(contact: dict[str, Any]) -> str | None:
    if not contact:
        return None
    if "note" in contact:
        return str(contact["note"])[:100]
    relation = _KINSHIP.get(contact.get("relation") or "", contact.get("relation"))
    parts = (relation, contact.get("name"), contact.get("phone"))
    return " ".join(p for p in parts if p)[:100] or None


def upgrade() -> None:
    _convert(_TEXT, sa.JSON(), _contact)


def downgrade() -> None:
    _convert(sa.JSON(), _TEXT, _text)
