"""Request ids on every response; unexpected errors masked to a message quoting the id, and
logged with it; deliberate errors and typed user errors shown as they are."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from starlette.applications import Starlette

from api.app import create_app
from models.migrations import upgrade
from tests.api.conftest import Api, client_for, settings_for
from tests.api.signin import sign_in

HEX_ID = re.compile(r"^[0-9a-f]{32}$")
LEAKS = ("traceback", "sqlite", "sqlalchemy", "select ", "no such table", 'file "', "error:")


async def test_every_response_carries_a_request_id(api: Api) -> None:
    responses = [
        await api.client.post("/graphql", json={"query": "{ districts { totalCount } }"}),
        await api.client.get("/healthz"),
        await api.client.get("/metrics"),
        await api.client.get("/no-such-page"),
        await api.client.post("/graphql", json=[{"query": "{ __typename }"}]),  # 400
        await api.client.post("/graphql", json={"query": "{ __typename }", "x": "y" * 70_000}),
    ]
    assert [r.status_code for r in responses] == [200, 200, 200, 404, 400, 413]
    ids = [r.headers["x-request-id"] for r in responses]
    assert all(HEX_ID.match(i) for i in ids)
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("lb-7f3a.2025:abc_01", True),
        ("a" * 128, True),
        ("a" * 129, False),
        ("two words", False),
        ("<script>", False),
        ("", False),
    ],
)
async def test_a_valid_incoming_request_id_is_kept(api: Api, sent: str, kept: bool) -> None:
    response = await api.client.get("/healthz", headers={"X-Request-Id": sent})
    returned = response.headers["x-request-id"]
    assert (returned == sent) is kept
    if not kept:
        assert HEX_ID.match(returned)


async def test_deliberate_errors_and_user_errors_are_not_masked(api: Api) -> None:
    body = await api.post('{ volunteers(after: "nonsense") { totalCount } }')
    assert body["errors"][0]["message"].startswith("after: not a cursor of this list")
    payload = await api.mutate(
        "districtCreate",
        "mutation($input: DistrictCreateInput!) { districtCreate(input: $input) {"
        " district { id } errors { code message field } } }",
        input={"name": ""},
    )
    assert payload["district"] is None
    assert payload["errors"][0]["code"] in {"REQUIRED", "VALIDATION"}


@pytest.fixture
async def fragile_app(tmp_path: Path) -> AsyncIterator[Starlette]:
    """An app on a database of its own, for tests that break its tables."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'fragile.db'}"
    await asyncio.to_thread(upgrade, url)
    app = create_app(settings_for(url))
    yield app
    await app.state.engine.dispose()


async def _drop(app: Starlette, table: str) -> None:
    async with app.state.engine.begin() as conn:
        await conn.execute(sa.text("PRAGMA foreign_keys=OFF"))
        await conn.execute(sa.text(f"DROP TABLE {table}"))


def _assert_masked(response: httpx.Response, caplog: pytest.LogCaptureFixture) -> str:
    """The masked message quotes the response's request id, the log line of the real error
    names it, and the response shows nothing of the error."""
    request_id = response.headers["x-request-id"]
    error = response.json()["errors"][0]
    assert error["message"].startswith("Unexpected server error")
    assert request_id in error["message"]
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
    text = response.text.lower()
    for leak in LEAKS:
        assert leak not in text
    logged = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert any(request_id in r.getMessage() and r.exc_info for r in logged)
    return request_id


async def test_an_unexpected_error_is_masked_and_logged_with_the_request_id(
    fragile_app: Starlette, caplog: pytest.LogCaptureFixture
) -> None:
    async with client_for(fragile_app, await sign_in(fragile_app)) as api:
        await _drop(fragile_app, "volunteer")
        with caplog.at_level(logging.ERROR):
            response = await api.client.post(
                "/graphql",
                json={"query": "{ volunteers { totalCount } }"},
                headers={"X-Request-Id": "report-me-42"},
            )
    assert response.status_code == 200
    assert _assert_masked(response, caplog) == "report-me-42"


async def test_a_failure_outside_graphql_is_a_masked_500_with_the_request_id(
    fragile_app: Starlette, caplog: pytest.LogCaptureFixture
) -> None:
    headers = await sign_in(fragile_app)
    await _drop(fragile_app, "app_user")  # the credential lookup itself fails
    async with client_for(fragile_app, headers) as api:
        with caplog.at_level(logging.ERROR):
            response = await api.client.post("/graphql", json={"query": "{ __typename }"})
    assert response.status_code == 500
    _assert_masked(response, caplog)
