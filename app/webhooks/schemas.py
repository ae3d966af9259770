"""The JSON of webhook subscriptions and deliveries: what is sent, what is answered."""

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from app.core.actors import ActorRef
from app.webhooks.catalog import EventType
from app.webhooks.models import DeliveryStatus, DisabledReason, SubscriptionStatus

_ID = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11"
_ORGANIZATION = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e12"
_URL = "https://hooks.redcross.example.cn/sanzhu"
_EVENTS = [EventType.referral_created.value, EventType.referral_status_changed.value]
_TYPES = "Event types from the catalogue: " + ", ".join(f"`{t.value}`" for t in EventType) + "."
_URL_RULES = (
    "The receiver's URL: https (http too outside production), no user name or password, "
    "not resolving to a loopback, link-local, private, multicast or reserved address "
    "(422 `target_*`); checked again at every send."
)

EXAMPLE_IN: dict[str, JsonValue] = {
    "url": _URL,
    "event_types": list(_EVENTS),
    "description": "红十字会救助系统：转介推送",
    "organization_id": _ORGANIZATION,
}
_OUT_EXAMPLE: dict[str, JsonValue] = {
    "id": _ID,
    "organization_id": _ORGANIZATION,
    "url": _URL,
    "event_types": list(_EVENTS),
    "description": "红十字会救助系统：转介推送",
    "status": "active",
    "disabled_reason": None,
    "disabled_at": None,
    "created_by": {
        "type": "api_client",
        "id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e13",
        "display_name": "区红十字会救助系统",
    },
    "created_at": "2026-12-04T08:00:00Z",
    "version": 1,
}
_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw4QH3GpA5cxI="  # noqa: S105 - an example


class SubscriptionIn(BaseModel):
    """A new subscription: where to send which events, for which organisation."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE_IN]})

    url: str = Field(min_length=1, max_length=2000, description=_URL_RULES)
    event_types: list[EventType] = Field(min_length=1, max_length=20, description=_TYPES)
    description: str | None = Field(
        default=None, max_length=500, description="What the subscription is for."
    )
    organization_id: uuid.UUID | None = Field(
        default=None,
        description="The organisation whose events it receives: required of admins; a partner "
        "subscribes for its own organisation (the default; another is 422).",
    )


class SubscriptionUpdate(BaseModel):
    """Changes to a subscription; fields left out stay as they are."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"event_types": list(_EVENTS), "active": True}]},
    )

    url: str | None = Field(default=None, min_length=1, max_length=2000, description=_URL_RULES)
    event_types: list[EventType] | None = Field(
        default=None, min_length=1, max_length=20, description=_TYPES
    )
    description: str | None = Field(
        default=None, max_length=500, description="What the subscription is for."
    )
    active: bool | None = Field(
        default=None,
        strict=True,
        description="`false` disables it (`requested`; its pending deliveries are cancelled); "
        "`true` enables it again, also after a 410 disabled it.",
    )


class SubscriptionOut(BaseModel):
    """A subscription; its secret is never shown again after creation or rotation."""

    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [_OUT_EXAMPLE]})

    id: uuid.UUID = Field(description="Subscription id.")
    organization_id: uuid.UUID = Field(description="The organisation whose events it receives.")
    url: str = Field(description="The receiver's URL.")
    event_types: list[EventType] = Field(description=_TYPES)
    description: str | None = Field(description="What the subscription is for.")
    status: SubscriptionStatus = Field(description="`active` or `disabled`.")
    disabled_reason: DisabledReason | None = Field(
        description="Why it is disabled: `requested` (by its partner or an admin) or `gone` "
        "(the receiver answered 410 Gone); null while active."
    )
    disabled_at: datetime | None = Field(description="When it was disabled; null while active.")
    created_by: ActorRef = Field(description="Who created it: an admin or the partner system.")
    created_at: datetime = Field(description="When it was created.")
    version: int = Field(description="Version for If-Match.")


class SubscriptionWithSecret(SubscriptionOut):
    """A subscription with its signing secret: answered once, on creation and rotation."""

    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [_OUT_EXAMPLE | {"secret": _SECRET}]}
    )

    secret: str = Field(
        description="The signing secret, Standard Webhooks form (`whsec_` + base64 of 32 "
        "bytes). Shown only now: store it. Rotation replaces it at once."
    )


class AttemptOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    number: int = Field(description="1 for the first attempt (a replay starts again at 1).")
    attempted_at: datetime = Field(description="When the request was sent.")
    duration_ms: int = Field(description="How long until the answer (or the error), in ms.")
    http_status: int | None = Field(description="The receiver's HTTP status; null: no answer.")
    error: str | None = Field(
        description="What went wrong: no answer (timeout, connection), a refused target, or "
        "an HTTP status that is not 2xx; null when delivered."
    )
    response_snippet: str | None = Field(description="The answer's first 200 characters.")


_DELIVERY_EXAMPLE: dict[str, JsonValue] = {
    "id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e14",
    "subscription_id": _ID,
    "event_id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e15",
    "event_type": "referral.status_changed",
    "occurred_at": "2026-12-04T08:00:00Z",
    "data": {
        "referral_id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e16",
        "household_id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e17",
        "status": "accepted",
        "version": 3,
    },
    "status": "pending",
    "attempts": 1,
    "next_attempt_at": "2026-12-04T08:00:05Z",
    "last_status": 503,
    "last_error": "HTTP 503",
    "delivered_at": None,
}


class DeliveryOut(BaseModel):
    """One event for one subscription; its id is the `webhook-id` header of every attempt."""

    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [_DELIVERY_EXAMPLE]}
    )

    id: uuid.UUID = Field(description="Delivery id: the `webhook-id` header, the same on retries.")
    subscription_id: uuid.UUID = Field(description="The subscription it is for.")
    event_id: uuid.UUID = Field(description="The domain event it delivers.")
    event_type: EventType = Field(description="The event's type (`type` in the body).")
    occurred_at: datetime = Field(description="When the event happened (`timestamp`).")
    data: dict[str, JsonValue] = Field(
        description="What the body's `data` carries: ids, status and version, no personal data."
    )
    status: DeliveryStatus = Field(
        description="`pending` (waiting for `next_attempt_at`), `sending`, `delivered`, "
        "`failed` (every attempt failed: a dead letter; replay it) or `cancelled` (its "
        "subscription was disabled)."
    )
    attempts: int = Field(description="Attempts made since it was queued or last replayed.")
    next_attempt_at: datetime = Field(description="When it is tried next, while pending.")
    last_status: int | None = Field(description="The HTTP status of the last attempt.")
    last_error: str | None = Field(description="What went wrong with the last attempt.")
    delivered_at: datetime | None = Field(description="When a 2xx answer came.")


class DeliveryDetail(DeliveryOut):
    """A delivery with its attempts, oldest first."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                _DELIVERY_EXAMPLE
                | {
                    "attempts_made": [
                        {
                            "number": 1,
                            "attempted_at": "2026-12-04T08:00:00Z",
                            "duration_ms": 41,
                            "http_status": 503,
                            "error": "HTTP 503",
                            "response_snippet": "busy",
                        }
                    ]
                }
            ]
        },
    )

    attempts_made: list[AttemptOut] = Field(description="The attempts, oldest first.")
