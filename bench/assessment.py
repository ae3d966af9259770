"""One assessment (issue 15, Performance): `POST /api/v1/households/{id}/assessments` against
a raw asyncpg baseline that reads the same rows and writes the same rows.

    .venv/bin/python bench/assessment.py [--assessments 300] [--concurrency 1] [--trace]

Creates a throwaway PostgreSQL database, migrates it and loads the demo data (its two
双龙湖街道 households of a new type have every input an assessment reads: members, twelve
months of incomes, rigid expenditures, declared assets, hukou and residency). Then, in this
one process (both sides through httpx's ASGI transport, `bench/asgi_harness.py`), each side
re-checks those households on today's date, one after the other:

- the app: the whole request as `street_officer` (token, permission, scope, lock, the
  policy in force, the inputs gathered as of D, the rules, the score, the fingerprint, the
  stored row, the earlier one superseded, audit and domain event, the answer);
- the baseline: the same statements on raw asyncpg in one transaction: the household
  locked in the officer's street, the policy versions of its region and ancestors, then
  the gatherer's eight (hukou and settled-since, the history after D, the members on D with
  their facts, the window's incomes as one row of month sums, rigid expenditure by kind,
  the asset declaration, the assets, the target-type decisions); then the same insert (inputs, rules and factors as the app stored them for
  that household), the supersede, the audit event and the domain event, and the row
  answered as JSON. No rules are evaluated: that is the app's own work.

`--trace` prints the app's statements for one assessment (what the baseline mirrors).
Prints assessments per second, mean, p50 and p95 of both sides and their ratio.
"""

import argparse
import asyncio
import json
import os
import sys
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
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
from app.core.clock import business_today  # noqa: E402
from app.core.region_codes import ancestors_and_self, subtree_bounds  # noqa: E402
from app.eligibility.models import Assessment  # noqa: E402
from app.eligibility.rules import window  # noqa: E402
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

STREET = "500112001"
OFFICER = "street_officer"
PATH = "/api/v1/households/{id}/assessments"
SHANGHAI_MIDNIGHT = timedelta(hours=8)

Stored = dict[uuid.UUID, dict[str, Any]]
"""Per household, the columns of the app's stored assessment the baseline writes again."""


