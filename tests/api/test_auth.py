"""Signing in and out through the real app, on SQLite and PostgreSQL: login, me, tokenRefresh
(rotation and reuse detection), logout, revocation by token version, API keys, the production
refusal of the development key, and the first administrator made with ``bangfu users create``.
"""

from __future__ import annotations

import asyncio
import io
import sys
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from pydantic import SecretStr
from sqlmodel import col
from starlette.applications import Starlette

import cli
from access.passwords import Passwords
from access.tokens import hash_refresh_token, issue_access_token
from api.app import create_app
from models.commands.users import NewUser, create_user, revoke_all_tokens
from models.db import SessionFactory, transaction
from models.enums import Role
from models.user import ApiKey, RefreshToken, User
from settings import DEFAULT_SECRET_KEY, UnsafeSettingsError
from tests.api import builders
from tests.api.conftest import Api, client_for, settings_for
from tests.api.signin import sign_in
from tests.keys import PRODUCTION_KEYS

PASSWORD = "correct horse battery"
CHEAP = Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
"""Accounts are made with cheap parameters (verifying them is cheap too); login upgrades them."""

ERRORS = "errors { code message field }"
USER = "user { id username displayName role active }"
LOGIN = f"""mutation($input: LoginInput!) {{
  login(input: $input) {{ accessToken refreshToken expiresIn {USER} {ERRORS} }} }}"""
REFRESH = f"""mutation($input: TokenRefreshInput!) {{
  tokenRefresh(input: $input) {{ accessToken refreshToken expiresIn {USER} {ERRORS} }} }}"""
LOGOUT = f"""mutation($input: LogoutInput) {{ logout(input: $input) {{ loggedOut {ERRORS} }} }}"""
ME = """{ me { id username displayName role active lastLoginAt
  street { name } station { name } volunteer { name } } }"""
KEY_CREATE = f"""mutation($input: ApiKeyCreateInput!) {{
  apiKeyCreate(input: $input) {{
    apiKey {{ id name prefix active lastUsedAt user {{ username }} }} secret {ERRORS} }} }}"""
KEY_REVOKE = f"""mutation($input: ApiKeyRevokeInput!) {{
  apiKeyRevoke(input: $input) {{ apiKey {{ id active }} {ERRORS} }} }}"""
UNAUTHENTICATED = {
    "code": "UNAUTHENTICATED",
    "message": "The username or password is wrong. Check both and try again.",
    "field": None,
}
SESSION_ENDED = {
    "code": "UNAUTHENTICATED",
    "message": "Your session has ended; sign in again.",
    "field": None,
}


@pytest.fixture
async def api(anonymous_api: Api) -> Api:
    """This module signs in itself: its client sends credentials only where a test says."""
    return anonymous_api


@pytest.fixture
async def admin_api(app: Starlette) -> AsyncIterator[Api]:
    """A district administrator's client, to build the district the tests sign in to."""
    async with client_for(app, await sign_in(app)) as client:
        yield client


def factory_of(app: Starlette) -> SessionFactory:
    factory: SessionFactory = app.state.session_factory
    return factory


async def add_user(
    app: Starlette,
    username: str = "admin.zhang",
    role: Role = Role.DISTRICT_ADMIN,
    *,
    password: str | None = PASSWORD,
    **scope: int,
) -> int:
    async with transaction(factory_of(app)) as session:
        user = await create_user(
            session,
            NewUser(
                username=username, display_name="张管理", role=role, password=password, **scope
            ),
            passwords=CHEAP,
        )
    assert user.id is not None
    return user.id


async def refused_codes(
    api: Api, query: str, *, headers: dict[str, str] | None = None, **variables: Any
) -> list[str]:
    """The error codes of a request refused before it ran (no data)."""
    response = await api.client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers or {}
    )
    body = response.json()
    assert body["data"] is None, body
    return [e["extensions"]["code"] for e in body["errors"]]


async def gql(
    api: Api, query: str, *, headers: dict[str, str] | None = None, **variables: Any
) -> httpx.Response:
    response = await api.client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers or {}
    )
    assert response.status_code == 200, response.text
    assert "errors" not in response.json(), response.json()["errors"]
    return response


async def data(
    api: Api, query: str, *, headers: dict[str, str] | None = None, **variables: Any
) -> dict[str, Any]:
    body: dict[str, Any] = (await gql(api, query, headers=headers, **variables)).json()["data"]
    return body


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def login(
    api: Api, username: str = "admin.zhang", password: str = PASSWORD
) -> dict[str, Any]:
    payload: dict[str, Any] = (
        await data(api, LOGIN, input={"username": username, "password": password})
    )["login"]
    return payload


