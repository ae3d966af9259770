"""Brute-force defence: failed sign-ins slow, then lock, an account or an address.

Counts live in their own short transactions, because the sign-in they
describe fails and rolls back. Unknown usernames are counted and locked
exactly like real ones, so no answer reveals whether a username exists.
"""

import asyncio
from datetime import datetime, timedelta

from sqlalchemy import case, delete, update

from app.core import audit
from app.core.audit import AuditContext
from app.core.config import Settings
from app.core.db import Database, ReadSession, WriteSession, dialect_insert, utcnow
from app.core.errors import NotFound
from app.core.pagination import PageRequest
from app.identity import repository
from app.identity.models import LoginThrottle


def subjects(username: str, address: str | None) -> list[str]:
    keys = [f"account:{username.strip().lower()[:100]}"]
    if address:
        keys.append(f"address:{address}")
    return keys


async def locked_until(database: Database, keys: list[str]) -> datetime | None:
    now = utcnow()
    async with database.read_sessionmaker() as session:
        throttles = [await repository.throttle(session, key) for key in keys]
    ends = [
        t.locked_until
        for t in throttles
        if t is not None and t.locked_until and t.locked_until > now
    ]
    return max(ends) if ends else None


async def slow_down(database: Database, settings: Settings, account_key: str) -> None:
    """Wait longer after each failure beyond the free ones (capped at 8 steps)."""
    async with database.read_sessionmaker() as session:
        throttle = await repository.throttle(session, account_key)
    excess = (throttle.failures if throttle else 0) - settings.login_slowdown_after + 1
    if excess > 0:
        await asyncio.sleep(settings.login_slowdown_seconds * min(2 ** (excess - 1), 8))


def _limit(settings: Settings, key: str) -> int:
    return (
        settings.login_lock_after
        if key.startswith("account:")
        else settings.login_address_lock_after
    )


async def begin_attempt(database: Database, settings: Settings, keys: list[str]) -> bool:
    """Count this attempt before the password is checked; False when it is over a limit.

    Counting first, atomically (upsert ... returning), means parallel guesses
    cannot all slip in before any failure is recorded.
    """
    now = utcnow()
    window_start = now - timedelta(minutes=settings.login_lock_minutes)
    allowed = True
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
            if counted.scalar_one() > _limit(settings, key):
                allowed = False
                await _lock(session, settings, key, now)
    return allowed


async def _lock(session: WriteSession, settings: Settings, key: str, now: datetime) -> None:
    await session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.subject == key)
        .values(locked_until=now + timedelta(minutes=settings.login_lock_minutes))
    )


async def lock_if_exhausted(database: Database, settings: Settings, keys: list[str]) -> None:
    """After a failed check: lock the subjects that have used up their attempts."""
    now = utcnow()
    async with database.sessionmaker() as session, session.begin():
        for key in keys:
            throttle = await repository.throttle(session, key)
            if throttle is not None and throttle.failures >= _limit(settings, key):
                await _lock(session, settings, key, now)


async def succeeded(session: WriteSession, keys: list[str]) -> None:
    """A good sign-in forgets the account's count and takes its attempt back from the address."""
    await clear(session, keys[0])
    for key in keys[1:]:
        await session.execute(
            update(LoginThrottle)
            .where(LoginThrottle.subject == key, LoginThrottle.failures > 0)
            .values(failures=LoginThrottle.failures - 1)
        )


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
