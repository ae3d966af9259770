"""The worker's side of a simulation: the handlers of its job kinds (`kinds`)."""

import uuid

from app.core.jobs import JobContext
from app.eligibility.simulations import runner


async def run(context: JobContext) -> None:
    """The simulation's first job: cut its households into parts (once) and walk the first.

    Idempotent, as every part's run: a finished simulation or part is left alone, an
    unfinished part resumes at its checkpoint."""
    await runner.run_simulation(
        context.services, uuid.UUID(context.job.payload["simulation_id"]), context
    )


async def run_part(context: JobContext) -> None:
    """Walk one further part of a simulation, queued by its first job."""
    await runner.run_simulation(
        context.services,
        uuid.UUID(context.job.payload["simulation_id"]),
        context,
        part=int(context.job.payload["part"]),
    )
