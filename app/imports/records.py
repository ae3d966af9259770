"""The ledger rows of an imported household, as `create` would write them (DOMAIN 3-4).

Pure: a validated draft in, plain row dicts out, so a batch of households
goes to the database in one multi-row INSERT per table. What `create` does
one household at a time is done here the same way: ID numbers sealed and
blind-indexed, the head from the `self` member, district codes, staff-recorded
target types, completeness from the same rules, and the history: one
`household.import` entry and one `member.add` entry per member (ID numbers
masked), as `create` writes `household.create` and `member.add`.
"""

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.core.masking import mask_id_number
from app.households import history
from app.households.members import DETAIL_FIELDS
from app.households.repository import CAUSES, NEEDS
from app.households.rules import (
    MEMBER_FACT_FIELDS,
    CategoryFacts,
    HouseholdFacts,
    MemberFacts,
    missing_fields,
)
from app.households.service import RECORD_FIELDS
from app.imports.parsing import HouseholdDraft


@dataclass(frozen=True, slots=True)
class ExistingPerson:
    """A person the ledger already knows by this blind index."""

    person_id: uuid.UUID
    active_region: str | None
    """Region of the household the person is an active member of; None if of none."""
    details: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Author:
    """Who the import writes as, and when."""

    import_id: uuid.UUID
    created_by: uuid.UUID
    actor: str
    actor_role: str
    today: date
    now: datetime


@dataclass(slots=True)
class LedgerRows:
    persons: list[dict[str, Any]] = field(default_factory=list)
    person_updates: list[dict[str, Any]] = field(default_factory=list)
    households: list[dict[str, Any]] = field(default_factory=list)
    members: list[dict[str, Any]] = field(default_factory=list)
    target_types: list[dict[str, Any]] = field(default_factory=list)
    categories: list[dict[str, Any]] = field(default_factory=list)
    codes: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)

    def extend(self, other: "LedgerRows") -> None:
        for name in self.__dataclass_fields__:
            getattr(self, name).extend(getattr(other, name))


