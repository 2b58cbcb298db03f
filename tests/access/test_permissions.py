"""The operation table covers the schema exactly: every root field has its roles (a field
without an entry would be refused to everyone), and no entry names a field that is gone."""

from __future__ import annotations

import pytest
from sqlmodel import SQLModel

from access.permissions import OPERATIONS, PUBLIC_OPERATIONS, may_use
from access.scope import READ_RULES
from api.schema import build_schema
from models.enums import Role
from settings import Settings


@pytest.fixture(scope="module")
def root_fields() -> dict[str, set[str]]:
    schema = build_schema(Settings(_env_file=None))._schema
    roots = {
        "query": schema.query_type,
        "mutation": schema.mutation_type,
        "subscription": schema.subscription_type,
    }
    return {kind: set(root.fields) if root else set() for kind, root in roots.items()}


def test_every_root_field_has_its_roles_and_no_entry_is_stale(
    root_fields: dict[str, set[str]],
) -> None:
    for kind, fields in root_fields.items():
        table = set(OPERATIONS[kind])
        assert fields - table == set(), f"{kind} fields without roles"
        assert table - fields == set(), f"{kind} entries for fields that do not exist"


def test_without_credentials_only_signing_in_and_out_and_me(
    root_fields: dict[str, set[str]],
) -> None:
    open_ = {
        (kind, field)
        for kind, fields in root_fields.items()
        for field in fields
        if may_use(None, kind, field)
    }
    assert open_ == set(PUBLIC_OPERATIONS)
    assert open_ == {
        ("mutation", "login"),
        ("mutation", "tokenRefresh"),
        ("mutation", "logout"),
        ("query", "me"),
    }


def test_auditors_change_nothing_and_volunteers_only_their_own_records(
    root_fields: dict[str, set[str]],
) -> None:
    own = {"login", "tokenRefresh", "logout", "passwordChange"}

    def changes(role: Role) -> set[str]:
        return {f for f in root_fields["mutation"] if may_use(role, "mutation", f)}

    assert changes(Role.AUDITOR) == own
    assert changes(Role.VOLUNTEER) == own | {"serviceRecord", "volunteerProfileUpdate"}


def test_every_table_has_a_read_rule() -> None:
    """A table without one would show nothing (safe), but silently: each must be decided."""
    ruled = {model.__tablename__ for model in READ_RULES}
    assert set(SQLModel.metadata.tables) - ruled == set()
