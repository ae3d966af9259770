"""The ledger's public surface: what other domains may use, and nothing else of this package.

- **Fetch** a household as an actor may: `visible`, `personal` (its personal
  data; the social-worker confidentiality gate), `writable` (locked for a
  change, If-Match). Each answers 404 outside the actor's reach. A household an
  organisation may act on by another domain's rule (a partner's referrals):
  `writable_for_organization`.
- **Scope** any household-owned table by the actor's reach: `jurisdiction`;
  declare such a table with `HouseholdOwned`, so it moves with its household.
- **Change** a household through `record_change`: version, history, audit and
  domain event in the caller's transaction.
- **Read** a household and its members as of now: `household_now`; who was a member on
  a past date: `members_on`, `membership_periods`; for the eligibility rules, the
  members on a date with their facts (`members_with_facts_on_many`), hukou and residence
  on a date (`residence_on_many`) and the target types held on a date
  (`target_types_on_many`), each for a batch of households in one or two statements;
  a region's active households in keyset batches (`count_active`, `active_after`), cut
  into runs of about equal size for parallel work (`active_split`), and
  their labels (`household_labels`: ledger number, head's name).
- **Create** a household as the API does (`create_household`), or many in bulk,
  exactly as the API does (the import): `rows_of_new_household`, `known_persons`,
  `write_new_households`.
- **Applicants** (DOMAIN 6): `create_applicant_household` (`pending`, with the application
  that brings it in), `admit` on acceptance, `decline` on rejection or withdrawal before it, `reapply`
  for a declined one applying again;
  `paired_worker_of`, `has_document`, `latest_document` for the application's checks.
- **Note needs** as dated instances (from an application, a visit, a report): `note_needs`;
  find one by its id (`need_instance`; live while in `LIVE_NEEDS`).
- **File** a document in the household's file (一户一档): `file_document`.
- **Decide** the new target types from an assessment: `record_assessed_types`.
- **Close the loop** of an organisation's work (referrals): `settle_need` moves a need
  to `being_met`, back to `open` or to `met`; `record_measure_for_organization` records
  what the organisation gave (`check_measure_amount` first, at the caller's field).
- **Record** a measure given (`record_measure`), propose and confirm an exit
  (`propose_exit`, `confirm_exit`), as the API does (the demo seeds them);
  refuse a change to an exited household with `require_active` (409
  `household_exited`).
- **Match** a lead to the active household it may already be: `likely_household`
  (same ID number in the street, same address in the community: `address_key`); a
  number given spends a lookup (`spend_lookups`) and is audited by its blind index
  (`audit_id_number`); which households of a list a reach holds: `within_reach`.
- **Check** a person's category against the code tables' rules: `check_category`.
- Let departments and partners reach households through another domain's
  table (referrals): `reach_organizations_through`; act when a household exits
  or its application is declined: `on_household_leaving` (`Leaving`); read the facts a
  referral's minimum data picks from, for a reader the referral admits (`household_for_sharing`).
- **Ask** for a person active in another street: `file_transfer_request`, as
  `POST /transfer-requests` does (the demo's pending request).
"""

