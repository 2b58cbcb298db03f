"""Password hashing: argon2id round trip, refusals, rehash on new parameters, the dummy check."""

from __future__ import annotations

from typing import Literal

import pytest
from argon2 import PasswordHasher

from access.passwords import (
    DEFAULT,
    MAX_LENGTH,
    Passwords,
    WeakPassword,
    check_password_rules,
)

# Cheap parameters keep these tests fast; DEFAULT is used where its parameters matter.
CHEAP = Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def test_hash_then_verify_round_trip() -> None:
    stored = CHEAP.hash("correct horse battery")

    assert stored.startswith("$argon2id$")
    assert "correct horse battery" not in stored
    assert CHEAP.verify(stored, "correct horse battery")
    assert not CHEAP.verify(stored, "correct horse batterY")


def test_two_hashes_of_one_password_differ_by_their_salt() -> None:
    assert CHEAP.hash("the same password") != CHEAP.hash("the same password")


def test_default_parameters_are_argon2id_of_rfc_9106_low_memory() -> None:
    stored = DEFAULT.hash("a long enough password")

    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert not DEFAULT.needs_rehash(stored)


def test_a_hash_with_old_parameters_needs_a_rehash_and_still_verifies() -> None:
    old = CHEAP.hash("a long enough password")

    assert DEFAULT.needs_rehash(old)
    assert DEFAULT.verify(old, "a long enough password")
    assert not CHEAP.needs_rehash(old)


@pytest.mark.parametrize("stored", ["", "plain text", "$argon2id$v=19$broken"])
def test_a_malformed_stored_hash_never_verifies_and_needs_rehash(stored: str) -> None:
    assert not CHEAP.verify(stored, "anything at all")
    assert CHEAP.needs_rehash(stored)


def test_an_over_long_password_does_not_verify() -> None:
    password = "x" * (MAX_LENGTH + 1)
    stored = CHEAP.hash(password)

    assert not CHEAP.verify(stored, password)


class CountingHasher(PasswordHasher):
    """argon2 itself, counting the verifications it runs."""

    verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        self.verified += 1
        return super().verify(hash, password)


def test_the_dummy_check_does_the_work_of_a_verification() -> None:
    hasher = CountingHasher(time_cost=1, memory_cost=1024, parallelism=1)
    passwords = Passwords(hasher)

    passwords.verify_dummy("whatever")
    passwords.verify_dummy("whatever else")

    assert hasher.verified == 2  # a real argon2 verification each time
    assert len(passwords._dummy) == 1  # against one hash, made once
    assert passwords._dummy[0].startswith("$argon2id$")


@pytest.mark.parametrize(
    ("password", "username", "complaint"),
    [
        ("short", None, "at least 12"),
        ("x" * (MAX_LENGTH + 1), None, "at most"),
        (" " * 12, None, "only spaces"),
        ("Admin.Zhang1", "admin.zhang1", "not be the username"),
    ],
)
def test_password_rules(password: str, username: str | None, complaint: str) -> None:
    with pytest.raises(WeakPassword, match=complaint):
        check_password_rules(password, username=username)


def test_a_good_password_passes_the_rules() -> None:
    check_password_rules("twelve chars", username="someone")
