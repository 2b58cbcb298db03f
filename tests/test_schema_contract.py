"""The committed schema.graphql is the schema the code serves (clients and reviewers read it)."""

from __future__ import annotations

import difflib
from pathlib import Path

from api.schema import schema_sdl

COMMITTED = Path(__file__).resolve().parent.parent / "schema.graphql"


def test_committed_schema_matches_the_code() -> None:
    assert COMMITTED.is_file(), f"{COMMITTED} is missing; run `make schema` and commit it"
    committed = COMMITTED.read_text(encoding="utf-8")
    current = schema_sdl()

    diff = "".join(
        difflib.unified_diff(
            committed.splitlines(keepends=True),
            current.splitlines(keepends=True),
            fromfile="schema.graphql (committed)",
            tofile="schema from the code",
            n=2,
        )
    )
    assert committed == current, (
        "schema.graphql is out of date with the code: run `make schema` and commit the result "
        f"(review the change: clients depend on it).\n{diff[:4000]}"
    )
    assert "type Query {" in committed
