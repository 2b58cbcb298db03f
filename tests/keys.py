"""Keys for tests that need data and lookup keys of their own (production settings, rotation).

Random per test run: nothing may depend on their values.
"""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr

from access.crypto import Keyring, generate_key


def key_settings(data: dict[str, str], lookup: dict[str, str], **current: str) -> dict[str, Any]:
    """Settings values for these keys (base64 by id); ``data_key_id``/``lookup_key_id`` may
    name the current ones."""
    return {
        "data_keys": {k: SecretStr(v) for k, v in data.items()},
        "lookup_keys": {k: SecretStr(v) for k, v in lookup.items()},
        **current,
    }


PRODUCTION_KEYS = key_settings({"2026-01": generate_key()}, {"h2026-01": generate_key()})
"""What production settings need beside a secret key: their own data and lookup keys."""


def keyring_of(data: dict[str, bytes], lookup: dict[str, bytes], **current: str) -> Keyring:
    """A keyring of raw keys; the current ids default to the first of each."""
    return Keyring(
        data_keys=data,
        data_key_id=current.get("data_key_id", next(iter(data))),
        lookup_keys=lookup,
        lookup_key_id=current.get("lookup_key_id", next(iter(lookup))),
    )
