"""Signing a test client in as any role, through the same commands the API uses.

People get a sign-in (refresh-token family) and an access token for it; service accounts get
an API key. The credentials are real: the app checks them exactly as in production.
"""

from __future__ import annotations

from datetime import timedelta

from argon2 import PasswordHasher
from starlette.applications import Starlette

from access.passwords import Passwords
from access.tokens import issue_access_token
from models.commands.api_keys import create_api_key
from models.commands.sessions import start_session
from models.commands.users import NewUser, create_user
from models.db import SessionFactory, transaction
from models.enums import Role

PASSWORD = "correct horse battery"
CHEAP = Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
"""Test accounts are hashed with cheap parameters (login upgrades them)."""


def account_name(role: Role, *scope: int) -> str:
    """The username :func:`sign_in` gives an account: ``test.street-staff.3``."""
    return ".".join(["test", role.value.replace("_", "-"), *map(str, scope)])


ADMIN_ACTOR = f"user:{account_name(Role.DISTRICT_ADMIN)}"
"""What history rows record for the ``api`` fixture's changes."""


async def sign_in(
    app: Starlette,
    role: Role = Role.DISTRICT_ADMIN,
    username: str | None = None,
    **scope: int,
) -> dict[str, str]:
    """Create an account of ``role`` (with its scope ids) and return its request headers."""
    factory: SessionFactory = app.state.session_factory
    secret = app.state.settings.secret_key.get_secret_value()
    name = username or account_name(role, *scope.values())
    service = role is Role.SERVICE
    async with transaction(factory) as session:
        user = await create_user(
            session,
            NewUser(
                username=name,
                display_name=name[:64],
                role=role,
                password=None if service else PASSWORD,
                **scope,
            ),
            passwords=CHEAP,
        )
        assert user.id is not None
        if service:
            created = await create_api_key(session, user_id=user.id, name="tests", secret=secret)
            return {"X-Api-Key": created.key}
        issued = await start_session(session, user.id, lifetime=timedelta(days=1))
    token, _ = issue_access_token(
        secret=secret,
        user_id=user.id,
        role=role.value,
        token_version=user.token_version,
        session_id=issued.family_id,
        lifetime=timedelta(hours=1),
    )
    return {"Authorization": f"Bearer {token}"}
