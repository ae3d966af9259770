"""One way to create a household (DOMAIN 3-4): a validated draft in, the rows it adds out.

Pure but for fresh ids: no database, no clock. `rows_of_new_household`
turns a validated household, the persons the ledger already knows and the
sealed ID numbers of the others into every row the ledger gains: persons,
the household, memberships, target types, categories, codes, completeness,
the history (`household.create` and one `member.add` per member, ID numbers
masked), the audit event and the `household.created` domain event. The API
(`service.create`, through the ORM) and the bulk import (COPY / multi-row
INSERT) both write exactly these rows; they differ only in how they write.
"""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.core.audit import AuditContext, AuditEvent, event_row
from app.core.db import new_id
from app.core.events import DomainEvent
from app.core.events import event_row as domain_event_row
from app.core.id_numbers import IdNumber
from app.core.masking import mask_id_number
from app.households.changes import Author, event_payload, history_row
from app.households.events import Event
from app.households.history import created
from app.households.members.schemas import DETAIL_FIELDS, MemberIn
from app.households.models import (
    CAUSES,
    NEEDS,
    Household,
    HouseholdCategory,
    HouseholdChange,
    HouseholdCode,
    HouseholdEpisode,
    HouseholdNeed,
    HouseholdTargetType,
    Membership,
    Person,
    TargetTypeDecision,
)
from app.households.record.rules import (
    MEMBER_FACT_FIELDS,
    CategoryFacts,
    CoreFacts,
    HouseholdFacts,
    MemberFacts,
    missing_fields,
)
from app.households.record.schemas import RECORD_FIELDS, HouseholdCreate

Pair = tuple[str, str | None]
"""A vulnerability category and its subtype (or None)."""


@dataclass(frozen=True, slots=True)
class NewMember:
    """A member of a new household: the checked input, its parsed ID number and blind index."""

    data: MemberIn
    id_number: IdNumber
    index: str
    categories: Sequence[Pair]
    """The member's own vulnerability categories."""


@dataclass(frozen=True, slots=True)
class NewHousehold:
    """A household that passed every rule, ready to become rows."""

    fields: HouseholdCreate
    """The record's fields (its `members` are not read: see `members`)."""
    members: Sequence[NewMember]
    categories: Sequence[Pair] = ()
    """Categories of the household as a whole."""


@dataclass(frozen=True, slots=True)
class KnownPerson:
    """A person the ledger already knows by this blind index.

    Its earlier details are not here: they belong to the households it was in (and
    stay in their history); a new household gets what its staff entered."""

    person_id: uuid.UUID
    active_region: str | None
    """Region of the household the person is an active member of; None if of none."""


@dataclass(frozen=True, slots=True)
class Intake:
    """How an applicant household came in (DOMAIN 6; Beijing 4(1)2): created `pending` with
    the application that brought it (whose id is chosen before the household's row)."""

    source: str
    """Dictionary `intake_source`: `application` (or `discovery_report`)."""
    source_id: uuid.UUID
    application_mode: str | None
    discovery_channel: str | None


@dataclass(frozen=True, slots=True)
class Origin:
    """Who creates the household, when and from where."""

    author: Author
    context: AuditContext
    created_by: uuid.UUID | None
    today: date
    """The business date: members join on it."""
    import_id: uuid.UUID | None = None
    """The bulk import the household comes from, recorded in its history."""
    intake: Intake | None = None
    """What brought it in when not staff's form or an import: an application (DOMAIN 6)."""


@dataclass(slots=True)
class LedgerRows:
    """Rows by table, parents first (the order a writer inserts them in)."""

    persons: list[dict[str, Any]] = field(default_factory=list)
    person_updates: list[dict[str, Any]] = field(default_factory=list)
    households: list[dict[str, Any]] = field(default_factory=list)
    episodes: list[dict[str, Any]] = field(default_factory=list)
    members: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    target_types: list[dict[str, Any]] = field(default_factory=list)
    categories: list[dict[str, Any]] = field(default_factory=list)
    codes: list[dict[str, Any]] = field(default_factory=list)
    needs: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    audit_events: list[dict[str, Any]] = field(default_factory=list)

    def extend(self, other: "LedgerRows") -> None:
        for name in self.__dataclass_fields__:
            getattr(self, name).extend(getattr(other, name))


