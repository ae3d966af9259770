"""Benchmark scenarios: name -> request template, id list source, baseline route.

A scenario says which request wrk sends (method and path template, `{id}`
replaced by an id picked at random per request), where the ids come from (a
SQL query run on the bench database after seeding and `prepare`), and which
route of `bench/baseline.py` answers the same request with the same SQL.

To add a scenario: write its baseline route in `bench/baseline.py` (same SQL
statements, same transactions, none of the app's Python work), register it in
`baseline.ROUTES`, and add an entry to `SCENARIOS` below.
"""

import functools
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Prepare = Callable[[Any, int], Awaitable[None]]
"""Extra data for a scenario, given an asyncpg connection to the bench database and the
harness's `--households` (scenarios that make their own households use it)."""

Login = Callable[[str], Mapping[str, str]]
"""Given the app's base URL, headers that authenticate the bench's requests.

Called once the app is up, before the Lua script is written; what it returns
overrides `Scenario.headers`. The baseline ignores them: checking a token is
the app's own work.
"""

DEFAULT_HEADERS: Mapping[str, str] = {
    # A placeholder for an app without authentication; `demo_login` replaces
    # it with a real token when the app has a token endpoint.
    "Authorization": "Bearer bench",
    "Accept": "application/json",
}

TOKEN_PATH = "/api/v1/auth/token"  # noqa: S105 (a URL path)
DEMO_USER = "admin"


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    method: str
    path: str
    """Path template; `{id}` is replaced by an id from `ids_sql` on every request."""
    ids_sql: str
    """A query returning one text column: the ids wrk picks from at random."""
    baseline_route: str
    """Key of the route in `bench.baseline.ROUTES` that mirrors this request."""
    prepare: Prepare | None = None
    headers: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_HEADERS))
    login: Login | None = None
    ledger: bool = False
    """Needs households: on a throwaway database the harness runs bench/generate.py first."""
    fixed_ids: tuple[str, ...] = ()
    """Ids given here instead of by `ids_sql`."""
    encoded_ids: bool = False
    """The ids go into the path as they are (e.g. query strings), not percent-quoted."""


def _demo_password() -> str:
    """The password `sanzhu seed-demo` gives demo users (bench/run.py unsets SANZHU_*)."""
    from app.demo import identity

    password = getattr(identity, "DEFAULT_DEMO_PASSWORD", None)
    if not isinstance(password, str):
        raise RuntimeError(
            "app.demo.identity has no DEFAULT_DEMO_PASSWORD to sign the demo user in with"
        )
    return password


