"""Encrypted columns and the lookup hashes stored beside them.

An attribute typed :class:`EncryptedText` holds clear text in Python and ciphertext in the
database: the column type encrypts every value bound to it and decrypts every value read, so
no command can forget to. Beside each such column ``<name>`` is ``<name>_hash`` (see
:func:`lookup_hash_field`): an INSERT fills it from the value being inserted (ORM and Core
alike), an UPDATE through :func:`with_lookup_hashes` (``crud.write_changes`` does). Rows are
found and kept unique by the hash (:func:`matches`); comparing the encrypted column itself in
SQL is refused, since its random nonces would match nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine.interfaces import ExecutionContext
from sqlalchemy.sql import operators
from sqlmodel import Field

from access.crypto import current_keyring

HASH_LENGTH = 64
"""Hex digits of an HMAC-SHA256."""
HASH_SUFFIX = "_hash"


class EncryptedText(sa.TypeDecorator[str]):
    """Clear text in Python, AES-GCM ciphertext bound to ``field`` (``table.column``) in SQL."""

    impl = sa.Text
    cache_ok = True

    class Comparator(sa.TypeDecorator.Comparator[str]):
        """Only ``IS NULL`` / ``IS NOT NULL``: any other comparison would silently match nothing."""

        def operate(self, op: Any, *other: Any, **kwargs: Any) -> Any:
            if op in (operators.is_, operators.is_not):
                return super().operate(op, *other, **kwargs)
            field = getattr(self.type, "field", "this column")
            raise TypeError(
                f"{field} is encrypted with a random nonce per value, so SQL cannot compare it; "
                "find rows by its lookup hash with models.encrypted.matches()."
            )

        def reverse_operate(self, op: Any, other: Any, **kwargs: Any) -> Any:
            return self.operate(op, other, **kwargs)

    comparator_factory = Comparator

    def __init__(self, field: str) -> None:
        super().__init__()
        self.field = field

    def process_bind_param(self, value: str | None, dialect: sa.Dialect) -> str | None:
        return None if value is None else current_keyring().encrypt(value, field=self.field)

    def process_result_value(self, value: str | None, dialect: sa.Dialect) -> str | None:
        return None if value is None else current_keyring().decrypt(value, field=self.field)


def lookup_hash(field: str, value: str | None) -> str | None:
    """The hash stored beside ``value`` of ``field`` (None for None)."""
    return None if value is None else current_keyring().lookup_hash(value, field=field)


def _hash_on_insert(field: str, column: str) -> Any:
    def default(context: ExecutionContext) -> str | None:
        parameters = context.get_current_parameters()  # type: ignore[attr-defined]
        return lookup_hash(field, parameters.get(column))

    return default


def lookup_hash_field(of: str, *, nullable: bool, unique: bool = False) -> Any:
    """The field ``<column>_hash`` beside the encrypted ``of`` (``table.column``): indexed
    (unique if asked) and filled on INSERT from the inserted value."""
    column = of.split(".", 1)[1]
    return Field(
        default=None,
        max_length=HASH_LENGTH,
        index=True,
        unique=unique,
        nullable=nullable,
        sa_column_kwargs={"default": _hash_on_insert(of, column)},
    )


def hash_beside(column: str) -> sa.CheckConstraint:
    """CHECK: an optional encrypted column and its hash are both set or both null."""
    return sa.CheckConstraint(
        f"({column} IS NULL) = ({column}{HASH_SUFFIX} IS NULL)", name=f"{column}_hash_beside"
    )


def encrypted_columns(table: sa.Table) -> list[sa.Column[Any]]:
    """The table's encrypted columns (each has its ``<name>_hash`` beside it)."""
    return [c for c in table.columns if isinstance(c.type, EncryptedText)]


def with_lookup_hashes(table: sa.Table, values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` (column -> value) with the hash of every encrypted column among them."""
    result = dict(values)
    for column in encrypted_columns(table):
        if column.key in values:
            field = column.type.field  # type: ignore[attr-defined]
            result[column.key + HASH_SUFFIX] = lookup_hash(field, values[column.key])
    return result


def matches(attribute: Any, value: str) -> sa.ColumnElement[bool]:
    """Rows whose encrypted ``attribute`` (e.g. ``Volunteer.phone``) holds ``value``, which
    must be normalised as stored. Hashes under every configured lookup key are accepted, so
    look-ups keep working while ``bangfu keys rotate`` recomputes them."""
    model = attribute.class_
    column = model.__table__.c[attribute.key]
    if not isinstance(column.type, EncryptedText):
        raise TypeError(f"{column} is not an encrypted column")
    hashes = current_keyring().lookup_hashes(value, field=column.type.field)
    hashed: sa.ColumnElement[bool] = getattr(model, attribute.key + HASH_SUFFIX).in_(hashes)
    return hashed
