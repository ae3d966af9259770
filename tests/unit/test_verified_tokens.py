"""VerifiedTokens: a token is checked once, remembered only while valid, and a refusal is never remembered."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.core import security
from app.core.security import AccessClaims, InvalidToken, VerifiedTokens, issue_access_token
from app.core.signing_keys import KeyRing, generate_jwks

ISSUER = "sanzhu-test"
AUDIENCE = "sanzhu-api-test"
NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture(autouse=True)
def _fresh_now() -> None:
    """Tokens are issued at NOW and their expiry is checked against the real clock, so NOW is
    taken when each test starts, not when the module was collected (a long suite run can
    take longer than a token's lifetime between the two)."""
    global NOW
    NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture(scope="module")
def ring() -> KeyRing:
    return KeyRing(generate_jwks())


def _token(ring: KeyRing, subject: str = "s", lifetime: timedelta = timedelta(minutes=15)) -> str:
    token, _ = issue_access_token(
        ring,
        issuer=ISSUER,
        audience=AUDIENCE,
        subject=subject,
        role="auditor",
        scope=None,
        organization_id=None,
        client=False,
        session_id=None,
        now=NOW,
        lifetime=lifetime,
    )
    return token


def _verifier(ring: KeyRing, capacity: int = 100) -> VerifiedTokens:
    return VerifiedTokens(ring, issuer=ISSUER, audience=AUDIENCE, capacity=capacity)


def test_a_remembered_token_is_not_checked_again(
    ring: KeyRing, monkeypatch: pytest.MonkeyPatch
) -> None:
    verifier = _verifier(ring)
    token = _token(ring)
    first = verifier.verify(token, now=NOW)

    def fail(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("checked again")

    monkeypatch.setattr(security, "verify_access_token", fail)
    assert verifier.verify(token, now=NOW + timedelta(minutes=1)) is first
    assert first.expires_at == NOW + timedelta(minutes=15)


def test_from_its_expiry_on_a_token_is_checked_afresh(
    ring: KeyRing, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At `exp` the remembered answer is dropped, so the full check (which refuses
    an expired token) decides again."""
    verifier = _verifier(ring)
    token = _token(ring)
    checks: list[str] = []
    real = security.verify_access_token

    def counting(*args: Any, **kwargs: Any) -> AccessClaims:
        checks.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(security, "verify_access_token", counting)
    expires = verifier.verify(token, now=NOW).expires_at
    verifier.verify(token, now=expires - timedelta(seconds=1))
    assert len(checks) == 1

    def refuse(*_args: Any, **_kwargs: Any) -> AccessClaims:
        raise InvalidToken("ExpiredSignatureError")

    monkeypatch.setattr(security, "verify_access_token", refuse)
    with pytest.raises(InvalidToken):
        verifier.verify(token, now=expires)
    assert token not in verifier._known


def test_a_forged_token_is_refused_every_time(ring: KeyRing) -> None:
    verifier = _verifier(ring)
    token = _token(ring)
    header, payload, signature = token.split(".")
    forged = ".".join(
        [header, payload, signature[:-4] + ("AAAA" if signature[-4:] != "AAAA" else "BBBB")]
    )
    for _ in range(2):
        with pytest.raises(InvalidToken):
            verifier.verify(forged, now=NOW)


def test_a_token_of_another_key_ring_is_refused(ring: KeyRing) -> None:
    other = KeyRing(generate_jwks())
    with pytest.raises(InvalidToken):
        _verifier(ring).verify(_token(other), now=NOW)


def test_the_memory_is_bounded_and_every_token_still_verifies(ring: KeyRing) -> None:
    verifier = _verifier(ring, capacity=2)
    tokens = [_token(ring, subject=f"s{i}") for i in range(5)]
    for _ in range(2):
        for i, token in enumerate(tokens):
            assert verifier.verify(token, now=NOW).subject == f"s{i}"
    assert len(verifier._known) == 2