async def _baseline_assessment(
    pool: asyncpg.Pool, household_id: uuid.UUID, user_id: uuid.UUID, stored: Stored
) -> dict[str, Any]:
    day = business_today()
    months = window(day)
    since = datetime.combine(day + timedelta(days=1), datetime.min.time(), UTC)
    low, high = subtree_bounds(STREET)
    now = datetime.now(UTC)
    new_id = uuid7()
    async with pool.acquire() as connection, connection.transaction():
        household = await connection.fetchrow(
            "SELECT * FROM households WHERE id = $1 AND region_code >= $2 AND region_code < $3 "
            "FOR UPDATE",
            household_id,
            low,
            high,
        )
        region = household["region_code"]
        policies = await connection.fetch(
            "SELECT * FROM policy_versions WHERE region_code = ANY($1::varchar[]) "
            "AND status = 'published' AND effective_from <= $2 "
            "AND (effective_to IS NULL OR effective_to >= $2)",
            ancestors_and_self(region),
            day,
        )
        policy = max(policies, key=lambda p: len(p["region_code"]))
        ids = [household_id]
        await connection.fetch(
            "SELECT id, hukou_region_code, settled_since, district_code FROM households "
            "WHERE id = ANY($1::uuid[])",
            ids,
        )
        await connection.fetch(
            "SELECT household_id, action, changes FROM household_changes "
            "WHERE household_id = ANY($1::uuid[]) AND occurred_at >= $2 "
            "ORDER BY household_id, occurred_at DESC, id DESC",
            ids,
            since - SHANGHAI_MIDNIGHT,
        )
        await connection.fetch(
            "SELECT m.household_id, p.id, p.birth_date, p.health, p.disability_grade, "
            "p.employment FROM household_members AS m JOIN persons AS p ON p.id = m.person_id "
            "WHERE m.household_id = ANY($1::uuid[]) AND m.joined_on <= $2 "
            "AND (m.left_on IS NULL OR m.left_on > $2) "
            "ORDER BY m.household_id, m.joined_on, m.id",
            ids,
            day,
        )
        await connection.fetch(
            "SELECT household_id, coalesce(json_agg(json_build_array(month, fen)), '[]'::json) "
            "FROM (SELECT household_id, month, sum(amount) AS fen FROM household_incomes "
            "WHERE household_id = ANY($1::uuid[]) AND month >= $2 AND month <= $3 "
            "GROUP BY household_id, month) AS months GROUP BY household_id",
            ids,
            months[0],
            months[-1],
        )
        await connection.fetch(
            "SELECT household_id, kind, sum(amount) FROM household_expenditures "
            "WHERE household_id = ANY($1::uuid[]) AND month >= $2 AND month <= $3 "
            "GROUP BY household_id, kind",
            ids,
            months[0],
            months[-1],
        )
        await connection.fetch(
            "SELECT household_id FROM household_asset_declarations "
            "WHERE household_id = ANY($1::uuid[])",
            ids,
        )
        await connection.fetch(
            "SELECT household_id, kind, ownership_share, value, area_m2, vehicle_type, count "
            "FROM household_assets WHERE household_id = ANY($1::uuid[]) ORDER BY id",
            ids,
        )
        await connection.fetch(
            "SELECT household_id, target_type, decided_on, ends_on, ended_on "
            "FROM target_type_decisions WHERE household_id = ANY($1::uuid[])",
            ids,
        )
        row = {
            **stored[household_id],
            "id": new_id,
            "reference_date": day,
            "policy_version_id": policy["id"],
            "created_by": user_id,
            "household_id": household_id,
            "region_code": region,
            "district_code": region[:6],
            "created_at": now,
            "updated_at": now,
        }
        statement, values = insert(Assessment, row)
        await connection.execute(statement, *values)
        await connection.execute(
            "UPDATE assessments SET superseded_by = $1, updated_at = $2 "
            "WHERE household_id = $3 AND superseded_by IS NULL AND id <> $1",
            new_id,
            now,
            household_id,
        )
        await connection.execute(
            "INSERT INTO audit_events (id, occurred_at, actor, role, action, object_type, "
            "object_id, region_code, outcome, changed_fields) "
            "VALUES ($1, $2, $3, 'street_officer', 'assessment.create', 'assessment', $4, $5, "
            "'success', '[\"outcome\"]')",
            uuid7(),
            now,
            str(user_id),
            str(new_id),
            region,
        )
        await connection.execute(
            "INSERT INTO domain_events (id, name, payload, occurred_at) "
            "VALUES ($1, 'assessment.recorded', $2, $3)",
            uuid7(),
            json.dumps({"assessment_id": str(new_id), "household_id": str(household_id)}),
            now,
        )
        return dict(row)


def _baseline_app(pool: asyncpg.Pool, user_id: uuid.UUID, stored: Stored) -> Starlette:
    """The assessment route on raw asyncpg: parse the body, read, write, answer the row."""

    async def create(request: Request) -> Response:
        await request.json()
        household_id = uuid.UUID(request.path_params["household_id"])
        found = await _baseline_assessment(pool, household_id, user_id, stored)
        return JSONResponse(
            plain(found),
            status_code=201,
            headers={"Location": f"/api/v1/assessments/{found['id']}"},
        )

    route = Route(PATH.replace("{id}", "{household_id}"), create, methods=["POST"])
    return Starlette(routes=[route])


_STORED_COLUMNS = (
    "application_id",
    "outcome",
    "missing",
    "member_count",
    "income_total",
    "rigid_total",
    "score",
    "per_capita_micro",
    "inputs",
    "rules",
    "contributions",
    "fingerprint",
)


