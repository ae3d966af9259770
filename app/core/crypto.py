"""Field encryption (AES-256-GCM, key ids for rotation) and keyed blind indexes (HMAC-SHA256).

ID numbers are stored encrypted and found through a blind index: an exact
search hashes the value with a secret key and compares hashes, so the
database never holds, nor can be searched for, the number in clear.
"""

import base64
import hashlib
import hmac
import json
import os
import secrets
import uuid

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_NONCE_BYTES = 12


class DecryptionError(ValueError):
    """Unknown key id, or a ciphertext that was altered or moved to another field."""


def generate_field_keys() -> str:
    """A key set with one fresh AES-256 key, as `SANZHU_FIELD_KEYS` holds it."""
    key = base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()
    return json.dumps({"keys": [{"kid": uuid.uuid4().hex[:12], "k": key}]})


class FieldCipher:
    """The first key encrypts; every key decrypts (rotation: add a new key first)."""

    def __init__(self, field_keys: str) -> None:
        try:
            entries = json.loads(field_keys)["keys"]
            self._keys = {str(e["kid"]): AESGCM(base64.b64decode(e["k"])) for e in entries}
            self._current = str(entries[0]["kid"])
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise ValueError(f"field keys are not usable: {type(exc).__name__}") from None
        if any(":" in kid for kid in self._keys):
            raise ValueError("key ids must not contain ':'")

    def encrypt(self, plaintext: str, *, context: str) -> str:
        """`kid:base64(nonce || ciphertext)`; `context` (e.g. "person.id_number") is authenticated."""
        return self._seal(os.urandom(_NONCE_BYTES), plaintext, context)

    def encrypt_many(self, plaintexts: list[str], *, context: str) -> list[str]:
        """`encrypt` of each, with every fresh random nonce drawn from the OS at once (bulk writes)."""
        nonces = os.urandom(_NONCE_BYTES * len(plaintexts))
        return [
            self._seal(nonces[i * _NONCE_BYTES : (i + 1) * _NONCE_BYTES], text, context)
            for i, text in enumerate(plaintexts)
        ]

    def _seal(self, nonce: bytes, plaintext: str, context: str) -> str:
        sealed = self._keys[self._current].encrypt(nonce, plaintext.encode(), context.encode())
        return f"{self._current}:{base64.b64encode(nonce + sealed).decode()}"

    def decrypt(self, token: str, *, context: str) -> str:
        kid, _, payload = token.partition(":")
        cipher = self._keys.get(kid)
        if cipher is None:
            raise DecryptionError("unknown key id")
        try:
            raw = base64.b64decode(payload, validate=True)
            return cipher.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], context.encode()).decode()
        except (InvalidTag, ValueError):
            raise DecryptionError("ciphertext does not verify") from None

    def key_id(self, token: str) -> str:
        return token.partition(":")[0]

    @property
    def current_key_id(self) -> str:
        return self._current


def generate_blind_index_key() -> str:
    return secrets.token_urlsafe(48)


def blind_index(key: str, value: str, *, context: str) -> str:
    """A keyed, deterministic hash for exact search; different per field (`context`)."""
    message = f"{context}\x00{value}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


class IdNumberVault:
    """Seals ID numbers for storage and hashes them for exact search (DOMAIN 4)."""

    CONTEXT = "person.id_number"

    def __init__(self, cipher: FieldCipher, index_key: str) -> None:
        self._cipher = cipher
        self._index_key = index_key

    def seal(self, id_number: str) -> tuple[str, str]:
        """(ciphertext, key id) of a normalised ID number."""
        token = self._cipher.encrypt(id_number, context=self.CONTEXT)
        return token, self._cipher.key_id(token)

    def seal_many(self, id_numbers: list[str]) -> list[tuple[str, str]]:
        """`seal` of each, for bulk imports."""
        tokens = self._cipher.encrypt_many(id_numbers, context=self.CONTEXT)
        return [(token, self._cipher.key_id(token)) for token in tokens]

    def open(self, token: str) -> str:
        return self._cipher.decrypt(token, context=self.CONTEXT)

    @property
    def current_key_id(self) -> str:
        return self._cipher.current_key_id

    def index(self, id_number: str) -> str:
        return blind_index(self._index_key, id_number, context=self.CONTEXT)
