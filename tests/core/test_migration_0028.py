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

    summed = '[["500112001001001", "not_eligible", "income_poverty", 7]]'
    _run(
        url,
        [
            *[
                (
                    "INSERT INTO simulation_parts (simulation_id, part, checkpoint, transitions, "
                    "attempts) VALUES (:id, :part, NULL, :counts, 1)",
                    {"id": simulation.hex, "part": part, "counts": COUNTS},
                )
                for simulation in (queued, done)
                for part in (0, 1)
            ],
            (
                "UPDATE simulations SET transitions = :summed WHERE id = :id",
                {
                    "summed": summed,
                    "id": done.hex,
                },
            ),
            (
                "INSERT INTO jobs (id, kind, payload, status, attempts, max_attempts, run_after, "
                "created_at, updated_at) VALUES (:id, 'eligibility.simulation_part', '{}', "
                "'pending', 0, 3, '2026-06-15 00:00:00', '2026-06-15 00:00:00', "
                "'2026-06-15 00:00:00')",
                {"id": uuid.uuid4().hex},
            ),
        ],
    )

    command.downgrade(config, "0027")

    restored = _run(
        url,
        [
            (
                "SELECT id, status, failure_code, finished_at IS NOT NULL, last_household_id, "
                "transitions FROM simulations",
                {},
            )
        ],
    )
    assert sorted(tuple(row) for row in restored) == sorted(
        [
            (queued.hex, "failed", "simulation_internal_error", 1, None, "[]"),
            (running.hex, "running", None, 0, checkpoint.hex, COUNTS),
            (done.hex, "succeeded", None, 0, None, summed),
        ]
    )
    jobs = _run(url, [("SELECT kind, status FROM jobs", {})])
    assert [tuple(row) for row in jobs] == [("eligibility.simulation_part", "done")]
