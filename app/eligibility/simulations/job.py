"""The worker's side of a simulation: its job kind and handler."""

import uuid

from app.core.jobs import JobContext, JobKind
from app.eligibility.simulations import runner

SIMULATION = JobKind(
    "eligibility.simulation",
    max_attempts=runner.MAX_ATTEMPTS,
    # The run renews the job's lease after every batch, so it may outlast the lease;
    # the timeout bounds a stuck run.
    timeout_seconds=6 * 3600.0,
)


async def run(context: JobContext) -> None:
    """Run one simulation; its own short transactions commit each batch as it goes.

    Idempotent: a finished simulation is left alone, an unfinished one resumes at its
    checkpoint."""
    await runner.run_simulation(
        context.services, uuid.UUID(context.job.payload["simulation_id"]), context
    )