import uuid
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.core.auth import Actor
from app.core.db import ReadSession, WriteSession
from app.households import access, changes
from app.households.changes import Author, Change
from app.households.contacts import CONTACT_FIELDS, contact_from_text
from app.households.decisions import service as decisions
from app.households.documents import repository as documents_repository
from app.households.documents import service as documents
from app.households.errors import (
    HouseholdDeclined,
    HouseholdExited,
    PersonInAnotherHousehold,
    TooManyLookups,
)
from app.households.events import Event
from app.households.history import diff, plain
from app.households.http import (
    HOUSEHOLD,
    HOUSEHOLDS,
    PERSONAL_READ,
    HouseholdId,
    LedgerReader,
    LedgerWriter,
    answer_household_version,
    household_written,
)
from app.households.leaving import Leaving, on_household_leaving
from app.households.matching import address_key, likely_household, within_reach
from app.households.members import lookups
from app.households.members import repository as persons
from app.households.members.schemas import MemberIn
from app.households.models import Household, HouseholdDocument, HouseholdOwned
from app.households.needs import repository as needs_repository
from app.households.needs import service as needs
from app.households.plausibility import check_category
from app.households.read_models import (
    CategoryNow,
    HouseholdNow,
    HouseholdRef,
    MemberNow,
    NeedInstance,
    PersonFacts,
    household_now,
)
from app.households.record import applicants, as_of, completeness, walk
from app.households.record import repository as records_repository
from app.households.record import service as records
from app.households.record.as_of import ResidenceOn
from app.households.record.bulk import Collision, known_persons, refresh_statistics
from app.households.record.bulk import write as write_new_households
from app.households.record.creation import (
    Intake,
    KnownPerson,
    LedgerRows,
    NewHousehold,
    NewMember,
    Origin,
    rows_of_new_household,
)
from app.households.record.rules import PERSON_FIELDS
from app.households.record.schemas import HouseholdCreate
from app.households.record.validation import (
    check_head_count,
    check_record_fields,
    check_region,
    check_subtype,
    parse_id,
    parse_member_id,
)
from app.households.record.walk import HouseholdLabel
from app.households.scope import reach_organizations_through
from app.households.scope import visible_households as jurisdiction
from app.households.sharing import HouseholdForSharing, SharedMember
from app.households.sharing import for_sharing as household_for_sharing
from app.households.stewardship import assignments, plans
from app.households.stewardship import repository as stewardship
from app.households.stewardship.episode_schemas import ExitBasisIn, ExitProposalIn
from app.households.stewardship.episodes import confirm as confirm_exit
from app.households.stewardship.episodes import propose as propose_exit
from app.households.stewardship.measure_schemas import MeasureIn
from app.households.stewardship.measures import check_amount as check_measure_amount
from app.households.stewardship.measures import record as record_measure
from app.households.stewardship.measures import record_for_organization
from app.households.stewardship.schemas import PlanIn
from app.households.transfers import service as transfers
from app.households.transfers.schemas import TransferRequestIn


async def visible(session: ReadSession, actor: Actor, household_id: uuid.UUID) -> HouseholdRef:
    """The household if the actor may see it; 404 otherwise."""
    return HouseholdRef.of(await access.visible(session, actor, household_id))


async def personal(session: ReadSession, actor: Actor, household_id: uuid.UUID) -> HouseholdRef:
    """A visible household whose personal data the actor may read (Beijing 7)."""
    return HouseholdRef.of(await access.personal(session, actor, household_id))


async def writable(
    session: WriteSession,
    actor: Actor,
    household_id: uuid.UUID,
    *,
    expected_version: int | None = None,
) -> HouseholdRef:
    """A visible household locked for a change; 412 unless at `expected_version` when given."""
    household = await access.writable(
        session, actor, household_id, expected_version=expected_version
    )
    return HouseholdRef.of(household)


async def writable_for_organization(
    session: WriteSession, household_id: uuid.UUID
) -> HouseholdRef | None:
    """A household locked for a change on behalf of an organisation the caller has
    established may act on it (referrals: a partner's household known through a referral),
    without an actor's reach; None when there is none. `note_needs` takes it as it takes one
    fetched with `writable`."""
    found = await access.locked_for_organization(session, household_id)
    return None if found is None else HouseholdRef.of(found)


async def record_change(
    session: WriteSession, actor: Actor, household: HouseholdRef, change: Change
) -> HouseholdRef:
    """Record a change of a household fetched with `writable`: when something changed, the
    version goes up (once per transaction), the history gains the entry and the domain
    event is published; the audit trail gets the event in any case. Returns the household
    as it now stands. Only for a household `writable` fetched in this transaction (so the
    actor may change it, it is locked, and its If-Match was checked)."""
    if not access.was_locked(session, household.id):
        raise RuntimeError("record_change: fetch the household with `writable` first")
    found = await session.get(Household, household.id)
    assert found is not None
    await changes.record(session, actor, found, change)
    return HouseholdRef.of(found)


