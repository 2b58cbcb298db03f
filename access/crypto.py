"""Encryption at rest of personal identifiers, and keyed hashes for looking them up.

A value is encrypted with AES-256-GCM under the current *data key*; the stored text is
``v1:<key id>:<base64url(nonce | ciphertext | tag)>``, so a value names the key that reads it and
old keys can stay configured while ``bangfu keys rotate`` re-encrypts. The associated data
binds the value to its format, its key id and its field (``table.column``): a value copied into
another column, or given another key id, does not decrypt.

Beside each value its *lookup hash* is stored: HMAC-SHA256 under a separate *lookup key*, of
the field and the normalised value. Equal values give equal hashes, so a hash finds a value
exactly and makes it unique, and without the lookup key a hash cannot be checked against
guesses (an ID-card number has few enough possibilities to enumerate).

The process uses one :class:`Keyring`, configured explicitly by each entry point
(``create_app``, the worker's startup, the ``bangfu`` command, Alembic's ``env.py``) with
:func:`configure_keyring`; using it before then raises :class:`KeyringNotConfigured`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FORMAT = "v1"
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
"""Key ids: short names such as ``2026-01``, stored in every value."""


class CryptoError(Exception):
    """Base of the errors here; messages never contain keys or values."""


class KeyringNotConfigured(CryptoError):
    """Encryption was used before an entry point configured the process's keys."""


class InvalidKeyConfiguration(CryptoError, ValueError):
    """The configured keys cannot be used (wrong length, unknown current id, ...)."""


class DecryptionError(CryptoError):
    """A stored value cannot be read: wrong or missing key, altered or moved value."""


def decode_key(text: str, *, name: str) -> bytes:
    """A key given as base64 (standard or URL-safe alphabet) of exactly 32 bytes."""
    cleaned = text.strip()
    try:
        raw = base64.b64decode(
            cleaned.replace("-", "+").replace("_", "/") + "=" * (-len(cleaned) % 4),
            validate=True,
        )
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != KEY_BYTES:
        raise InvalidKeyConfiguration(
            f"{name} is not a base64-encoded {KEY_BYTES}-byte key; make one with "
            "`bangfu keys generate`."
        )
    return raw


def generate_key() -> str:
    """A new random 32-byte key, base64-encoded (for BANGFU_DATA_KEYS / BANGFU_LOOKUP_KEYS)."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _check_ring(keys: Mapping[str, bytes], current: str, what: str) -> None:
    for key_id, key in keys.items():
        if not KEY_ID.match(key_id):
            raise InvalidKeyConfiguration(
                f"{what} key id {key_id!r}: use 1-32 letters, digits, - or _ (e.g. 2026-01)."
            )
        if len(key) != KEY_BYTES:
            raise InvalidKeyConfiguration(f"{what} key {key_id!r} is not {KEY_BYTES} bytes long.")
    if current not in keys:
        configured = ", ".join(sorted(keys)) or "none"
        raise InvalidKeyConfiguration(
            f"the current {what} key id {current!r} is not among the configured {what} keys "
            f"({configured})."
        )


@dataclass(frozen=True)
class Keyring:
    """Data keys (encryption) and lookup keys (hashes), each by id, with the current ids."""

    data_keys: Mapping[str, bytes] = field(repr=False)
    data_key_id: str
    lookup_keys: Mapping[str, bytes] = field(repr=False)
    lookup_key_id: str

    def __post_init__(self) -> None:
        _check_ring(self.data_keys, self.data_key_id, "data")
        _check_ring(self.lookup_keys, self.lookup_key_id, "lookup")
        if set(self.data_keys.values()) & set(self.lookup_keys.values()):
            raise InvalidKeyConfiguration(
                "a key is configured both as a data key and as a lookup key; each key serves "
                "one purpose: generate separate ones."
            )

    # --- encryption ---------------------------------------------------------------------------

    def encrypt(self, plaintext: str, *, field: str) -> str:
        """``plaintext`` encrypted under the current data key, bound to ``field``."""
        key_id = self.data_key_id
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self.data_keys[key_id]).encrypt(
            nonce, plaintext.encode(), _associated(key_id, field)
        )
        return f"{FORMAT}:{key_id}:{_b64(nonce + sealed)}"

    def decrypt(self, token: str, *, field: str) -> str:
        """The plaintext of a value stored in ``field``; :class:`DecryptionError` if unreadable."""
        key_id, payload = _split(token, field)
        key = self.data_keys.get(key_id)
        if key is None:
            configured = ", ".join(sorted(self.data_keys))
            raise DecryptionError(
                f"{field}: a value was encrypted with data key {key_id!r}, which is not "
                f"configured (BANGFU_DATA_KEYS has {configured}); add that key back."
            )
        try:
            plain = AESGCM(key).decrypt(
                payload[:NONCE_BYTES], payload[NONCE_BYTES:], _associated(key_id, field)
            )
        except InvalidTag:
            raise DecryptionError(
                f"{field}: a value does not authenticate under data key {key_id!r}: that key "
                "is not the one it was written with, or the value was altered or copied from "
                "another column."
            ) from None
        return plain.decode()

    def key_id_of(self, token: str, *, field: str) -> str:
        """The id of the data key a stored value was encrypted with (without decrypting)."""
        return _split(token, field)[0]

    # --- lookup hashes ------------------------------------------------------------------------

    def lookup_hash(self, value: str, *, field: str) -> str:
        """The hash stored beside ``value`` (normalised) in ``field``, under the current key."""
        return _hmac(self.lookup_keys[self.lookup_key_id], value, field)

    def lookup_hashes(self, value: str, *, field: str) -> list[str]:
        """The hashes ``value`` may be stored under: the current lookup key's first, then those
        of the older keys still configured (while ``bangfu keys rotate`` recomputes them)."""
        current = self.lookup_hash(value, field=field)
        others = (
            _hmac(key, value, field)
            for key_id, key in sorted(self.lookup_keys.items())
            if key_id != self.lookup_key_id
        )
        return [current, *others]


def _associated(key_id: str, field: str) -> bytes:
    return f"bangfu:{FORMAT}:{key_id}:{field}".encode()


def _hmac(key: bytes, value: str, field: str) -> str:
    return hmac.new(key, f"{field}\x1f{value}".encode(), hashlib.sha256).hexdigest()


def _split(token: str, field: str) -> tuple[str, bytes]:
    parts = token.split(":")
    if len(parts) == 3 and parts[0] == FORMAT and KEY_ID.match(parts[1]):
        try:
            payload = _unb64(parts[2])
        except (binascii.Error, ValueError):
            payload = b""
        if len(payload) >= NONCE_BYTES + TAG_BYTES:
            return parts[1], payload
    raise DecryptionError(
        f"{field}: a stored value is not in bangfu's encrypted format ({FORMAT}:<key id>:...); "
        "was it written around the application, in clear?"
    )


_configured: Keyring | None = None


def configure_keyring(keyring: Keyring) -> None:
    """Make ``keyring`` the one this process encrypts, decrypts and hashes with."""
    global _configured  # one keyring per process, set by its entry point
    _configured = keyring


def current_keyring() -> Keyring:
    """The process's keyring; :class:`KeyringNotConfigured` before an entry point set one."""
    if _configured is None:
        raise KeyringNotConfigured(
            "no data keys are configured in this process: its entry point must call "
            "access.crypto.configure_keyring(settings.keyring()) first (create_app, the worker, "
            "the bangfu command and alembic/env.py do)."
        )
    return _configured
