"""The caller of a ledger endpoint: who, from where, and the tools its reads need."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date

from fastapi import Request

from app.core.audit import AuditContext
from app.core.auth import BearerCredentials, Principal, authorize
from app.core.clock import business_today
from app.core.crypto import IdNumberVault
from app.core.db import Database
from app.core.masking import Viewer
from app.core.permissions import Action


@dataclass(frozen=True, slots=True)
class Caller:
    principal: Principal
    context: AuditContext
    database: Database
    vault: IdNumberVault
    today: date

    @property
    def viewer(self) -> Viewer:
        return Viewer(self.principal.role)


def caller_for(action: Action) -> Callable[..., Awaitable[Caller]]:
    """Dependency: the caller of a ledger route, if its role may perform `action` (else 403)."""

    async def build(request: Request, _credentials: BearerCredentials) -> Caller:
        return Caller(
            principal=await authorize(request, action),
            context=AuditContext.from_request(request),
            database=request.app.state.database,
            vault=request.app.state.id_vault,
            today=business_today(),
        )

    return build
