"""Access tokens and password hashes: the one module that touches python-jose.

The accepted algorithm is pinned here (ES256). It is never read from a
token's header, and nothing decodes a token without that explicit list, so
`alg: none`, HS256-with-the-public-key confusion and unknown algorithms are
refused before any signature check. python-jose runs on its `cryptography`
backend; its pure-Python `ecdsa` fallback is never used (docs/security.md).
"""

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any

import anyio
from jose import JWTError, jwt
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from app.core.signing_keys import ALGORITHM, KeyRing

ACCESS_TOKEN_TYPE = "access"  # noqa: S105 - a token type name, not a secret
_REQUIRED = ("exp", "iat", "nbf", "iss", "aud", "sub", "jti")


class InvalidToken(Exception):
    """The token is malformed, forged, expired or not for us; the reason is for logs only."""


@dataclass(frozen=True, slots=True)
class AccessClaims:
    subject: str
    role: str
    scope: str | None
    organization_id: str | None
    token_id: str
    client: bool
    session_id: str | None
    """The sign-in (refresh-token family) the token belongs to; None for partner clients."""
    issued_at: datetime
    expires_at: datetime


def issue_access_token(
    keys: KeyRing,
    *,
    issuer: str,
    audience: str,
    subject: str,
    role: str,
    scope: str | None,
    organization_id: str | None,
    client: bool,
    session_id: str | None,
    now: datetime,
    lifetime: timedelta,
) -> tuple[str, datetime]:
    """A signed access token and its expiry. `session_id` names the sign-in, so signing
    out (or a revoked refresh-token family) ends its access tokens too."""
    expires = now + lifetime
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": audience,
        "sub": subject,
        "iat": int(now.timestamp()),
        # Millisecond issue time, so a security change in the same second as a
        # sign-in can still tell the two apart (core/auth.py).
        "iat_ms": int(now.timestamp() * 1000),
        "nbf": int(now.timestamp()),
        "exp": int(expires.timestamp()),
        "jti": uuid.uuid4().hex,
        "typ": ACCESS_TOKEN_TYPE,
        "role": role,
        "scope": scope,
        "org": organization_id,
        "cli": client,
        "sid": session_id,
    }
    token = jwt.encode(
        claims, keys.signing.private, algorithm=ALGORITHM, headers={"kid": keys.signing.kid}
    )
    return token, expires


def verify_access_token(keys: KeyRing, token: str, *, issuer: str, audience: str) -> AccessClaims:
    """Check signature (pinned ES256, key by `kid`), issuer, audience, times and type."""
    try:
        header = jwt.get_unverified_header(token)
    except JWTError as exc:
        raise InvalidToken("malformed header") from exc
    if header.get("alg") != ALGORITHM:
        raise InvalidToken("algorithm not accepted")
    key = keys.verifying(str(header.get("kid", "")))
    if key is None:
        raise InvalidToken("unknown key id")
    try:
        claims = jwt.decode(
            token,
            key.public,
            algorithms=[ALGORITHM],
            audience=audience,
            issuer=issuer,
            options={f"require_{claim}": True for claim in _REQUIRED},
        )
    except JWTError as exc:
        raise InvalidToken(type(exc).__name__) from exc
    if claims.get("typ") != ACCESS_TOKEN_TYPE or not isinstance(claims.get("role"), str):
        raise InvalidToken("not an access token")
    return AccessClaims(
        subject=str(claims["sub"]),
        role=claims["role"],
        scope=claims.get("scope"),
        organization_id=claims.get("org"),
        token_id=str(claims["jti"]),
        client=bool(claims.get("cli")),
        session_id=str(claims["sid"]) if claims.get("sid") is not None else None,
        issued_at=datetime.fromtimestamp(
            int(claims.get("iat_ms") or int(claims["iat"]) * 1000) / 1000, tz=UTC
        ),
        expires_at=datetime.fromtimestamp(int(claims["exp"]), tz=UTC),
    )


class VerifiedTokens:
    """Access tokens that passed `verify_access_token`, remembered until they expire.

    A client sends the same token with every request for its whole life, and
    checking its ES256 signature and claims again cost about a seventh of a
    one-household read (docs/performance.md). Only a token that passed every
    check is remembered, under its exact text, and only until its `exp`; the
    key ring is fixed for the life of the app. Revocation is not decided
    here: the caller asks `ActivityCache` on every request, remembered token
    or not.
    """

    def __init__(
        self, keys: KeyRing, *, issuer: str, audience: str, capacity: int = 10_000
    ) -> None:
        self._keys = keys
        self._issuer = issuer
        self._audience = audience
        self._capacity = capacity
        self._known: dict[str, AccessClaims] = {}

    def verify(self, token: str, *, now: datetime) -> AccessClaims:
        claims = self._known.get(token)
        if claims is not None:
            if now < claims.expires_at:
                return claims
            del self._known[token]
        claims = verify_access_token(
            self._keys, token, issuer=self._issuer, audience=self._audience
        )
        if len(self._known) >= self._capacity:
            self._forget_expired(now)
        if len(self._known) >= self._capacity:
            # Still full of live tokens: drop the oldest remembered; it is only checked again.
            del self._known[next(iter(self._known))]
        self._known[token] = claims
        return claims

    def _forget_expired(self, now: datetime) -> None:
        for token in [t for t, c in self._known.items() if now >= c.expires_at]:
            del self._known[token]


def new_opaque_token() -> str:
    """A refresh token or client secret: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def hash_opaque_token(token: str) -> str:
    """Opaque tokens are stored as SHA-256: they are random, so no salt or stretching is needed."""
    return hashlib.sha256(token.encode()).hexdigest()


class PasswordHasher:
    """argon2id through pwdlib; the cost is a setting so tests can run cheaply.

    A hash or a check costs the memory cost and tens of milliseconds of CPU,
    so it never runs on the event loop: each runs in a worker thread (argon2
    releases the GIL), at most `concurrency` at once per process, so a burst
    of sign-ins neither stalls other requests nor claims unbounded memory.
    """

    def __init__(self, memory_kib: int, concurrency: int = 4) -> None:
        self._hash = PasswordHash((Argon2Hasher(memory_cost=memory_kib),))
        self._threads = anyio.CapacityLimiter(concurrency)

    @cached_property
    def _dummy(self) -> str:
        return self._hash.hash(secrets.token_urlsafe(16))

    async def hash(self, password: str) -> str:
        return await anyio.to_thread.run_sync(self._hash.hash, password, limiter=self._threads)

    async def verify(self, password: str, hashed: str | None) -> tuple[bool, str | None]:
        """(matches, new hash when the stored one uses outdated parameters).

        With no stored hash it still spends the time of a check, so timing
        does not reveal whether a username exists.
        """
        return await anyio.to_thread.run_sync(
            self._verify_blocking, password, hashed, limiter=self._threads
        )

    def _verify_blocking(self, password: str, hashed: str | None) -> tuple[bool, str | None]:
        if hashed is None:
            self._hash.verify(password, self._dummy)
            return False, None
        return self._hash.verify_and_update(password, hashed)