async def create_household(
    session: WriteSession, actor: Actor, data: HouseholdCreate
) -> HouseholdRef:
    """Enter a household into the ledger with its members, as `POST /households` does."""
    return HouseholdRef.of(await records.create(session, actor, data))


async def create_applicant_household(
    session: WriteSession, actor: Actor, data: HouseholdCreate, intake: Intake
) -> HouseholdRef:
    """Create a household with the application that brings it in (DOMAIN 6), exactly as
    `POST /households` does but `pending` (an applicant, not yet in the ledger; no stay
    yet), recording its origin (`intake_source`, `intake_source_id`, `application_mode`,
    `discovery_channel`)."""
    return HouseholdRef.of(await records.create(session, actor, data, intake=intake))


async def admit(
    session: WriteSession, actor: Actor, household: HouseholdRef, on: date
) -> HouseholdRef:
    """A pending household fetched with `writable` enters the ledger on `on` (its
    application's acceptance, 受理): `active`, its first stay opens; recorded as a change
    (`household.admit`, event `household.admitted`). 409 `invalid_transition` unless pending."""
    if not access.was_locked(session, household.id):
        raise RuntimeError("admit: fetch the household with `writable` first")
    found = await session.get(Household, household.id)
    assert found is not None
    await applicants.admit(session, actor, found, on)
    return HouseholdRef.of(found)


async def decline(session: WriteSession, actor: Actor, household: HouseholdRef) -> HouseholdRef:
    """A pending household fetched with `writable` whose application was rejected or
    withdrawn before acceptance becomes `declined` (`household.decline`, event
    `household.declined`); it refuses later writes (409 `household_declined`)."""
    if not access.was_locked(session, household.id):
        raise RuntimeError("decline: fetch the household with `writable` first")
    found = await session.get(Household, household.id)
    assert found is not None
    await applicants.decline(session, actor, found)
    return HouseholdRef.of(found)


async def reapply(session: WriteSession, actor: Actor, household: HouseholdRef) -> HouseholdRef:
    """A declined household fetched with `writable` applies again: `pending` until its new
    application is accepted (`household.reapply`). 409 `invalid_transition` unless declined."""
    if not access.was_locked(session, household.id):
        raise RuntimeError("reapply: fetch the household with `writable` first")
    found = await session.get(Household, household.id)
    assert found is not None
    await applicants.reapply(session, actor, found)
    return HouseholdRef.of(found)


async def need_instances(
    session: ReadSession,
    household_id: uuid.UUID,
    *,
    source: str | None = None,
    source_id: uuid.UUID | None = None,
) -> list[NeedInstance]:
    """The need instances of a household the caller fetched (oldest first), only those
    noted from `source` (`application`, ...) and its id when given."""
    found = await needs_repository.instances(
        session, household_id, source=source, source_id=source_id
    )
    return [NeedInstance.of(n) for n in found]


async def need_instance(session: ReadSession, need_id: uuid.UUID) -> NeedInstance | None:
    """A need instance by its id, in no one's reach: the caller fetches its household (with
    `visible` or `writable`) before it shows or uses anything of it."""
    found = await needs_repository.instance(session, need_id)
    return None if found is None else NeedInstance.of(found)


live_needs_in_region_on = needs_repository.live_in_region_on
"""(household id, need code, region code) of the needs live at the end of a day in a region's subtree, of
the households in the ledger that day (the charity federation's monthly report)."""

LIVE_NEEDS = frozenset(needs_repository.LIVE)
"""The statuses of a need the household still has (`open`, `being_met`)."""


