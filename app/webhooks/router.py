"""Webhook subscriptions (`/api/v1/webhook-subscriptions`, issue 16 Build 4): partners
subscribe to events of their organisation and follow their deliveries; admins manage every
organisation's. Another organisation's subscription answers 404."""

import uuid
from typing import Annotated

from fastapi import Depends, Path, Query, Response

from app.core.auth import Actor, actor_for
from app.core.errors import NotFound, PreconditionFailed, PreconditionRequired, ValidationFailed
from app.core.etag import ExpectedVersion, etag_for_version
from app.core.openapi import ETAG, LOCATION, protected_problems, sends
from app.core.pagination import Page, PageParams
from app.core.permissions import Action
from app.core.routing import API_V1, api_router
from app.core.uow import DbSession, ReadDbSession
from app.webhooks import service, views
from app.webhooks.errors import DeliveryNotFinished, SubscriptionDisabled
from app.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery
from app.webhooks.schemas import (
    AttemptOut,
    DeliveryDetail,
    DeliveryOut,
    SubscriptionIn,
    SubscriptionOut,
    SubscriptionUpdate,
    SubscriptionWithSecret,
)

PREFIX = f"{API_V1}/webhook-subscriptions"
router = api_router(prefix=PREFIX, tags=["webhooks"])
Manager = Annotated[Actor, Depends(actor_for(Action.webhooks_manage))]
SubscriptionId = Annotated[uuid.UUID, Path(description="Subscription id.")]
DeliveryId = Annotated[uuid.UUID, Path(description="Delivery id (its `webhook-id`).")]
ONE = "/{subscription_id}"
DELIVERY = f"{ONE}/deliveries/{{delivery_id}}"


def _detail(delivery: WebhookDelivery, attempts: list[WebhookAttempt]) -> DeliveryDetail:
    shown = DeliveryOut.model_validate(delivery).model_dump()
    return DeliveryDetail(**shown, attempts_made=[AttemptOut.model_validate(a) for a in attempts])


@router.get(
    "",
    response_model=Page[SubscriptionOut],
    summary="List webhook subscriptions (yours; admins: all)",
    description="Order: oldest first. A partner sees its own organisation's subscriptions.",
    responses=protected_problems(ValidationFailed),
)
async def webhook_subscriptions_list(
    actor: Manager, session: ReadDbSession, page: PageParams
) -> Page[SubscriptionOut]:
    found, cursor = await service.search(session, actor, page)
    return Page(items=await views.subscriptions_out(session, found), next_cursor=cursor)


@router.post(
    "",
    response_model=SubscriptionWithSecret,
    status_code=201,
    summary="Subscribe to events (the signing secret is shown once)",
    description="The receiver gets each event of `event_types` that concerns the "
    "organisation, signed per Standard Webhooks with the `secret` answered here and never "
    "again (`rotate-secret` makes a new one). No `Idempotency-Key`: a stored answer would "
    "keep the secret. 422 `target_*` for a URL webhooks may not "
    "reach; `organization_not_yours` when a partner names another organisation.",
    responses={
        **sends(201, ETAG, LOCATION),
        **protected_problems(ValidationFailed),
    },
)
async def webhook_subscriptions_create(
    actor: Manager, response: Response, session: DbSession, body: SubscriptionIn
) -> SubscriptionWithSecret:
    created = await service.create(session, actor, body)
    response.headers["Location"] = f"{PREFIX}/{created.subscription.id}"
    response.headers["ETag"] = etag_for_version(created.subscription.version)
    return await views.with_secret(session, created.subscription, created.secret)


@router.get(
    ONE,
    response_model=SubscriptionOut,
    summary="One webhook subscription (never its secret)",
    responses={**sends(200, ETAG), **protected_problems(NotFound, ValidationFailed)},
)
async def webhook_subscriptions_get(
    subscription_id: SubscriptionId, actor: Manager, response: Response, session: ReadDbSession
) -> SubscriptionOut:
    found = await service.visible(session, actor, subscription_id)
    response.headers["ETag"] = etag_for_version(found.version)
    return await views.subscription_out(session, found)


