"""The domains the app is composed of: one list, read by the app, the command line, the
worker, the schema and the demo data. A new domain is one package and one line here."""

from collections.abc import Sequence

from app.audit.domain import domain as audit
from app.charity_reports.domain import domain as charity_reports
from app.confidentiality.domain import domain as confidentiality
from app.confidentiality.public import granted_regions
from app.consents.domain import domain as consents
from app.core import audit_chain, events, idempotency
from app.core.composition import Domain
from app.core.db import WriteSession
from app.core.jobs import JobKind, JobRegistry
from app.core.services import AccessHooks, Services
from app.core.worker import PeriodicTask, Worker
from app.dictionaries.domain import domain as dictionaries
from app.eligibility.domain import domain as eligibility
from app.finances.domain import domain as finances
from app.households.domain import domain as households
from app.identity.domain import domain as identity
from app.identity.public import principal_status, session_live
from app.imports.domain import domain as imports
from app.intake.domain import domain as intake
from app.organizations.domain import domain as organizations
from app.red_cross.domain import domain as red_cross
from app.referrals.domain import domain as referrals
from app.regions.domain import domain as regions
from app.system.domain import domain as system
from app.webhooks.domain import domain as webhooks
from app.workdays.domain import domain as workdays

DOMAINS: tuple[Domain, ...] = (
    regions,
    organizations,
    identity,
    confidentiality,
    dictionaries,
    workdays,
    households,
    consents,
    finances,
    imports,
    referrals,
    intake,
    eligibility,
    red_cross,
    charity_reports,
    audit,
    system,
    webhooks,
)
"""In dependency order: a domain's demo seed runs after those it builds on."""

ACCESS_HOOKS = AccessHooks(
    principal_status=principal_status, session_live=session_live, granted_regions=granted_regions
)


def job_registry(domains: Sequence[Domain] = DOMAINS) -> JobRegistry:
    return JobRegistry(entry for domain in domains for entry in domain.jobs)


def subscriptions(domains: Sequence[Domain] = DOMAINS) -> dict[str, list[JobKind]]:
    found: dict[str, list[JobKind]] = {}
    for domain in domains:
        for name, kinds in domain.subscriptions.items():
            found.setdefault(name, []).extend(kinds)
    return found


def build_worker(services: Services, domains: Sequence[Domain] = DOMAINS) -> Worker:
    """The worker: every domain's jobs and periodic tasks, and the core upkeep."""
    subscribed = subscriptions(domains)

    async def dispatch_events(session: WriteSession, _services: Services) -> None:
        await events.dispatch_pending(session, subscribed)

    async def purge_idempotency_keys(session: WriteSession, _services: Services) -> None:
        await idempotency.purge_expired(session)

    async def seal_audit_events(_session: WriteSession, services: Services) -> None:
        # Sealing commits on its own before it publishes the head, so it does not use the
        # upkeep's transaction (which stays unused and opens no connection).
        await audit_chain.seal(
            services.database, services.audit_keys, services.settings.audit_heads_path
        )

    core = [
        PeriodicTask("dispatch_domain_events", 1.0, dispatch_events),
        PeriodicTask("purge_idempotency_keys", 3600.0, purge_idempotency_keys),
        PeriodicTask("seal_audit_events", 5.0, seal_audit_events),
    ]
    periodic = [task for domain in domains for task in domain.periodic]
    return Worker(services, job_registry(domains), [*core, *periodic])
