"""What rows a principal may see and change: an SQL condition per table, from its role's scope.

Every read of the API (lists, ``node``, nested fields through the loaders) adds
:meth:`Scope.read`; every id a mutation's input names must satisfy :meth:`Scope.write`. A row
outside them is "not found", exactly like a missing one. A table without a rule shows nothing.

The scopes, by role:

- district administrators, civil-affairs staff, auditors and service accounts: the whole
  district (auditors change nothing; services only what their operations allow);
- street staff: the households of their street's communities, their members and elders, the
  volunteers of their street's stations and those paired (or proposed, pinned) with their elders;
- station coordinators: the same for their station's community and their station's volunteers,
  but no children's files (members under 14);
- social workers: the households of their active case assignments;
- charity officers: funds, donations, the ledger, and the households that asked for or received
  a grant (no members' files);
- volunteers: their own profile, their pairs, and the elders of their pairs with their homes.

The map (district, streets, communities, stations) and the policy are visible to everyone;
only the roles that administer them may name them in a change.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from access.principal import Principal
from access.sensitivity import CHILD_AGE, SEES_CHILDREN
from assessment.categories import born_by
from models.access_log import AccessLogEntry
from models.allocation_run import AllocationOutcome, AllocationProposal, AllocationRun
from models.assessment import HouseholdAssessment
from models.base import Table
from models.case import CaseAssignment
from models.elder import Elder, ElderCareNeed, ElderLanguage, ElderVisitSlot
from models.enums import Role, RunScope
from models.fund import CharityFund, FundBudget
from models.geo import Community, District, Street
from models.grant import AssistanceRequest, Donation, Grant, LedgerEntry
from models.household import Household, HouseholdStatusChange, Person
from models.lifecycle import (
    AssistanceApplication,
    BenefitChange,
    HouseholdReview,
    VerificationCheck,
)
from models.matching_run import MatchingRun, PairProposal, PairRule, SplitShare, UnpairedElder
from models.pair import Pair
from models.policy import PolicyParameter
from models.schedule import ScheduleSlot
from models.service_record import ServiceRecord
from models.station import Station
from models.statistics import WeeklyStatistics
from models.user import ApiKey, RefreshToken, User
from models.volunteer import (
    Volunteer,
    VolunteerAvailability,
    VolunteerLanguage,
    VolunteerSkill,
    VolunteerStation,
)

Condition = sa.ColumnElement[bool]
Ids = sa.Select[Any] | sa.CompoundSelect[Any]
"""A subquery of row ids (one column)."""

DISTRICT_READ = frozenset({Role.DISTRICT_ADMIN, Role.CIVIL_AFFAIRS, Role.AUDITOR, Role.SERVICE})
DISTRICT_WRITE = frozenset({Role.DISTRICT_ADMIN, Role.CIVIL_AFFAIRS, Role.SERVICE})
READ_ONLY = frozenset({Role.AUDITOR})
FUNDS_READ = DISTRICT_READ | {Role.CHARITY_OFFICER}
GEOGRAPHIC = frozenset({Role.STREET_STAFF, Role.STATION_COORDINATOR})
CASE_ASSIGNERS = frozenset({Role.CIVIL_AFFAIRS, Role.STREET_STAFF})

Rule = Callable[["Scope"], Condition | None]
"""A table's condition for a scope; None for "every row"."""


def _none() -> sa.Select[Any]:
    return sa.select(sa.literal(0)).where(sa.false())