async def me(api: Api, headers: dict[str, str]) -> dict[str, Any] | None:
    found: dict[str, Any] | None = (await data(api, ME, headers=headers))["me"]
    return found


async def refresh(api: Api, token: str) -> dict[str, Any]:
    payload: dict[str, Any] = (await data(api, REFRESH, input={"refreshToken": token}))[
        "tokenRefresh"
    ]
    return payload


async def rows(app: Starlette, model: type[Any], *where: Any) -> Sequence[Any]:
    async with factory_of(app)() as session:
        return (await session.execute(sa.select(model).where(*where))).scalars().all()


async def test_login_returns_tokens_and_me_reads_the_account(api: Api, app: Starlette) -> None:
    await add_user(app)

    signed_in = await login(api, "  Admin.Zhang ")  # usernames ignore case and spaces

    assert signed_in["errors"] == []
    assert signed_in["expiresIn"] == 15 * 60
    assert signed_in["refreshToken"].startswith("bfr_")
    assert signed_in["user"]["username"] == "admin.zhang"
    assert signed_in["user"]["role"] == "DISTRICT_ADMIN"
    account = await me(api, bearer(signed_in["accessToken"]))
    assert account is not None
    assert account["username"] == "admin.zhang"
    assert account["displayName"] == "张管理"
    assert account["lastLoginAt"] is not None
    assert account["street"] is None
    assert await me(api, {}) is None


async def test_secrets_are_stored_only_as_hashes(api: Api, app: Starlette) -> None:
    await add_user(app)
    signed_in = await login(api)

    (user,) = await rows(app, User)
    (token_row,) = await rows(app, RefreshToken)
    assert user.password_hash is not None
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    stored = " ".join(str(value) for value in token_row.model_dump().values())
    assert signed_in["refreshToken"] not in stored
    assert signed_in["refreshToken"][4:] not in stored


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("admin.zhang", "wrong horse battery"),  # wrong password
        ("nobody.here", PASSWORD),  # unknown user
        ("former.staff", PASSWORD),  # deactivated account
        ("import.robot", PASSWORD),  # service account: no password at all
        ("admin.zhang", ""),  # empty password
        ("admin.zhang", "x" * 10_000),  # absurdly long password
        ("a" * 10_000, PASSWORD),  # absurdly long username
    ],
)
async def test_every_failed_login_answers_alike(
    api: Api, app: Starlette, username: str, password: str
) -> None:
    await add_user(app)
    former = await add_user(app, "former.staff", Role.AUDITOR)
    await add_user(app, "import.robot", Role.SERVICE, password=None)
    async with transaction(factory_of(app)) as session:
        await session.execute(sa.update(User).where(col(User.id) == former).values(active=False))

    refused = await login(api, username, password)

    assert refused == {
        "accessToken": None,
        "refreshToken": None,
        "expiresIn": None,
        "user": None,
        "errors": [UNAUTHENTICATED],
    }
    assert await rows(app, RefreshToken) == []


async def test_login_upgrades_an_outdated_password_hash(api: Api, app: Starlette) -> None:
    await add_user(app)  # hashed with cheap parameters
    (before,) = await rows(app, User)
    assert before.password_hash.startswith("$argon2id$v=19$m=1024,t=1,p=1$")

    assert (await login(api))["errors"] == []

    (after,) = await rows(app, User)
    assert after.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert (await login(api))["errors"] == []  # the new hash opens the account too


async def test_an_expired_access_token_leaves_the_request_anonymous(
    api: Api, app: Starlette
) -> None:
    user_id = await add_user(app)
    await login(api)
    (token_row,) = await rows(app, RefreshToken)
    secret = app.state.settings.secret_key.get_secret_value()

    def token(issued: datetime) -> str:
        value, _ = issue_access_token(
            secret=secret,
            user_id=user_id,
            role="district_admin",
            token_version=0,
            session_id=token_row.family_id,
            lifetime=timedelta(minutes=15),
            now=issued,
        )
        return value

    fresh = await gql(api, ME, headers=bearer(token(datetime.now(UTC) - timedelta(minutes=14))))
    assert fresh.json()["data"]["me"]["username"] == "admin.zhang"
    assert "www-authenticate" not in fresh.headers
    expired = await gql(api, ME, headers=bearer(token(datetime.now(UTC) - timedelta(minutes=16))))
    assert expired.json()["data"]["me"] is None
    assert 'error_description="expired"' in expired.headers["www-authenticate"]


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": "Basic YWRtaW46cGFzc3dvcmQ="},
        {"Authorization": "Bearer "},
        {"X-Api-Key": "bfk_000000000000_" + "a" * 43},
        {"X-Api-Key": "guess"},
    ],
)
async def test_bad_credentials_leave_the_request_anonymous(
    api: Api, headers: dict[str, str]
) -> None:
    response = await gql(api, ME, headers=headers)

    assert response.json()["data"]["me"] is None
    assert 'error_description="invalid"' in response.headers["www-authenticate"]


