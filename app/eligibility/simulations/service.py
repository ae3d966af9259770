"""Simulations (DOMAIN 5, issue 15 item 4): "what if the standard changed", answered over a
region's ledger by a background job, without changing any ledger or assessment record.

A district officer simulates a version it may read (a draft or a published one) over a
region subtree within both the version's region and its own district, on a reference date.
The simulation belongs to its region: officers whose district holds it read and cancel it;
to anyone else it does not exist (404). Creation and cancellation are audited.
"""

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

from app.core import audit
from app.core.auth import Actor
from app.core.db import Database, ReadSession, WriteSession, utcnow
from app.core.errors import NotFound, ValidationFailed
from app.core.exports import stream_read
from app.core.field_messages import object_named
from app.core.jobs import enqueue
from app.core.masking import PersonalField, Viewer, shown
from app.core.pagination import PageRequest
from app.core.region_codes import is_within
from app.eligibility.policies.service import visible as visible_policy
from app.eligibility.policies.states import PolicyVersionStatus
from app.eligibility.simulations import repository
from app.eligibility.simulations.errors import SimulationFinished
from app.eligibility.simulations.kinds import SIMULATION
from app.eligibility.simulations.models import Simulation, SimulationChange
from app.eligibility.simulations.schemas import SimulationIn
from app.eligibility.simulations.states import FINISHED, SimulationStatus
from app.households import public as households
from app.regions.public import region_exists

OBJECT = "simulation"
_NO_REGION = "000000"
_BODY = "body"


def _scope(actor: Actor) -> str:
    # Identity gives every district officer a scope; without one, a code that names no region.
    return actor.principal.scope_region or _NO_REGION


def _by(actor: Actor) -> uuid.UUID | None:
    return None if actor.principal.is_client else actor.principal.id


async def create(session: WriteSession, actor: Actor, data: SimulationIn) -> Simulation:
    """A queued simulation and its job, in the caller's transaction."""
    try:
        version = await visible_policy(session, actor, data.policy_version_id)
    except NotFound:
        raise ValidationFailed.at(
            [_BODY, "policy_version_id"], "not_found", **object_named("政策版本", "policy version")
        ) from None
    if version.status == PolicyVersionStatus.retired.value:
        raise ValidationFailed.at([_BODY, "policy_version_id"], "policy_retired")
    region = data.region or version.region_code
    loc: list[str | int] = [_BODY, "region" if data.region else "policy_version_id"]
    if data.region is not None and not await region_exists(session, region):
        raise ValidationFailed.at(loc, "not_found", **object_named("区划", "region"))
    if not (is_within(region, version.region_code) and is_within(region, _scope(actor))):
        raise ValidationFailed.at(loc, "region_out_of_scope").refusing(region_code=region)
    simulation = Simulation(
        policy_version_id=version.id,
        policy_version_version=version.version,
        region_code=region,
        reference_date=data.reference_date or actor.today,
        status=SimulationStatus.queued.value,
        created_by=_by(actor),
        processed=0,
        changed=0,
        transitions=[],
        attempts=0,
    )
    session.add(simulation)
    await session.flush()
    job = await enqueue(session, SIMULATION, {"simulation_id": str(simulation.id)})
    simulation.job_id = job.id
    await _audited(session, actor, simulation, "create")
    return simulation


async def visible(
    session: ReadSession, actor: Actor, simulation_id: uuid.UUID, *, for_update: bool = False
) -> Simulation:
    """The simulation if its region lies in the actor's district; 404 otherwise, a refusal
    when it exists."""
    found = await repository.get(session, simulation_id, for_update=for_update)
    if found is None or not is_within(found.region_code, _scope(actor)):
        error = NotFound("模拟", "simulation")
        if found is not None:
            raise error.refusing(
                object_type=OBJECT, object_id=str(simulation_id), region_code=found.region_code
            )
        raise error
    return found


async def search(
    session: ReadSession, actor: Actor, page: PageRequest
) -> tuple[list[Simulation], str | None]:
    """The simulations of the actor's district, newest first."""
    return await repository.page(session, page, scope=_scope(actor))


async def cancel(session: WriteSession, actor: Actor, simulation_id: uuid.UUID) -> Simulation:
    """Stop a queued or running simulation (409 once it finished); the worker stops at its
    next batch and what was counted stays."""
    simulation = await visible(session, actor, simulation_id, for_update=True)
    if SimulationStatus(simulation.status) in FINISHED:
        raise SimulationFinished(simulation.status)
    simulation.status = SimulationStatus.cancelled.value
    simulation.finished_at = utcnow()
    await session.flush()
    await _audited(session, actor, simulation, "cancel")
    return simulation


@dataclass(frozen=True, slots=True)
class ChangedHousehold:
    """A household a simulation changes, with the labels a reader knows it by (the head's
    name masked for the reader)."""

    change: SimulationChange
    ledger_number: str | None
    head_name: str | None


async def _labelled(
    session: ReadSession, changes: list[SimulationChange], viewer: Viewer
) -> list[ChangedHousehold]:
    labels = await households.household_labels(session, [c.household_id for c in changes])
    found = []
    for change in changes:
        label = labels.get(change.household_id)
        found.append(
            ChangedHousehold(
                change,
                None if label is None else label.ledger_number,
                None if label is None else shown(label.head_name, PersonalField.name, viewer),
            )
        )
    return found


async def changes(
    session: ReadSession, actor: Actor, simulation_id: uuid.UUID, page: PageRequest
) -> tuple[list[ChangedHousehold], str | None]:
    """A page of the households the simulation changes, in household id order."""
    simulation = await visible(session, actor, simulation_id)
    found, cursor = await repository.changes_page(session, simulation.id, page)
    return await _labelled(session, found, actor.viewer), cursor


EXPORT_HEADER: list[object] = [
    "户ID",
    "区划代码",
    "台账编号",
    "户主姓名",
    "当前结果",
    "模拟结果",
    "优先评分",
]


async def export_rows(
    database: Database, simulation: Simulation, viewer: Viewer
) -> AsyncIterator[list[object]]:
    """The CSV rows of the households a simulation changes, header first, read a chunk at a
    time in short read transactions (`core.exports.stream_read`)."""
    yield EXPORT_HEADER

    async def chunk(
        session: ReadSession, after: uuid.UUID | None, limit: int
    ) -> list[ChangedHousehold]:
        return await _labelled(
            session, await repository.changes_after(session, simulation.id, after, limit), viewer
        )

    async for row in stream_read(database, chunk, lambda row: row.change.household_id):
        yield [
            str(row.change.household_id),
            row.change.region_code,
            row.ledger_number,
            row.head_name,
            row.change.from_outcome,
            row.change.to_outcome,
            row.change.score,
        ]


async def _audited(session: WriteSession, actor: Actor, simulation: Simulation, step: str) -> None:
    await audit.record(
        session,
        actor.context,
        f"simulation.{step}",
        object_type=OBJECT,
        object_id=str(simulation.id),
        region_code=simulation.region_code,
        changed_fields=["status"],
    )
