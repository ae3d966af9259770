"""Running a simulation (issue 15 item 4): the worker's side, batch after batch.

- Start: mark the simulation running (one more attempt), count the subtree's active
  households once (`total`), read the simulated version and every published version in
  force on D that may apply in the subtree, once for the whole run.
- Each batch (`BATCH` households in id order after the checkpoint) is read in one short
  read transaction: the ids, then their inputs through the batch gatherer (eight
  statements whatever the batch's size). Each household is evaluated in memory under its
  current policy (the most specific version of its region, `no_policy` when none) and under
  the simulated one, with `rules.assess`, as the single assessment is.
- Each batch is then written in one short transaction: the simulation row locked first,
  its status checked (a cancelled simulation stops here), its checkpoint compared (a run
  whose checkpoint another run moved stops: that one carries on), the changed households
  inserted, the counts merged, progress and checkpoint moved together, and last the job's
  lease renewed (lock order of app/core/jobs.py: the work's row, then the job's).
- Memory holds one batch and the counts (bounded by regions x outcomes), never the ledger.
"""

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import structlog

from app.core.db import utcnow
from app.core.jobs import JobContext, LeaseLost
from app.core.services import Services
from app.eligibility.gather import households_inputs
from app.eligibility.models import PolicyVersion
from app.eligibility.policies.service import in_force_over, most_specific, terms_of
from app.eligibility.simulations import repository
from app.eligibility.simulations.outcomes import Transition, evaluate, merged
from app.eligibility.simulations.states import FINISHED, SimulationStatus
from app.eligibility.terms import PolicyTerms
from app.households import public as households

logger = structlog.get_logger(__name__)

BATCH = 1000
"""Households per batch: one read transaction, one write transaction."""
MAX_ATTEMPTS = 3
INTERNAL_ERROR = "simulation_internal_error"
POLICY_CHANGED = "policy_version_changed"
"""The draft was edited after the simulation was asked for: its figures are not the ones
asked about, so the simulation fails rather than mix them."""


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
    checkpoint: uuid.UUID | None
    attempt: int
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
    batch_size: int | None = None,
) -> None:
    """Run one simulation to its end: `succeeded`, or `failed` after its last attempt.

    Safe to run again: a finished simulation is left alone, an unfinished one goes on from
    its checkpoint, so a job delivered twice counts each household once. As `job`, it
    raises `LeaseLost` once another worker holds the job."""
    run = await _start(services, simulation_id, job)
    if run is None:
        return
    try:
        while await _batch(services, run, batch_size or BATCH):
            pass
    except Stopped:
        logger.info("simulation_stopped", simulation_id=str(simulation_id))
        return
    except LeaseLost:
        raise
    except Exception:
        if run.attempt >= MAX_ATTEMPTS:
            await _finish(services, run, SimulationStatus.failed, INTERNAL_ERROR)
        raise
    await _finish(services, run, SimulationStatus.succeeded, None)


async def _start(
    services: Services, simulation_id: uuid.UUID, job: JobContext | None
) -> Run | None:
    async with services.database.sessionmaker() as session, session.begin():
        simulation = await repository.get(session, simulation_id, for_update=True)
        if simulation is None or SimulationStatus(simulation.status) in FINISHED:
            return None
        simulation.status = SimulationStatus.running.value
        simulation.attempts += 1
        simulation.started_at = simulation.started_at or utcnow()
        if simulation.total is None:
            simulation.total = await households.count_active(session, simulation.region_code)
        version = await session.get(PolicyVersion, simulation.policy_version_id)
        if version is None or version.version != simulation.policy_version_version:
            simulation.status = SimulationStatus.failed.value
            simulation.failure_code = POLICY_CHANGED
            simulation.finished_at = utcnow()
            return None
        in_force = await in_force_over(session, simulation.region_code, simulation.reference_date)
        if job is not None:
            await job.renew_lease_in(session)
        return Run(
            simulation_id=simulation.id,
            region_code=simulation.region_code,
            reference_date=simulation.reference_date,
            simulated=terms_of(version),
            in_force=[Applicable(v.region_code, terms_of(v)) for v in in_force],
            checkpoint=simulation.last_household_id,
            attempt=simulation.attempts,
            job=job,
        )


async def _batch(services: Services, run: Run, size: int) -> bool:
    """Evaluate and write one batch; False once the subtree is done."""
    async with services.database.read_sessionmaker() as session:
        walked = await households.active_after(session, run.region_code, run.checkpoint, size)
        inputs = await households_inputs(
            session, [household_id for household_id, _ in walked], run.reference_date
        )
    if not walked:
        return False
    evaluations = [
        evaluate(household_id, region, inputs[household_id], run.current(region), run.simulated)
        for household_id, region in walked
    ]
    counts: Counter[Transition] = Counter(e.transition for e in evaluations)
    last = walked[-1][0]
    async with services.database.sessionmaker() as session, session.begin():
        simulation = await repository.get(session, run.simulation_id, for_update=True)
        if simulation is None or simulation.status != SimulationStatus.running.value:
            raise Stopped()
        if simulation.last_household_id != run.checkpoint:
            raise Stopped()
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
        await repository.add_changes(session, changed)
        simulation.transitions = merged(simulation.transitions, counts)
        simulation.processed += len(walked)
        simulation.changed += len(changed)
        simulation.last_household_id = last
        if run.job is not None:
            await run.job.renew_lease_in(session)
    run.checkpoint = last
    return len(walked) == size


async def _finish(
    services: Services, run: Run, status: SimulationStatus, failure_code: str | None
) -> None:
    """End a simulation still running (a cancelled one stays cancelled)."""
    async with services.database.sessionmaker() as session, session.begin():
        simulation = await repository.get(session, run.simulation_id, for_update=True)
        if simulation is None or simulation.status != SimulationStatus.running.value:
            return
        simulation.status = status.value
        simulation.failure_code = failure_code
        simulation.finished_at = utcnow()