async def test_a_token_and_a_key_together_are_refused(api: Api, app: Starlette) -> None:
    await add_user(app)
    signed_in = await login(api)
    robot = await sign_in(app, Role.SERVICE)  # a real key: each alone opens its account
    assert await me(api, bearer(signed_in["accessToken"])) is not None
    assert await me(api, robot) is not None

    assert await me(api, {**bearer(signed_in["accessToken"]), **robot}) is None


async def test_refresh_rotates_the_refresh_token(api: Api, app: Starlette) -> None:
    await add_user(app)
    first = await login(api)

    second = await refresh(api, first["refreshToken"])

    assert second["errors"] == []
    assert second["refreshToken"] != first["refreshToken"]
    assert second["accessToken"] != first["accessToken"]
    assert second["user"]["username"] == "admin.zhang"
    assert (await me(api, bearer(second["accessToken"])) or {}).get("username") == "admin.zhang"
    old, new = sorted(await rows(app, RefreshToken), key=lambda row: row.id)
    assert old.family_id == new.family_id
    assert (old.revoked_reason, old.replaced_by_id) == ("rotated", new.id)
    assert new.revoked_at is None
    third = await refresh(api, second["refreshToken"])
    assert third["errors"] == []


async def test_reusing_a_spent_refresh_token_ends_that_sign_in(api: Api, app: Starlette) -> None:
    await add_user(app)
    first = await login(api)
    elsewhere = await login(api)  # another device: a sign-in of its own
    second = await refresh(api, first["refreshToken"])

    replayed = await refresh(api, first["refreshToken"])  # a copied token comes back

    assert replayed["errors"] == [SESSION_ENDED]
    assert replayed["accessToken"] is None
    assert (await refresh(api, second["refreshToken"]))["errors"] == [SESSION_ENDED]
    assert await me(api, bearer(second["accessToken"])) is None
    assert await me(api, bearer(first["accessToken"])) is None
    (spent,) = await rows(
        app, RefreshToken, col(RefreshToken.token_hash) == hash_refresh_token(first["refreshToken"])
    )
    family = await rows(app, RefreshToken, col(RefreshToken.family_id) == spent.family_id)
    assert sorted(str(row.revoked_reason) for row in family) == ["reuse", "rotated"]
    assert (await me(api, bearer(elsewhere["accessToken"])) or {}).get("username") == "admin.zhang"
    assert (await refresh(api, elsewhere["refreshToken"]))["errors"] == []


async def test_two_refreshes_racing_with_one_token_do_not_both_win(
    api: Api, app: Starlette
) -> None:
    await add_user(app)
    first = await login(api)

    results = await asyncio.gather(
        refresh(api, first["refreshToken"]), refresh(api, first["refreshToken"])
    )

    assert sorted(len(result["errors"]) for result in results) == [0, 1]
    live = await rows(app, RefreshToken, col(RefreshToken.revoked_at).is_(None))
    assert live == []  # the loser looked like a thief: the sign-in ended


async def test_unknown_and_expired_refresh_tokens_are_refused(api: Api, app: Starlette) -> None:
    await add_user(app)
    signed_in = await login(api)
    async with transaction(factory_of(app)) as session:
        await session.execute(
            sa.update(RefreshToken).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )

    assert (await refresh(api, signed_in["refreshToken"]))["errors"] == [SESSION_ENDED]
    assert (await refresh(api, "bfr_" + "x" * 43))["errors"] == [SESSION_ENDED]
    assert (await refresh(api, ""))["errors"] == [SESSION_ENDED]


