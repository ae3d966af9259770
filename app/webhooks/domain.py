"""What the app composes of this domain: its router, the fan-out job, the sender, models."""

from app.core.composition import Domain
from app.core.worker import PeriodicTask
from app.webhooks.catalog import EventType
from app.webhooks.delivery import deliver_due
from app.webhooks.fanout import FAN_OUT, fan_out
from app.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from app.webhooks.router import router

domain = Domain(
    name="webhooks",
    routers=[router],
    jobs=[(FAN_OUT, fan_out)],
    # Its own task: a send may wait up to its deadline on a slow receiver.
    periodic=[PeriodicTask("deliver_webhooks", 1.0, deliver_due, own_task=True)],
    subscriptions={event.value: [FAN_OUT] for event in EventType},
    models=[WebhookSubscription, WebhookDelivery, WebhookAttempt],
)