def ledger_rows_of(
    draft: HouseholdDraft,
    existing: Mapping[str, ExistingPerson],
    sealed: Mapping[str, tuple[str, str]],
    author: Author,
    new_id: Callable[[], uuid.UUID],
) -> LedgerRows:
    """Every row one valid household adds to the ledger.

    `existing` holds the persons the ledger knows already (by blind index);
    `sealed` the (ciphertext, key id) of every other member's ID number.
    """
    fields = draft.fields
    assert fields is not None
    assert not draft.errors
    rows = LedgerRows()
    household_id = new_id()
    region = fields.region_code
    stamps = {"created_at": author.now, "updated_at": author.now}
    head: uuid.UUID | None = None
    facts: list[MemberFacts] = []
    joined: list[tuple[uuid.UUID, dict[str, Any]]] = []
    categories: list[tuple[str, str | None, uuid.UUID | None]] = [
        (c, s, None) for c, s in draft.categories
    ]
    for member in draft.members:
        data = member.data
        given = {name: getattr(data, name) for name in data.model_fields_set & set(DETAIL_FIELDS)}
        known = existing.get(member.index)
        if known is None:
            person_id = new_id()
            cipher, key_id = sealed[member.index]
            details = {name: getattr(data, name) for name in DETAIL_FIELDS}
            rows.persons.append(
                {
                    "id": person_id,
                    "version": 1,
                    "name": data.name.strip(),
                    "id_number_cipher": cipher,
                    "id_number_key_id": key_id,
                    "id_number_index": member.index,
                    "sex": member.id_number.sex.value,
                    "birth_date": member.id_number.birth_date,
                    **details,
                    **stamps,
                }
            )
        else:
            person_id = known.person_id
            details = {**known.details, **given}
            rows.person_updates.append(
                {"id": person_id, "name": data.name.strip(), **given, "updated_at": author.now}
            )
        facts.append(MemberFacts(person_id, **{name: details[name] for name in MEMBER_FACT_FIELDS}))
        joined.append(
            (
                person_id,
                {
                    "name": data.name.strip(),
                    "id_number": mask_id_number(member.id_number.value),
                    **details,
                    "relation_to_head": data.relation_to_head,
                },
            )
        )
        if data.relation_to_head == "self":
            head = person_id
        categories += [(c, s, person_id) for c, s in member.categories]
        rows.members.append(
            {
                "id": new_id(),
                "household_id": household_id,
                "person_id": person_id,
                "region_code": region,
                "district_code": region[:6],
                "relation_to_head": data.relation_to_head,
                "active": True,
                "joined_on": author.today,
                "left_on": None,
                "left_reason": None,
                **stamps,
            }
        )
    # The order `create` records categories in: by every column.
    unique = sorted(set(categories), key=lambda c: (c[0], c[1] or "", str(c[2] or "")))
    causes, needs = sorted(set(fields.causes or [])), sorted(set(fields.needs or []))
    gaps = missing_fields(
        HouseholdFacts(
            head_person_id=head,
            benefits=fields.benefits,
            needs=needs,
            measures=fields.measures,
            no_help_reason=fields.no_help_reason,
            basic_situation=fields.basic_situation,
            emergency_situation=fields.emergency_situation,
            categories=[CategoryFacts(c, s, p) for c, s, p in unique],
            members=facts,
        )
    )
    scalars = {name: getattr(fields, name) for name in RECORD_FIELDS}
    rows.households.append(
        {
            "id": household_id,
            "version": 1,
            "region_code": region,
            "district_code": region[:6],
            "address": fields.address.strip(),
            "head_person_id": head,
            "status": "active",
            "exited_on": None,
            "exit_reason": None,
            "exit_note": None,
            "attention": None,
            "paired_worker_id": None,
            "complete": not gaps,
            "missing_fields": gaps,
            "created_by": author.created_by,
            **scalars,
            **stamps,
        }
    )
    target_types = sorted(set(fields.target_types))
    rows.target_types += [
        {
            "household_id": household_id,
            "target_type": t,
            "source": "recorded_by_staff",
            "assessment_id": None,
            "recorded_at": author.now,
        }
        for t in target_types
    ]
    rows.categories += [
        {"id": new_id(), "household_id": household_id, "category": c, "subtype": s, "person_id": p}
        for c, s, p in unique
    ]
    rows.codes += [{"household_id": household_id, "list": CAUSES, "code": c} for c in causes]
    rows.codes += [{"household_id": household_id, "list": NEEDS, "code": c} for c in needs]
    snapshot = {
        "region_code": region,
        "address": fields.address.strip(),
        **scalars,
        "head_person_id": head,
        "target_types": target_types,
        "categories": [{"category": c, "subtype": s, "person_id": p} for c, s, p in unique],
        "causes": causes,
        "needs": needs,
        "import_id": author.import_id,
    }
    rows.changes.append(_change(new_id(), household_id, region, author, None, snapshot))
    rows.changes += [
        _change(new_id(), household_id, region, author, person_id, person)
        for person_id, person in joined
    ]
    return rows


def _change(
    change_id: uuid.UUID,
    household_id: uuid.UUID,
    region: str,
    author: Author,
    person_id: uuid.UUID | None,
    snapshot: dict[str, Any],
) -> dict[str, Any]:
    """A history entry of a creation, as `create` writes it: every field set, from nothing."""
    return {
        "id": change_id,
        "household_id": household_id,
        "region_code": region,
        "district_code": region[:6],
        "occurred_at": author.now,
        "actor": author.actor,
        "actor_role": author.actor_role,
        "action": "household.import" if person_id is None else "member.add",
        "person_id": person_id,
        "changes": {
            name: {"before": None, "after": value if type(value) is str else history.plain(value)}
            for name, value in snapshot.items()
            if value is not None
        },
    }