ROW_MODELS: tuple[tuple[str, type[Any]], ...] = (
    ("persons", Person),
    ("households", Household),
    ("episodes", HouseholdEpisode),
    ("members", Membership),
    ("decisions", TargetTypeDecision),
    ("target_types", HouseholdTargetType),
    ("categories", HouseholdCategory),
    ("codes", HouseholdCode),
    ("needs", HouseholdNeed),
    ("changes", HouseholdChange),
    ("events", DomainEvent),
    ("audit_events", AuditEvent),
)
"""The table of each kind of row, in the order a writer inserts them (parents first);
`person_updates` refresh persons the ledger knows already."""


def first_stay(
    household_id: uuid.UUID,
    region: str,
    day: date,
    by: uuid.UUID | None,
    at: Any,
) -> dict[str, Any]:
    """The household's first stay in the ledger (Beijing 5): re-entries open later ones."""
    return {
        "id": new_id(),
        "household_id": household_id,
        "region_code": region,
        "district_code": region[:6],
        "entered_on": day,
        "entry_reason": "first_registration",
        "entry_note": None,
        "entered_by": by,
        "exited_on": None,
        "exit_reason": None,
        "exit_note": None,
        "exit_proposal_id": None,
        "created_at": at,
    }


Owned = tuple[str, str | None, uuid.UUID | None]
"""A category, its subtype and the member it belongs to (None: the household)."""


def _categories(draft: NewHousehold, persons: Sequence[uuid.UUID]) -> list[Owned]:
    """Every category once, in the order the record keeps them: by every column."""
    found: set[Owned] = {(c, s, None) for c, s in draft.categories}
    for member, person_id in zip(draft.members, persons, strict=True):
        found |= {(c, s, person_id) for c, s in member.categories}
    return sorted(found, key=lambda c: (c[0], c[1] or "", str(c[2] or "")))


