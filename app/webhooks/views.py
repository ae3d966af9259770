"""Subscriptions as answered: who created each named as every response names actors."""

from collections.abc import Sequence

from app.core.actors import shaped
from app.core.db import ReadSession
from app.identity.public import actor_refs
from app.webhooks.models import WebhookSubscription
from app.webhooks.schemas import SubscriptionOut, SubscriptionWithSecret


async def subscriptions_out(
    session: ReadSession, subscriptions: Sequence[WebhookSubscription]
) -> list[SubscriptionOut]:
    actors = await actor_refs(session, [s.created_by for s in subscriptions])
    return [shaped(SubscriptionOut, s, created_by=actors[s.created_by]) for s in subscriptions]


async def subscription_out(
    session: ReadSession, subscription: WebhookSubscription
) -> SubscriptionOut:
    (shown,) = await subscriptions_out(session, [subscription])
    return shown


async def with_secret(
    session: ReadSession, subscription: WebhookSubscription, secret: str
) -> SubscriptionWithSecret:
    shown = await subscription_out(session, subscription)
    return SubscriptionWithSecret(**shown.model_dump(), secret=secret)
