"""When a delivery is tried again, and what an answer means: pure rules, no I/O.

Retries back off over more than a day (the Standard Webhooks recommendation): after the
first attempt fails the next comes 5 s later, then 5 min, 30 min, 2 h, 5 h, 10 h and 10 h,
each ±10 % (jitter, so receivers coming back are not hit by every delivery at once). The
eighth failed attempt, about 27.6 hours after the first, makes the delivery `failed`: a
dead letter an admin or its partner can replay.
"""

import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from enum import StrEnum

RETRY_DELAYS = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
JITTER = 0.1


class Outcome(StrEnum):
    delivered = "delivered"
    retry = "retry"
    failed = "failed"
    gone = "gone"


DELAY_SECONDS = re.compile(r"[0-9]{1,10}")
"""A `Retry-After` given as delay-seconds (RFC 9110 10.2.3), at most about 317 years."""


@dataclass(frozen=True, slots=True)
class Verdict:
    outcome: Outcome
    next_attempt_at: datetime | None = None


def retry_delay(attempts: int, jitter: float) -> timedelta | None:
    """The wait after `attempts` failed attempts (jitter in [-1, 1] of ±10 %); None: no more."""
    if attempts < 1 or attempts > len(RETRY_DELAYS):
        return None
    return RETRY_DELAYS[attempts - 1] * (1 + JITTER * jitter)


def retry_after(value: str | None, now: datetime) -> timedelta | None:
    """A `Retry-After` header's wait: delay-seconds or an HTTP date; None when unusable."""
    if value is None:
        return None
    text = value.strip()
    # ASCII digits only, and few enough to make a timedelta: `str.isdigit` also takes "²".
    if DELAY_SECONDS.fullmatch(text):
        return timedelta(seconds=int(text))
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(timedelta(0), moment - now)


def judge(
    status: int | None,
    attempts: int,
    now: datetime,
    *,
    retry_after_header: str | None = None,
    retry_after_max: timedelta,
    jitter: float | None = None,
) -> Verdict:
    """What follows attempt number `attempts` that got HTTP `status` (None: no answer).

    2xx is delivered; 410 Gone stops the subscription; anything else (3xx included: redirects
    are not followed) is retried on the schedule while attempts remain, a 429 or 503 after
    the receiver's `Retry-After` when it gives one (at most `retry_after_max`)."""
    if status is not None and 200 <= status < 300:
        return Verdict(Outcome.delivered)
    if status == 410:
        return Verdict(Outcome.gone)
    spread = random.uniform(-1, 1) if jitter is None else jitter  # noqa: S311 - jitter, not security
    delay = retry_delay(attempts, spread)
    if delay is None:
        return Verdict(Outcome.failed)
    if status in (429, 503):
        asked = retry_after(retry_after_header, now)
        if asked is not None:
            delay = min(asked, retry_after_max)
    return Verdict(Outcome.retry, now + delay)