def rows_of_new_household(
    draft: NewHousehold,
    known: Mapping[str, KnownPerson],
    sealed: Mapping[str, tuple[str, str]],
    origin: Origin,
) -> LedgerRows:
    """Every row one new household adds to the ledger (DOMAIN 3-4).

    `known` holds the persons the ledger knows already (by blind index), none
    of them an active member elsewhere: their rows are kept and refreshed with
    what was entered now (every detail, not only those given); `sealed` the
    (ciphertext, key id) of every other member's ID number.
    """
    fields = draft.fields
    rows = LedgerRows()
    household_id = new_id()
    region = fields.region_code
    at = origin.author.at
    stamps = {"created_at": at, "updated_at": at}
    head: uuid.UUID | None = None
    facts: list[MemberFacts] = []
    joined: list[tuple[uuid.UUID, dict[str, Any]]] = []
    persons: list[uuid.UUID] = []
    for member in draft.members:
        data = member.data
        name = data.name.strip()
        details = data.stored(DETAIL_FIELDS)
        person = known.get(member.index)
        if person is None:
            person_id = new_id()
            cipher, key_id = sealed[member.index]
            rows.persons.append(
                {
                    "id": person_id,
                    "version": 1,
                    "name": name,
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
            person_id = person.person_id
            rows.person_updates.append({"id": person_id, "name": name, **details, "updated_at": at})
        persons.append(person_id)
        facts.append(MemberFacts(person_id, **{n: details[n] for n in MEMBER_FACT_FIELDS}))
        snapshot = {
            "name": name,
            "id_number": mask_id_number(member.id_number.value),
            **details,
            "relation_to_head": data.relation_to_head,
        }
        joined.append((person_id, snapshot))
        if data.relation_to_head == "self":
            head = person_id
        rows.members.append(
            {
                "id": new_id(),
                "household_id": household_id,
                "person_id": person_id,
                "region_code": region,
                "district_code": region[:6],
                "relation_to_head": data.relation_to_head,
                "active": True,
                "joined_on": data.joined_on or origin.today,
                "left_on": None,
                "left_reason": None,
                **stamps,
            }
        )
    categories = _categories(draft, persons)
    causes, needs = sorted(set(fields.causes or [])), sorted(set(fields.needs or []))
    gaps = missing_fields(
        HouseholdFacts(
            head_person_id=head,
            benefits=fields.benefits,
            needs=needs,
            measures=None,
            no_help_reason=fields.no_help_reason,
            basic_situation=fields.basic_situation,
            emergency_situation=fields.emergency_situation,
            categories=[CategoryFacts(c, s, p) for c, s, p in categories],
            members=facts,
            # New: no plan, no paired worker and no incomes yet.
            core=CoreFacts(
                today=origin.today,
                region_code=region,
                hukou_region_code=fields.hukou_region_code,
                hukou_type=fields.hukou_type,
                settled_since=fields.settled_since,
            ),
        )
    )
    scalars = {name: getattr(fields, name) for name in RECORD_FIELDS}
    intake = origin.intake
    # An applicant stays out of the ledger (`pending`, no stay yet) until its application is
    # accepted (`households.public.admit`); staff's form and the import enter it at once.
    status = "pending" if intake is not None else "active"
    if intake is not None:
        origin_fields: dict[str, Any] = {
            "intake_source": intake.source,
            "intake_source_id": intake.source_id,
            "application_mode": intake.application_mode,
            "discovery_channel": intake.discovery_channel,
        }
    else:
        origin_fields = {
            "intake_source": "import" if origin.import_id is not None else "form",
            "intake_source_id": origin.import_id,
            "application_mode": None,
            "discovery_channel": None,
        }
    address = fields.address.strip()
    rows.households.append(
        {
            "id": household_id,
            "version": 1,
            "ledger_number": None,  # given by the writer (`numbers.assign`), in its transaction
            "region_code": region,
            "district_code": region[:6],
            "address": address,
            "head_person_id": head,
            "status": status,
            "exited_on": None,
            "exit_reason": None,
            "exit_note": None,
            "attention": None,
            "paired_worker_id": None,
            "complete": not gaps,
            "missing_fields": gaps,
            "created_by": origin.created_by,
            **origin_fields,
            **scalars,
            **stamps,
        }
    )
    if status == "active":
        rows.episodes.append(first_stay(household_id, region, origin.today, origin.created_by, at))
    rows.needs += [
        {
            "id": new_id(),
            "household_id": household_id,
            "region_code": region,
            "district_code": region[:6],
            "code": code,
            "status": "open",
            "noted_on": origin.today,
            "noted_by": origin.created_by,
            "source": "import" if origin.import_id is not None else "record",
            "source_id": origin.import_id,
            "note": None,
            "status_changed_at": None,
            "status_changed_by": None,
            "created_at": at,
        }
        for code in needs
    ]
    decisions: list[dict[str, Any]] = [
        {
            "id": new_id(),
            "household_id": household_id,
            "region_code": region,
            "district_code": region[:6],
            "target_type": d.target_type,
            "source": "recorded_by_staff",
            "deciding_body": d.deciding_body,
            "decided_on": d.decided_on,
            "reference": d.reference,
            "ends_on": d.ends_on,
            "assessment_id": None,
            "recorded_by": origin.created_by,
            "recorded_at": at,
            "ended_on": None,
            "end_reason": None,
            "end_note": None,
            "ended_by": None,
            "ended_at": None,
        }
        for d in fields.target_type_decisions
    ]
    rows.decisions += decisions
    # Decisions with a term already over are history; the others give the household its types.
    held = sorted(
        (d for d in decisions if d["ends_on"] is None or d["ends_on"] >= origin.today),
        key=lambda d: str(d["target_type"]),
    )
    rows.target_types += [
        {
            "household_id": household_id,
            "target_type": d["target_type"],
            "source": "recorded_by_staff",
            "assessment_id": None,
            "recorded_at": at,
            "decision_id": d["id"],
        }
        for d in held
    ]
    target_types = [d["target_type"] for d in held]
    rows.categories += [
        {"id": new_id(), "household_id": household_id, "category": c, "subtype": s, "person_id": p}
        for c, s, p in categories
    ]
    rows.codes += [{"household_id": household_id, "list": CAUSES, "code": c} for c in causes]
    rows.codes += [{"household_id": household_id, "list": NEEDS, "code": c} for c in needs]
    record = {
        "region_code": region,
        "address": address,
        **scalars,
        "head_person_id": head,
        "target_types": target_types,
        "target_type_decisions": [
            {
                k: d[k]
                for k in ("target_type", "deciding_body", "decided_on", "reference", "ends_on")
            }
            for d in decisions
        ]
        or None,
        "categories": [{"category": c, "subtype": s, "person_id": p} for c, s, p in categories],
        "causes": causes,
        "needs": needs,
        "import_id": origin.import_id,
    }
    rows.changes.append(
        history_row(household_id, region, origin.author, "household.create", created(record))
    )
    rows.changes += [
        history_row(household_id, region, origin.author, "member.add", created(snapshot), person_id)
        for person_id, snapshot in joined
    ]
    rows.events.append(
        domain_event_row(Event.created, event_payload(household_id, 1, region), at=at)
    )
    # The fields the new record holds, whichever way it came in (a form or a file row).
    audited = {name for name in created(record) if name != "import_id"}
    rows.audit_events.append(
        event_row(
            origin.context,
            "household.create",
            object_type="household",
            object_id=str(household_id),
            region_code=region,
            changed_fields=sorted(audited | ({"members"} if draft.members else set())),
            at=at,
        )
    )
    return rows
