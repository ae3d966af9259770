"""Keys of the audit chain (`SANZHU_AUDIT_KEYS`): HMAC-SHA256 keys, each with a key id.

The first key seals new events; every key verifies what it sealed, so a
rotation (a new key put first, the old ones kept after it) needs no
re-sealing. Each key also yields, through HKDF, an Ed25519 key that signs the
heads of the chain published outside the database: whoever receives them can
check them with the public key (`sanzhu audit public-keys`) without being able
to forge a head or a seal.
"""

import base64
import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MIN_KEY_BYTES = 32
MAX_KID_LENGTH = 32
"""The width of `audit_events.seal_kid`."""
_HEAD_SIGNING = b"sanzhu audit head signing key"


def generate_audit_keys() -> str:
    """A key set with one fresh 256-bit key, as `SANZHU_AUDIT_KEYS` holds it."""
    key = base64.b64encode(secrets.token_bytes(MIN_KEY_BYTES)).decode()
    return json.dumps({"keys": [{"kid": uuid.uuid4().hex[:12], "k": key}]})


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass(frozen=True, slots=True)
class _Key:
    mac_key: bytes
    signing: Ed25519PrivateKey
    public: Ed25519PublicKey


def _derive(secret: bytes) -> _Key:
    # A key of its own for signatures (HKDF with a purpose label), so the public
    # half can be handed out while the HMAC key stays secret.
    seed = HKDF(hashes.SHA256(), length=32, salt=None, info=_HEAD_SIGNING).derive(secret)
    signing = Ed25519PrivateKey.from_private_bytes(seed)
    return _Key(mac_key=secret, signing=signing, public=signing.public_key())


class AuditKeys:
    """The configured audit keys: the first seals and signs, every one verifies."""

    def __init__(self, audit_keys: str) -> None:
        try:
            entries = json.loads(audit_keys)["keys"]
            secrets_by_kid = {
                str(e["kid"]): base64.b64decode(e["k"], validate=True) for e in entries
            }
            self.current_kid = str(entries[0]["kid"])
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise ValueError(f"audit keys are not usable: {type(exc).__name__}") from None
        if len(secrets_by_kid) != len(entries):
            raise ValueError("audit key ids must be unique")
        for kid, secret in secrets_by_kid.items():
            if not 0 < len(kid) <= MAX_KID_LENGTH:
                raise ValueError(f"audit key ids must have 1 to {MAX_KID_LENGTH} characters")
            if len(secret) < MIN_KEY_BYTES:
                raise ValueError(f"audit keys must have at least {MIN_KEY_BYTES} bytes")
        self._keys = {kid: _derive(secret) for kid, secret in secrets_by_kid.items()}

    def knows(self, kid: str) -> bool:
        return kid in self._keys

    def mac(self, kid: str, message: bytes) -> str:
        """HMAC-SHA256 of `message` under the key `kid` (which must be known), as hex."""
        return hmac.new(self._keys[kid].mac_key, message, hashlib.sha256).hexdigest()

    def sign(self, kid: str, message: bytes) -> str:
        """Ed25519 signature of `message` with the signing key of `kid`, base64url."""
        return _b64url(self._keys[kid].signing.sign(message))

    def signature_valid(self, kid: str, message: bytes, signature: str) -> bool:
        key = self._keys.get(kid)
        if key is None:
            return False
        try:
            raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
            key.public.verify(raw, message)
        except (InvalidSignature, ValueError):
            return False
        return True

    def public_jwks(self) -> dict[str, Any]:
        """The keys that verify published heads (Ed25519 as JWK), for whoever receives them."""
        return {
            "keys": [
                {
                    "kty": "OKP",
                    "crv": "Ed25519",
                    "x": _b64url(
                        key.public.public_bytes(
                            serialization.Encoding.Raw, serialization.PublicFormat.Raw
                        )
                    ),
                    "kid": kid,
                    "use": "sig",
                    "alg": "EdDSA",
                }
                for kid, key in self._keys.items()
            ]
        }