@router.patch(
    ONE,
    response_model=SubscriptionOut,
    summary="Change a subscription's URL, events or description, or disable or enable it",
    description="Disabling (`active: false`) cancels its pending deliveries; enabling clears "
    "the reason (also after a 410 disabled it). A new URL is checked as on creation.",
    responses={
        **sends(200, ETAG),
        **protected_problems(NotFound, ValidationFailed, PreconditionFailed, PreconditionRequired),
    },
)
async def webhook_subscriptions_update(
    subscription_id: SubscriptionId,
    actor: Manager,
    response: Response,
    session: DbSession,
    body: SubscriptionUpdate,
    expected: ExpectedVersion,
) -> SubscriptionOut:
    found = await service.update(session, actor, subscription_id, body, expected)
    response.headers["ETag"] = etag_for_version(found.version)
    return await views.subscription_out(session, found)


@router.delete(
    ONE,
    status_code=204,
    response_class=Response,
    summary="Delete a subscription with its deliveries",
    responses={204: {"description": "Deleted."}, **protected_problems(NotFound, ValidationFailed)},
)
async def webhook_subscriptions_delete(
    subscription_id: SubscriptionId, actor: Manager, session: DbSession
) -> Response:
    await service.delete(session, actor, subscription_id)
    return Response(status_code=204)


@router.post(
    f"{ONE}/rotate-secret",
    response_model=SubscriptionWithSecret,
    summary="Replace the signing secret (the new one is shown once)",
    description="Immediate: every attempt from now on is signed with the new secret only; "
    "switch the receiver to it at once.",
    responses={**sends(200, ETAG), **protected_problems(NotFound, ValidationFailed)},
)
async def webhook_subscriptions_rotate_secret(
    subscription_id: SubscriptionId, actor: Manager, response: Response, session: DbSession
) -> SubscriptionWithSecret:
    rotated = await service.rotate_secret(session, actor, subscription_id)
    response.headers["ETag"] = etag_for_version(rotated.subscription.version)
    return await views.with_secret(session, rotated.subscription, rotated.secret)


@router.get(
    f"{ONE}/deliveries",
    response_model=Page[DeliveryOut],
    summary="A subscription's deliveries, newest first",
    description="Filter by `status`: `failed` lists the dead letters to replay.",
    responses=protected_problems(NotFound, ValidationFailed),
)
async def webhook_subscriptions_deliveries_list(
    subscription_id: SubscriptionId,
    actor: Manager,
    session: ReadDbSession,
    page: PageParams,
    status: Annotated[
        DeliveryStatus | None, Query(description="Only deliveries in this status.")
    ] = None,
) -> Page[DeliveryOut]:
    found, cursor = await service.deliveries(session, actor, subscription_id, status, page)
    return Page(items=[DeliveryOut.model_validate(d) for d in found], next_cursor=cursor)


@router.get(
    DELIVERY,
    response_model=DeliveryDetail,
    summary="One delivery with its attempts",
    responses=protected_problems(NotFound, ValidationFailed),
)
async def webhook_subscriptions_delivery_get(
    subscription_id: SubscriptionId, delivery_id: DeliveryId, actor: Manager, session: ReadDbSession
) -> DeliveryDetail:
    return _detail(*await service.delivery(session, actor, subscription_id, delivery_id))


@router.post(
    f"{DELIVERY}/replay",
    response_model=DeliveryDetail,
    summary="Send a delivered, failed or cancelled delivery again",
    description="Queues it now with a fresh set of attempts and the same `webhook-id`. 409 "
    "`webhook_delivery_not_finished` while it is pending or being sent; "
    "`webhook_subscription_disabled` while its subscription is disabled.",
    responses=protected_problems(
        NotFound, ValidationFailed, DeliveryNotFinished, SubscriptionDisabled
    ),
)
async def webhook_subscriptions_delivery_replay(
    subscription_id: SubscriptionId, delivery_id: DeliveryId, actor: Manager, session: DbSession
) -> DeliveryDetail:
    return _detail(*await service.replay(session, actor, subscription_id, delivery_id))