class Scope:
    """The rows one principal may read and change."""

    def __init__(self, principal: Principal) -> None:
        self.principal = principal
        self.role = principal.role

    # -- the conditions ----------------------------------------------------------------------

    def read(self, model: type[Table]) -> list[Condition]:
        """Conditions to add to any query of ``model`` (empty: every row)."""
        if self.role is None:
            return [sa.false()]
        rule = READ_RULES.get(model)
        return [sa.false()] if rule is None else _conditions(rule(self))

    def write(self, model: type[Table]) -> list[Condition]:
        """Conditions a row of ``model`` must meet to be named in a change."""
        if self.role is None or self.role in READ_ONLY:
            return [sa.false()]
        rule = WRITE_RULES.get(model) or READ_RULES.get(model)
        return [sa.false()] if rule is None else _conditions(rule(self))

    @property
    def street_ids(self) -> frozenset[int] | None:
        """The streets of district figures this principal may see (None: all)."""
        if self.role in DISTRICT_READ:
            return None
        if self.role is Role.STREET_STAFF and self.principal.street_id is not None:
            return frozenset({self.principal.street_id})
        return frozenset()

    def streets_within(self, requested: Sequence[int] | None) -> list[int] | None:
        """The streets a figure may cover: those requested (None: all) that are in scope; a
        street out of scope counts as one that does not exist (it adds nothing)."""
        allowed = self.street_ids
        if allowed is None:
            return None if requested is None else list(requested)
        if requested is None:
            return sorted(allowed)
        return [s for s in requested if s in allowed]

    # -- the sets of ids a scope covers -------------------------------------------------------

    def communities(self) -> Ids | None:
        """Communities whose households this scope covers (None: all)."""
        p = self.principal
        if self.role in DISTRICT_READ:
            return None
        if self.role is Role.STREET_STAFF:
            return sa.select(col(Community.id)).where(col(Community.street_id) == p.street_id)
        if self.role is Role.STATION_COORDINATOR:
            return sa.select(col(Station.community_id)).where(
                col(Station.id) == p.station_id, col(Station.community_id).is_not(None)
            )
        return _none()

    def households(self) -> Ids | None:
        p = self.principal
        if self.role in DISTRICT_READ:
            return None
        if self.role in GEOGRAPHIC:
            return sa.select(col(Household.id)).where(
                col(Household.community_id).in_(_require(self.communities()))
            )
        if self.role is Role.SOCIAL_WORKER:
            return sa.select(col(CaseAssignment.household_id)).where(
                col(CaseAssignment.user_id) == p.user_id, col(CaseAssignment.ended_on).is_(None)
            )
        if self.role is Role.CHARITY_OFFICER:
            return sa.union(
                sa.select(col(AssistanceRequest.household_id)), sa.select(col(Grant.household_id))
            )
        if self.role is Role.VOLUNTEER:
            return (
                sa.select(col(Person.household_id))
                .join(Elder, col(Elder.person_id) == col(Person.id))
                .join(Pair, col(Pair.elder_id) == col(Elder.id))
                .where(col(Pair.volunteer_id) == p.volunteer_id)
            )
        return _none()

    def persons(self) -> Ids | None:
        if self.role in DISTRICT_READ:
            return None
        if self.role is Role.VOLUNTEER:
            return sa.select(col(Elder.person_id)).where(col(Elder.id).in_(self._own_elders()))
        if self.role is Role.CHARITY_OFFICER:
            return _none()  # household-level need only, no members' files
        persons = sa.select(col(Person.id)).where(
            col(Person.household_id).in_(_require(self.households()))
        )
        if self.role not in SEES_CHILDREN:  # coordinators: the adults of their community
            persons = persons.where(col(Person.birth_date) <= born_by(date.today(), CHILD_AGE))
        return persons

    def elders(self) -> Ids | None:
        if self.role in DISTRICT_READ:
            return None
        if self.role is Role.VOLUNTEER:
            return self._own_elders()
        return sa.select(col(Elder.id)).where(col(Elder.person_id).in_(_require(self.persons())))

    def _own_elders(self) -> sa.Select[Any]:
        return sa.select(col(Pair.elder_id)).where(
            col(Pair.volunteer_id) == self.principal.volunteer_id
        )

    def station_volunteers(self) -> Ids | None:
        """Volunteers of the stations this scope administers (None: all)."""
        p = self.principal
        if self.role in DISTRICT_WRITE:
            return None
        if self.role is Role.STREET_STAFF:
            return (
                sa.select(col(VolunteerStation.volunteer_id))
                .join(Station, col(Station.id) == col(VolunteerStation.station_id))
                .where(col(Station.street_id) == p.street_id)
            )
        if self.role is Role.STATION_COORDINATOR:
            return sa.select(col(VolunteerStation.volunteer_id)).where(
                col(VolunteerStation.station_id) == p.station_id
            )
        return _none()

    def volunteers(self) -> Condition | None:
        if self.role in DISTRICT_READ:
            return None
        if self.role is Role.VOLUNTEER:
            return col(Volunteer.id) == self.principal.volunteer_id
        if self.role is Role.CHARITY_OFFICER:
            return sa.false()
        elders = _require(self.elders())
        linked = sa.union(
            sa.select(col(Pair.volunteer_id)).where(col(Pair.elder_id).in_(elders)),
            sa.select(col(PairProposal.volunteer_id)).where(col(PairProposal.elder_id).in_(elders)),
            sa.select(col(PairRule.volunteer_id)).where(col(PairRule.elder_id).in_(elders)),
        )
        return sa.or_(
            col(Volunteer.id).in_(_require(self.station_volunteers())),
            col(Volunteer.id).in_(linked),
        )


