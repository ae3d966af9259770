"""Filing an application at the one window (issue 14): the app against a raw asyncpg baseline
that writes the same rows, target at most 2.5x.

    .venv/bin/python bench/application_filing.py [--filings 250] [--concurrency 1] [--trace]
        [--profile]

Creates a throwaway PostgreSQL database (`--pg`, default the local server), migrates it and
loads the demo district (regions, organisations, users), and enters 2 x `--filings`
households of 双龙湖街道 through the app (not timed). Then, in this one process:

- the app: `POST /api/v1/applications` as the community worker, for one household each
  (self-application, two needs, a major illness learned of today: the two hardship
  deadlines, the ledger one met at once), through the ASGI app itself (httpx's ASGI
  transport: the whole request pipeline, token check, permission, scope, validation,
  audit, answer; no sockets);
- the baseline: a Starlette route on raw asyncpg (as `bench/baseline.py`), called the same
  way, one transaction per filing on a pool of the app's size, doing
  what the filing does to the database and nothing else: lock the household (in the
  actor's street), ask for an open application, insert the application and its filing
  transition, the need instances, the household's derived need codes, its version, its
  history entry, the two deadlines, the audit events and the domain events, and read back
  the application with its steps, needs and deadlines.

`--trace` prints the statements the app sends for one filing (what the baseline mirrors);
`--profile` runs the app's timed filings under cProfile and prints the functions that took
longest (cumulative and own time; an await counts as a call each time it resumes).
Prints filings per second, mean and p95 of both sides and their ratio. The database is
dropped at the end, whatever happens.
"""

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import sys
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import asyncpg  # noqa: E402
import httpx  # noqa: E402
from sqlalchemy import event  # noqa: E402
from starlette.applications import Starlette  # noqa: E402
from starlette.requests import Request  # noqa: E402
from starlette.responses import JSONResponse, Response  # noqa: E402
from starlette.routing import Route  # noqa: E402
from uuid6 import uuid7  # noqa: E402

import app.models  # noqa: E402, F401 - every table, so foreign keys resolve
from app.core.id_numbers import check_character  # noqa: E402
from app.households.models import HouseholdChange, HouseholdNeed  # noqa: E402
from app.intake.models import Application, ApplicationTransition, Deadline  # noqa: E402
from app.main import create_app  # noqa: E402
from bench.asgi_harness import (  # noqa: E402
    DEFAULT_PG_URL,
    PASSWORD,
    baseline_pool,
    bench_settings,
    figures,
    insert,
    plain,
    seeded_database,
    timed,
)

GRID = "500112001001001"
STREET = "500112001"
NEEDS = ["care", "medical"]
TARGET = 2.5


def _id_number(sequence: int) -> str:
    first17 = f"5001121960{1 + sequence % 12:02d}{1 + sequence % 28:02d}{sequence % 1000:03d}"
    return first17 + check_character(first17)