async def _stored(pool: asyncpg.Pool, households: list[uuid.UUID]) -> Stored:
    """What the app stored for each household (its current assessment), to write again."""
    found: Stored = {}
    async with pool.acquire() as connection:
        for household_id in households:
            row = await connection.fetchrow(
                f"SELECT {', '.join(_STORED_COLUMNS)} FROM assessments "  # noqa: S608
                "WHERE household_id = $1 AND superseded_by IS NULL",
                household_id,
            )
            found[household_id] = {
                name: json.loads(row[name])
                if name in ("missing", "inputs", "rules", "contributions") and row[name]
                else row[name]
                for name in _STORED_COLUMNS
            }
    return found


async def _run(url: str, state: Path, count: int, concurrency: int, trace: bool) -> None:
    settings = bench_settings(url, state)
    application = create_app(settings)
    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
        answer = await http.post(
            "/api/v1/auth/token",
            data={"grant_type": "password", "username": OFFICER, "password": PASSWORD},
        )
        answer.raise_for_status()
        officer = {"Authorization": f"Bearer {answer.json()['access_token']}"}
        listed = await http.get("/api/v1/eligibility/priority", headers=officer)
        households = [uuid.UUID(item["household_id"]) for item in listed.json()["items"]]
        assert households, "the demo data has no assessed household"
        user_id = uuid.UUID((await http.get("/api/v1/users/me", headers=officer)).json()["id"])
        body = {"reference_date": business_today().isoformat()}

        def app_assessment(household_id: uuid.UUID) -> Callable[[], Awaitable[None]]:
            async def call() -> None:
                answered = await http.post(PATH.format(id=household_id), json=body, headers=officer)
                assert answered.status_code == 201, answered.text

            return call

        if trace:
            engine = application.state.services.database.engine.sync_engine
            sent: list[str] = []
            listener = lambda *args: sent.append(args[2])  # noqa: E731
            event.listen(engine, "before_cursor_execute", listener)
            await app_assessment(households[0])()
            event.remove(engine, "before_cursor_execute", listener)
            print(f"the app's statements for one assessment ({len(sent)}):")
            print("\n".join(f"  {s}" for s in sent))
        for household_id in households:
            await app_assessment(household_id)()
        pool = await baseline_pool(url, settings.db_pool_size)
        try:
            stored = await _stored(pool, households)
            picks = [households[n % len(households)] for n in range(count)]
            app_wall, app_took = await timed([app_assessment(h) for h in picks], concurrency)
            baseline = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=_baseline_app(pool, user_id, stored)),
                base_url="http://127.0.0.1",
            )
            async with baseline:

                def base_assessment(household_id: uuid.UUID) -> Callable[[], Awaitable[None]]:
                    async def call() -> None:
                        answered = await baseline.post(
                            PATH.format(id=household_id), json=body, headers=officer
                        )
                        assert answered.status_code == 201, answered.text

                    return call

                base_wall, base_took = await timed([base_assessment(h) for h in picks], concurrency)
        finally:
            await pool.close()
    await application.state.services.database.dispose()
    print(
        f"{count} assessments of {len(households)} households, {concurrency} at a time, "
        "PostgreSQL, one process"
    )
    app_figures = figures("app", "assessments", app_wall, app_took)
    base_figures = figures("baseline", "assessments", base_wall, base_took)
    for name in ("p50_ms", "p95_ms", "mean_ms"):
        print(f"ratio {name[:-3]:4} app / baseline: {app_figures[name] / base_figures[name]:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--assessments", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--trace", action="store_true")
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL))
    args = parser.parse_args()
    with seeded_database(args.pg, "sanzhu_bench_assessment") as (url, state):
        asyncio.run(_run(url, state, args.assessments, args.concurrency, args.trace))


if __name__ == "__main__":
    main()
