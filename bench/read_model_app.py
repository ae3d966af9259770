"""The app with `GET /api/v1/households/{id}` served by the read-model prototype, for the bench.

`create_app_with_read_model()` builds the app with `app.main.create_app()`
after replacing, in the households router, the route of
`GET /api/v1/households/{household_id}` with one of the same path, place,
dependencies (the `households_read` permission, the read session) and
answer, whose handler reads through `app.households.read_model` instead of
`views.read_household`. Everything else is the app's own.

    .venv/bin/python bench/run.py --scenario households_get --app read_model
    .venv/bin/python bench/profile_read.py --scenario households_get --read-model
"""

import argparse
import os
import sys
from pathlib import Path
from typing import Annotated

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import uvicorn  # noqa: E402
from fastapi import Depends, FastAPI, Response  # noqa: E402
from fastapi.routing import APIRoute  # noqa: E402

from app.core.etag import etag_for_version  # noqa: E402
from app.core.permissions import Action  # noqa: E402
from app.core.uow import ReadDbSession  # noqa: E402
from app.households.access import Caller, caller_for  # noqa: E402
from app.households.router import HouseholdId  # noqa: E402
from app.households.schemas import HouseholdOut  # noqa: E402
from bench import read_model  # noqa: E402

PATH = "/api/v1/households/{household_id}"


def install() -> str:
    """Serve GET `PATH` with the read model; returns the path template.

    The new route takes the place of the app's own in the households router,
    so FastAPI's route matching costs the same as for the app's route (it
    walks the included routers in order; a route put first would be matched
    sooner, which would flatter the read model).
    """
    from app.households.router import router

    @router.get("/{household_id}", response_model=HouseholdOut)
    async def get_household_read_model(
        household_id: HouseholdId,
        caller: Annotated[Caller, Depends(caller_for(Action.households_read))],
        response: Response,
        session: ReadDbSession,
    ) -> HouseholdOut:
        out = await read_model.read_household(session, caller, household_id)
        response.headers["ETag"] = etag_for_version(out.version)
        return out

    added = router.routes.pop()
    original = next(
        index
        for index, route in enumerate(router.routes)
        if isinstance(route, APIRoute)
        and route.path == router.prefix + "/{household_id}"
        and "GET" in route.methods
    )
    router.routes[original] = added
    # FastAPI re-reads an included router's routes when its version changes.
    router._mark_routes_changed()
    return PATH.replace("{household_id}", "{id}")


def create_app_with_read_model() -> FastAPI:
    from app.main import create_app

    install()
    return create_app()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8003)
    args = parser.parse_args()
    from app.core.config import Settings
    from app.core.logging import configure_logging

    # What `sanzhu serve --workers 1 --no-worker` does before it starts uvicorn.
    settings = Settings()
    settings.check_production_ready()
    os.environ["SANZHU_RUN_WORKER_IN_PROCESS"] = "false"
    configure_logging(settings.log_level, json=settings.log_json)
    uvicorn.run(
        "bench.read_model_app:create_app_with_read_model",
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
