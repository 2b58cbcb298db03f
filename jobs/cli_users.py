"""``bangfu users create``: make an account from the command line (the first district
administrator, or a service account). The password is asked for twice without echo, or read
from one line of standard input with ``--password-stdin`` (for scripts)."""

from __future__ import annotations

import getpass
import sys
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from jobs.cli_command import run_cli_command
from models.commands.users import NewUser, create_user
from models.enums import Role
from models.errors import DomainError, ErrorCode
from models.geo import Street
from settings import Settings


@dataclass(frozen=True)
class UserOptions:
    username: str
    role: str
    display_name: str | None = None
    street: str | None = None
    """A street's name, or its id."""
    station_id: int | None = None
    volunteer_id: int | None = None
    password_stdin: bool = False


def read_password(*, from_stdin: bool) -> str | None:
    """The new password, or None when the two entries differ."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    second = getpass.getpass("Password (again): ")
    return first if first == second else None


async def _street_id(session: AsyncSession, street: str) -> int:
    if street.isdigit():
        return int(street)
    found = (
        await session.execute(sa.select(col(Street.id)).where(col(Street.name) == street.strip()))
    ).scalar_one_or_none()
    if found is None:
        raise DomainError.one(
            ErrorCode.NOT_FOUND, f"street: no street is named {street!r}.", "street"
        )
    return found


async def create_user_from_cli(settings: Settings, options: UserOptions) -> int:
    """Create the account; its fields as JSON on stdout, or what to fix on stderr."""
    try:
        role = Role(options.role)
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        print(f"refused: --role must be one of {roles}.", file=sys.stderr)
        return 1
    password = None
    if role is not Role.SERVICE:
        password = read_password(from_stdin=options.password_stdin)
        if password is None:
            print("refused: the two passwords differ; nothing was created.", file=sys.stderr)
            return 1

    async def action(session: AsyncSession) -> dict[str, Any]:
        street_id = None if options.street is None else await _street_id(session, options.street)
        user = await create_user(
            session,
            NewUser(
                username=options.username,
                display_name=options.display_name or options.username,
                role=role,
                password=password,
                street_id=street_id,
                station_id=options.station_id,
                volunteer_id=options.volunteer_id,
            ),
        )
        return {
            "id": user.id,
            "username": user.username,
            "display_name": user.display_name,
            "role": user.role.value,
            "street_id": user.street_id,
            "station_id": user.station_id,
            "volunteer_id": user.volunteer_id,
        }

    return await run_cli_command(settings, action)