async def paired_worker_of(session: ReadSession, household_id: uuid.UUID) -> uuid.UUID | None:
    """The worker paired with the household (对口帮扶), if any; the caller fetched it."""
    found = await session.get(Household, household_id)
    return None if found is None else found.paired_worker_id


async def has_document(
    session: ReadSession, household_id: uuid.UUID, document_id: uuid.UUID, kind: str
) -> bool:
    """Whether the household's file holds a document of `kind` with this id, not voided."""
    found = await session.get(HouseholdDocument, document_id)
    return (
        found is not None
        and found.household_id == household_id
        and found.kind == kind
        and found.voided_at is None
    )


async def latest_document(
    session: ReadSession, household_id: uuid.UUID, kind: str
) -> uuid.UUID | None:
    """The newest document of `kind` in the household's file that is not voided, if any."""
    found: uuid.UUID | None = await session.scalar(
        select(HouseholdDocument.id)
        .where(
            HouseholdDocument.household_id == household_id,
            HouseholdDocument.kind == kind,
            HouseholdDocument.voided_at.is_(None),
        )
        .order_by(HouseholdDocument.id.desc())
        .limit(1)
    )
    return found


async def file_document(
    session: WriteSession,
    actor: Actor,
    household_id: uuid.UUID,
    content: bytes,
    *,
    kind: str,
    file_name: str,
    note: str | None = None,
) -> uuid.UUID:
    """File a document in the household's file (一户一档) as an upload does; its id."""
    document = await documents.add_bytes(
        session, actor, household_id, content, kind=kind, file_name=file_name, note=note
    )
    return document.id


async def record_assessed_types(
    session: WriteSession,
    actor: Actor,
    household_id: uuid.UUID,
    target_types: list[str],
    assessment_id: uuid.UUID | None,
) -> HouseholdRef:
    """Record the target type an assessment decided (`income_poverty` or
    `expenditure_poverty`, or none: `[]`) as a decision of that assessment; the earlier
    assessed decisions in force end. A household holding dibao, tekun or registered
    hardship gets 422 `registered_type_held` (Yubei 3(1): the new types are for 非建档家庭)."""
    household = await decisions.record_assessed(
        session, actor, household_id, target_types, assessment_id
    )
    return HouseholdRef.of(household)


async def note_needs(
    session: WriteSession,
    actor: Actor,
    household: HouseholdRef,
    codes: list[str],
    *,
    source: str,
    source_id: uuid.UUID | None,
    noted_on: date,
    note: str | None = None,
) -> list[NeedInstance]:
    """Note needs as dated instances of a household fetched with `writable` (or
    `writable_for_organization`) (DOMAIN 4, 6): one open instance per distinct code (codes
    of the `need` dictionary), from `source` (`application`, `home_visit`,
    `discovery_report`, `partner_referral`) and its id; the household's need
    codes follow its live instances, and the change is recorded (history `needs.note`).
    Returns the instances in code order (ids known; written with the next flush)."""
    if not access.was_locked(session, household.id):
        raise RuntimeError("note_needs: fetch the household with `writable` first")
    found = await session.get(Household, household.id)
    assert found is not None
    before = await needs_repository.live_codes(session, found.id)
    noted = await needs.note(
        session,
        actor,
        found,
        codes,
        live=before,
        source=source,
        source_id=source_id,
        noted_on=noted_on,
        note=note,
    )
    changed = diff({"needs": before}, {"needs": noted.codes})
    if changed:
        await completeness.refresh(session, found, actor.today, needs=noted.codes, write_now=False)
    await changes.record(session, actor, found, Change("needs.note", Event.changed, changed))
    return [NeedInstance.of(instance) for instance in noted.instances]


