"""Authenticated encryption of identifiers, lookup hashes, and the keyring from settings."""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from access.crypto import (
    DecryptionError,
    InvalidKeyConfiguration,
    Keyring,
    KeyringNotConfigured,
    configure_keyring,
    current_keyring,
    decode_key,
    generate_key,
)
from access.data_keys import DEVELOPMENT_KEY_ID
from settings import Settings, UnsafeSettingsError
from tests.keys import PRODUCTION_KEYS, key_settings, keyring_of

FIELD = "person.id_number"
NUMBER = "110101199003071234"
A, B, H = os.urandom(32), os.urandom(32), os.urandom(32)


@pytest.fixture
def ring() -> Keyring:
    return keyring_of({"a": A}, {"h": H})


def _flip(token: str, index: int) -> str:
    """``token`` with one bit of its payload's byte ``index`` flipped."""
    head, payload = token.rsplit(":", 1)
    raw = bytearray(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    raw[index] ^= 0x01
    return f"{head}:{base64.urlsafe_b64encode(bytes(raw)).rstrip(b'=').decode()}"


def test_a_value_round_trips_and_names_its_format_and_key(ring: Keyring) -> None:
    token = ring.encrypt(NUMBER, field=FIELD)

    assert token.startswith("v1:a:")
    assert NUMBER not in token
    assert ring.key_id_of(token, field=FIELD) == "a"
    assert ring.decrypt(token, field=FIELD) == NUMBER
    assert ring.decrypt(ring.encrypt("", field=FIELD), field=FIELD) == ""
    assert ring.decrypt(ring.encrypt("王芳 ☎", field=FIELD), field=FIELD) == "王芳 ☎"


def test_each_encryption_uses_a_fresh_nonce(ring: Keyring) -> None:
    tokens = {ring.encrypt(NUMBER, field=FIELD) for _ in range(50)}
    assert len(tokens) == 50


@pytest.mark.parametrize("index", [0, 11, 12, 20, -1])  # nonce, ciphertext, tag
def test_a_tampered_value_is_refused(ring: Keyring, index: int) -> None:
    token = ring.encrypt(NUMBER, field=FIELD)
    with pytest.raises(DecryptionError, match="altered"):
        ring.decrypt(_flip(token, index), field=FIELD)


def test_a_value_moved_to_another_column_does_not_decrypt(ring: Keyring) -> None:
    token = ring.encrypt("13812345678", field="person.phone")

    with pytest.raises(DecryptionError, match="copied from another column"):
        ring.decrypt(token, field="volunteer.phone")
    assert ring.decrypt(token, field="person.phone") == "13812345678"


def test_the_key_id_in_a_value_cannot_be_swapped(ring: Keyring) -> None:
    both = keyring_of({"a": A, "b": A}, {"h": H})  # even the same key under another id
    token = both.encrypt(NUMBER, field=FIELD)
    with pytest.raises(DecryptionError, match="does not authenticate under data key 'b'"):
        both.decrypt(token.replace("v1:a:", "v1:b:"), field=FIELD)


def test_the_wrong_key_gives_a_clear_error_not_garbage(ring: Keyring) -> None:
    token = ring.encrypt(NUMBER, field=FIELD)
    other = keyring_of({"a": B}, {"h": H})  # same id, another key (a mistyped BANGFU_DATA_KEYS)

    with pytest.raises(DecryptionError) as refused:
        other.decrypt(token, field=FIELD)
    message = str(refused.value)
    assert "person.id_number" in message
    assert "'a'" in message
    assert NUMBER not in message
    assert token not in message


def test_a_missing_key_is_named(ring: Keyring) -> None:
    token = ring.encrypt(NUMBER, field=FIELD)
    newer = keyring_of({"b": B}, {"h": H})

    with pytest.raises(DecryptionError, match="data key 'a', which is not configured"):
        newer.decrypt(token, field=FIELD)


@pytest.mark.parametrize(
    "stored", [NUMBER, "v2:a:AAAA", "v1:a", "v1:a:%%%", "v1:a:" + "A" * 20, "v1:a b:" + "A" * 60]
)
def test_values_not_in_the_format_are_refused(ring: Keyring, stored: str) -> None:
    with pytest.raises(DecryptionError, match="not in bangfu's encrypted format"):
        ring.decrypt(stored, field=FIELD)


def test_old_keys_still_decrypt_and_new_values_use_the_current_one() -> None:
    old = keyring_of({"a": A}, {"h": H})
    token = old.encrypt(NUMBER, field=FIELD)
    rotated = keyring_of({"a": A, "b": B}, {"h": H}, data_key_id="b")

    assert rotated.decrypt(token, field=FIELD) == NUMBER
    assert rotated.key_id_of(rotated.encrypt(NUMBER, field=FIELD), field=FIELD) == "b"


def test_lookup_hashes_are_keyed_per_field_and_value(ring: Keyring) -> None:
    digest = ring.lookup_hash(NUMBER, field=FIELD)

    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert digest == ring.lookup_hash(NUMBER, field=FIELD)
    assert digest != ring.lookup_hash("110101199003071242", field=FIELD)
    assert digest != ring.lookup_hash(NUMBER, field="person.phone")
    assert digest != keyring_of({"a": A}, {"h": B}).lookup_hash(NUMBER, field=FIELD)
    assert ring.lookup_hashes(NUMBER, field=FIELD) == [digest]


def test_during_a_lookup_key_rotation_both_hashes_match() -> None:
    old = keyring_of({"a": A}, {"h1": H})
    both = keyring_of({"a": A}, {"h1": H, "h2": B}, lookup_key_id="h2")

    hashes = both.lookup_hashes(NUMBER, field=FIELD)

    assert hashes[0] == both.lookup_hash(NUMBER, field=FIELD)
    assert hashes[1] == old.lookup_hash(NUMBER, field=FIELD)


@pytest.mark.parametrize(
    ("data", "lookup", "current", "message"),
    [
        ({"a": A}, {"h": H}, {"data_key_id": "b"}, "current data key id 'b'"),
        ({"a": A[:16]}, {"h": H}, {}, "not 32 bytes"),
        ({"a b": A}, {"h": H}, {}, "key id 'a b'"),
        ({"a": A}, {"h": A}, {}, "both as a data key and as a lookup key"),
    ],
)
def test_an_unusable_keyring_is_refused(
    data: dict[str, bytes], lookup: dict[str, bytes], current: dict[str, str], message: str
) -> None:
    with pytest.raises(InvalidKeyConfiguration, match=message):
        keyring_of(data, lookup, **current)


def test_keys_are_never_printed(ring: Keyring) -> None:
    shown = repr(ring)
    for key in (A, H):
        assert key.hex() not in shown
        assert base64.b64encode(key).decode() not in shown


def test_generated_keys_decode_to_32_bytes_in_either_base64_alphabet() -> None:
    key = generate_key()
    assert len(decode_key(key, name="k")) == 32
    urlsafe = base64.urlsafe_b64encode(decode_key(key, name="k")).decode().rstrip("=")
    assert decode_key(urlsafe, name="k") == decode_key(key, name="k")
    for bad in ("", "not base64!", base64.b64encode(b"x" * 16).decode()):
        with pytest.raises(InvalidKeyConfiguration, match="BANGFU_DATA_KEYS\\['a'\\]"):
            decode_key(bad, name="BANGFU_DATA_KEYS['a']")


# --- from settings -------------------------------------------------------------------------


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def test_development_derives_its_keys_from_the_secret_key() -> None:
    ring = settings().keyring()
    other = settings(secret_key=SecretStr("x" * 40)).keyring()

    assert (ring.data_key_id, ring.lookup_key_id) == (DEVELOPMENT_KEY_ID, DEVELOPMENT_KEY_ID)
    assert ring.data_keys != other.data_keys
    assert ring.data_keys[DEVELOPMENT_KEY_ID] != ring.lookup_keys[DEVELOPMENT_KEY_ID]
    assert settings().keyring().data_keys == ring.data_keys  # stable from run to run


def test_configured_keys_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    a, b, h = generate_key(), generate_key(), generate_key()
    monkeypatch.setenv("BANGFU_DATA_KEYS", f'{{"2025": "{a}", "2026": "{b}"}}')
    monkeypatch.setenv("BANGFU_DATA_KEY_ID", "2026")
    monkeypatch.setenv("BANGFU_LOOKUP_KEYS", f'{{"h1": "{h}"}}')

    loaded = settings()
    ring = loaded.keyring()

    assert ring.data_key_id == "2026"
    assert set(ring.data_keys) == {"2025", "2026"}
    assert ring.data_keys["2025"] == base64.b64decode(a)
    assert ring.lookup_key_id == "h1"  # the only one
    assert a not in repr(loaded)
    assert h not in repr(loaded)


def test_several_keys_need_the_current_id() -> None:
    values = key_settings({"a": generate_key(), "b": generate_key()}, {"h": generate_key()})
    with pytest.raises(InvalidKeyConfiguration, match="set BANGFU_DATA_KEY_ID"):
        settings(**values).keyring()


def test_a_malformed_key_is_named_without_its_value() -> None:
    values = key_settings({"2026": "dG9vIHNob3J0"}, {"h": generate_key()})
    with pytest.raises(InvalidKeyConfiguration) as refused:
        settings(**values).keyring()
    assert "BANGFU_DATA_KEYS['2026']" in str(refused.value)
    assert "dG9vIHNob3J0" not in str(refused.value)


@pytest.mark.parametrize("missing", ["data_keys", "lookup_keys"])
def test_production_refuses_the_development_data_and_lookup_keys(missing: str) -> None:
    values = {k: v for k, v in PRODUCTION_KEYS.items() if k != missing}
    production = settings(environment="production", secret_key=SecretStr("k" * 48), **values)

    with pytest.raises(UnsafeSettingsError, match=f"BANGFU_{missing.upper()} is not set"):
        production.check_safe_to_serve()
    settings(secret_key=SecretStr("k" * 48), **values).check_safe_to_serve()  # development


# --- the process's keyring -----------------------------------------------------------------


@pytest.fixture
def unconfigured(keyring: Keyring) -> Iterator[None]:
    """No keyring for the test; the session's one back after it."""
    import access.crypto

    access.crypto._configured = None
    try:
        yield
    finally:
        configure_keyring(keyring)


@pytest.mark.usefixtures("unconfigured")
def test_using_the_keyring_unconfigured_says_what_to_do() -> None:
    with pytest.raises(KeyringNotConfigured, match="configure_keyring"):
        current_keyring()


def test_the_configured_keyring_is_the_one_in_use(keyring: Keyring, ring: Keyring) -> None:
    try:
        configure_keyring(ring)
        assert current_keyring() is ring
    finally:
        configure_keyring(keyring)
    assert current_keyring() is keyring
