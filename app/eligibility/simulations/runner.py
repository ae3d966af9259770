"""Running a simulation (issue 15 item 4): the worker's side, part after part, batch after
batch.

- Start (every run of a part): mark the simulation running (one more attempt), count the
  subtree's active households once (`total`), read the simulated version and every
  published version in force on D that may apply in the subtree, once for the whole run.
  The first run of the simulation's job also cuts the households into parts
  (`households.active_split`: about equal runs in id order, `settings.simulation_parts` of
  them, none below `simulation_part_min_households`) and queues a job for each part but the
  first, which it walks itself: several worker processes then walk the parts at once (the
  rules are Python work, so only processes run them side by side).
- Each batch (`BATCH` households of the part in id order after its checkpoint) is read in
  one short read transaction: the ids and the target types held on D; a household its
  status decides (`rules.by_status`: already registered, under any policy) needs nothing
  more, the others' inputs come through the batch gatherer (eight statements whatever the
  batch's size). Each household is evaluated in memory under its current policy (the most
  specific version of its region, `no_policy` when none) and under the simulated one, with
  `rules.assess`, as the single assessment is.
- Each batch is then written in one short transaction: the simulation row locked first, its
  status checked (a cancelled simulation stops every part here), then its part's row, whose
  checkpoint is compared (a run whose checkpoint another run moved stops: that one carries
  on), the changed households inserted, the simulation's counters moved, the part's
  checkpoint and counts (held by the run in memory, written whole, never read back) set,
  and last the job's lease renewed (lock order of app/core/jobs.py: the work's rows, then
  the job's).
- A part that reaches its end is marked finished; the run finishing the last part adds up
  the parts' counts and marks the simulation succeeded. A part failing its last attempt fails the simulation.
- Memory holds one batch and the counts (bounded by regions x outcomes), never the ledger.
"""

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import structlog

from app.core.config import Settings
from app.core.db import WriteSession, utcnow
from app.core.jobs import JobContext, LeaseLost, enqueue
from app.core.services import Services
from app.eligibility.gather import households_inputs
from app.eligibility.models import PolicyVersion
from app.eligibility.policies.service import in_force_over, most_specific, terms_of
from app.eligibility.rules import by_status
from app.eligibility.simulations import repository
from app.eligibility.simulations.kinds import MAX_ATTEMPTS, SIMULATION_PART
from app.eligibility.simulations.models import Simulation, SimulationPart
from app.eligibility.simulations.outcomes import Transition, evaluate, merged_counts, rows
from app.eligibility.simulations.states import FINISHED, SimulationStatus
from app.eligibility.terms import PolicyTerms
from app.households import public as households

logger = structlog.get_logger(__name__)

BATCH = 1000
"""Households per batch: one read transaction, one write transaction."""
INTERNAL_ERROR = "simulation_internal_error"
POLICY_CHANGED = "policy_version_changed"
"""The draft was edited after the simulation was asked for: its figures are not the ones
asked about, so the simulation fails rather than mix them."""


_NONE: frozenset[str] = frozenset()


class Stopped(Exception):
    """The simulation was cancelled, or another run moved its checkpoint: this run stops."""


@dataclass(frozen=True, slots=True)
class Applicable:
    """A published version in force on D, as the rules read it, and the region it covers."""

    region_code: str
    terms: PolicyTerms


@dataclass(slots=True)
class Run:
    simulation_id: uuid.UUID
    region_code: str
    reference_date: date
    simulated: PolicyTerms
    in_force: list[Applicable]
    part: int
    until: uuid.UUID | None
    checkpoint: uuid.UUID | None
    counts: Counter[Transition]
    """This part's counts up to the checkpoint."""
    attempt: int
    """This part's runs so far, this one included."""
    job: JobContext | None
    _current: dict[str, PolicyTerms | None] = field(default_factory=dict)

    def current(self, region_code: str) -> PolicyTerms | None:
        """The terms in force on D in the region (cached: a subtree has few regions)."""
        if region_code not in self._current:
            found = most_specific(self.in_force, region_code)
            self._current[region_code] = None if found is None else found.terms
        return self._current[region_code]