async def _baseline_filing(
    pool: asyncpg.Pool, household_id: uuid.UUID, user_id: uuid.UUID
) -> dict[str, Any]:
    today = date.today()
    now = datetime.now(UTC)
    application_id = uuid7()
    async with pool.acquire() as connection, connection.transaction():
        household = await connection.fetchrow(
            "SELECT id, version, region_code, district_code, status, head_person_id, "
            "paired_worker_id FROM households WHERE id = $1 AND region_code >= $2 "
            "AND region_code < $3 FOR UPDATE",
            household_id,
            STREET,
            "500112002",
        )
        region = household["region_code"]
        await connection.fetchval(
            "SELECT EXISTS (SELECT 1 FROM applications WHERE household_id = $1 "
            "AND status NOT IN ('rejected', 'closed', 'withdrawn'))",
            household_id,
        )
        owned = {"household_id": household_id, "region_code": region, "district_code": region[:6]}
        rows: list[tuple[Any, dict[str, Any]]] = [
            (
                Application,
                {
                    "id": application_id,
                    **owned,
                    "version": 1,
                    "status": "submitted",
                    "mode": "self",
                    "channel": "self_application",
                    "applied_on": today,
                    "applicant_person_id": household["head_person_id"],
                    "created_household": False,
                    "situation": "户主突发疾病住院",
                    "hardship_kind": "major_illness",
                    "hardship_learned_on": today,
                    "filed_by": user_id,
                    "filed_at": now,
                    "created_at": now,
                    "updated_at": now,
                },
            ),
            (
                ApplicationTransition,
                {
                    "id": uuid7(),
                    "application_id": application_id,
                    "action": "file",
                    "to_status": "submitted",
                    "actor_id": user_id,
                    "at": now,
                    "effective_on": today,
                },
            ),
        ]
        rows += [
            (
                HouseholdNeed,
                {
                    "id": uuid7(),
                    **owned,
                    "code": code,
                    "status": "open",
                    "noted_on": today,
                    "noted_by": user_id,
                    "source": "application",
                    "source_id": application_id,
                    "created_at": now,
                },
            )
            for code in NEEDS
        ]
        for model, row in rows:
            statement, values = insert(model, row)
            await connection.execute(statement, *values)
        codes = await connection.fetch(
            "SELECT DISTINCT code FROM household_needs WHERE household_id = $1 "
            "AND status IN ('open', 'being_met')",
            household_id,
        )
        await connection.execute(
            "DELETE FROM household_codes WHERE household_id = $1 AND list = 'need'", household_id
        )
        await connection.executemany(
            "INSERT INTO household_codes (household_id, list, code) VALUES ($1, 'need', $2)",
            [(household_id, r["code"]) for r in codes],
        )
        # The record's completeness, read again after its needs changed (as the ledger does).
        for query in (
            "SELECT list, code FROM household_codes WHERE household_id = $1",
            "SELECT DISTINCT household_id, month FROM household_incomes WHERE household_id = $1",
            "SELECT id FROM household_plans WHERE household_id = $1 LIMIT 1",
            "SELECT code FROM household_measures WHERE household_id = $1",
            "SELECT * FROM household_categories WHERE household_id = $1",
            "SELECT * FROM household_members WHERE household_id = $1 AND active",
        ):
            await connection.fetch(query, household_id)
        await connection.execute(
            "UPDATE households SET missing_fields = missing_fields, updated_at = $2 WHERE id = $1",
            household_id,
            now,
        )
        await connection.execute(
            "UPDATE households SET version = version + 1, updated_at = $2 WHERE id = $1",
            household_id,
            now,
        )
        change = {
            "id": uuid7(),
            **owned,
            "occurred_at": now,
            "actor": f"user:{user_id}",
            "actor_role": "community_worker",
            "action": "needs.note",
            "changes": {"needs": {"before": [], "after": NEEDS}},
        }
        statement, values = insert(HouseholdChange, change)
        await connection.execute(statement, *values)
        for kind, days in (("visit_after_hardship", 1), ("ledger_after_hardship", 2)):
            await connection.fetch(
                "SELECT day, is_working_day FROM calendar_days WHERE day > $1 ORDER BY day LIMIT $2",
                today,
                days + 10,
            )
            await connection.fetch("SELECT year FROM calendar_years WHERE year = $1", today.year)
            deadline = {
                "id": uuid7(),
                "kind": kind,
                "status": "met" if kind.startswith("ledger") else "open",
                "region_code": region,
                "district_code": region[:6],
                "household_id": household_id,
                "application_id": application_id,
                "triggered_on": today,
                "working_days": days,
                "due_on": today,
                "provisional": False,
                "responsible_user_id": user_id,
                "done_on": today if kind.startswith("ledger") else None,
                "created_at": now,
            }
            statement, values = insert(Deadline, deadline)
            await connection.execute(statement, *values)
        for name in ("household.changed", "deadline.opened", "deadline.opened", "deadline.met"):
            await connection.execute(
                "INSERT INTO domain_events (id, name, payload, occurred_at) VALUES ($1, $2, $3, $4)",
                uuid7(),
                name,
                json.dumps({"household_id": str(household_id), "region_code": region}),
                now,
            )
        await connection.execute(
            "INSERT INTO domain_events (id, name, payload, occurred_at) VALUES ($1, $2, $3, $4)",
            uuid7(),
            "application.submitted",
            json.dumps({"application_id": str(application_id), "status": "submitted"}),
            now,
        )
        for action, object_type, object_id in (
            ("needs.note", "household", household_id),
            ("application.file", "application", application_id),
            ("application.read", None, None),
        ):
            await connection.execute(
                "INSERT INTO audit_events (id, occurred_at, actor, role, action, object_type, "
                "object_id, region_code, outcome, changed_fields) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'success', $9)",
                uuid7(),
                now,
                f"user:{user_id}",
                "community_worker",
                action,
                object_type,
                None if object_id is None else str(object_id),
                region,
                json.dumps(["status"]),
            )
        found = dict(
            await connection.fetchrow("SELECT * FROM applications WHERE id = $1", application_id)
        )
        found["transitions"] = await connection.fetch(
            "SELECT * FROM application_transitions WHERE application_id = $1 ORDER BY id",
            application_id,
        )
        found["needs"] = await connection.fetch(
            "SELECT * FROM household_needs WHERE household_id = $1 AND source = 'application' "
            "AND source_id = $2 ORDER BY noted_on, id",
            household_id,
            application_id,
        )
        found["deadlines"] = await connection.fetch(
            "SELECT * FROM deadlines WHERE application_id = $1 ORDER BY id", application_id
        )
        found["filed_by"] = await connection.fetchrow(
            "SELECT id, display_name FROM users WHERE id = $1", user_id
        )
    return found


