"""The baseline: raw asyncpg + Starlette running the app's SQL and nothing else.

Every route sends exactly the statements the app sends for the same request,
with the same transaction boundaries (the app's read sessions run BEGIN;
<statements>; ROLLBACK; because they are closed without a commit), on a pool
of the app's default size with the app's session settings. The SQL of the
household read is the app's own prebuilt statements, rendered once at start-up
for asyncpg. It does none of the app's own Python work:
no ORM, no pydantic models, no middleware, no token checks. It decrypts only
what the answer must show in clear (`households_get`: the members' ID numbers,
with the app's own key and AES-GCM, as the app does).
The harness divides by its figures to show what that work costs.

To see what the app sends, set `log_statement = 'all'` on a bench database
(ALTER DATABASE ... SET log_statement = 'all') and read the server log.

Run by `bench/run.py`; by hand:
    BENCH_DSN=postgresql://postgres@127.0.0.1:5432/DB .venv/bin/python bench/baseline.py --port 8001
"""

import argparse
import base64
import contextlib
import json
import os
import re
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import asyncpg
import uvicorn
from sqlalchemy import select
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from uuid6 import uuid7

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from app.core.audit import INSERT_ALONE  # noqa: E402
from app.core.calendar import Override, WorkingCalendar  # noqa: E402
from app.core.clock import business_today  # noqa: E402
from app.core.config import Settings  # noqa: E402
from app.core.crypto import FieldCipher, IdNumberVault  # noqa: E402
from app.core.db import postgres_session_settings  # noqa: E402
from app.core.etag import etag_for_version  # noqa: E402
from app.core.pagination import CursorCodec  # noqa: E402
from app.core.reach import ReachShape  # noqa: E402
from app.households.models import CAUSES, NEEDS  # noqa: E402
from app.households.plausibility import age_on  # noqa: E402
from app.households.record import repository as records  # noqa: E402
from app.households.record.gap_labels import gap_labels  # noqa: E402
from app.identity.models import User  # noqa: E402
from app.intake.deadlines import repository as deadlines  # noqa: E402
from app.workdays.models import CalendarDay, CalendarYear  # noqa: E402

CODE = re.compile(r"^\d{6}(\d{3}){0,3}$")
LEVEL_LENGTHS = (6, 9, 12, 15)


def _region_select(count: int) -> str:
    """The statement SQLAlchemy renders for `repository.get_many` with `count` codes."""
    params = ", ".join(f"${i}::VARCHAR" for i in range(1, count + 1))
    return (
        "SELECT regions.code, regions.name, regions.level, regions.version, regions.parent_code, "
        "regions.created_at, regions.updated_at \n"
        "FROM regions \n"
        f"WHERE regions.code IN ({params}) ORDER BY regions.code"
    )


REGION_SELECT = {count: _region_select(count) for count in range(1, len(LEVEL_LENGTHS) + 1)}


def _problem(status: int, code: str, request: Request) -> JSONResponse:
    return JSONResponse(
        {"status": status, "code": code, "instance": request.url.path},
        status_code=status,
        media_type="application/problem+json",
    )


async def _read_only(pool: asyncpg.Pool, sql: str, *args: Any) -> list[asyncpg.Record]:
    """One statement in a transaction that is rolled back, as a closed read session does."""
    async with pool.acquire() as conn:
        transaction = conn.transaction(readonly=True)
        await transaction.start()
        try:
            rows: list[asyncpg.Record] = await conn.fetch(sql, *args)
            return rows
        finally:
            await transaction.rollback()


async def regions_get(request: Request) -> Response:
    """GET /api/v1/regions/{code}: BEGIN; SELECT ... WHERE code IN (ancestors) ORDER BY code; ROLLBACK."""
    code: str = request.path_params["code"]
    if not CODE.match(code):
        return _problem(422, "validation_failed", request)
    codes = [code[:length] for length in LEVEL_LENGTHS if length <= len(code)]
    rows = await _read_only(request.app.state.pool, REGION_SELECT[len(codes)], *codes)
    if not rows or rows[-1]["code"] != code:
        return _problem(404, "not_found", request)
    region = rows[-1]
    return JSONResponse(
        {
            "code": region["code"],
            "name": region["name"],
            "level": region["level"],
            "parent_code": region["parent_code"],
            "version": region["version"],
            "path": [{"code": r["code"], "name": r["name"], "level": r["level"]} for r in rows],
        },
        headers={"ETag": f'W/"{region["version"]}"'},  # the app's etag_for_version
    )


