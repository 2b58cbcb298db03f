"""Which roles see which kinds of sensitive fields, and who may reveal a full identifier.

Rows are scoped first (``access.scope``); within a row a role may see, these kinds of fields
show only to the roles that need them (null for the others). Identifiers (ID-card and phone
numbers) show masked to whoever sees the row; a full value only through a reveal, with a
stated purpose, logged.
"""

from __future__ import annotations

import enum

from models.enums import Role


class Sensitivity(enum.StrEnum):
    IDENTIFIER = "identifier"
    """ID-card and phone numbers: masked for every reader."""
    HEALTH = "health"
    """Illness, disability, mental health."""
    INCOME = "income"
    """Income, consumption, benefits."""


_CASEWORK = frozenset(
    {
        Role.DISTRICT_ADMIN,
        Role.CIVIL_AFFAIRS,
        Role.STREET_STAFF,
        Role.STATION_COORDINATOR,
        Role.SOCIAL_WORKER,
    }
)

SEES: dict[Sensitivity, frozenset[Role]] = {
    Sensitivity.IDENTIFIER: frozenset(Role),
    Sensitivity.HEALTH: _CASEWORK | {Role.AUDITOR},
    Sensitivity.INCOME: _CASEWORK - {Role.STATION_COORDINATOR}
    | {Role.CHARITY_OFFICER, Role.AUDITOR},
}

REVEALERS = _CASEWORK
"""Who may reveal a full identifier (of a record in the scope they may change)."""

CHILD_AGE = 14
"""Persons younger than this are children: their files are for the roles of
:data:`SEES_CHILDREN` only (PIPL treats all their data as sensitive)."""
SEES_CHILDREN = _CASEWORK - {Role.STATION_COORDINATOR} | {Role.AUDITOR}


def sees(role: Role | None, sensitivity: Sensitivity) -> bool:
    return role is not None and role in SEES[sensitivity]