def _baseline_app(pool: asyncpg.Pool, user_id: uuid.UUID) -> Starlette:
    """`POST /api/v1/applications` on raw asyncpg: parse the body, file, answer the rows."""

    async def create(request: Request) -> Response:
        body = await request.json()
        found = await _baseline_filing(pool, uuid.UUID(body["household_id"]), user_id)
        return JSONResponse(
            plain(found),
            status_code=201,
            headers={"Location": f"/api/v1/applications/{found['id']}", "ETag": 'W/"1"'},
        )

    return Starlette(routes=[Route("/api/v1/applications", create, methods=["POST"])])


async def _run(
    url: str, state: Path, filings: int, concurrency: int, trace: bool, profile: bool
) -> None:
    settings = bench_settings(url, state)
    application = create_app(settings)
    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:

        async def token(username: str) -> dict[str, str]:
            answer = await http.post(
                "/api/v1/auth/token",
                data={"grant_type": "password", "username": username, "password": PASSWORD},
            )
            answer.raise_for_status()
            return {"Authorization": f"Bearer {answer.json()['access_token']}"}

        officer, worker = await token("street_officer"), await token("community_worker")
        households: list[uuid.UUID] = []
        for number in range(2 * filings + 1):
            body = {
                "region_code": GRID,
                "address": f"双龙湖街道压测路 {number} 号",
                "members": [
                    {"name": "张秀英", "id_number": _id_number(number), "relation_to_head": "self"}
                ],
            }
            # Each entry spends a lookup of its author's minute (600 at most): two authors.
            author = officer if number % 2 else worker
            created = await http.post("/api/v1/households", json=body, headers=author)
            created.raise_for_status()
            households.append(uuid.UUID(created.json()["id"]))
        user_id = uuid.UUID((await http.get("/api/v1/users/me", headers=worker)).json()["id"])
        today = date.today().isoformat()

        def app_filing(household_id: uuid.UUID) -> Callable[[], Awaitable[None]]:
            async def call() -> None:
                answer = await http.post(
                    "/api/v1/applications",
                    json={
                        "household_id": str(household_id),
                        "mode": "self",
                        "needs": NEEDS,
                        "applied_on": today,
                        "situation": "户主突发疾病住院",
                        "hardship_kind": "major_illness",
                        "hardship_learned_on": today,
                    },
                    headers=worker,
                )
                assert answer.status_code == 201, answer.text

            return call

        warm, rest = households[0], households[1:]
        if trace:
            engine = application.state.services.database.engine.sync_engine
            sent: list[str] = []
            listener = lambda *args: sent.append(args[2].split("\n")[0][:110])  # noqa: E731
            event.listen(engine, "before_cursor_execute", listener)
            await app_filing(warm)()
            event.remove(engine, "before_cursor_execute", listener)
            print(f"the app's statements for one filing ({len(sent)}):")
            print("\n".join(f"  {s}" for s in sent))
        else:
            await app_filing(warm)()
        pool = await baseline_pool(url, settings.db_pool_size)
        try:
            profiler = cProfile.Profile() if profile else None
            if profiler is not None:
                profiler.enable()
            app_wall, app_took = await timed([app_filing(h) for h in rest[:filings]], concurrency)
            if profiler is not None:
                profiler.disable()
                stats = pstats.Stats(profiler).strip_dirs()
                stats.sort_stats("cumulative").print_stats(60)
                stats.sort_stats("tottime").print_stats(40)
            baseline = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=_baseline_app(pool, user_id)),
                base_url="http://127.0.0.1",
            )
            async with baseline:

                def base_filing(household_id: uuid.UUID) -> Callable[[], Awaitable[None]]:
                    async def call() -> None:
                        answer = await baseline.post(
                            "/api/v1/applications",
                            json={"household_id": str(household_id), "needs": NEEDS},
                            headers=worker,
                        )
                        assert answer.status_code == 201, answer.text

                    return call

                base_wall, base_took = await timed(
                    [base_filing(h) for h in rest[filings:]], concurrency
                )
        finally:
            await pool.close()
    await application.state.services.database.dispose()
    print(f"{filings} filings, {concurrency} at a time, PostgreSQL, one process")
    app_figures = figures("app", "filings", app_wall, app_took)
    base_figures = figures("baseline", "filings", base_wall, base_took)
    ratio = app_figures["mean_ms"] / base_figures["mean_ms"]
    verdict = "within" if ratio <= TARGET else "ABOVE"
    print(f"ratio (mean time per filing, app / baseline): {ratio:.2f}x ({verdict} {TARGET}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--filings", type=int, default=250, help="at most 550")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--trace", action="store_true")
    parser.add_argument("--profile", action="store_true", help="cProfile the app's filings")
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL))
    args = parser.parse_args()
    with seeded_database(args.pg, "sanzhu_bench_filing") as (url, state):
        asyncio.run(_run(url, state, args.filings, args.concurrency, args.trace, args.profile))


if __name__ == "__main__":
    main()
