"""The fuzz gate's own bookkeeping (tests/fuzz/run.py): what it fuzzes and what it counts."""

import json
from pathlib import Path

from tests.fuzz.run import AUTH_PREFIX, CONTRACT, ROLES, fuzzed_operations, reached_2xx


def test_every_operation_but_authentication_is_fuzzed() -> None:
    operations = fuzzed_operations()
    contract = json.loads(CONTRACT.read_text(encoding="utf-8"))["paths"]
    assert ("GET", "/api/v1/households") in operations
    assert ("POST", "/api/v1/households/{household_id}/members") in operations
    assert not [path for _, path in operations if path.startswith(AUTH_PREFIX)]
    assert {path for _, path in operations} == {
        path for path in contract if not path.startswith(AUTH_PREFIX)
    }


def test_an_operation_counts_once_it_answered_a_2xx(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    lines = [
        {"event": "request", "method": "GET", "route": "/api/v1/households", "status": 200},
        {"event": "request", "method": "GET", "route": "/api/v1/households", "status": 200},
        {"event": "request", "method": "POST", "route": "/api/v1/households", "status": 422},
        {"event": "request", "method": "PATCH", "route": "/api/v1/regions/{code}", "status": 412},
        {"event": "request", "method": "POST", "route": "/api/v1/auth/token", "status": 200},
        {"event": "request", "method": "GET", "route": "<unmatched>", "status": 204},
        {"event": "startup"},
    ]
    log.write_text(
        "\n".join(json.dumps(line) for line in lines) + "\nSanzhu API docs: not json\n",
        encoding="utf-8",
    )
    assert reached_2xx(log, fuzzed_operations()) == {("GET", "/api/v1/households")}


def test_the_issue_s_roles_are_fuzzed() -> None:
    by_name = {role.name: role for role in ROLES}
    assert set(by_name) >= {"admin", "street_officer", "grid_worker", "social_worker", "partner"}
    assert by_name["social_worker"].acknowledges
    assert by_name["partner"].token_form()["grant_type"] == "client_credentials"
