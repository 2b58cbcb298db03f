"""Hostile or careless queries are refused before they reach the database."""

from __future__ import annotations

from starlette.applications import Starlette

from tests.api.conftest import Api
from tests.api.statements import domain_statements


def _nested_streets(levels: int) -> str:
    """streets -> district -> streets -> district ... ``levels`` times."""
    inner = "name"
    for _ in range(levels):
        inner = f"edges {{ node {{ name district {{ streets {{ {inner} }} }} }} }}"
    return f"{{ streets {{ {inner} }} }}"


async def test_too_deep_a_query_is_rejected_without_touching_the_database(
    app: Starlette, api: Api
) -> None:
    with domain_statements(app) as statements:
        body = await api.post(_nested_streets(6))
    assert body.get("data") is None
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]
    assert statements == []


async def test_too_many_aliases_are_rejected(app: Starlette, api: Api) -> None:
    query = "{ " + " ".join(f"a{i}: districts {{ totalCount }}" for i in range(40)) + " }"
    with domain_statements(app) as statements:
        body = await api.post(query)
    assert "aliases found" in body["errors"][0]["message"].lower()
    assert statements == []


async def test_fragments_do_not_hide_depth(app: Starlette, api: Api) -> None:
    query = (
        "fragment S on Street { district { streets { edges { node { ...T } } } } } "
        "fragment T on Street { district { streets { edges { node { ...U } } } } } "
        "fragment U on Street { district { streets { edges { node { name } } } } } "
        "{ streets { edges { node { ...S } } } }"
    )
    with domain_statements(app) as statements:
        body = await api.post(query)
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]
    assert statements == []


async def test_page_size_is_capped(api: Api) -> None:
    body = await api.post("{ volunteers(first: 101) { totalCount } }")
    assert body["errors"][0]["message"] == "first: must be between 1 and 100 (got 101)."
    body = await api.post("{ volunteers(first: 0) { totalCount } }")
    assert body["errors"][0]["message"].startswith("first: must be between 1 and 100")


async def test_unknown_and_malformed_node_ids_are_null(api: Api) -> None:
    body = await api.data('{ a: node(id: "bm90LWJhc2U2NA") { id } b: node(id: "%%%") { id } }')
    assert body == {"a": None, "b": None}
