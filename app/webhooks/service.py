"""Webhook subscriptions (issue 16, Build 4): partners and admins say where which events go.

A partner client manages its own organisation's subscriptions only; admins manage every
organisation's. Another organisation's subscription is not found (404). The signing secret
is made here, answered once (on creation and on rotation), and stored sealed with the field
cipher under its own context; it never appears in a GET, a log line or an audit event.
Rotation is immediate: the old secret stops signing at once (deliveries already claimed
are signed with the secret read at their claim), so a receiver switches to the new secret
when it rotates.
"""

import uuid
from dataclasses import dataclass

from app.core import audit
from app.core.auth import Actor
from app.core.config import Environment
from app.core.db import ReadSession, WriteSession, utcnow
from app.core.errors import NotFound, ValidationFailed
from app.core.etag import check_version
from app.core.field_messages import object_named
from app.core.pagination import PageRequest
from app.core.permissions import Role
from app.core.services import Services
from app.organizations.public import get_organization
from app.webhooks import repository, signing, targets
from app.webhooks.errors import DeliveryNotFinished, SubscriptionDisabled
from app.webhooks.models import (
    DeliveryStatus,
    DisabledReason,
    SubscriptionStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from app.webhooks.schemas import SubscriptionIn, SubscriptionUpdate

SECRET_CONTEXT = "webhook_subscription.secret"  # noqa: S105 - a context, not a secret
SUBSCRIPTION = ("webhook订阅", "webhook subscription")
DELIVERY = ("webhook投递", "webhook delivery")


def _scope(actor: Actor) -> uuid.UUID | None:
    """The organisation a caller's subscriptions belong to; None: every organisation (admins).
    A partner client without an organisation reaches none (a fresh id matches nothing)."""
    if actor.principal.role is Role.admin:
        return None
    return actor.principal.organization_id or uuid.UUID(int=0)


def open_secret(services: Services, subscription: WebhookSubscription) -> str:
    return services.cipher.decrypt(subscription.secret_cipher, context=SECRET_CONTEXT)


def _sealed_new_secret(services: Services) -> tuple[str, str]:
    secret = signing.new_secret()
    return secret, services.cipher.encrypt(secret, context=SECRET_CONTEXT)


async def check_target(services: Services, url: str) -> None:
    """422 `target_*` for a URL webhooks may not be sent to (targets.check)."""
    settings = services.settings
    try:
        await targets.check(
            url,
            https_only=settings.environment is Environment.production,
            allow_private=settings.webhook_allow_private_targets,
            must_resolve=False,
        )
    except targets.TargetRefused as refused:
        raise ValidationFailed.in_body("url", refused.code.value, **refused.params) from None


async def visible(
    session: ReadSession, actor: Actor, subscription_id: uuid.UUID
) -> WebhookSubscription:
    found = await repository.subscription(session, subscription_id, _scope(actor))
    if found is None:
        raise NotFound(*SUBSCRIPTION)
    return found


async def search(
    session: ReadSession, actor: Actor, page: PageRequest
) -> tuple[list[WebhookSubscription], str | None]:
    return await repository.subscriptions(session, _scope(actor), page)


async def _owner(session: WriteSession, actor: Actor, asked: uuid.UUID | None) -> uuid.UUID:
    own = _scope(actor)
    if own is not None:
        if asked is not None and asked != own:
            raise ValidationFailed.in_body("organization_id", "organization_not_yours")
        return own
    if asked is None:
        raise ValidationFailed.in_body("organization_id", "missing")
    try:
        await get_organization(session, asked)
    except NotFound:
        raise ValidationFailed.in_body(
            "organization_id", "not_found", **object_named("机构", "organization")
        ) from None
    return asked


@dataclass(frozen=True, slots=True)
class WithSecret:
    subscription: WebhookSubscription
    secret: str


async def create(session: WriteSession, actor: Actor, data: SubscriptionIn) -> WithSecret:
    organization_id = await _owner(session, actor, data.organization_id)
    await check_target(actor.services, data.url)
    secret, sealed = _sealed_new_secret(actor.services)
    subscription = WebhookSubscription(
        organization_id=organization_id,
        url=data.url,
        event_types=sorted({t.value for t in data.event_types}),
        description=data.description,
        secret_cipher=sealed,
        status=SubscriptionStatus.active.value,
        created_by=actor.principal.caller_id,
        version=1,
    )
    session.add(subscription)
    await session.flush()
    await _audit(session, actor, "webhook_subscription.create", subscription, ["url", "events"])
    return WithSecret(subscription, secret)


async def update(
    session: WriteSession,
    actor: Actor,
    subscription_id: uuid.UUID,
    data: SubscriptionUpdate,
    expected_version: int,
) -> WebhookSubscription:
    subscription = await visible(session, actor, subscription_id)
    check_version(expected_version, subscription.version)
    changed: list[str] = []
    if data.url is not None and data.url != subscription.url:
        await check_target(actor.services, data.url)
        subscription.url = data.url
        changed.append("url")
    if data.event_types is not None:
        types = sorted({t.value for t in data.event_types})
        if types != subscription.event_types:
            subscription.event_types = types
            changed.append("event_types")
    if "description" in data.model_fields_set and data.description != subscription.description:
        subscription.description = data.description
        changed.append("description")
    active = subscription.status == SubscriptionStatus.active.value
    if data.active is not None and data.active != active:
        now = utcnow()
        if data.active:
            subscription.status = SubscriptionStatus.active.value
            subscription.disabled_reason = None
            subscription.disabled_at = None
        else:
            subscription.status = SubscriptionStatus.disabled.value
            subscription.disabled_reason = DisabledReason.requested.value
            subscription.disabled_at = now
            await repository.cancel_pending(session, subscription.id, now)
        changed.append("status")
    if changed:
        subscription.version += 1
        await session.flush()
    await _audit(session, actor, "webhook_subscription.update", subscription, changed)
    return subscription


async def delete(session: WriteSession, actor: Actor, subscription_id: uuid.UUID) -> None:
    """Remove a subscription with its deliveries and their attempts."""
    subscription = await visible(session, actor, subscription_id)
    await _audit(session, actor, "webhook_subscription.delete", subscription, [])
    await session.delete(subscription)
    await session.flush()


async def rotate_secret(
    session: WriteSession, actor: Actor, subscription_id: uuid.UUID
) -> WithSecret:
    subscription = await visible(session, actor, subscription_id)
    secret, sealed = _sealed_new_secret(actor.services)
    subscription.secret_cipher = sealed
    subscription.version += 1
    await session.flush()
    await _audit(session, actor, "webhook_subscription.rotate_secret", subscription, ["secret"])
    return WithSecret(subscription, secret)


async def deliveries(
    session: ReadSession,
    actor: Actor,
    subscription_id: uuid.UUID,
    status: DeliveryStatus | None,
    page: PageRequest,
) -> tuple[list[WebhookDelivery], str | None]:
    subscription = await visible(session, actor, subscription_id)
    return await repository.deliveries(
        session, subscription.id, None if status is None else status.value, page
    )


async def delivery(
    session: ReadSession, actor: Actor, subscription_id: uuid.UUID, delivery_id: uuid.UUID
) -> tuple[WebhookDelivery, list[WebhookAttempt]]:
    subscription = await visible(session, actor, subscription_id)
    found = await repository.delivery(session, subscription.id, delivery_id)
    if found is None:
        raise NotFound(*DELIVERY)
    return found, await repository.attempts(session, found.id)


async def replay(
    session: WriteSession, actor: Actor, subscription_id: uuid.UUID, delivery_id: uuid.UUID
) -> tuple[WebhookDelivery, list[WebhookAttempt]]:
    """Queue a finished delivery again, now, with a fresh set of attempts (same webhook-id,
    so a receiver that already has it can tell). 409 while it is still pending or being
    sent, or while its subscription is disabled."""
    subscription = await visible(session, actor, subscription_id)
    found = await repository.delivery(session, subscription.id, delivery_id)
    if found is None:
        raise NotFound(*DELIVERY)
    if found.status in (DeliveryStatus.pending.value, DeliveryStatus.sending.value):
        raise DeliveryNotFinished(found.status)
    if subscription.status != SubscriptionStatus.active.value:
        raise SubscriptionDisabled()
    found.status = DeliveryStatus.pending.value
    found.attempts = 0
    found.next_attempt_at = utcnow()
    found.delivered_at = None
    await session.flush()
    await audit.record(
        session,
        actor.context,
        "webhook_delivery.replay",
        object_type="webhook_delivery",
        object_id=str(found.id),
    )
    return found, await repository.attempts(session, found.id)


async def _audit(
    session: WriteSession,
    actor: Actor,
    action: str,
    subscription: WebhookSubscription,
    changed: list[str],
) -> None:
    await audit.record(
        session,
        actor.context,
        action,
        object_type="webhook_subscription",
        object_id=str(subscription.id),
        changed_fields=changed,
    )