async def settle_need(
    session: WriteSession, actor: Actor, household_id: uuid.UUID, need_id: uuid.UUID, status: str
) -> None:
    """Where a need of the household stands after organisations' work on it changed (the
    referrals answering it): `being_met`, `open` again, or `met` (then no longer one of the
    household's need codes). A need that is not live stays as it is. The caller has
    established that the actor acts on the need's household (a referral's side); the
    household is locked, and a change is recorded (history `need.settle`)."""
    found = await access.locked_for_organization(session, household_id)
    assert found is not None, "a need's household exists (foreign key)"
    changed = await needs.settle(session, actor, found, need_id, status)
    if changed is None:
        return
    await completeness.refresh(session, found, actor.today)
    await changes.record(session, actor, found, Change("need.settle", Event.changed, changed))


async def record_measure_for_organization(
    session: WriteSession,
    actor: Actor,
    household_id: uuid.UUID,
    data: MeasureIn,
    *,
    need_id: uuid.UUID,
) -> uuid.UUID:
    """Record a measure an organisation gave the household (帮扶措施) in answer to its need
    `need_id`, on behalf of its officer or client, as `record_measure` does, where the
    caller has established that the organisation may act on the household (the receiver
    completing a referral); 409 `household_exited` for a household no longer in the
    ledger. Returns the record's id."""
    return (await record_for_organization(session, actor, household_id, data, need_id)).id


async def count_in_region(session: ReadSession, actor: Actor, region_code: str) -> int:
    """How many households of a region's subtree, in any state, the actor may see."""
    return await records_repository.count_in_region(session, actor.reach, region_code)


async def members_ever(
    session: ReadSession, household_id: uuid.UUID, person_ids: set[uuid.UUID]
) -> set[uuid.UUID]:
    """Which of `person_ids` are or were members of the household (their past rows stay)."""
    return await persons.members_ever(session, household_id, person_ids)


async def file_transfer_request(
    session: WriteSession, actor: Actor, data: TransferRequestIn
) -> uuid.UUID:
    """File a transfer request for a person active in another street's household, into a
    household the actor may change, as `POST /transfer-requests` does (DOMAIN 4)."""
    return await transfers.file(session, actor, data)


audit_read = access.audit_read
require_active = access.require_active


async def membership_periods(
    session: ReadSession, household_id: uuid.UUID, person_ids: set[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[date, date | None]]]:
    """(joined_on, left_on) of each membership of `person_ids` in the household, oldest
    first; `left_on` is None while it lasts."""
    return await persons.membership_periods(session, household_id, person_ids)


async def members_on(session: ReadSession, household_id: uuid.UUID, day: date) -> list[uuid.UUID]:
    """Who counted as a member of the household on `day` (household size on a past date, for
    the eligibility rules): joined_on <= day < left_on. A person counts on the day they
    joined and no longer on the day they left, so on any one day a person who moved
    between households counts in exactly one; a membership with left_on == joined_on
    counts on no day. The caller fetched the household through the actor's reach."""
    return await persons.members_on(session, household_id, day)


async def members_with_facts_on_many(
    session: ReadSession, household_ids: Sequence[uuid.UUID], day: date
) -> dict[uuid.UUID, list[PersonFacts]]:
    """`members_on` of a batch of households (a household with nobody on `day` is absent),
    each member with birth date, health, disability grade and employment, in one
    statement. These are the persons' current values, not those of a past date: a change
    of them is in the history of the household the person was in (`member.update`) but is
    not undone here, so a fact corrected after a date reads corrected on it too. The caller
    reached the households (an assessment, a simulation)."""
    found: dict[uuid.UUID, dict[uuid.UUID, PersonFacts]] = {}
    rows = await persons.member_facts_on_many(session, household_ids, day)
    for household_id, person_id, birth_date, health, grade, employment in rows:
        members = found.setdefault(household_id, {})
        if person_id not in members:
            members[person_id] = PersonFacts(person_id, birth_date, health, grade, employment)
    return {household_id: list(members.values()) for household_id, members in found.items()}


