"""What the running app is made of: settings, database, keys and the hooks domains provide.

Built once per process (`build_services`) and shared by requests, jobs and
commands. `services_of(request)` is the one place that reads `app.state`.
"""

from dataclasses import dataclass

from fastapi import FastAPI, Request

from app.core.audit_keys import AuditKeys
from app.core.config import Settings
from app.core.crypto import FieldCipher, IdNumberVault
from app.core.db import Database
from app.core.migrations import head_revision
from app.core.principals import ActivityCache, GrantedRegions, SessionCheck, StatusCheck
from app.core.security import PasswordHasher, VerifiedTokens
from app.core.signing_keys import KeyRing


@dataclass(frozen=True, slots=True)
class AccessHooks:
    """What authentication needs to know from domains, given when the app is composed."""

    principal_status: StatusCheck
    """Is this user or client still active (identity)."""
    session_live: SessionCheck
    """Is this sign-in still live, not signed out or revoked (identity)."""
    granted_regions: GrantedRegions
    """The regions an auditor's live grants open (confidentiality)."""


@dataclass(frozen=True, slots=True, eq=False)
class Services:
    settings: Settings
    database: Database
    vault: IdNumberVault
    cipher: FieldCipher
    """Seals secrets other than ID numbers, each under a context of its own."""
    audit_keys: AuditKeys
    key_ring: KeyRing
    verified_tokens: VerifiedTokens
    password_hasher: PasswordHasher
    activity: ActivityCache
    hooks: AccessHooks
    migration_head: str


def build_services(
    settings: Settings, hooks: AccessHooks, *, database: Database | None = None
) -> Services:
    key_ring = KeyRing(settings.jwt_keys.get_secret_value() if settings.jwt_keys else "")
    return Services(
        settings=settings,
        database=database or Database(settings),
        vault=settings.id_number_vault(),
        cipher=settings.field_cipher(),
        audit_keys=settings.audit_keyring(),
        key_ring=key_ring,
        verified_tokens=VerifiedTokens(
            key_ring, issuer=settings.jwt_issuer, audience=settings.jwt_audience
        ),
        password_hasher=PasswordHasher(
            settings.password_hash_memory_kib, settings.password_hash_concurrency
        ),
        activity=ActivityCache(settings.principal_recheck_seconds),
        hooks=hooks,
        migration_head=head_revision(),
    )


def install_services(app: FastAPI, services: Services) -> None:
    app.state.services = services


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services
