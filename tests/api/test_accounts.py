"""Account management through the real app, on SQLite and PostgreSQL: an administrator
creates, moves, deactivates and resets accounts; everyone changes their own password; changing
who an account is ends its sign-ins at once."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette

from models.enums import Role
from tests.api import builders as b
from tests.api.conftest import Api, client_for
from tests.api.signin import sign_in

USER = "user { id username role active version street { name } station { name } }"
ERRORS = "errors { code field message }"
CREATE = (
    f"""mutation($input: UserCreateInput!) {{ userCreate(input: $input) {{ {USER} {ERRORS} }} }}"""
)
UPDATE = (
    f"""mutation($input: UserUpdateInput!) {{ userUpdate(input: $input) {{ {USER} {ERRORS} }} }}"""
)
RESET = f"""mutation($input: UserPasswordResetInput!) {{
  userPasswordReset(input: $input) {{ {USER} {ERRORS} }} }}"""
CHANGE = f"""mutation($input: PasswordChangeInput!) {{
  passwordChange(input: $input) {{ {USER} {ERRORS} }} }}"""
LOGIN = """mutation($input: LoginInput!) { login(input: $input) {
  accessToken errors { code } } }"""
HOUSEHOLDS = "{ households(first: 10) { nodes { id } } }"
PASSWORD = "a long enough password"


async def login(api: Api, username: str, password: str = PASSWORD) -> str | None:
    payload = (await api.data(LOGIN, input={"username": username, "password": password}))["login"]
    token: str | None = payload["accessToken"]
    return token


async def households(app: Starlette, token: str) -> dict[str, Any]:
    async with client_for(app, {"Authorization": f"Bearer {token}"}) as client:
        return await client.post(HOUSEHOLDS)


async def test_an_account_is_made_moved_and_ended_by_an_administrator(
    app: Starlette, api: Api, anonymous_api: Api
) -> None:
    ids = await b.geo(api)
    other_street = await b.street(api, ids["district"], "景山街道")
    mine = await b.household(api, ids["community"])
    created = await api.ok(
        "userCreate",
        CREATE,
        input={
            "username": "Street.Li",
            "displayName": "李街道",
            "role": "STREET_STAFF",
            "password": PASSWORD,
            "streetId": ids["street"],
        },
    )
    account = created["user"]
    assert (account["username"], account["role"]) == ("street.li", "STREET_STAFF")
    assert account["street"] == {"name": "东华门街道"}

    token = await login(anonymous_api, "street.li")
    assert token is not None
    seen = await households(app, token)
    assert [n["id"] for n in seen["data"]["households"]["nodes"]] == [mine]

    moved = await api.ok(
        "userUpdate", UPDATE, input={"id": account["id"], "streetId": other_street}
    )
    assert moved["user"]["street"] == {"name": "景山街道"}
    ended = await households(app, token)  # the old sign-in is over at once
    assert ended["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    token = await login(anonymous_api, "street.li")
    assert token is not None
    assert (await households(app, token))["data"]["households"]["nodes"] == []

    await api.ok("userUpdate", UPDATE, input={"id": account["id"], "active": False})
    assert await login(anonymous_api, "street.li") is None


async def test_account_input_mistakes_are_named(api: Api) -> None:
    ids = await b.geo(api)
    no_street = await api.mutate(
        "userCreate",
        CREATE,
        input={"username": "li", "displayName": "李", "role": "STREET_STAFF", "password": "x"},
    )
    assert {(e["code"], e["field"]) for e in no_street["errors"]} >= {
        ("REQUIRED", "streetId"),
        ("VALIDATION", "password"),
        ("VALIDATION", "username"),
    }
    robot = await api.ok(
        "userCreate",
        CREATE,
        input={"username": "robot", "displayName": "导入", "role": "SERVICE"},
    )
    person = await api.mutate(
        "userUpdate", UPDATE, input={"id": robot["user"]["id"], "role": "CIVIL_AFFAIRS"}
    )
    assert [(e["code"], e["field"]) for e in person["errors"]] == [("VALIDATION", "role")]
    misplaced = await api.mutate(
        "userUpdate",
        UPDATE,
        input={"id": robot["user"]["id"], "stationId": ids["station"]},
    )
    assert [(e["code"], e["field"]) for e in misplaced["errors"]] == [("VALIDATION", "stationId")]


async def test_passwords_are_reset_by_administrators_and_changed_by_their_owners(
    app: Starlette, api: Api, anonymous_api: Api
) -> None:
    created = await api.ok(
        "userCreate",
        CREATE,
        input={
            "username": "civil.wang",
            "displayName": "王",
            "role": "CIVIL_AFFAIRS",
            "password": PASSWORD,
        },
    )
    user_id = created["user"]["id"]
    await api.ok("userPasswordReset", RESET, input={"id": user_id, "newPassword": "reset by admin"})
    assert await login(anonymous_api, "civil.wang") is None
    token = await login(anonymous_api, "civil.wang", "reset by admin")
    assert token is not None

    async with client_for(app, {"Authorization": f"Bearer {token}"}) as own:
        wrong = await own.mutate(
            "passwordChange",
            CHANGE,
            input={"currentPassword": "not it at all", "newPassword": "my own choice"},
        )
        assert [(e["code"], e["field"]) for e in wrong["errors"]] == [
            ("UNAUTHENTICATED", "currentPassword")
        ]
        await own.ok(
            "passwordChange",
            CHANGE,
            input={"currentPassword": "reset by admin", "newPassword": "my own choice"},
        )
        after = await own.post(HOUSEHOLDS)
        assert after["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await login(anonymous_api, "civil.wang", "my own choice") is not None


async def test_only_district_administrators_manage_accounts(app: Starlette, api: Api) -> None:
    ids = await b.geo(api)
    staff = await sign_in(app, Role.STREET_STAFF, street_id=b.local_id(ids["street"]))
    async with client_for(app, staff) as client:
        body = await client.post(
            CREATE,
            input={"username": "x.y", "displayName": "x", "role": "AUDITOR", "password": PASSWORD},
        )
        listed = await client.post("{ users { nodes { id } } }")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert listed["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    everyone = await api.data("{ users { nodes { username } } }")
    assert [n["username"] for n in everyone["users"]["nodes"]] == [
        "test.district-admin",
        "test.street-staff." + str(b.local_id(ids["street"])),
    ]