async def residence_on_many(
    session: ReadSession, household_ids: Sequence[uuid.UUID], day: date
) -> dict[uuid.UUID, ResidenceOn]:
    """Each household's hukou region code and the date since when it lives in the city
    (`settled_since`) as the ledger held them on `day`: the current values with the changes
    recorded after `day` (business dates, Asia/Shanghai) undone from the history, so a
    correction made later does not rewrite the past; the values it was entered with stand
    for the time before its creation. With its district (now). Two statements whatever the
    number of households; one that does not exist is absent."""
    return await as_of.residence_on_many(session, household_ids, day)


async def target_types_on(
    session: ReadSession, household_id: uuid.UUID, day: date
) -> frozenset[str]:
    """`target_types_on_many` of one household (none held: empty)."""
    return (await target_types_on_many(session, [household_id], day)).get(household_id, frozenset())


async def target_types_on_many(
    session: ReadSession, household_ids: Sequence[uuid.UUID], day: date
) -> dict[uuid.UUID, frozenset[str]]:
    """The target types each household held on `day`: its decisions in force that day
    (decided on or before it, not ended on or before it by `ended_on`, term `ends_on` not
    over before it), as recorded now. One statement; a household that held none is absent."""
    return await decisions.types_on_many(session, household_ids, day)


count_active = walk.count_active
"""How many active households a region's subtree holds (no reach: the caller checked it)."""
active_after = walk.active_after
"""A keyset batch of a subtree's active households, (id, region code) in id order."""
active_split = walk.active_split
"""The upper bounds of runs of about equal size of a subtree's active households (parallel
work)."""
household_labels = walk.labels
"""Ledger number and head's name (unmasked) of a batch of households, in one statement."""


async def refresh_completeness(
    session: WriteSession, actor: Actor, household: HouseholdRef
) -> None:
    """Recompute the completeness of a household fetched with `writable` after a change of
    what it reads from another domain (incomes), before `record_change`."""
    if not access.was_locked(session, household.id):
        raise RuntimeError("refresh_completeness: fetch the household with `writable` first")
    found = await session.get(Household, household.id)
    assert found is not None
    await completeness.refresh(session, found, actor.today)


async def pair_worker(
    session: WriteSession,
    actor: Actor,
    household_id: uuid.UUID,
    worker_id: uuid.UUID,
    expected_version: int,
) -> HouseholdRef:
    """Pair a community or grid worker of the household's street (对口帮扶), as the API does."""
    return HouseholdRef.of(
        await assignments.pair(session, actor, household_id, worker_id, expected_version)
    )


async def revise_plan(
    session: WriteSession, actor: Actor, household_id: uuid.UUID, data: PlanIn
) -> int:
    """Write the household's next plan version (一户一策), as the API does; its revision."""
    current = await stewardship.latest_plan(session, household_id)
    plan = await plans.revise(
        session, actor, household_id, data, current.revision if current else None
    )
    return plan.revision


async def households_reached(
    session: ReadSession, actor: Actor, *, limit: int
) -> list[HouseholdRef]:
    """Active households the actor reaches, oldest first, at most `limit` (demo data and
    tools acting for a user; lists for the API go through the ledger's own routes)."""
    rows = await session.scalars(
        select(Household)
        .where(
            jurisdiction(actor.reach, Household.id, Household.region_code),
            Household.status == "active",
        )
        .order_by(Household.created_at, Household.id)
        .limit(limit)
    )
    return [HouseholdRef.of(household) for household in rows]


async def assigned_social_worker(session: ReadSession, household_id: uuid.UUID) -> uuid.UUID | None:
    """The social worker the household is actively assigned to (Beijing 4, 7), if any."""
    assignment = await stewardship.current_assignment(session, household_id)
    return assignment.social_worker_id if assignment is not None else None


async def documents_on_file(
    session: ReadSession, household_id: uuid.UUID, document_ids: list[uuid.UUID]
) -> set[uuid.UUID]:
    """Which of `document_ids` are documents of the household's file, not voided."""
    return await documents_repository.live_of(session, household_id, document_ids)