async def test_logout_ends_the_sign_in_of_the_refresh_token(api: Api, app: Starlette) -> None:
    await add_user(app)
    signed_in = await login(api)
    other = await login(api)

    out = (await data(api, LOGOUT, input={"refreshToken": signed_in["refreshToken"]}))["logout"]

    assert out == {"loggedOut": True, "errors": []}
    assert await me(api, bearer(signed_in["accessToken"])) is None
    assert (await refresh(api, signed_in["refreshToken"]))["errors"] == [SESSION_ENDED]
    assert await me(api, bearer(other["accessToken"])) is not None
    again = (await data(api, LOGOUT, input={"refreshToken": signed_in["refreshToken"]}))["logout"]
    assert again == {"loggedOut": False, "errors": []}


async def test_logout_with_the_access_token_alone(api: Api, app: Starlette) -> None:
    await add_user(app)
    signed_in = await login(api)

    out = (await data(api, LOGOUT, headers=bearer(signed_in["accessToken"])))["logout"]

    assert out == {"loggedOut": True, "errors": []}
    assert await me(api, bearer(signed_in["accessToken"])) is None
    assert (await refresh(api, signed_in["refreshToken"]))["errors"] == [SESSION_ENDED]


async def test_logout_without_any_credential_says_what_to_send(api: Api) -> None:
    out = (await data(api, LOGOUT))["logout"]

    assert out["loggedOut"] is False
    assert [e["code"] for e in out["errors"]] == ["UNAUTHENTICATED"]


async def test_revoking_all_tokens_ends_every_sign_in(api: Api, app: Starlette) -> None:
    user_id = await add_user(app)
    one, two = await login(api), await login(api)

    async with transaction(factory_of(app)) as session:
        user = await revoke_all_tokens(session, user_id)
    assert user.token_version == 1

    for signed_in in (one, two):
        response = await gql(api, ME, headers=bearer(signed_in["accessToken"]))
        assert response.json()["data"]["me"] is None
        assert 'error_description="revoked"' in response.headers["www-authenticate"]
        assert (await refresh(api, signed_in["refreshToken"]))["errors"] == [SESSION_ENDED]
    fresh = await login(api)
    assert (await me(api, bearer(fresh["accessToken"])) or {}).get("username") == "admin.zhang"


async def test_a_deactivated_account_loses_its_sessions(api: Api, app: Starlette) -> None:
    user_id = await add_user(app)
    signed_in = await login(api)

    async with transaction(factory_of(app)) as session:
        await session.execute(sa.update(User).where(col(User.id) == user_id).values(active=False))

    assert await me(api, bearer(signed_in["accessToken"])) is None
    assert (await refresh(api, signed_in["refreshToken"]))["errors"] == [SESSION_ENDED]


async def admin_headers(api: Api, app: Starlette) -> dict[str, str]:
    await add_user(app)
    return bearer((await login(api))["accessToken"])


async def test_api_keys_are_shown_once_stored_hashed_and_revocable(
    api: Api, app: Starlette
) -> None:
    admin = await admin_headers(api, app)
    robot = await add_user(app, "import.robot", Role.SERVICE, password=None)
    robot_id = builders.global_id("User", robot)

    created = (
        await data(
            api, KEY_CREATE, headers=admin, input={"userId": robot_id, "name": "nightly import"}
        )
    )["apiKeyCreate"]

    assert created["errors"] == []
    key = created["secret"]
    assert key.startswith(f"bfk_{created['apiKey']['prefix']}_")
    assert created["apiKey"]["user"]["username"] == "import.robot"
    assert created["apiKey"]["active"] is True
    (row,) = await rows(app, ApiKey)
    stored = " ".join(str(value) for value in row.model_dump().values())
    assert key not in stored
    assert key.rsplit("_", 1)[1] not in stored

    account = await me(api, {"X-Api-Key": key})
    assert account is not None
    assert (account["username"], account["role"]) == ("import.robot", "SERVICE")
    (used,) = await rows(app, ApiKey)
    assert used.last_used_at is not None

    revoked = await data(api, KEY_REVOKE, headers=admin, input={"id": created["apiKey"]["id"]})
    assert revoked["apiKeyRevoke"] == {
        "apiKey": {"id": created["apiKey"]["id"], "active": False},
        "errors": [],
    }
    assert await me(api, {"X-Api-Key": key}) is None


async def test_revoking_all_tokens_of_a_service_account_ends_its_keys(
    api: Api, app: Starlette
) -> None:
    admin = await admin_headers(api, app)
    robot = await add_user(app, "import.robot", Role.SERVICE, password=None)
    created = (
        await data(
            api,
            KEY_CREATE,
            headers=admin,
            input={"userId": builders.global_id("User", robot), "name": "nightly import"},
        )
    )["apiKeyCreate"]
    assert await me(api, {"X-Api-Key": created["secret"]}) is not None

    async with transaction(factory_of(app)) as session:
        await revoke_all_tokens(session, robot)

    assert await me(api, {"X-Api-Key": created["secret"]}) is None