async def run_simulation(
    services: Services,
    simulation_id: uuid.UUID,
    job: JobContext | None = None,
    *,
    part: int = 0,
    batch_size: int | None = None,
) -> None:
    """Walk one part of a simulation to its end (part 0 first cuts the simulation into its
    parts); the simulation succeeds with its last part, or fails after a part's last attempt.

    Safe to run again: a finished simulation or part is left alone, an unfinished part goes
    on from its checkpoint, so a job delivered twice counts each household once. As `job`,
    it raises `LeaseLost` once another worker holds the job.

    A failure on the last attempt fails the simulation, whichever counter runs out first:
    the part's runs, or the job's claims (a claim whose run failed before its start was
    recorded counts for the queue but not for the part): no simulation waits forever on a
    part whose job is dead. (A run timed out by its kind, after six hours, is cancelled
    rather than failed; its job goes dead and the simulation stays running.)"""
    run: Run | None = None
    try:
        run = await _start(services, simulation_id, part, job)
        if run is None:
            return
        while await _batch(services, run, batch_size or BATCH):
            pass
    except Stopped:
        logger.info("simulation_stopped", simulation_id=str(simulation_id))
        return
    except LeaseLost:
        raise
    except Exception:
        if _last_attempt(run, job):
            await _finish(services, simulation_id, SimulationStatus.failed, INTERNAL_ERROR)
        raise
    await _finish_part(services, run)


def _last_attempt(run: Run | None, job: JobContext | None) -> bool:
    if run is not None and run.attempt >= MAX_ATTEMPTS:
        return True
    return job is not None and job.job.attempts >= job.job.max_attempts


async def _start(
    services: Services, simulation_id: uuid.UUID, part: int, job: JobContext | None
) -> Run | None:
    async with services.database.sessionmaker() as session, session.begin():
        simulation = await repository.get(session, simulation_id, for_update=True)
        if simulation is None or SimulationStatus(simulation.status) in FINISHED:
            return None
        simulation.status = SimulationStatus.running.value
        simulation.started_at = simulation.started_at or utcnow()
        if simulation.total is None:
            simulation.total = await households.count_active(session, simulation.region_code)
        version = await session.get(PolicyVersion, simulation.policy_version_id)
        if version is None or version.version != simulation.policy_version_version:
            simulation.status = SimulationStatus.failed.value
            simulation.failure_code = POLICY_CHANGED
            simulation.finished_at = utcnow()
            return None
        if not await repository.has_parts(session, simulation.id):
            await _plan(session, services.settings, simulation)
        own = await repository.part(session, simulation.id, part, for_update=True)
        if own is None or own.finished_at is not None:
            return None
        simulation.attempts += 1
        own.attempts += 1
        in_force = await in_force_over(session, simulation.region_code, simulation.reference_date)
        if job is not None:
            await job.renew_lease_in(session)
        return Run(
            simulation_id=simulation.id,
            region_code=simulation.region_code,
            reference_date=simulation.reference_date,
            simulated=terms_of(version),
            in_force=[Applicable(v.region_code, terms_of(v)) for v in in_force],
            part=part,
            until=own.until_id,
            checkpoint=own.checkpoint,
            counts=merged_counts([own.transitions]),
            attempt=own.attempts,
            job=job,
        )


