"""Password hashing with argon2id (argon2-cffi's defaults: RFC 9106's low-memory profile).

Hashing takes about a third of a second of CPU by design: callers in async code run these
functions in a thread (``asyncio.to_thread``) so the event loop stays responsive.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 256
"""Longer input is refused before hashing (a megabyte "password" would only cost us CPU)."""


class WeakPassword(ValueError):
    """The password breaks a rule; the message says which, in words a user understands."""


def check_password_rules(password: str, *, username: str | None = None) -> None:
    """Raise :class:`WeakPassword` unless ``password`` is acceptable for a new account."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"must be at least {MIN_LENGTH} characters (got {len(password)})")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"must be at most {MAX_LENGTH} characters")
    if not password.strip():
        raise WeakPassword("must not be only spaces")
    if username is not None and password.strip().lower() == username.strip().lower():
        raise WeakPassword("must not be the username")


@dataclass(frozen=True)
class Passwords:
    """Hash and verify with one argon2 parameter set; hashes made with another are still
    verified, and :meth:`needs_rehash` says when to store a new one."""

    hasher: PasswordHasher = field(default_factory=PasswordHasher)
    _dummy: list[str] = field(default_factory=list, repr=False, compare=False)

    def hash(self, password: str) -> str:
        """A new salted hash (PHC string, ``$argon2id$v=19$m=...``)."""
        return self.hasher.hash(password)

    def verify(self, stored_hash: str, password: str) -> bool:
        """Whether ``password`` matches; a malformed stored hash or an over-long password is
        simply no match."""
        if len(password) > MAX_LENGTH:
            self.verify_dummy(password[:MAX_LENGTH])  # the same work as a real check
            return False
        try:
            return self.hasher.verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        """Whether ``stored_hash`` was made with other parameters than this hasher's."""
        try:
            return self.hasher.check_needs_rehash(stored_hash)
        except InvalidHashError:
            return True

    def verify_dummy(self, password: str) -> None:
        """Do the work of a verification against a hash nobody has: unknown usernames cost
        as much time as wrong passwords, so timing does not tell which names exist."""
        if not self._dummy:
            self._dummy.append(self.hasher.hash("not a password of anyone"))
        self.verify(self._dummy[0], password[:MAX_LENGTH])


DEFAULT = Passwords()
"""The parameters new hashes are made with."""