async def test_api_key_mutations_are_for_district_administrators(
    api: Api, admin_api: Api, app: Starlette
) -> None:
    ids = await builders.geo(admin_api)
    robot = builders.global_id("User", await add_user(app, "robot", Role.SERVICE, password=None))
    await add_user(app, "street.li", Role.STREET_STAFF, street_id=builders.local_id(ids["street"]))
    staff = bearer((await login(api, "street.li"))["accessToken"])
    new_key = {"userId": robot, "name": "integration"}
    some_key = {"id": builders.global_id("ApiKey", 1)}

    anonymous = await refused_codes(api, KEY_CREATE, input=new_key)
    forbidden = await refused_codes(api, KEY_CREATE, headers=staff, input=new_key)
    revoke = await refused_codes(api, KEY_REVOKE, headers=staff, input=some_key)

    assert anonymous == ["UNAUTHENTICATED"]
    assert forbidden == ["FORBIDDEN"]
    assert revoke == ["FORBIDDEN"]
    assert await rows(app, ApiKey) == []


async def test_api_keys_only_for_existing_service_accounts(api: Api, app: Starlette) -> None:
    admin = await admin_headers(api, app)
    admin_id = builders.global_id("User", (await rows(app, User))[0].id)

    def create(user_id: str, name: str = "integration") -> dict[str, Any]:
        return {"userId": user_id, "name": name}

    person = (await data(api, KEY_CREATE, headers=admin, input=create(admin_id)))["apiKeyCreate"]
    missing = (
        await data(api, KEY_CREATE, headers=admin, input=create(builders.global_id("User", 10**6)))
    )["apiKeyCreate"]
    blank = (await data(api, KEY_CREATE, headers=admin, input=create(admin_id, " ")))[
        "apiKeyCreate"
    ]
    unknown = (
        await data(api, KEY_REVOKE, headers=admin, input={"id": builders.global_id("ApiKey", 1)})
    )["apiKeyRevoke"]

    assert [(e["code"], e["field"]) for e in person["errors"]] == [("VALIDATION", "userId")]
    assert [(e["code"], e["field"]) for e in missing["errors"]] == [("NOT_FOUND", "userId")]
    assert ("VALIDATION", "name") in [(e["code"], e["field"]) for e in blank["errors"]]
    assert [e["code"] for e in unknown["errors"]] == ["NOT_FOUND"]
    assert await rows(app, ApiKey) == []


async def test_me_for_every_role_shows_its_scope(api: Api, admin_api: Api, app: Starlette) -> None:
    ids = await builders.geo(admin_api)
    volunteer = builders.local_id(await builders.volunteer(admin_api, [ids["station"]]))
    scopes: dict[Role, dict[str, Any]] = {
        Role.STREET_STAFF: {"street_id": builders.local_id(ids["street"])},
        Role.STATION_COORDINATOR: {"station_id": builders.local_id(ids["station"])},
        Role.VOLUNTEER: {"volunteer_id": volunteer},
    }
    admin = await admin_headers(api, app)
    seen: dict[Role, dict[str, Any]] = {}
    for role in Role:
        username = f"user.{role.value}"
        if role is Role.SERVICE:
            robot = await add_user(app, username, role, password=None)
            created = (
                await data(
                    api,
                    KEY_CREATE,
                    headers=admin,
                    input={"userId": builders.global_id("User", robot), "name": "key"},
                )
            )["apiKeyCreate"]
            headers = {"X-Api-Key": created["secret"]}
        else:
            await add_user(app, username, role, **scopes.get(role, {}))
            headers = bearer((await login(api, username))["accessToken"])
        account = await me(api, headers)
        assert account is not None, role
        assert account["username"] == username
        seen[role] = account

    assert {role: account["role"] for role, account in seen.items()} == {
        role: role.name for role in Role
    }
    scoped = {
        role: (account["street"], account["station"], account["volunteer"])
        for role, account in seen.items()
    }
    assert scoped.pop(Role.STREET_STAFF) == ({"name": "东华门街道"}, None, None)
    assert scoped.pop(Role.STATION_COORDINATOR) == (None, {"name": "多福巷志愿服务站"}, None)
    assert scoped.pop(Role.VOLUNTEER) == (None, None, {"name": "王芳"})
    assert set(scoped.values()) == {(None, None, None)}


