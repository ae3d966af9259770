"""The job kinds of a simulation: its first job, which cuts the households into parts and
walks the first, and one job for each further part."""

from app.core.jobs import JobKind

MAX_ATTEMPTS = 3
"""Runs of one part before the simulation fails: a partial answer is no answer."""

# A run renews its job's lease after every batch, so it may outlast the lease; the timeout
# bounds a stuck run.
_TIMEOUT_SECONDS = 6 * 3600.0

SIMULATION = JobKind(
    "eligibility.simulation", max_attempts=MAX_ATTEMPTS, timeout_seconds=_TIMEOUT_SECONDS
)
SIMULATION_PART = JobKind(
    "eligibility.simulation_part", max_attempts=MAX_ATTEMPTS, timeout_seconds=_TIMEOUT_SECONDS
)
