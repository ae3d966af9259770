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
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Prepare = Callable[[Any], Awaitable[None]]
"""Extra data for a scenario, given an asyncpg connection to the bench database."""

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


async def add_grid_regions(conn: Any) -> None:
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