def _conditions(condition: Condition | None) -> list[Condition]:
    return [] if condition is None else [condition]


def _require(ids: Ids | None) -> Ids:
    """For roles whose scope is never "all" (the callers exclude district-wide roles)."""
    return _none() if ids is None else ids


def _in(column: Any, ids: Ids | None) -> Condition | None:
    return None if ids is None else col(column).in_(ids)


def _everyone(_scope: Scope) -> None:
    return None


def _roles(roles: frozenset[Role], rule: Rule = _everyone) -> Rule:
    """``rule`` for ``roles``; nothing for any other role."""

    def restricted(scope: Scope) -> Condition | None:
        return rule(scope) if scope.role in roles else sa.false()

    return restricted


def _of_households(column: Any, roles: frozenset[Role] | None = None) -> Rule:
    def rule(scope: Scope) -> Condition | None:
        return _in(column, scope.households())

    return rule if roles is None else _roles(roles, rule)


def _of_elders(column: Any) -> Rule:
    def rule(scope: Scope) -> Condition | None:
        return _in(column, scope.elders())

    return rule


CASE_FILES = frozenset(Role) - {Role.CHARITY_OFFICER, Role.VOLUNTEER}
"""Who reads a household's status history, applications, reviews and benefits."""
NOT_VOLUNTEER = frozenset(Role) - {Role.VOLUNTEER}


def _requests(scope: Scope) -> Ids | None:
    households = scope.households()
    if households is None:
        return None
    return sa.select(col(AssistanceRequest.id)).where(
        col(AssistanceRequest.household_id).in_(households)
    )


def _applications(scope: Scope) -> Ids | None:
    households = scope.households()
    if households is None:
        return None
    return sa.select(col(AssistanceApplication.id)).where(
        col(AssistanceApplication.household_id).in_(households)
    )


def _pairs(scope: Scope) -> Condition | None:
    if scope.role is Role.VOLUNTEER:
        return col(Pair.volunteer_id) == scope.principal.volunteer_id
    return _in(Pair.elder_id, scope.elders())


def _pair_records(scope: Scope) -> Condition | None:
    pairs = _pairs(scope)
    if pairs is None:
        return None
    return col(ServiceRecord.pair_id).in_(sa.select(col(Pair.id)).where(pairs))


def _statistics(scope: Scope) -> Condition | None:
    streets = scope.street_ids
    return None if streets is None else col(WeeklyStatistics.street_id).in_(streets)


def _cases(scope: Scope) -> Condition | None:
    if scope.role is Role.SOCIAL_WORKER:
        return col(CaseAssignment.user_id) == scope.principal.user_id
    return _in(CaseAssignment.household_id, scope.households())


def _accounts(scope: Scope) -> Condition | None:
    """Administrators and auditors see every account; those who assign cases also see the
    social workers'; everyone sees their own."""
    if scope.role in (Role.DISTRICT_ADMIN, Role.AUDITOR):
        return None
    own = col(User.id) == scope.principal.user_id
    if scope.role in CASE_ASSIGNERS:
        return sa.or_(own, col(User.role) == Role.SOCIAL_WORKER)
    return own


