"""The app with authentication and permission checks switched off, for `--compare auth`.

`create_app_without_auth()` builds the app with `app.main.create_app()`, the
same code and settings as `sanzhu serve`, and then overrides every
`actor_for(action)` dependency found on its routes with a function that hands
back the Actor of one fixed Principal. No token is parsed or
verified, the principal's status is never re-checked in the database, and no
role is checked; everything else (middleware, routing, sessions, handlers,
serialization) is the app's own.

The override still puts the principal on `request.state`, as authentication
does, so code that reads it there (the audit context, idempotency keys) sees
the same caller. The principal comes from `BENCH_PRINCIPAL`, a JSON object
with `id`, `role`, `scope_region`, `organization_id` and `is_client`
(`bench/run.py` copies them from the token side A uses); without it, an admin
with no region scope.

Run by `bench/run.py --compare auth`; by hand, with the app's SANZHU_* settings:
    .venv/bin/python bench/auth_off.py --port 8002
"""

import argparse
import json
import os
import sys
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import uvicorn  # noqa: E402
from fastapi import FastAPI, Request  # noqa: E402
from fastapi.dependencies.models import Dependant  # noqa: E402
from fastapi.routing import APIRoute, iter_route_contexts  # noqa: E402

from app.core.auth import Actor, build_actor  # noqa: E402
from app.core.permissions import Role  # noqa: E402
from app.core.principals import Principal  # noqa: E402

PRINCIPAL_ENV = "BENCH_PRINCIPAL"
DEFAULT_PRINCIPAL_ID = uuid.UUID("00000000-0000-4000-8000-0000000be7c4")


def fixed_principal(spec: str | None = None) -> Principal:
    """The one caller every request is attributed to (from `BENCH_PRINCIPAL`, or an admin)."""
    spec = os.environ.get(PRINCIPAL_ENV) if spec is None else spec
    data: dict[str, Any] = json.loads(spec) if spec else {}
    organization = data.get("organization_id")
    return Principal(
        id=uuid.UUID(str(data.get("id") or DEFAULT_PRINCIPAL_ID)),
        role=Role(data.get("role") or Role.admin.value),
        scope_region=data.get("scope_region"),
        organization_id=uuid.UUID(str(organization)) if organization else None,
        is_client=bool(data.get("is_client", False)),
        token_id="bench-auth-off",  # noqa: S106 (a label, not a secret)
    )


def _walk(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _walk(sub)


def auth_dependencies(app: FastAPI) -> set[Callable[..., Any]]:
    """Every `actor_for(...)` closure (it has an `.action`) on the app's API routes."""
    found: set[Callable[..., Any]] = set()
    for context in iter_route_contexts(app.routes):
        if not isinstance(context.original_route, APIRoute):
            continue
        for call in _walk(context.dependant):
            if hasattr(call, "action"):
                found.add(call)
    return found


def principal_override(principal: Principal) -> Callable[[Request], Awaitable[Actor]]:
    async def bench_actor(request: Request) -> Actor:
        request.state.principal = principal
        return await build_actor(request, principal)

    return bench_actor


def disable_auth(app: FastAPI, principal: Principal) -> int:
    """Override every `actor_for(...)`; the number overridden."""
    checks = auth_dependencies(app)
    if not checks:
        raise RuntimeError("no actor_for(...) dependency found on the app's routes")
    override = principal_override(principal)
    for call in checks:
        app.dependency_overrides[call] = override
    return len(checks)


def create_app_without_auth() -> FastAPI:
    """`app.main.create_app()` with authentication and permission checks off (uvicorn --factory)."""
    from app.main import create_app

    app = create_app()
    principal = fixed_principal()
    count = disable_auth(app, principal)
    print(
        f"bench auth_off: {count} actor_for(...) dependencies overridden; "
        f"every request is {principal.caller_id} ({principal.role.value})",
        flush=True,
    )
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8002)
    args = parser.parse_args()
    from app.core.config import Settings
    from app.core.logging import configure_logging

    # What `sanzhu serve --workers 1 --no-worker` does before it starts uvicorn.
    settings = Settings()
    settings.check_production_ready()
    os.environ["SANZHU_RUN_WORKER_IN_PROCESS"] = "false"
    configure_logging(settings.log_level, json=settings.log_json)
    uvicorn.run(
        "bench.auth_off:create_app_without_auth",
        factory=True,
        host=args.host,
        port=args.port,
        workers=1,
        proxy_headers=False,
        access_log=False,
        log_config=None,
        server_header=False,
    )


if __name__ == "__main__":
    main()
