"""Building the keyring from configured keys (``BANGFU_DATA_KEYS`` and friends, see
``Settings.keyring``).

Without configured keys (development) each ring holds one key derived from the secret key,
under the id ``dev``; production refuses to start that way (``Settings.check_safe_to_serve``).
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import SecretStr

from access.crypto import InvalidKeyConfiguration, Keyring, decode_key
from access.tokens import derive_key

DEVELOPMENT_KEY_ID = "dev"


def _ring(
    keys: Mapping[str, SecretStr],
    current: str | None,
    *,
    variable: str,
    secret: str,
    purpose: str,
) -> tuple[dict[str, bytes], str]:
    if not keys:
        return {DEVELOPMENT_KEY_ID: derive_key(secret, purpose)}, DEVELOPMENT_KEY_ID
    decoded = {
        key_id: decode_key(value.get_secret_value(), name=f"{variable}[{key_id!r}]")
        for key_id, value in keys.items()
    }
    if current is None:
        if len(decoded) != 1:
            raise InvalidKeyConfiguration(
                f"{variable} holds {len(decoded)} keys: set {variable.removesuffix('S')}_ID "
                "to the id of the one that makes new values."
            )
        current = next(iter(decoded))
    return decoded, current


def build_keyring(
    *,
    secret: str,
    data_keys: Mapping[str, SecretStr],
    data_key_id: str | None,
    lookup_keys: Mapping[str, SecretStr],
    lookup_key_id: str | None,
) -> Keyring:
    """The keyring of the configured keys (base64, by id; the current id may be left out when
    there is one key); :class:`InvalidKeyConfiguration` says what to fix."""
    data, data_id = _ring(
        data_keys, data_key_id, variable="BANGFU_DATA_KEYS", secret=secret, purpose="data-key"
    )
    lookup, lookup_id = _ring(
        lookup_keys,
        lookup_key_id,
        variable="BANGFU_LOOKUP_KEYS",
        secret=secret,
        purpose="lookup-key",
    )
    return Keyring(data_keys=data, data_key_id=data_id, lookup_keys=lookup, lookup_key_id=lookup_id)
