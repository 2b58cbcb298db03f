"""API keys of service accounts: ``bfk_<prefix>_<secret>``.

The prefix (12 hex characters) finds the key's row; the row holds an HMAC-SHA256 of the whole
key, keyed by a key derived from the server's secret, so a copy of the database cannot be used
to sign in, nor checked against guesses without the server's secret.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from access.tokens import derive_key

KEY_MARK = "bfk_"
_KEY = re.compile(r"^bfk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")


@dataclass(frozen=True, slots=True)
class GeneratedKey:
    key: str
    """The whole key: shown to its owner once, never stored."""
    prefix: str
    secret_hash: str


def hash_api_key(key: str, *, secret: str) -> str:
    """The keyed hash stored for ``key`` (hex)."""
    return hmac.new(derive_key(secret, "api-key"), key.encode(), hashlib.sha256).hexdigest()


def generate_api_key(*, secret: str) -> GeneratedKey:
    """A new random key, its look-up prefix and the hash to store."""
    prefix = secrets.token_hex(6)
    key = f"{KEY_MARK}{prefix}_{secrets.token_urlsafe(32)}"
    return GeneratedKey(key=key, prefix=prefix, secret_hash=hash_api_key(key, secret=secret))


def key_prefix(key: str) -> str | None:
    """The prefix of a well-formed key, or None (then there is nothing to look up)."""
    match = _KEY.match(key.strip())
    return match.group(1) if match else None


def verify_api_key(key: str, stored_hash: str, *, secret: str) -> bool:
    """Whether ``key`` is the key ``stored_hash`` was made from (constant-time comparison)."""
    return hmac.compare_digest(hash_api_key(key.strip(), secret=secret), stored_hash)