HOUSEHOLD = f"""mutation($input: HouseholdCreateInput!) {{
  householdCreate(input: $input) {{ household {{ statusHistory {{ recordedBy }} }} {ERRORS} }} }}"""


async def test_what_a_signed_in_user_records_names_them(
    api: Api, admin_api: Api, app: Starlette
) -> None:
    ids = await builders.geo(admin_api)
    admin = await admin_headers(api, app)
    household = {
        "communityId": ids["community"],
        "address": "多福巷3号",
        "location": builders.HOME,
        "status": "DIBAO",
    }

    signed = (await data(api, HOUSEHOLD, headers=admin, input=household))["householdCreate"]
    anonymous = await refused_codes(api, HOUSEHOLD, input=household)

    assert signed["household"]["statusHistory"] == [{"recordedBy": "user:admin.zhang"}]
    assert anonymous == ["UNAUTHENTICATED"]  # nobody unnamed changes anything


async def test_production_refuses_to_start_with_the_development_key(db_url: str) -> None:
    with pytest.raises(UnsafeSettingsError, match="BANGFU_SECRET_KEY"):
        create_app(settings_for(db_url, environment="production"))
    with pytest.raises(UnsafeSettingsError):
        create_app(settings_for(db_url, environment="production", secret_key=SecretStr("short")))

    production = {"environment": "production", "secret_key": SecretStr("k" * 48)}
    app = create_app(settings_for(db_url, **production, **PRODUCTION_KEYS))
    await app.state.engine.dispose()
    assert settings_for(db_url).secret_key.get_secret_value() == DEFAULT_SECRET_KEY


async def test_tokens_signed_with_another_key_are_not_accepted(
    api: Api, app: Starlette, db_url: str
) -> None:
    await add_user(app)
    signed_in = await login(api)
    other = create_app(settings_for(db_url, secret_key=SecretStr("another key " * 4)))
    transport = httpx.ASGITransport(app=other)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://bangfu.test") as client:
            assert await me(Api(client), bearer(signed_in["accessToken"])) is None
            assert (await me(api, bearer(signed_in["accessToken"]))) is not None
    finally:
        await other.state.engine.dispose()


def run_cli(argv: list[str], stdin: str) -> int:
    saved = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        return cli.main(argv)
    finally:
        sys.stdin = saved


async def test_the_first_administrator_is_made_on_the_command_line(
    api: Api, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BANGFU_DATABASE_URL", db_url)
    argv = ["users", "create", "--username", "Admin.Wang", "--role", "district_admin"]

    made = await asyncio.to_thread(run_cli, [*argv, "--password-stdin"], f"{PASSWORD}\n")
    again = await asyncio.to_thread(run_cli, [*argv, "--password-stdin"], f"{PASSWORD}\n")

    assert (made, again) == (0, 1)
    out, err = capsys.readouterr()
    assert '"username": "admin.wang"' in out
    assert '"role": "district_admin"' in out
    assert "refused: username: this username is taken." in err
    assert PASSWORD not in out + err
    signed_in = await login(api, "admin.wang")
    assert signed_in["errors"] == []
    assert signed_in["user"]["role"] == "DISTRICT_ADMIN"


async def test_a_retiring_secret_key_keeps_sign_ins_and_keys_until_it_is_removed(
    db_url: str,
) -> None:
    old, new = "the old secret key, retired this week", "the new secret key, in force from now"
    before = create_app(settings_for(db_url, secret_key=old))
    person = await sign_in(before, Role.AUDITOR)
    robot = await sign_in(before, Role.SERVICE)
    (hashed_under_old,) = [k.secret_hash for k in await rows(before, ApiKey)]
    await before.state.engine.dispose()

    async def who(app: Starlette, headers: dict[str, str]) -> str | None:
        async with client_for(app, headers) as client:
            account = (await client.data("{ me { username } }"))["me"]
        return None if account is None else str(account["username"])

    rotating = create_app(settings_for(db_url, secret_key=new, previous_secret_keys=[old]))
    assert await who(rotating, person) == "test.auditor"
    assert await who(rotating, robot) == "test.service"
    (renewed,) = [k.secret_hash for k in await rows(rotating, ApiKey)]
    assert renewed != hashed_under_old  # now under the new key
    await rotating.state.engine.dispose()

    after = create_app(settings_for(db_url, secret_key=new))
    assert await who(after, person) is None  # signed with the removed key: sign in again
    assert await who(after, robot) == "test.service"  # the key was renewed while rotating
    await after.state.engine.dispose()
