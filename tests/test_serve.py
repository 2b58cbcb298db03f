"""The README's serve path for real (`bangfu serve --demo`), and no IDE in production."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import httpx
import pytest
from pydantic import SecretStr

from api.app import create_app
from models.demo.accounts import DEMO_PASSWORD
from settings import Settings
from tests.keys import PRODUCTION_KEYS

BANGFU = Path(sys.executable).parent / "bangfu"
STARTUP_TIMEOUT_S = 60.0
SHUTDOWN_TIMEOUT_S = 10.0
DEMO_QUERY = "{ streets(first: 100) { totalCount } districts { edges { node { name } } } }"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


class Server:
    """A `bangfu serve` subprocess with its combined output in a log file."""

    def __init__(self, process: subprocess.Popen[bytes], log: Path, base_url: str) -> None:
        self.process = process
        self.log = log
        self.base_url = base_url

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_until_healthy(self, client: httpx.Client) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"bangfu serve exited with {self.process.returncode}:\n{self.output()}")
            try:
                if client.get("/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        pytest.fail(f"bangfu serve not healthy after {STARTUP_TIMEOUT_S} s:\n{self.output()}")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    port = free_port()
    log = tmp_path / "serve.log"
    env = {
        **os.environ,
        "BANGFU_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bangfu.db'}",
        "BANGFU_HOST": "127.0.0.1",
    }
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603  (our own script, fixed arguments)
            [str(BANGFU), "serve", "--demo", "--port", str(port)],
            cwd=tmp_path,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield Server(process, log, f"http://127.0.0.1:{port}")
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=SHUTDOWN_TIMEOUT_S)


def test_serve_demo_answers_graphql_and_stops_on_sigterm(server: Server) -> None:
    with httpx.Client(base_url=server.base_url, timeout=10, trust_env=False) as client:
        server.wait_until_healthy(client)

        ready = client.get("/readyz")
        assert ready.status_code == 200, ready.text
        assert ready.json() == {"status": "ready", "database": "ok"}

        ide = client.get("/graphql", headers={"Accept": "text/html"})
        assert ide.status_code == 200
        assert ide.headers["content-type"].startswith("text/html")
        assert "graphiql" in ide.text.lower()

        refused = client.post("/graphql", json={"query": DEMO_QUERY})
        assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert "demo account: demo.admin (district_admin" in server.output()
        signed_in = client.post(
            "/graphql",
            json={
                "query": "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
                "variables": {"i": {"username": "demo.street", "password": DEMO_PASSWORD}},
            },
        )
        token = signed_in.json()["data"]["login"]["accessToken"]
        answer = client.post(
            "/graphql",
            json={"query": DEMO_QUERY},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        assert body == {
            "data": {
                "streets": {"totalCount": 17},
                "districts": {"edges": [{"node": {"name": "东城区"}}]},
            }
        }

    server.process.send_signal(signal.SIGTERM)
    try:
        code = server.process.wait(timeout=SHUTDOWN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        pytest.fail(f"bangfu serve still running {SHUTDOWN_TIMEOUT_S} s after SIGTERM")
    # uvicorn shuts down cleanly, then re-raises the signal it caught: exit by SIGTERM is normal.
    assert code in (0, -signal.SIGTERM), server.output()
    output = server.output()
    assert "Application shutdown complete" in output
    assert "Finished server process" in output


def asgi_client(settings: Settings) -> tuple[httpx.AsyncClient, Any]:
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://bangfu.test"), app


@pytest.mark.parametrize(
    ("environment", "debug", "ide"),
    [("development", True, True), ("production", False, False), ("production", True, False)],
)
async def test_graphiql_only_in_development_with_debug(
    tmp_path: Path, environment: Literal["development", "production"], debug: bool, ide: bool
) -> None:
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}",
        environment=environment,
        debug=debug,
        secret_key=SecretStr("a test key: production refuses the development default"),
        **PRODUCTION_KEYS,
    )
    client, app = asgi_client(settings)
    try:
        async with client:
            page = await client.get("/graphql", headers={"Accept": "text/html"})
            introspection = await client.post(
                "/graphql", json={"query": "{ __schema { queryType { name } } }"}
            )
    finally:
        await app.state.engine.dispose()

    if ide:
        assert page.status_code == 200
        assert "graphiql" in page.text.lower()
        assert introspection.json() == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
    else:
        assert page.status_code == 404, page.text[:200]
        assert "graphiql" not in page.text.lower()
        assert not page.headers.get("content-type", "").startswith("text/html")
    if environment == "production":
        errors = introspection.json()["errors"]
        assert "introspection" in errors[0]["message"].lower()
