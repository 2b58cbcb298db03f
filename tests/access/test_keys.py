"""API keys: format, the keyed hash (never the key) and verification."""

from __future__ import annotations

from access.keys import generate_api_key, hash_api_key, key_prefix, verify_api_key

SECRET = "a test secret that is long enough for HS256 keys"


def test_a_generated_key_has_its_prefix_and_verifies() -> None:
    generated = generate_api_key(secret=SECRET)

    assert generated.key.startswith(f"bfk_{generated.prefix}_")
    assert key_prefix(generated.key) == generated.prefix
    assert verify_api_key(generated.key, generated.secret_hash, secret=SECRET)


def test_the_stored_hash_does_not_contain_the_secret() -> None:
    generated = generate_api_key(secret=SECRET)
    secret_part = generated.key.rsplit("_", 1)[1]

    assert secret_part not in generated.secret_hash
    assert generated.key not in generated.secret_hash
    assert len(generated.secret_hash) == 64


def test_another_key_or_another_server_secret_does_not_verify() -> None:
    one, other = generate_api_key(secret=SECRET), generate_api_key(secret=SECRET)

    assert not verify_api_key(other.key, one.secret_hash, secret=SECRET)
    assert not verify_api_key(one.key, one.secret_hash, secret="another long server secret!!!!!")


def test_the_hash_is_keyed() -> None:
    key = generate_api_key(secret=SECRET).key

    assert hash_api_key(key, secret=SECRET) != hash_api_key(key, secret=SECRET + "x")


def test_malformed_keys_have_no_prefix() -> None:
    key = generate_api_key(secret=SECRET).key

    assert key_prefix("") is None
    assert key_prefix("bfk_short_secret") is None
    assert key_prefix(key[:-1]) is None
    assert key_prefix(key.replace("bfk_", "xyz_")) is None
    assert key_prefix(f"  {key}\n") == key_prefix(key)


def test_keys_are_unique() -> None:
    keys = {generate_api_key(secret=SECRET).key for _ in range(50)}

    assert len(keys) == 50
