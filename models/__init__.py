"""SQLModel tables and the small query/command functions on them.

Importing this package registers every table on ``SQLModel.metadata`` (Alembic needs that).
"""

from models import audit  # noqa: F401  (registers the change log on every session)
from models.access_log import AccessLogEntry
from models.allocation_run import AllocationOutcome, AllocationProposal, AllocationRun
from models.assessment import HouseholdAssessment
from models.case import CaseAssignment
from models.elder import Elder, ElderCareNeed, ElderLanguage, ElderVisitSlot
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
from models.matching_run import (
    MatchingRun,
    PairProposal,
    PairRule,
    SplitShare,
    UnpairedElder,
)
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

__all__ = [
    "AccessLogEntry",
    "AllocationOutcome",
    "AllocationProposal",
    "AllocationRun",
    "ApiKey",
    "AssistanceApplication",
    "AssistanceRequest",
    "BenefitChange",
    "CaseAssignment",
    "CharityFund",
    "Community",
    "District",
    "Donation",
    "Elder",
    "ElderCareNeed",
    "ElderLanguage",
    "ElderVisitSlot",
    "FundBudget",
    "Grant",
    "Household",
    "HouseholdAssessment",
    "HouseholdReview",
    "HouseholdStatusChange",
    "LedgerEntry",
    "MatchingRun",
    "Pair",
    "PairProposal",
    "PairRule",
    "Person",
    "PolicyParameter",
    "RefreshToken",
    "ScheduleSlot",
    "ServiceRecord",
    "SplitShare",
    "Station",
    "Street",
    "UnpairedElder",
    "User",
    "VerificationCheck",
    "Volunteer",
    "VolunteerAvailability",
    "VolunteerLanguage",
    "VolunteerSkill",
    "VolunteerStation",
    "WeeklyStatistics",
]
