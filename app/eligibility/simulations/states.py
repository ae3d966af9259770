"""The life of a simulation, pure: queued -> running -> succeeded, failed or cancelled."""

from enum import StrEnum


class SimulationStatus(StrEnum):
    queued = "queued"
    """Created; the worker has not picked it up yet."""
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    """The run failed on its last attempt (`failure_code`)."""
    cancelled = "cancelled"
    """Stopped on request; what was counted before it stays."""


FINISHED = frozenset(
    {SimulationStatus.succeeded, SimulationStatus.failed, SimulationStatus.cancelled}
)
"""Statuses a simulation never leaves."""

NO_POLICY = "no_policy"
"""The current outcome of a household where no published version is in force on D."""