def _sql(statement: Any) -> str:
    """A statement as SQLAlchemy sends it to asyncpg (its text and $n parameters)."""
    return str(statement.compile(dialect=_ASYNCPG))


_ASYNCPG = asyncpg_dialect()


def _prebuilt(statement: Any) -> tuple[str, list[str]]:
    """A prebuilt statement of the app as asyncpg gets it: its text and its parameters'
    names in $n order."""
    compiled = statement.compile(dialect=_ASYNCPG)
    return str(compiled), list(compiled.positiontup or ())


HOUSEHOLD_BY_ID = {
    # The reach of community workers: their subtree or the households paired with them.
    "community_worker": _prebuilt(records._row_by_id(ReachShape.subtree_or_paired)),
    # ... of district and street officers: their subtree.
    "district_officer": _prebuilt(records._row_by_id(ReachShape.subtree)),
    "street_officer": _prebuilt(records._row_by_id(ReachShape.subtree)),
}
"""`records.read_visible`'s household select by the roles this route mirrors: the roles
that see every field whole and whose reach the app checks in this one statement (a social
worker's adds the confidentiality check's statements; a grid worker sees fields masked)."""
HOUSEHOLD_MEMBERS = _sql(records.MEMBER_ROWS)
PAIRED_WORKER = str(
    select(User.id, User.display_name)
    .where(User.id.in_([uuid.UUID(int=0)]))
    .compile(dialect=_ASYNCPG, compile_kwargs={"render_postcompile": True})
)
"""`identity.repository.display_names` for the one user `paired_worker_of` asks about."""
CALENDAR_OVERRIDES = _sql(
    select(
        CalendarDay.day, CalendarDay.is_working_day, CalendarDay.name, CalendarDay.official
    ).where(CalendarDay.day >= date.min, CalendarDay.day <= date.max)
)
"""`workdays.repository.overrides_between`, as the app's `calendar_between` sends it."""
CALENDAR_YEARS = _sql(select(CalendarYear).order_by(CalendarYear.year))
"""`workdays.repository.loaded_years`."""
AUDIT_INSERT = _prebuilt(INSERT_ALONE)
"""`audit.record_after`'s event, written in its own transaction."""


@lru_cache(maxsize=64)
def _claims(authorization: str) -> dict[str, Any]:
    """The bearer token's claims, read without verifying it (checking tokens is the app's work)."""
    token = authorization.partition(" ")[2]
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload))
    return claims


def _subtree(code: str) -> tuple[str, str]:
    if set(code) == {"9"}:
        return code, code + ":"
    return code, str(int(code) + 1).zfill(len(code))


