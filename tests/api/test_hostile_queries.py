"""A corpus of hostile requests: each is refused with a clear error before any resolver reads
a domain table (the one credential lookup of a signed-in request aside)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from starlette.applications import Starlette

from tests.api.conftest import Api
from tests.api.statements import domain_statements


@dataclass(frozen=True)
class Hostile:
    """A request body (JSON, or raw bytes) and what the refusal must say."""

    says: str
    query: str | None = None
    variables: dict[str, Any] = field(default_factory=dict)
    raw: bytes | None = None
    chunked: bool = False
    status: int = 200


def _nest(levels: int) -> str:
    inner = "name"
    for _ in range(levels):
        inner = f"members {{ household {{ {inner} }} }}"
    return f"{{ households {{ nodes {{ {inner} }} }} }}"


def _fragment_bomb(levels: int) -> str:
    fragments = " ".join(
        f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)
    )
    return f"{{ ...F0 }} {fragments} fragment F{levels} on Query {{ districts {{ totalCount }} }}"


def _fragment_chain(length: int) -> str:
    fragments = " ".join(f"fragment C{i} on Query {{ ...C{i + 1} }}" for i in range(length))
    return f"{{ ...C0 }} {fragments} fragment C{length} on Query {{ __typename }}"


IDS = [f"Vm9sdW50ZWVyOj{i}" for i in range(1000)]

CORPUS: dict[str, Hostile] = {
    "deep nesting": Hostile("exceeds maximum operation depth", _nest(6)),
    "one field a thousand times": Hostile(
        "`districts` is selected 1,000 times", "{ " + "districts { totalCount } " * 1000 + "}"
    ),
    "the same field through many fragments": Hostile(
        "`districts` is selected 40 times",
        "{ "
        + " ".join(f"...D{i}" for i in range(40))
        + " } "
        + " ".join(f"fragment D{i} on Query {{ districts {{ totalCount }} }}" for i in range(40)),
    ),
    "many aliases": Hostile(
        "aliases found",
        "{ " + " ".join(f"a{i}: districts {{ totalCount }}" for i in range(31)) + " }",
    ),
    "fragment cycle": Hostile(
        "Cannot spread fragment 'A' within itself",
        "fragment A on Street { district { streets { nodes { ...B } } } } "
        "fragment B on Street { ...A } { streets { nodes { ...A } } }",
    ),
    "fragment fan-out bomb": Hostile(
        "fields once its fragments are spread; the limit is 5,000", _fragment_bomb(40)
    ),
    "fragment chain": Hostile("spread fragments more than 50 deep", _fragment_chain(200)),
    "huge first": Hostile(
        "could return 1,000,001 objects; the limit is 20,000",
        "{ volunteers(first: 1000000) { nodes { id } } }",
    ),
    "huge first in a variable": Hostile(
        "could return 1,000,001 objects",
        "query($n: Int!) { volunteers(first: $n) { nodes { id } } }",
        {"n": 1_000_000},
    ),
    "nested pages": Hostile(
        "could return 1,030,201 objects",
        "{ streets(first: 100) { nodes { communities(first: 100) { nodes {"
        " street { communities(first: 100) { nodes { name } } } } } } } }",
    ),
    "many node ids with relations": Hostile(
        "could return 21,000 objects",
        "query($ids: [ID!]!) { nodes(ids: $ids) {"
        " ... on Volunteer { stations { street { name } } } } }",
        {"ids": IDS},
    ),
    "more node ids than a page": Hostile(
        "ids: at most 100 ids per request",
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        {"ids": IDS[:101]},
    ),
    "a spread of no fragment": Hostile(
        "Unknown fragment 'Nowhere'", "{ districts { nodes { ...Nowhere } } }"
    ),
    "too many tokens": Hostile("more than 5000 tokens", "{ " + "a " * 6000 + "}"),
    "a number of thousands of digits": Hostile(
        "more than 64 characters", "{ volunteers(first: " + "9" * 5000 + ") { totalCount } }"
    ),
    "oversized body": Hostile(
        "larger than 65,536 bytes", "{ __typename }", {"pad": "x" * 70_000}, status=413
    ),
    "oversized chunked body": Hostile(
        "larger than 65,536 bytes", raw=b" " * 70_000, chunked=True, status=413
    ),
    "batched operations": Hostile(
        "Batching is not enabled",
        raw=json.dumps([{"query": "{ districts { totalCount } }"}] * 50).encode(),
        status=400,
    ),
    "JSON nested past the recursion limit": Hostile(
        "Unable to parse request body as JSON",
        raw=b'{"query": "{ __typename }", "variables": {"a": '
        + b"[" * 30_000
        + b"]" * 30_000
        + b"}}",
        status=400,
    ),
    "a JSON number of thousands of digits": Hostile(
        "Unable to parse request body as JSON",
        raw=b'{"query": "{ __typename }", "variables": {"a": ' + b"9" * 5000 + b"}}",
        status=400,
    ),
}


async def _send(api: Api, case: Hostile) -> tuple[int, str]:
    headers = {"content-type": "application/json"}
    if case.raw is None:
        body = json.dumps({"query": case.query, "variables": case.variables}).encode()
    else:
        body = case.raw
    if case.chunked:

        async def chunks() -> AsyncIterator[bytes]:
            for start in range(0, len(body), 4096):
                yield body[start : start + 4096]

        response = await api.client.post("/graphql", content=chunks(), headers=headers)
        assert "content-length" not in response.request.headers
    else:
        response = await api.client.post("/graphql", content=body, headers=headers)
    return response.status_code, response.text


@pytest.mark.parametrize("name", list(CORPUS))
async def test_hostile_requests_are_refused_before_the_domain_is_touched(
    app: Starlette, api: Api, name: str
) -> None:
    case = CORPUS[name]
    with domain_statements(app) as statements:
        status, text = await _send(api, case)
    assert status == case.status, text[:500]
    assert case.says in text, text[:500]
    if text.startswith("{"):
        body = json.loads(text)
        assert body.get("data") is None, text[:500]
    assert statements == []


async def test_refused_queries_leave_the_service_answering(api: Api) -> None:
    for case in CORPUS.values():
        await _send(api, case)
    assert await api.data("{ districts { totalCount } }") == {"districts": {"totalCount": 0}}