async def assign_household(
    session: WriteSession,
    actor: Actor,
    household_id: uuid.UUID,
    agency_id: uuid.UUID,
    social_worker_id: uuid.UUID | None,
) -> None:
    """Assign the household to a social-work agency and worker, as the API does."""
    await assignments.assign(session, actor, household_id, agency_id, social_worker_id)


async def measures_total_in_year(
    session: ReadSession, household_id: uuid.UUID, code: str, year: int
) -> Decimal:
    """What the household was given in measures of `code` in calendar year `year` (yuan),
    voided records left out, in one aggregate statement (e.g. the Red Cross major-illness
    aid already received against its yearly cap, Yubei 3(3)1(3)). The caller fetched the
    household through the actor's reach."""
    return await stewardship.measures_total(
        session, household_id, code, date(year, 1, 1), date(year, 12, 31)
    )


audit_read = access.audit_read
audit_id_number = access.audit_id_number
spend_lookups = lookups.spend
"""Count ID numbers a caller gives against its budget of the minute (429 past it), before
the request's transaction runs a statement: a route that matches a number it is given."""
read_income_months_with = completeness.read_income_months_with

__all__ = [
    "CONTACT_FIELDS",
    "HOUSEHOLD",
    "HOUSEHOLDS",
    "LIVE_NEEDS",
    "PERSONAL_READ",
    "PERSON_FIELDS",
    "Author",
    "CategoryNow",
    "Change",
    "Collision",
    "Event",
    "ExitBasisIn",
    "ExitProposalIn",
    "HouseholdCreate",
    "HouseholdDeclined",
    "HouseholdExited",
    "HouseholdForSharing",
    "HouseholdId",
    "HouseholdLabel",
    "HouseholdNow",
    "HouseholdOwned",
    "HouseholdRef",
    "Intake",
    "KnownPerson",
    "Leaving",
    "LedgerReader",
    "LedgerRows",
    "LedgerWriter",
    "MeasureIn",
    "MemberIn",
    "MemberNow",
    "NeedInstance",
    "NewHousehold",
    "NewMember",
    "Origin",
    "PersonFacts",
    "PersonInAnotherHousehold",
    "PlanIn",
    "ResidenceOn",
    "SharedMember",
    "TooManyLookups",
    "TransferRequestIn",
    "active_after",
    "active_split",
    "address_key",
    "admit",
    "answer_household_version",
    "assign_household",
    "assigned_social_worker",
    "audit_id_number",
    "audit_read",
    "check_category",
    "check_head_count",
    "check_measure_amount",
    "check_record_fields",
    "check_region",
    "check_subtype",
    "confirm_exit",
    "contact_from_text",
    "count_active",
    "count_in_region",
    "create_applicant_household",
    "create_household",
    "decline",
    "diff",
    "documents_on_file",
    "file_document",
    "file_transfer_request",
    "has_document",
    "household_for_sharing",
    "household_labels",
    "household_now",
    "household_written",
    "households_reached",
    "jurisdiction",
    "known_persons",
    "latest_document",
    "likely_household",
    "live_needs_in_region_on",
    "measures_total_in_year",
    "members_ever",
    "members_on",
    "members_with_facts_on_many",
    "membership_periods",
    "need_instance",
    "need_instances",
    "note_needs",
    "on_household_leaving",
    "pair_worker",
    "paired_worker_of",
    "parse_id",
    "parse_member_id",
    "personal",
    "plain",
    "propose_exit",
    "reach_organizations_through",
    "read_income_months_with",
    "reapply",
    "record_assessed_types",
    "record_change",
    "record_measure",
    "record_measure_for_organization",
    "refresh_completeness",
    "refresh_statistics",
    "require_active",
    "residence_on_many",
    "revise_plan",
    "rows_of_new_household",
    "settle_need",
    "spend_lookups",
    "target_types_on",
    "target_types_on_many",
    "visible",
    "within_reach",
    "writable",
    "write_new_households",
]
