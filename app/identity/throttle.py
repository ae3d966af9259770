"""Brute-force defence: failed password checks slow, then lock, an account or an address.

Sign-in and changing one's own password share the account's count, so a
stolen access token gives no more guesses than a username does.

Only failures are counted, once the password has been checked, each in one
atomic upsert that returns the new count: correct sign-ins in flight (an
office behind one NAT signing in at nine) never count, while parallel wrong
guesses still get no more true answers than the limit, because a failure
counted past it is answered as a lock, exactly as a right password is when it
finds a lock after its check. Counts live in their own short transactions,
as the attempt they describe fails and rolls back. Unknown usernames are
counted and locked exactly like real ones, so no answer reveals whether a
username exists.

An account and an address are different classes: an account locks after a
few failures, an address, where many people may sign in, after many more
(`login_address_lock_after`), and each slows down first.
"""

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import case, delete, update

from app.core import audit
from app.core.audit import AuditContext
from app.core.config import Settings
from app.core.db import Database, ReadSession, WriteSession, dialect_insert, utcnow
from app.core.errors import NotFound
from app.core.pagination import PageRequest
from app.core.services import Services
from app.identity import repository
from app.identity.models import LoginThrottle

_ACCOUNT = "account:"
_ADDRESS = "address:"


class Verdict(StrEnum):
    right = "right"
    wrong = "wrong"
    locked = "locked"
    """Too many failures: answered whatever the password, so it reveals nothing."""


def subjects(username: str, address: str | None) -> list[str]:
    """The throttled subjects of an attempt: its account first, then its address if known."""
    keys = [f"{_ACCOUNT}{username.strip().lower()[:100]}"]
    if address:
        keys.append(f"{_ADDRESS}{address}")
    return keys


def _limits(settings: Settings, key: str) -> tuple[int, int]:
    """(failures before each attempt waits, failures that lock) of a subject's class."""
    if key.startswith(_ACCOUNT):
        return settings.login_slowdown_after, settings.login_lock_after
    return settings.login_address_slowdown_after, settings.login_address_lock_after


@dataclass(frozen=True, slots=True)
class Checked:
    verdict: Verdict
    new_hash: str | None = None
    """A new hash of a right password whose stored hash uses outdated parameters."""


async def check(
    services: Services, session: WriteSession, keys: list[str], password: str, stored: str | None
) -> Checked:
    """Check `password` against the `stored` hash (None: no usable account) under the throttle.

    A right password is accepted in `session`, the caller's transaction; until
    then nothing touches it, because on SQLite it would hold the write lock
    the failure count needs.
    """
    database, settings = services.database, services.settings
    locked, wait = await _before_check(database, settings, keys)
    if locked:
        return Checked(Verdict.locked)
    await asyncio.sleep(wait)
    matches, new_hash = await services.password_hasher.verify(password, stored)
    if matches:
        accepted = await _accept(session, keys)
        return Checked(Verdict.right, new_hash) if accepted else Checked(Verdict.locked)
    exhausted = await _count_failure(database, settings, keys)
    return Checked(Verdict.locked if exhausted else Verdict.wrong)


async def _before_check(
    database: Database, settings: Settings, keys: list[str]
) -> tuple[bool, float]:
    """(is a subject locked, how long to wait first): longer after each failure beyond a
    subject's free ones, capped at 8 steps. Read only; `_count_failure` decides."""
    now = utcnow()
    window_start = now - timedelta(minutes=settings.login_lock_minutes)
    excess = 0
    async with database.primary_read_sessionmaker() as session:
        throttles = [await repository.throttle(session, key) for key in keys]
    for key, throttle in zip(keys, throttles, strict=True):
        if throttle is None:
            continue
        if throttle.locked_until and throttle.locked_until > now:
            return True, 0.0
        if throttle.last_failure_at < window_start:
            continue
        free, _ = _limits(settings, key)
        excess = max(excess, throttle.failures - free + 1)
    return False, settings.login_slowdown_seconds * min(2 ** (excess - 1), 8) if excess > 0 else 0.0


async def _count_failure(database: Database, settings: Settings, keys: list[str]) -> bool:
    """Count a failed check on each subject; lock those that reach their limit.

    True when a subject had already used up its attempts: then the answer is a
    lock, so parallel guesses get no more true answers than the limit.
    """
    now = utcnow()
    window_start = now - timedelta(minutes=settings.login_lock_minutes)
    exhausted = False
    async with database.sessionmaker() as session, session.begin():
        for key in keys:
            stmt = dialect_insert(session, LoginThrottle).values(
                subject=key, failures=1, last_failure_at=now
            )
            counted = await session.execute(
                stmt.on_conflict_do_update(
                    index_elements=["subject"],
                    set_={
                        "failures": case(
                            (LoginThrottle.last_failure_at < window_start, 1),
                            else_=LoginThrottle.failures + 1,
                        ),
                        "last_failure_at": now,
                    },
                ).returning(LoginThrottle.failures)
            )
            failures = counted.scalar_one()
            _, lock_after = _limits(settings, key)
            if failures >= lock_after:
                await _lock(session, settings, key, now)
            exhausted = exhausted or failures > lock_after
    return exhausted


async def _lock(session: WriteSession, settings: Settings, key: str, now: datetime) -> None:
    await session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.subject == key)
        .values(locked_until=now + timedelta(minutes=settings.login_lock_minutes))
    )


async def _accept(session: WriteSession, keys: list[str]) -> bool:
    """Accept a right password in the caller's transaction, unless a lock came first.

    A lock set by failures counted while this password was being checked
    wins (False). Otherwise the account's failures are forgotten and taken
    back from its address too: they were this person's typing, not an attack.
    """
    now = utcnow()
    for key in keys:
        throttle = await repository.throttle(session, key)
        if throttle is not None and throttle.locked_until and throttle.locked_until > now:
            return False
    account = await repository.throttle(session, keys[0])
    forgiven = account.failures if account is not None else 0
    await clear(session, keys[0])
    if forgiven:
        for key in keys[1:]:
            await session.execute(
                update(LoginThrottle)
                .where(LoginThrottle.subject == key)
                .values(
                    failures=case(
                        (LoginThrottle.failures > forgiven, LoginThrottle.failures - forgiven),
                        else_=0,
                    )
                )
            )
    return True


async def clear(session: WriteSession, key: str) -> bool:
    """Forget an account's failures (after a good sign-in) or lift a lock; True if one existed."""
    result = await session.execute(delete(LoginThrottle).where(LoginThrottle.subject == key))
    return int(result.rowcount) > 0  # type: ignore[attr-defined]


async def lift(session: WriteSession, context: AuditContext, subject: str) -> None:
    """An admin lifts a lock (and forgets the failures behind it)."""
    if not await clear(session, subject):
        raise NotFound("锁定记录", "lock")
    await audit.record(
        session, context, "login_lock.lift", object_type="login_lock", object_id=subject[:64]
    )


async def list_locks(
    session: ReadSession, page: PageRequest
) -> tuple[list[LoginThrottle], str | None]:
    return await repository.active_locks(session, utcnow(), page)
