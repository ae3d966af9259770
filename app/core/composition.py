"""What a domain package gives the app: the parts `app.domains.DOMAINS` composes.

The HTTP app takes the routers, the `sanzhu` command the CLI sub-app, the
worker the job handlers, periodic tasks and event subscriptions, the schema
the models, and `sanzhu seed-demo` the demo seed. Adding a domain is one
package that exports a `Domain`, plus one line in `DOMAINS`.
"""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field

import typer
from fastapi import APIRouter

from app.core.db import Base
from app.core.jobs import JobHandler, JobKind
from app.core.services import Services
from app.core.worker import PeriodicTask

DemoSeed = Callable[[Services, str], Awaitable[str]]
"""(services, the demo password) -> one line saying what was added; idempotent."""


@dataclass(frozen=True, slots=True)
class Domain:
    name: str
    """Lower-case, as in `app/<name>/`; also the CLI sub-app's name."""
    routers: Sequence[APIRouter] = ()
    """Included in this order, each carrying its own /api/v1 prefix."""
    cli: typer.Typer | None = None
    jobs: Sequence[tuple[JobKind, JobHandler]] = ()
    periodic: Sequence[PeriodicTask] = ()
    subscriptions: Mapping[str, Sequence[JobKind]] = field(default_factory=dict)
    """Domain event name -> the job kinds of this domain that handle it."""
    models: Sequence[type[Base]] = ()
    seed: DemoSeed | None = None
