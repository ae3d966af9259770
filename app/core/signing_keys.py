"""Token signing keys: a JWKS of EC P-256 keys, each with a `kid`.

Rotation: put the new key first (it signs), keep the old one after it until
every token it signed has expired, then remove it.
"""

import json
import uuid
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jose import jwk

ALGORITHM = "ES256"


def generate_jwk() -> dict[str, Any]:
    private = ec.generate_private_key(ec.SECP256R1())
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    key: dict[str, Any] = jwk.construct(pem, ALGORITHM).to_dict()
    key["kid"] = uuid.uuid4().hex[:16]
    key["use"] = "sig"
    return key


def generate_jwks() -> str:
    return json.dumps({"keys": [generate_jwk()]})


@dataclass(frozen=True, slots=True)
class SigningKey:
    kid: str
    private: Any
    public: Any
    public_jwk: dict[str, Any]


class KeyRing:
    """The configured keys: the first signs, every one verifies."""

    def __init__(self, jwks: str) -> None:
        try:
            data = json.loads(jwks)
        except json.JSONDecodeError:
            raise ValueError("not JSON") from None
        keys = data.get("keys") if isinstance(data, dict) else None
        if not keys:
            raise ValueError("JWKS has no keys")
        self._keys: dict[str, SigningKey] = {}
        for entry in keys:
            kid = entry.get("kid")
            if (
                not kid
                or entry.get("kty") != "EC"
                or entry.get("crv") != "P-256"
                or "d" not in entry
            ):
                raise ValueError("every key must be an EC P-256 private key with a kid")
            private = jwk.construct(entry, ALGORITHM)
            public = private.public_key()
            public_jwk = {**public.to_dict(), "kid": kid, "use": "sig", "alg": ALGORITHM}
            self._keys[kid] = SigningKey(kid, private, public, public_jwk)
        self.signing = self._keys[keys[0]["kid"]]

    def verifying(self, kid: str) -> SigningKey | None:
        return self._keys.get(kid)

    def public_jwks(self) -> dict[str, Any]:
        return {"keys": [k.public_jwk for k in self._keys.values()]}