def _json_time(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _json_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _str(value: uuid.UUID | None) -> str | None:
    return None if value is None else str(value)


def _day(value: str | None) -> str | None:
    """A date of a JSON list (`json_rows`), as the app reads it (its first ten characters)."""
    return None if value is None else value[:10]


def _contact(value: str | None) -> dict[str, Any] | None:
    """A guardian or caregiver as the API shows it whole: every part, absent ones null;
    legacy text as its note (`households.contacts.shown_contact`)."""
    stored = None if value is None else json.loads(value)
    if stored is None:
        return None
    if isinstance(stored, str):
        stored = {"note": stored}
    return {part: stored.get(part) for part in ("name", "relation", "phone", "note")}


@lru_cache(maxsize=1024)
def _missing_field(key: str) -> dict[str, Any]:
    """A gap of completeness with its labels, from the app's label table."""
    labels = gap_labels(key)
    zh_cn, en = (key, key) if labels is None else (labels.zh_cn, labels.en)
    return {"field": key, "label": {"zh-CN": zh_cn, "en": en}}


def _decision(household_id: str, row: list[Any]) -> dict[str, Any]:
    """A target type in force and the decision it is held by (`record_out`)."""
    target_type, decision, source, body, decided, reference, ends, assessment, by, at = row
    return {
        "id": decision,
        "household_id": household_id,
        "target_type": target_type,
        "source": source,
        "deciding_body": body,
        "decided_on": _day(decided),
        "reference": reference,
        "ends_on": _day(ends),
        "assessment_id": assessment,
        "recorded_by": by,
        "recorded_at": _json_time(datetime.fromisoformat(at)),
        "ended_on": None,
        "end_reason": None,
        "end_note": None,
        "ended_by": None,
        "ended_at": None,
        "in_force": True,
    }


def _member(
    m: asyncpg.Record, head: uuid.UUID | None, cipher: FieldCipher, today: date
) -> dict[str, Any]:
    """A member as a role that sees every field whole sees it (`member_out`)."""
    return {
        "person_id": str(m["id"]),
        "name": m["name"],
        "id_number": cipher.decrypt(m["id_number_cipher"], context=IdNumberVault.CONTEXT),
        "sex": m["sex"],
        "birth_date": m["birth_date"].isoformat(),
        "age": age_on(m["birth_date"], today),
        "phone": m["phone"],
        "relation_to_head": m["relation_to_head"],
        "is_head": head == m["id"],
        "joined_on": m["joined_on"].isoformat(),
        "employment": m["employment"],
        "education": m["education"],
        "health": m["health"],
        "disability_type": m["disability_type"],
        "disability_grade": m["disability_grade"],
        "guardian": _contact(m["guardian"]),
        "caregiver": _contact(m["caregiver"]),
        "parents_situation": m["parents_situation"],
        "schooling": m["schooling"],
        "school": m["school"],
        "version": m["version"],
    }


def _household(
    row: asyncpg.Record,
    members: list[asyncpg.Record],
    paired: dict[str, Any] | None,
    cipher: FieldCipher,
) -> dict[str, Any]:
    """The record as `record_out` shapes it, its lists sorted as `records._lists` sorts them."""
    household_id = str(row["id"])
    codes = sorted(json.loads(row["codes"]))
    types = sorted(json.loads(row["target_types"]), key=lambda t: t[0])
    categories = sorted(
        json.loads(row["categories"]), key=lambda c: (c[0], c[1] or "", uuid.UUID(c[3]))
    )
    missing = json.loads(row["missing_fields"])
    today = business_today()
    return {
        "id": household_id,
        "ledger_number": row["ledger_number"],
        "region_code": row["region_code"],
        "district_code": row["district_code"],
        "address": row["address"],
        "hukou_region_code": row["hukou_region_code"],
        "hukou_place": row["hukou_place"],
        "hukou_type": row["hukou_type"],
        "settled_since": _json_date(row["settled_since"]),
        "target_types": [t[0] for t in types],
        "target_type_decisions": [_decision(household_id, t) for t in types],
        "categories": [{"category": c[0], "subtype": c[1], "person_id": c[2]} for c in categories],
        "causes": [code for name, code in codes if name == CAUSES],
        "needs": [code for name, code in codes if name == NEEDS],
        "benefits": None if row["benefits"] is None else json.loads(row["benefits"]),
        "no_help_reason": row["no_help_reason"],
        "no_help_note": row["no_help_note"],
        "basic_situation": row["basic_situation"],
        "emergency_situation": row["emergency_situation"],
        "status": row["status"],
        "exited_on": _json_date(row["exited_on"]),
        "exit_reason": row["exit_reason"],
        "exit_note": row["exit_note"],
        "attention": row["attention"],
        "head_person_id": _str(row["head_person_id"]),
        "paired_worker": paired,
        "complete": row["complete"],
        "missing_fields": missing,
        "missing_field_labels": [_missing_field(key) for key in missing],
        "members": [_member(m, row["head_person_id"], cipher, today) for m in members],
        "version": row["version"],
        "created_at": _json_time(row["created_at"]),
        "updated_at": _json_time(row["updated_at"]),
    }


async def households_get(request: Request) -> Response:
    """GET /api/v1/households/{id} with members, as a community worker sees it.

    BEGIN READ ONLY; the household select of the caller's reach (its codes, target types
    with their decisions and categories as JSON lists beside its columns); its members
    joined with persons; when someone is paired with it, the paired worker's display name;
    ROLLBACK; then BEGIN; INSERT the audit event; COMMIT, as the app's read session and its
    after-transaction audit write do (`households.record.views.read_household`). The ID
    numbers are decrypted as the app does (AES-GCM). No masking: the roles mirrored see
    every field whole. A household out of reach answers 404 without the app's refusal
    (its existence check and `denied` event): the scenario asks for none.
    """
    try:
        household_id = uuid.UUID(request.path_params["household_id"])
    except ValueError:
        return _problem(404, "route_not_found", request)
    claims = _claims(request.headers.get("authorization", ""))
    role, scope, user = claims.get("role"), claims.get("scope"), claims.get("sub")
    if role not in HOUSEHOLD_BY_ID or not scope or not user:
        return _problem(403, "forbidden", request)
    sql, names = HOUSEHOLD_BY_ID[role]
    given: dict[str, Any] = {"household_id": household_id, "scope_user": uuid.UUID(user)}
    given["scope_low_0"], given["scope_high_0"] = _subtree(scope)
    pool: asyncpg.Pool = request.app.state.pool
    paired: dict[str, Any] | None = None
    async with pool.acquire() as conn:
        transaction = conn.transaction(readonly=True)
        await transaction.start()
        try:
            row = await conn.fetchrow(sql, *(given[name] for name in names))
            if row is None:
                return _problem(404, "not_found", request)
            members = await conn.fetch(HOUSEHOLD_MEMBERS, household_id)
            occurred_at = datetime.now(UTC)  # the app's audit_read, before the paired worker
            worker = row["paired_worker_id"]
            if worker is not None:
                named = await conn.fetchrow(PAIRED_WORKER, worker)
                paired = {
                    "type": "user",
                    "id": str(worker),
                    "display_name": None if named is None else named["display_name"],
                }
        finally:
            await transaction.rollback()
    body = _household(row, members, paired, request.app.state.field_cipher)
    event = {
        "id": uuid.UUID(bytes=uuid7().bytes),
        "occurred_at": occurred_at,
        "actor": f"user:{user}",
        "role": role,
        "action": "household.read",
        "object_type": "household",
        "object_id": str(household_id),
        "region_code": row["region_code"],
        "request_id": uuid.uuid4().hex,
        "address": request.client.host if request.client else None,
        "user_agent": (request.headers.get("user-agent") or "")[:200] or None,
        "outcome": "success",
        "changed_fields": "[]",
    }
    audit_sql, audit_names = AUDIT_INSERT
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(audit_sql, *(event[name] for name in audit_names))
    return JSONResponse(body, headers={"ETag": etag_for_version(row["version"])})


WORKLIST_PAGE = 50
WORKLIST_WHEN = {"due_today", "overdue", "open"}


def _days_overdue(
    overrides: list[asyncpg.Record], years: list[asyncpg.Record], start: date, today: date
) -> dict[date, int]:
    """Working days after each day from `start` up to today (the app's calendar rules)."""
    calendar = WorkingCalendar(
        {
            r["day"]: Override(bool(r["is_working_day"]), r["name"], bool(r["official"]))
            for r in overrides
        },
        frozenset(r["year"] for r in years),
    )
    counted, day, count = {start: 0}, start, 0
    while day < today:
        day += timedelta(days=1)
        count += calendar.is_working_day(day)
        counted[day] = count
    return {d: count - c for d, c in counted.items()}


@lru_cache(maxsize=64)
def _worklist_page(
    scope: str, region: bool, when: str | None, kind: bool
) -> tuple[str, list[str], dict[str, Any]]:
    """The worklist's one statement as the app renders it for a first page of this shape
    (`deadlines.repository.worklist_keys` ordered and limited in a subquery, joined by
    `page_rows`): its text, its parameters' names in order, and the values fixed in it
    (the reach's bounds, the limit)."""
    from app.intake.deadlines.schemas import When
    from app.intake.models import Deadline

    keys = deadlines.worklist_keys((scope,), region, None if when is None else When(when), kind)
    keys = keys.order_by(Deadline.due_on, Deadline.id).limit(WORKLIST_PAGE + 1)
    compiled = deadlines.page_rows(keys.subquery("page")).compile(dialect=_ASYNCPG)
    return str(compiled), list(compiled.positiontup or ()), dict(compiled.params)


async def worklists_deadlines(request: Request) -> Response:
    """GET /api/v1/worklists/deadlines as a street or community officer (first page).

    BEGIN; the page in one statement (its keys from an index-only scan of
    ix_deadlines_undone_region_due, limited in a subquery, its rows joined to them by id);
    when some are overdue, the calendar's overrides from the earliest of them to tomorrow
    and the loaded years; ROLLBACK, as the app's read session does.
    """
    claims = _claims(request.headers.get("authorization", ""))
    scope, user = claims.get("scope"), claims.get("sub")
    if not scope:
        return _problem(403, "forbidden", request)
    query = request.query_params
    region, when, kind = query.get("region"), query.get("when"), query.get("kind")
    if (region is not None and not CODE.match(region)) or (
        when is not None and when not in WORKLIST_WHEN
    ):
        return _problem(422, "validation_failed", request)
    today = business_today()
    sql, names, fixed = _worklist_page(scope, region is not None, when, kind is not None)
    given: dict[str, Any] = {"today": today, "kind": kind}
    if region is not None:
        given["region_low"], given["region_high"] = _subtree(region)
    args = [given[name] if name in given else fixed[name] for name in names]
    pool: asyncpg.Pool = request.app.state.pool
    async with pool.acquire() as conn:
        transaction = conn.transaction(readonly=True)
        await transaction.start()
        try:
            rows = await conn.fetch(sql, *args)
            page = rows[:WORKLIST_PAGE]
            overdue = [row["due_on"] for row in page if row["due_on"] < today]
            counts: dict[date, int] = {}
            if overdue:
                start = min(overdue)
                overrides = await conn.fetch(CALENDAR_OVERRIDES, start, today + timedelta(days=1))
                years = await conn.fetch(CALENDAR_YEARS)
                counts = _days_overdue(overrides, years, start, today)
        finally:
            await transaction.rollback()
    items = []
    for row in page:
        undone = row["done_on"] is None
        items.append(
            {
                "id": str(row["id"]),
                "kind": row["kind"],
                "status": "missed" if undone and row["due_on"] < today else row["status"],
                "triggered_on": row["triggered_on"].isoformat(),
                "working_days": row["working_days"],
                "due_on": row["due_on"].isoformat(),
                "provisional": row["provisional"],
                "done_on": _json_date(row["done_on"]),
                "household_id": _str(row["household_id"]),
                "application_id": _str(row["application_id"]),
                "discovery_report_id": _str(row["discovery_report_id"]),
                "region_code": row["region_code"],
                "days_overdue": counts.get(row["due_on"], 0) if undone else 0,
            }
        )
    cursor = None
    if len(rows) > WORKLIST_PAGE:
        last = page[-1]
        cursor = request.app.state.cursors.encode(
            [last["due_on"], last["id"]], f"deadlines:{user}:{region}:{when}:{kind}"
        )
    return JSONResponse({"items": items, "next_cursor": cursor})


async def healthz(_request: Request) -> Response:
    return JSONResponse({"status": "ok"})


ROUTES: dict[str, Route] = {
    "regions_get": Route("/api/v1/regions/{code}", regions_get, methods=["GET"]),
    "households_get": Route("/api/v1/households/{household_id}", households_get, methods=["GET"]),
    "worklists_deadlines": Route(
        "/api/v1/worklists/deadlines", worklists_deadlines, methods=["GET"]
    ),
}
"""Scenario routes by the name `bench/scenarios.py` refers to them with."""


async def _no_reset(_conn: asyncpg.Connection) -> None:
    """asyncpg's default reset sends a query on every release; SQLAlchemy's pool does not."""


def create_app(dsn: str | None = None) -> Starlette:
    dsn = dsn or os.environ["BENCH_DSN"]
    # The app's settings from the same SANZHU_* variables: its field cipher, pool
    # size and PostgreSQL session settings (statement timeout, plan cache mode).
    settings = Settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.pool = await asyncpg.create_pool(
            dsn,
            min_size=settings.db_pool_size,
            max_size=settings.db_pool_size,
            # SQLAlchemy neither recycles after N queries nor closes idle
            # connections within a bench run; neither does this pool.
            max_queries=2**31 - 1,
            max_inactive_connection_lifetime=0,
            reset=_no_reset,
            server_settings={
                **postgres_session_settings(settings),
                "application_name": "sanzhu-bench-baseline",
            },
        )
        try:
            yield
        finally:
            await app.state.pool.close()

    field_cipher = settings.field_cipher()

    app = Starlette(
        routes=[Route("/healthz", healthz, methods=["GET"]), *ROUTES.values()],
        lifespan=lifespan,
    )
    app.state.field_cipher = field_cipher
    app.state.cursors = CursorCodec(settings.secret_bytes)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args()
    # The same server settings as `sanzhu serve`, so the HTTP layer costs the same.
    uvicorn.run(
        create_app(),
        host=args.host,
        port=args.port,
        workers=1,
        proxy_headers=False,
        access_log=False,
        log_config=None,
        log_level="warning",
        server_header=False,
    )


if __name__ == "__main__":
    main()
