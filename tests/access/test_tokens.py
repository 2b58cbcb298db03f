"""Access tokens (HS256 JWTs) and refresh tokens: claims, expiry, tampering, wrong keys."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from access.tokens import (
    ExpiredToken,
    InvalidToken,
    decode_access_token,
    derive_key,
    hash_refresh_token,
    issue_access_token,
    new_refresh_token,
)

SECRET = "a test secret that is long enough for HS256 keys"


def issue(**overrides: object) -> str:
    values: dict[str, object] = {
        "secret": SECRET,
        "user_id": 7,
        "role": "street_staff",
        "token_version": 3,
        "session_id": "f" * 32,
        "lifetime": timedelta(minutes=15),
        **overrides,
    }
    token, _ = issue_access_token(**values)  # type: ignore[arg-type]
    return token


def test_a_token_carries_its_claims() -> None:
    token, issued = issue_access_token(
        secret=SECRET,
        user_id=7,
        role="street_staff",
        token_version=3,
        session_id="f" * 32,
        lifetime=timedelta(minutes=15),
    )

    claims = decode_access_token(token, secret=SECRET)

    assert claims == issued
    assert (claims.user_id, claims.role, claims.token_version) == (7, "street_staff", 3)
    assert claims.session_id == "f" * 32
    assert claims.expires_at - claims.issued_at == timedelta(minutes=15)
    assert len(claims.jti) == 32


def test_the_payload_has_the_registered_claims_and_a_string_subject() -> None:
    payload = jwt.decode(issue(), options={"verify_signature": False})

    assert set(payload) == {"iss", "sub", "role", "ver", "sid", "jti", "iat", "exp"}
    assert payload["sub"] == "7"
    assert payload["iss"] == "bangfu"
    assert payload["exp"] - payload["iat"] == 15 * 60


def test_each_token_has_its_own_jti() -> None:
    first = decode_access_token(issue(), secret=SECRET)
    second = decode_access_token(issue(), secret=SECRET)

    assert first.jti != second.jti


def test_an_expired_token_is_refused_as_expired() -> None:
    # Issued 16 minutes ago with a 15-minute life: expired a minute ago (beyond the leeway).
    token = issue(now=datetime.now(UTC) - timedelta(minutes=16))

    with pytest.raises(ExpiredToken):
        decode_access_token(token, secret=SECRET)


def test_a_token_just_inside_its_lifetime_is_accepted() -> None:
    token = issue(now=datetime.now(UTC) - timedelta(minutes=14))

    assert decode_access_token(token, secret=SECRET).user_id == 7


def test_a_token_signed_with_another_key_is_invalid() -> None:
    token = issue(secret="another secret, equally long, but not ours at all")

    with pytest.raises(InvalidToken) as refused:
        decode_access_token(token, secret=SECRET)
    assert not isinstance(refused.value, ExpiredToken)


def test_a_token_whose_payload_was_altered_is_invalid() -> None:
    header, payload, signature = issue().split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["role"] = "district_admin"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()

    with pytest.raises(InvalidToken):
        decode_access_token(f"{header}.{forged}.{signature}", secret=SECRET)


def test_an_unsigned_token_is_invalid() -> None:
    payload = jwt.decode(issue(), options={"verify_signature": False})
    unsigned = jwt.encode(payload, key="", algorithm="none")

    with pytest.raises(InvalidToken):
        decode_access_token(unsigned, secret=SECRET)


def test_a_token_signed_with_the_raw_secret_is_invalid() -> None:
    """Tokens are signed with a key derived for access tokens, not with the secret itself."""
    payload = jwt.decode(issue(), options={"verify_signature": False})
    raw = jwt.encode(payload, SECRET, algorithm="HS256")

    with pytest.raises(InvalidToken):
        decode_access_token(raw, secret=SECRET)


def test_a_token_missing_a_claim_is_invalid() -> None:
    payload = jwt.decode(issue(), options={"verify_signature": False})
    del payload["ver"]
    token = jwt.encode(payload, derive_key(SECRET, "access-token"), algorithm="HS256")

    with pytest.raises(InvalidToken):
        decode_access_token(token, secret=SECRET)


@pytest.mark.parametrize("garbage", ["", "not a token", "a.b.c"])
def test_garbage_is_invalid(garbage: str) -> None:
    with pytest.raises(InvalidToken):
        decode_access_token(garbage, secret=SECRET)


def test_refresh_tokens_are_random_and_stored_as_a_digest() -> None:
    first, second = new_refresh_token(), new_refresh_token()

    assert first != second
    assert first.startswith("bfr_")
    assert len(first) >= 4 + 43  # 256 bits, URL-safe base64
    digest = hash_refresh_token(first)
    assert len(digest) == 64
    assert first not in digest
    assert hash_refresh_token(first) == digest
    assert hash_refresh_token(second) != digest


def test_keys_derived_for_different_purposes_differ() -> None:
    assert derive_key(SECRET, "access-token") != derive_key(SECRET, "api-key")
    assert len(derive_key(SECRET, "access-token")) == 32
