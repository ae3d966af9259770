"""Bearer access tokens on a protected endpoint: what is accepted and what is 401 (API.md)."""

import hashlib
import hmac
import json
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from fastapi import FastAPI
from jose import jwk, jwt
from pydantic import SecretStr

from app.core.config import Settings
from app.core.db import utcnow
from app.core.security import issue_access_token
from app.core.signing_keys import KeyRing, generate_jwk, generate_jwks
from tests.api.identity.conftest import SecondApp
from tests.api.identity.helpers import (
    PROTECTED_URL,
    USERS_URL,
    b64url,
    b64url_decode,
    b64url_json,
    bearer,
    me,
    password_grant,
)
from tests.problems import assert_problem

INVALID_TOKEN = 'Bearer error="invalid_token"'


def assert_unauthorized(response: httpx.Response) -> dict[str, Any]:
    body = assert_problem(response, 401, "unauthorized")
    assert response.headers["www-authenticate"].startswith("Bearer")
    return body


@pytest.fixture
async def reader_id(client: httpx.AsyncClient) -> str:
    return str((await me(client, dict(client.headers)))["id"])


@pytest.fixture
def claims_for(settings: Settings, reader_id: str) -> Callable[..., dict[str, Any]]:
    """Valid access-token claims for the `reader` auditor, with changes."""

    def build(**changes: Any) -> dict[str, Any]:
        now = int(utcnow().timestamp())
        claims: dict[str, Any] = {
            "iss": settings.jwt_issuer,
            "aud": settings.jwt_audience,
            "sub": reader_id,
            "iat": now,
            "nbf": now,
            "exp": now + 600,
            "jti": uuid.uuid4().hex,
            "typ": "access",
            "role": "auditor",
            "scope": None,
            "org": None,
            "cli": False,
        }
        claims.update(changes)
        return {k: v for k, v in claims.items() if v is not ...}

    return build


def sign(app: FastAPI, claims: dict[str, Any], kid: str | None = None) -> str:
    """Sign `claims` with the app's own signing key (so only the claims are at fault)."""
    ring: KeyRing = app.state.services.key_ring
    token: str = jwt.encode(
        claims,
        ring.signing.private,
        algorithm="ES256",
        headers={"kid": kid or ring.signing.kid},
    )
    return token


