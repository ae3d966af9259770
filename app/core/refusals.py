"""One rule for refused attempts (Beijing 7; DOMAIN 12): each leaves a `denied` audit event.

A refusal is an `AppError` that refuses the caller: every 403 (a role that may
never act, a confidentiality agreement missing, a read-only grant asked to
write, a wrong current password), and every error a service marks with
`refusing(...)` (a write outside the caller's jurisdiction, an object that
exists out of its reach). `AppRoute` hands each one here once the request's
transaction has ended; the event is written in its own short transaction, so
it survives the request failing and never waits on the request's own lock.
"""

import structlog
from fastapi import Request

from app.core import audit
from app.core.db import Database
from app.core.errors import Refusal
from app.core.principals import Principal

_ACTION = "required_action"
logger = structlog.get_logger(__name__)


def note_action(request: Request, action: str) -> None:
    """The permission the route requires: what its refusals are recorded as by default."""
    setattr(request.state, _ACTION, action)


def _path_object(request: Request) -> tuple[str | None, str | None]:
    """The object the route's path names first (`/households/{household_id}/...`)."""
    for name, value in request.path_params.items():
        if name.endswith("_id"):
            return name.removesuffix("_id"), str(value)
    return None, None


def _action(request: Request, refusal: Refusal) -> str:
    if refusal.action is not None:
        return refusal.action
    noted = getattr(request.state, _ACTION, None)
    if isinstance(noted, str):
        return noted
    route = request.scope.get("route")
    return str(getattr(route, "name", request.url.path))


async def record(request: Request, database: Database, refusal: Refusal) -> None:
    """The `denied:<action>` event of a refused request, in its own short transaction.

    Failing to write it is logged, not answered: the caller is refused either way, and the
    answer it gets must not depend on the audit trail's database."""
    principal = getattr(request.state, "principal", None)
    object_type, object_id = refusal.object_type, refusal.object_id
    if object_type is None:
        object_type, object_id = _path_object(request)
    event = audit.event_row(
        audit.AuditContext.of(request, principal if isinstance(principal, Principal) else None),
        f"denied:{_action(request, refusal)}",
        outcome=audit.AuditOutcome.denied,
        object_type=object_type,
        object_id=object_id,
        region_code=refusal.region_code,
    )
    try:
        await audit.write_alone(database, event)
    except Exception:
        logger.exception("refusal_not_audited")