async def _plan(session: WriteSession, settings: Settings, simulation: Simulation) -> None:
    """Cut the simulation's households into parts and queue a job for each but the first
    (walked by the simulation's own job), in the starting run's transaction. The last part
    ends at the last active household of the split, so households created later are not
    simulated: the simulation's set of households does not depend on how fast its parts
    run."""
    total = simulation.total or 0
    wanted = max(
        1, min(settings.simulation_parts, total // settings.simulation_part_min_households)
    )
    bounds: list[uuid.UUID | None] = list(
        await households.active_split(session, simulation.region_code, wanted)
    )
    for number, (after, until) in enumerate(
        zip([None, *bounds[:-1]], bounds or [None], strict=True)
    ):
        job_id = simulation.job_id
        if number:
            queued = await enqueue(
                session, SIMULATION_PART, {"simulation_id": str(simulation.id), "part": number}
            )
            job_id = queued.id
        session.add(
            SimulationPart(
                simulation_id=simulation.id,
                part=number,
                until_id=until,
                checkpoint=after,
                attempts=0,
                job_id=job_id,
            )
        )
    await session.flush()


async def _batch(services: Services, run: Run, size: int) -> bool:
    """Evaluate and write one batch; False once the subtree is done."""
    async with services.database.read_sessionmaker() as session:
        walked = await households.active_after(
            session, run.region_code, run.checkpoint, size, run.until
        )
        if not walked:
            return False
        ids = [household_id for household_id, _ in walked]
        types = await households.target_types_on_many(session, ids, run.reference_date)
        decided = {i: by_status(types.get(i, _NONE)) for i in ids}
        inputs = await households_inputs(
            session,
            [i for i, found in decided.items() if found is None],
            run.reference_date,
            types=types,
        )
    evaluations = [
        evaluate(
            household_id,
            region,
            decided[household_id] or inputs[household_id],
            run.current(region),
            run.simulated,
        )
        for household_id, region in walked
    ]
    counts = run.counts.copy()
    counts.update(e.transition for e in evaluations)
    changed = [
        {
            "simulation_id": run.simulation_id,
            "household_id": e.household_id,
            "region_code": e.region_code,
            "from_outcome": e.from_outcome,
            "to_outcome": e.to_outcome,
            "score": e.score,
        }
        for e in evaluations
        if e.changes
    ]
    last = walked[-1][0]
    async with services.database.sessionmaker() as session, session.begin():
        if await repository.lock_status(session, run.simulation_id) != SimulationStatus.running:
            raise Stopped()
        own = await repository.lock_checkpoint(session, run.simulation_id, run.part)
        if own is None or own != (run.checkpoint, False):
            raise Stopped()
        await repository.add_changes(session, changed)
        await repository.add_progress(
            session,
            run.simulation_id,
            run.part,
            processed=len(walked),
            changed=len(changed),
            checkpoint=last,
            transitions=[[*key, count] for key, count in counts.items()],
        )
        if run.job is not None:
            await run.job.renew_lease_in(session)
    run.checkpoint, run.counts = last, counts
    return len(walked) == size


async def _finish_part(services: Services, run: Run) -> None:
    """Mark the run's part finished, and the simulation succeeded when it was the last."""
    async with services.database.sessionmaker() as session, session.begin():
        simulation = await repository.get(session, run.simulation_id, for_update=True)
        if simulation is None or simulation.status != SimulationStatus.running.value:
            return
        own = await repository.part(session, run.simulation_id, run.part, for_update=True)
        if own is None or own.finished_at is not None or own.checkpoint != run.checkpoint:
            return
        own.finished_at = utcnow()
        await session.flush()
        if await repository.unfinished_parts(session, run.simulation_id) == 0:
            simulation.transitions = rows(
                merged_counts(await repository.parts_transitions(session, run.simulation_id))
            )
            simulation.status = SimulationStatus.succeeded.value
            simulation.finished_at = utcnow()


async def _finish(
    services: Services,
    simulation_id: uuid.UUID,
    status: SimulationStatus,
    failure_code: str | None,
) -> None:
    """End a simulation still queued or running (a cancelled one stays cancelled)."""
    async with services.database.sessionmaker() as session, session.begin():
        simulation = await repository.get(session, simulation_id, for_update=True)
        if simulation is None or SimulationStatus(simulation.status) in FINISHED:
            return
        simulation.status = status.value
        simulation.failure_code = failure_code
        simulation.finished_at = utcnow()