class TestMissingOrMalformed:
    async def test_no_token_is_401_with_a_bearer_challenge(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        response = await anonymous.get(PROTECTED_URL)

        assert_unauthorized(response)
        assert response.headers["www-authenticate"] == "Bearer"

    @pytest.mark.parametrize(
        "authorization",
        ["Basic YWRtaW46cGFzcw==", "Bearer", "Bearer ", "Bearer not.a.jwt", "Token abc"],
    )
    async def test_other_schemes_and_garbage_are_401(
        self, anonymous: httpx.AsyncClient, authorization: str
    ) -> None:
        response = await anonymous.get(PROTECTED_URL, headers={"Authorization": authorization})

        assert_unauthorized(response)


class TestAcceptedToken:
    async def test_a_hand_signed_valid_token_is_accepted(
        self, anonymous: httpx.AsyncClient, app: FastAPI, claims_for: Callable[..., Any]
    ) -> None:
        """The control for the refusals below: only the one changed thing is at fault."""
        response = await anonymous.get(PROTECTED_URL, headers=bearer(sign(app, claims_for())))

        assert response.status_code == 200, response.text

    async def test_an_issued_token_is_accepted(
        self, anonymous: httpx.AsyncClient, app: FastAPI, settings: Settings, reader_id: str
    ) -> None:
        token, _ = issue_access_token(
            app.state.services.key_ring,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            subject=reader_id,
            role="auditor",
            scope=None,
            organization_id=None,
            client=False,
            session_id=None,
            now=utcnow(),
            lifetime=timedelta(minutes=15),
        )

        response = await anonymous.get(PROTECTED_URL, headers=bearer(token))

        assert response.status_code == 200, response.text

    async def test_the_scheme_is_case_insensitive(
        self, anonymous: httpx.AsyncClient, client: httpx.AsyncClient
    ) -> None:
        token = client.headers["authorization"].split(" ", 1)[1]

        response = await anonymous.get(PROTECTED_URL, headers={"Authorization": f"bearer {token}"})

        assert response.status_code == 200, response.text


class TestRefusedTokens:
    async def test_an_expired_token_is_401(
        self, anonymous: httpx.AsyncClient, app: FastAPI, settings: Settings, reader_id: str
    ) -> None:
        token, expires = issue_access_token(
            app.state.services.key_ring,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            subject=reader_id,
            role="auditor",
            scope=None,
            organization_id=None,
            client=False,
            session_id=None,
            now=utcnow() - timedelta(hours=1),
            lifetime=timedelta(minutes=15),
        )
        assert expires < utcnow()

        response = await anonymous.get(PROTECTED_URL, headers=bearer(token))

        assert_unauthorized(response)
        assert response.headers["www-authenticate"] == INVALID_TOKEN

    @pytest.mark.parametrize(
        "changes",
        [
            {"aud": "another-api"},
            {"iss": "someone-else"},
            {"typ": "refresh"},
            {"typ": ...},
            {"role": "superuser"},
            {"role": ...},
            {"sub": "not-a-uuid"},
            {"sub": str(uuid.UUID(int=7))},
            {"nbf": int(utcnow().timestamp()) + 3600},
            {"exp": ...},
            {"iat": ...},
            {"nbf": ...},
            {"iss": ...},
            {"aud": ...},
            {"sub": ...},
            {"jti": ...},
        ],
        ids=[
            "wrong-aud",
            "wrong-iss",
            "typ-refresh",
            "no-typ",
            "unknown-role",
            "no-role",
            "sub-not-uuid",
            "unknown-subject",
            "not-yet-valid",
            "no-exp",
            "no-iat",
            "no-nbf",
            "no-iss",
            "no-aud",
            "no-sub",
            "no-jti",
        ],
    )
    async def test_bad_claims_are_401(
        self,
        anonymous: httpx.AsyncClient,
        app: FastAPI,
        claims_for: Callable[..., dict[str, Any]],
        changes: dict[str, Any],
    ) -> None:
        token = sign(app, claims_for(**changes))

        response = await anonymous.get(PROTECTED_URL, headers=bearer(token))

        assert_unauthorized(response)
        assert response.headers["www-authenticate"] == INVALID_TOKEN

    async def test_alg_none_is_401(
        self, anonymous: httpx.AsyncClient, app: FastAPI, claims_for: Callable[..., Any]
    ) -> None:
        header = {"alg": "none", "typ": "JWT", "kid": app.state.services.key_ring.signing.kid}
        token = f"{b64url_json(header)}.{b64url_json(claims_for())}."

        response = await anonymous.get(PROTECTED_URL, headers=bearer(token))

        assert_unauthorized(response)

    async def test_hs256_signed_with_the_public_key_is_401(
        self, anonymous: httpx.AsyncClient, app: FastAPI, claims_for: Callable[..., Any]
    ) -> None:
        """Algorithm confusion: the public key (which anyone has) used as an HMAC secret."""
        ring: KeyRing = app.state.services.key_ring
        public_pem = jwk.construct(ring.signing.public_jwk, "ES256").prepared_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        header = {"alg": "HS256", "typ": "JWT", "kid": ring.signing.kid}
        signing_input = f"{b64url_json(header)}.{b64url_json(claims_for())}"
        mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
        token = f"{signing_input}.{b64url(mac)}"

        response = await anonymous.get(PROTECTED_URL, headers=bearer(token))

        assert_unauthorized(response)

    async def test_a_tampered_payload_is_401(
        self, anonymous: httpx.AsyncClient, client: httpx.AsyncClient
    ) -> None:
        token = client.headers["authorization"].split(" ", 1)[1]
        header, payload, signature = token.split(".")
        claims = json.loads(b64url_decode(payload))
        claims["role"] = "admin"
        forged = f"{header}.{b64url_json(claims)}.{signature}"

        response = await anonymous.get(USERS_URL, headers=bearer(forged))

        assert_unauthorized(response)
        assert (await anonymous.get(USERS_URL, headers=bearer(token))).status_code == 403

    async def test_a_tampered_signature_is_401(
        self, anonymous: httpx.AsyncClient, client: httpx.AsyncClient
    ) -> None:
        token = client.headers["authorization"].split(" ", 1)[1]
        header, payload, signature = token.split(".")
        raw = bytearray(b64url_decode(signature))
        raw[5] ^= 0x01
        forged = f"{header}.{payload}.{b64url(bytes(raw))}"

        response = await anonymous.get(PROTECTED_URL, headers=bearer(forged))

        assert_unauthorized(response)

    async def test_a_key_we_do_not_know_is_401(
        self, anonymous: httpx.AsyncClient, claims_for: Callable[..., Any]
    ) -> None:
        stranger = KeyRing(generate_jwks())
        token = jwt.encode(
            claims_for(),
            stranger.signing.private,
            algorithm="ES256",
            headers={"kid": stranger.signing.kid},
        )

        response = await anonymous.get(PROTECTED_URL, headers=bearer(token))

        assert_unauthorized(response)

    async def test_a_foreign_key_claiming_our_kid_is_401(
        self, anonymous: httpx.AsyncClient, app: FastAPI, claims_for: Callable[..., Any]
    ) -> None:
        stranger = KeyRing(generate_jwks())
        token = jwt.encode(
            claims_for(),
            stranger.signing.private,
            algorithm="ES256",
            headers={"kid": app.state.services.key_ring.signing.kid},
        )

        response = await anonymous.get(PROTECTED_URL, headers=bearer(token))

        assert_unauthorized(response)

    async def test_no_kid_is_401(
        self, anonymous: httpx.AsyncClient, app: FastAPI, claims_for: Callable[..., Any]
    ) -> None:
        token = jwt.encode(
            claims_for(), app.state.services.key_ring.signing.private, algorithm="ES256"
        )

        response = await anonymous.get(PROTECTED_URL, headers=bearer(token))

        assert_unauthorized(response)

    async def test_refusals_do_not_say_why(
        self,
        anonymous: httpx.AsyncClient,
        app: FastAPI,
        claims_for: Callable[..., dict[str, Any]],
    ) -> None:
        expired = sign(app, claims_for(exp=int(utcnow().timestamp()) - 60))
        wrong_aud = sign(app, claims_for(aud="another-api"))

        bodies = [
            (await anonymous.get(PROTECTED_URL, headers=bearer(token))).json()
            for token in (expired, wrong_aud)
        ]

        assert bodies[0]["detail"] == bodies[1]["detail"]
        assert bodies[0]["title"] == bodies[1]["title"]


class TestKeyRotation:
    async def test_tokens_of_the_old_key_verify_until_it_is_removed(
        self,
        anonymous: httpx.AsyncClient,
        client: httpx.AsyncClient,
        settings: Settings,
        second_app: SecondApp,
    ) -> None:
        old_token = client.headers["authorization"].split(" ", 1)[1]
        assert settings.jwt_keys is not None
        old_keys = json.loads(settings.jwt_keys.get_secret_value())["keys"]
        new_key = generate_jwk()
        rotated = SecretStr(json.dumps({"keys": [new_key, *old_keys]}))
        removed = SecretStr(json.dumps({"keys": [new_key]}))

        async with second_app(jwt_keys=rotated) as http:
            accepted = await http.get(PROTECTED_URL, headers=bearer(old_token))
            signed_in = await password_grant(http, "reader")
            new_token = signed_in.json()["access_token"]
            jwks = (await http.get("/api/v1/auth/jwks")).json()

        assert accepted.status_code == 200, accepted.text
        assert signed_in.status_code == 200, signed_in.text
        assert jwt.get_unverified_header(new_token)["kid"] == new_key["kid"]
        assert {k["kid"] for k in jwks["keys"]} == {new_key["kid"], *(k["kid"] for k in old_keys)}
        async with second_app(jwt_keys=removed) as http:
            assert_unauthorized(await http.get(PROTECTED_URL, headers=bearer(old_token)))
            still = await http.get(PROTECTED_URL, headers=bearer(new_token))
        assert still.status_code == 200, still.text
        assert_unauthorized(await anonymous.get(PROTECTED_URL, headers=bearer(new_token)))