READ_RULES: dict[type[Table], Rule] = {
    # the map, the policy, and the parts of rows whose parent decides
    **dict.fromkeys((District, Street, Community, Station, PolicyParameter), _everyone),
    **dict.fromkeys(
        (
            VolunteerStation,
            VolunteerSkill,
            VolunteerLanguage,
            VolunteerAvailability,
            ElderLanguage,
            ElderCareNeed,
            ElderVisitSlot,
        ),
        _everyone,
    ),
    **dict.fromkeys((CharityFund, FundBudget, MatchingRun, AllocationRun), _roles(NOT_VOLUNTEER)),
    **dict.fromkeys((Donation, LedgerEntry), _roles(FUNDS_READ)),
    **dict.fromkeys((ScheduleSlot, SplitShare), _roles(DISTRICT_READ)),
    # people
    Household: lambda scope: _in(Household.id, scope.households()),
    Person: lambda scope: _in(Person.id, scope.persons()),
    Elder: lambda scope: _in(Elder.id, scope.elders()),
    Volunteer: Scope.volunteers,
    Pair: _pairs,
    ServiceRecord: lambda scope: _pair_records(scope),
    **{
        model: _roles(CASE_FILES, _of_elders(model.elder_id))
        for model in (PairProposal, UnpairedElder, PairRule)
    },
    # a household's files
    HouseholdAssessment: _of_households(HouseholdAssessment.household_id, NOT_VOLUNTEER),
    **{
        model: _of_households(model.household_id, CASE_FILES)
        for model in (HouseholdStatusChange, AssistanceApplication, HouseholdReview, BenefitChange)
    },
    VerificationCheck: _roles(
        CASE_FILES, lambda scope: _in(VerificationCheck.application_id, _applications(scope))
    ),
    AssistanceRequest: _of_households(AssistanceRequest.household_id, NOT_VOLUNTEER),
    Grant: _of_households(Grant.household_id, NOT_VOLUNTEER),
    AllocationProposal: _of_households(AllocationProposal.household_id, NOT_VOLUNTEER),
    AllocationOutcome: _roles(
        NOT_VOLUNTEER, lambda scope: _in(AllocationOutcome.request_id, _requests(scope))
    ),
    CaseAssignment: _roles(DISTRICT_READ | GEOGRAPHIC | {Role.SOCIAL_WORKER}, _cases),
    WeeklyStatistics: _statistics,
    # accounts and the access log
    User: _accounts,
    AccessLogEntry: _roles(frozenset({Role.DISTRICT_ADMIN, Role.AUDITOR})),
    ApiKey: _roles(frozenset({Role.DISTRICT_ADMIN})),
    RefreshToken: lambda _scope: sa.false(),
}


def _write_communities(scope: Scope) -> Condition | None:
    if scope.role in DISTRICT_WRITE:
        return None
    if scope.role is Role.SOCIAL_WORKER:  # the communities of their cases (an elder's profile)
        return col(Community.id).in_(
            sa.select(col(Household.community_id)).where(
                col(Household.id).in_(_require(scope.households()))
            )
        )
    return col(Community.id).in_(_require(scope.communities()))


def _write_streets(scope: Scope) -> Condition | None:
    if scope.role in DISTRICT_WRITE or scope.role is Role.CHARITY_OFFICER:
        return None  # charity officers allocate over any streets
    if scope.role is Role.STREET_STAFF:
        return col(Street.id) == scope.principal.street_id
    return sa.false()


def _write_stations(scope: Scope) -> Condition | None:
    if scope.role in DISTRICT_WRITE:
        return None
    if scope.role is Role.STREET_STAFF:
        return col(Station.street_id) == scope.principal.street_id
    if scope.role is Role.STATION_COORDINATOR:
        return col(Station.id) == scope.principal.station_id
    return sa.false()


WRITE_RULES: dict[type[Table], Rule] = {
    District: _roles(DISTRICT_WRITE),
    Street: _write_streets,
    Community: _write_communities,
    Station: _write_stations,
    Volunteer: lambda scope: _in(Volunteer.id, scope.station_volunteers()),
}
"""Where naming a row in a change needs more than seeing it; elsewhere reading is enough
(the operation's roles decide who may change anything at all)."""


async def run_within(session: AsyncSession, scope: Scope, run: MatchingRun) -> bool:
    """Whether a matching run covers only this scope's own area (to cancel it): street staff
    their street (or communities in it), coordinators their station's community."""
    if scope.role in DISTRICT_WRITE:
        return True
    ids = set(run.scope_ids)
    if scope.role is Role.STREET_STAFF and run.scope is RunScope.STREETS:
        return ids <= {scope.principal.street_id}
    if scope.role not in GEOGRAPHIC or run.scope is not RunScope.COMMUNITIES:
        return False
    own = set((await session.execute(_require(scope.communities()))).scalars())
    return ids <= own


ROW_CHECKS: dict[type[Table], Callable[[AsyncSession, Scope, Any], Awaitable[bool]]] = {
    MatchingRun: run_within,
}
"""Changes whose scope a condition on the row cannot say (a run's area is a JSON list)."""
