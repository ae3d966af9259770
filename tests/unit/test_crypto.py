"""Field encryption and blind indexes: round trips, rotation, tampering, context binding."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.crypto import (
    DecryptionError,
    FieldCipher,
    blind_index,
    generate_blind_index_key,
    generate_field_keys,
)

ID = "11010519491231002X"
CONTEXT = "person.id_number"


@given(st.text(max_size=60))
def test_round_trip(value: str) -> None:
    cipher = FieldCipher(generate_field_keys())
    assert cipher.decrypt(cipher.encrypt(value, context=CONTEXT), context=CONTEXT) == value


def test_the_same_value_encrypts_differently_each_time() -> None:
    cipher = FieldCipher(generate_field_keys())
    first, second = cipher.encrypt(ID, context=CONTEXT), cipher.encrypt(ID, context=CONTEXT)
    assert first != second
    assert ID not in first


def test_rotation_old_key_still_decrypts_and_new_key_encrypts() -> None:
    old = json.loads(generate_field_keys())["keys"][0]
    new = json.loads(generate_field_keys())["keys"][0]
    before = FieldCipher(json.dumps({"keys": [old]})).encrypt(ID, context=CONTEXT)
    rotated = FieldCipher(json.dumps({"keys": [new, old]}))
    assert rotated.decrypt(before, context=CONTEXT) == ID
    assert rotated.key_id(rotated.encrypt(ID, context=CONTEXT)) == new["kid"]
    assert rotated.key_id(before) == old["kid"]


def test_tampering_and_other_fields_are_refused() -> None:
    cipher = FieldCipher(generate_field_keys())
    token = cipher.encrypt(ID, context=CONTEXT)
    kid, payload = token.split(":")
    # A character in the middle: the last ones may carry only padding bits.
    flipped = payload[:20] + ("A" if payload[20] != "A" else "B") + payload[21:]
    with pytest.raises(DecryptionError):
        cipher.decrypt(f"{kid}:{flipped}", context=CONTEXT)
    with pytest.raises(DecryptionError):
        cipher.decrypt(token, context="person.phone")
    with pytest.raises(DecryptionError):
        cipher.decrypt("nokey:" + payload, context=CONTEXT)


@pytest.mark.parametrize(
    "keys", ["", "{}", '{"keys": []}', '{"keys": [{"kid": "a:b", "k": "AAAA"}]}']
)
def test_unusable_key_sets_are_refused(keys: str) -> None:
    with pytest.raises(ValueError, match=r"not usable|must not"):
        FieldCipher(keys)


def test_blind_index_is_deterministic_keyed_and_per_field() -> None:
    key = generate_blind_index_key()
    assert blind_index(key, ID, context=CONTEXT) == blind_index(key, ID, context=CONTEXT)
    assert blind_index(key, ID, context=CONTEXT) != blind_index(
        generate_blind_index_key(), ID, context=CONTEXT
    )
    assert blind_index(key, ID, context=CONTEXT) != blind_index(key, ID, context="person.phone")
    assert ID not in blind_index(key, ID, context=CONTEXT)