def demo_login(app_url: str, username: str = DEMO_USER) -> dict[str, str]:
    """A bearer token for a demo user (OAuth2 password grant).

    An app without a token endpoint (404) gets the placeholder header instead.
    """
    form = {"grant_type": "password", "username": username, "password": _demo_password()}
    request = urllib.request.Request(  # noqa: S310 (http to the local app)
        app_url + TOKEN_PATH,
        data=urllib.parse.urlencode(form).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            body = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        if exc.code in (404, 405):
            return {}
        raise RuntimeError(
            f"signing {username} in failed: {exc.code} {exc.read()[:300]!r}"
        ) from None
    return {"Authorization": f"Bearer {body['access_token']}"}


EXTRA_GRIDS_PER_COMMUNITY = 500


async def add_grid_regions(conn: Any, _households: int = 0) -> None:
    """500 more grids under every community (2,000 on the demo district), set-based.

    Grid codes are the 12-digit community code + 3 digits; the demo already
    uses 001 and 002, so the new ones are 003..502.
    """
    await conn.execute(
        """
        INSERT INTO regions (code, name, level, parent_code, created_at, updated_at)
        SELECT c.code || lpad(g::text, 3, '0'), c.name || '第' || g || '网格', 'grid', c.code,
               now(), now()
        FROM regions AS c CROSS JOIN generate_series(3, 2 + $1::int) AS g
        WHERE c.level = 'community' AND length(c.code) = 12
        ON CONFLICT (code) DO NOTHING
        """,
        EXTRA_GRIDS_PER_COMMUNITY,
    )


WORKLIST_HOUSEHOLDS_SQL = """
INSERT INTO households (id, version, region_code, district_code, address, status, complete,
                        missing_fields, created_at, updated_at, ledger_number)
SELECT gen_random_uuid(), 1, g.codes[1 + (n % array_length(g.codes, 1))], '500112',
       '合成地址 ' || n || ' 号', 'active', false, '[]', now(), now(),
       '500112-B' || lpad(n::text, 9, '0')
FROM generate_series(1, $1) AS n,
     (SELECT array_agg(code ORDER BY code) AS codes FROM regions WHERE level = 'grid') AS g
"""
"""The households the deadlines belong to, spread over the demo grids: only what the
worklist's rows need (an id and a region; the worklist reads no household). The full
synthetic ledger is bench/generate.py's."""

WORKLIST_DEADLINES_SQL = """
INSERT INTO deadlines (id, kind, status, region_code, district_code, household_id,
                       triggered_on, working_days, due_on, provisional, done_on, created_at)
SELECT gen_random_uuid(), k.kind,
       CASE WHEN h.n > $1 THEN 'met'
            WHEN h.triggered_on + k.days < $3 THEN 'missed' ELSE 'open' END,
       h.region_code, h.district_code, h.id, h.triggered_on, k.days,
       h.triggered_on + k.days, false,
       CASE WHEN h.n > $1 THEN h.triggered_on + 1 END, now()
FROM (
    SELECT id, region_code, district_code, n,
           $3::date - ((n * 7919) % 21)::int + 7 AS triggered_on
    FROM (SELECT id, region_code, district_code, row_number() OVER () AS n
          FROM households LIMIT $2) AS numbered
) AS h
JOIN (VALUES (0, 'visit_after_hardship', 1), (1, 'ledger_after_hardship', 2),
             (2, 'visit_after_approval', 1), (3, 'ledger_after_screening', 3))
     AS k(slot, kind, days) ON k.slot = h.n % 4
"""
"""One deadline per household taken, its kind by turn; the first `$1` undone, the rest met.
Trigger days spread over three weeks around today (working days counted as calendar days:
the figures need the spread, not the calendar)."""

UNDONE_SHARE = 10
DONE_SHARE = 5
"""Of the households, one in 10 has an undone deadline and one in 5 a done one (1,000,000
households: 100,000 undone, 200,000 met)."""


async def add_worklist_ledger(conn: Any, households: int) -> None:
    """`households` households over the demo grids and their deadlines, each set-based in
    one INSERT ... SELECT: undone ones due over the last and next weeks (some due today,
    many overdue) and done ones (met; outside the partial index
    ix_deadlines_undone_region_due, as in a worklist that has run for years)."""
    from app.core.clock import business_today

    undone, done = households // UNDONE_SHARE, households // DONE_SHARE
    started = time.monotonic()
    await conn.execute(WORKLIST_HOUSEHOLDS_SQL, households)
    await conn.execute("ANALYZE households")
    await conn.execute(WORKLIST_DEADLINES_SQL, undone, undone + done, business_today())
    # A worklist that has run a while: autovacuum has set the visibility map.
    await conn.execute("VACUUM ANALYZE deadlines")
    print(
        f"  {households:,} households, {undone:,} undone and {done:,} met deadlines "
        f"in {time.monotonic() - started:.0f} s"
    )


WORKLIST_QUERIES = ("", "region=500112001001", "when=overdue", "when=due_today")
"""Scenario 3's requests as the demo street officer (reach: street 500112001): the default
(due today and overdue, first page of 50), one community's, overdue only, due today only."""


LIST_FILTERS: list[tuple[str, dict[str, str]]] = [
    ("district_officer", {}),
    ("district_officer", {"region": "500112001"}),
    ("district_officer", {"region": "500112002007"}),
    ("district_officer", {"region": "500112001013004"}),
    ("district_officer", {"status": "exited"}),
    ("district_officer", {"status": "all"}),
    ("district_officer", {"complete": "false"}),
    ("district_officer", {"target_type": "tekun"}),
    ("district_officer", {"target_type": "dibao"}),
    ("district_officer", {"category": "child_in_distress"}),
    ("district_officer", {"category": "elderly_in_distress"}),
    ("district_officer", {"cause": "disaster"}),
    ("district_officer", {"need": "legal_aid"}),
    ("district_officer", {"address": "龙山大道"}),
    ("district_officer", {"address": "幸福丽景"}),
    ("district_officer", {"address": "兰馨大"}),
    ("district_officer", {"region": "500112002007", "target_type": "dibao", "complete": "false"}),
    ("district_officer", {"target_type": "tekun", "category": "elderly_in_distress"}),
    ("district_officer", {"cause": "illness", "need": "medical", "complete": "true"}),
    ("district_officer", {"region": "500112001", "address": "双湖路"}),
    ("street_officer", {}),
    ("street_officer", {"target_type": "tekun"}),
    ("street_officer", {"region": "500112001004", "category": "severe_disability"}),
    ("street_officer", {"need": "care", "status": "all"}),
]
"""Scenario 2's filter sets on a ledger from bench/generate.py: (demo user, query parameters).

Region codes exist with the generator's defaults (20 communities per street,
10 grids per community). Shares on such a ledger: tekun 7 %, child in distress
2 %, disaster and legal aid about 3 %, each road name about 3 % of addresses,
each estate name about 0.4 %.
"""


def _query(filters: dict[str, str]) -> str:
    return urllib.parse.urlencode(filters)


def _list_ids(user: str) -> tuple[str, ...]:
    return tuple(_query(query) for who, query in LIST_FILTERS if who == user)


SCENARIOS: dict[str, Scenario] = {
    "regions_get": Scenario(
        name="regions_get",
        description="Resolve a region code to the region and its path",
        method="GET",
        path="/api/v1/regions/{id}",
        ids_sql="SELECT code FROM regions ORDER BY code",
        baseline_route="regions_get",
        prepare=add_grid_regions,
        login=demo_login,
    ),
    "households_get": Scenario(
        name="households_get",
        description="One household with its members, as a community worker (audited read)",
        method="GET",
        path="/api/v1/households/{id}",
        ids_sql=(
            "SELECT id FROM households WHERE region_code >= '500112001001' "
            "AND region_code < '500112001002' ORDER BY id"
        ),
        baseline_route="households_get",
        login=functools.partial(demo_login, username="community_worker"),
        ledger=True,
    ),
    "households_list": Scenario(
        name="households_list",
        description="The filtered household list, as the district officer (LIST_FILTERS)",
        method="GET",
        path="/api/v1/households?{id}",
        ids_sql="",
        baseline_route="",
        login=functools.partial(demo_login, username="district_officer"),
        ledger=True,
        fixed_ids=_list_ids("district_officer"),
        encoded_ids=True,
    ),
    "worklists_deadlines": Scenario(
        name="worklists_deadlines",
        description="The deadline worklist as a street officer (WORKLIST_QUERIES); "
        "--households households, one in 10 with an undone deadline",
        method="GET",
        path="/api/v1/worklists/deadlines?{id}",
        ids_sql="",
        baseline_route="worklists_deadlines",
        prepare=add_worklist_ledger,
        login=functools.partial(demo_login, username="street_officer"),
        fixed_ids=WORKLIST_QUERIES,
        encoded_ids=True,
    ),
    "households_list_street": Scenario(
        name="households_list_street",
        description="The filtered household list, as a street officer (LIST_FILTERS)",
        method="GET",
        path="/api/v1/households?{id}",
        ids_sql="",
        baseline_route="",
        login=functools.partial(demo_login, username="street_officer"),
        ledger=True,
        fixed_ids=_list_ids("street_officer"),
        encoded_ids=True,
    ),
}
