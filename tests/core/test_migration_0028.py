"""Revision 0028 moves each started, unfinished simulation's checkpoint and counts into its
part 0, which covers the whole subtree, so it resumes where it was; a simulation not yet
started or finished gets no part (its first run cuts it). Downgrading brings part 0's
checkpoint and counts back, and fails an unfinished simulation of several parts (one
checkpoint cannot hold their places)."""

import uuid

from alembic import command

from app.core.migrations import alembic_config
from tests.core.test_migration_0025 import _run

_SIMULATION = (
    "INSERT INTO simulations (id, policy_version_id, policy_version_version, region_code, "
    "reference_date, status, job_id, total, processed, changed, last_household_id, "
    "transitions, attempts, created_at, updated_at) VALUES (:id, :policy, 1, '500112', "
    "'2026-06-15', :status, :job, :total, 0, 0, :checkpoint, :transitions, :attempts, "
    "'2026-06-15 00:00:00', '2026-06-15 00:00:00')"
)

COUNTS = '[["500112001001001", "income_poverty", "income_poverty", 3]]'


def test_0028_gives_a_started_unfinished_simulation_its_checkpoint_as_part_0(
    tmp_path: object,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/parts.db"
    config = alembic_config(url)
    config.attributes["skip_logging"] = True
    command.upgrade(config, "0027")
    running, queued, done = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    checkpoint, job = uuid.uuid4(), uuid.uuid4()
    rows = [
        (running, "running", 10, checkpoint.hex, 2),
        (queued, "queued", None, None, 0),
        (done, "succeeded", 10, uuid.uuid4().hex, 1),
    ]
    _run(
        url,
        [
            (
                _SIMULATION,
                {
                    "id": simulation.hex,
                    "policy": uuid.uuid4().hex,
                    "status": status,
                    "job": job.hex,
                    "total": total,
                    "checkpoint": last,
                    "transitions": COUNTS if status == "running" else "[]",
                    "attempts": attempts,
                },
            )
            for simulation, status, total, last, attempts in rows
        ],
    )

    command.upgrade(config, "0028")

    parts = _run(
        url,
        [
            (
                "SELECT simulation_id, part, until_id, checkpoint, transitions, attempts, job_id, "
                "finished_at FROM simulation_parts",
                {},
            )
        ],
    )
    assert [tuple(row) for row in parts] == [
        (running.hex, 0, None, checkpoint.hex, COUNTS, 2, job.hex, None)
    ]

    command.downgrade(config, "0027")

    restored = _run(url, [("SELECT id, last_household_id FROM simulations ORDER BY status", {})])
    assert [tuple(row) for row in restored] == [
        (queued.hex, None),
        (running.hex, checkpoint.hex),
        (done.hex, None),
    ]
