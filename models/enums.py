"""Closed vocabularies of the domain, shared by tables, GraphQL and the optimisers' loaders."""

from __future__ import annotations

import enum


class Gender(enum.StrEnum):
    FEMALE = "female"
    MALE = "male"


class StationKind(enum.StrEnum):
    """Volunteer station kinds; Dongcheng has 182, 47, 4 and 20 of them."""

    COMMUNITY = "community"
    BUSINESS_BUILDING = "business_building"
    SOCIAL_WORK_AGENCY = "social_work_agency"
    ENTERPRISE = "enterprise"


class Skill(enum.StrEnum):
    MEDICAL = "medical"
    PSYCHOLOGICAL_COUNSELLING = "psychological_counselling"
    TUTORING = "tutoring"
    HOUSEWORK = "housework"
    LEGAL = "legal"
    IT = "it"
    ERRANDS = "errands"
    COMPANIONSHIP = "companionship"


class DayPart(enum.StrEnum):
    """Part of a day for weekly availability and wanted visit slots."""

    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"


class AssistanceStatus(enum.StrEnum):
    """A household's assistance status (Beijing policy 484 and the edge group)."""

    DIBAO = "dibao"
    LOW_INCOME = "low_income"
    SPECIAL_HARDSHIP = "special_hardship"
    EDGE = "edge"
    NONE = "none"


class StatusChangeKind(enum.StrEnum):
    """How a status change reads in a household's history."""

    ENTERED = "entered"
    EXITED = "exited"
    RE_ENTERED = "re_entered"
    CHANGED = "changed"


class Relation(enum.StrEnum):
    """A member's relation to the household's head."""

    HEAD = "head"
    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    GRANDCHILD = "grandchild"
    GRANDPARENT = "grandparent"
    SIBLING = "sibling"
    OTHER = "other"


class IdentityCategory(enum.StrEnum):
    """Identity categories of dibao members (policy 484 has 12; the seed names 9 of them).

    The coefficients that go with them are dated policy parameters (assessment issue), not here.
    """

    SERIOUS_ILLNESS = "serious_illness"
    SEVERE_DISABILITY = "severe_disability"
    MODERATE_DISABILITY = "moderate_disability"
    TRADITIONAL_RELIEF = "traditional_relief"
    STUDENT = "student"
    MINOR = "minor"
    WOMAN_50_PLUS = "woman_50_plus"
    MAN_60_PLUS = "man_60_plus"
    RETIREE = "retiree"
    LOST_LABOUR_CAPACITY = "lost_labour_capacity"
    HAS_LABOUR_CAPACITY = "has_labour_capacity"
    OTHER = "other"


class LabourCapacity(enum.StrEnum):
    FULL = "full"
    PARTIAL = "partial"
    NONE = "none"


class CareNeed(enum.StrEnum):
    """What an elder wants from a one-to-one volunteer."""

    VISITS = "visits"
    CALLS = "calls"
    ERRANDS = "errands"
    MEDICAL_ACCOMPANIMENT = "medical_accompaniment"
    PSYCHOLOGICAL_SUPPORT = "psychological_support"


class PairStatus(enum.StrEnum):
    PROPOSED = "proposed"
    ACTIVE = "active"
    ENDED = "ended"


class PairRuleKind(enum.StrEnum):
    """A coordinator's standing instruction for every later matching run."""

    PIN = "pin"
    """Always pair these two (if the rules allow it)."""
    FORBID = "forbid"
    """Never pair these two."""


class RunStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class RunScope(enum.StrEnum):
    DISTRICT = "district"
    STREETS = "streets"
    COMMUNITIES = "communities"


class Project(enum.StrEnum):
    """A volunteer project a matching run pairs for."""

    ONE_TO_ONE_80_PLUS = "one_to_one_80_plus"
    """一帮一与80岁老人结对: one volunteer with one elder aged 80+."""


class ProposalStatus(enum.StrEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"


class HouseholdTag(enum.StrEnum):
    """What a restricted fund may pay for: facts about a household, derived from its rows."""

    DIBAO = "dibao"
    """On minimum-living support (低保)."""
    SPECIAL_HARDSHIP = "special_hardship"
    """On special-hardship support (特困)."""
    LOW_INCOME = "low_income"
    EDGE = "edge"
    """Just above the line (低保边缘)."""
    SERIOUS_ILLNESS = "serious_illness"
    """A member with a serious illness."""
    DISABILITY = "disability"
    """A member with a certified disability."""
    SCHOOL_AGE_CHILD = "school_age_child"
    """A member aged 6 to 17, or a student."""
    ELDER_80 = "elder_80"
    """A member aged 80 or more."""


class RequestStatus(enum.StrEnum):
    """Where a household's request for money stands."""

    SUBMITTED = "submitted"
    IN_ALLOCATION = "in_allocation"
    """An allocation run has proposed grants for it; a decision is pending."""
    AWARDED = "awarded"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class GrantStatus(enum.StrEnum):
    AWARDED = "awarded"
    """Committed against the fund's budget; not paid yet."""
    PAID = "paid"
    CANCELLED = "cancelled"
    """Withdrawn before payment; the money went back to the fund."""


class LedgerKind(enum.StrEnum):
    """One movement of a fund's money (amounts are always positive; the kind gives the sign)."""

    BUDGET = "budget"
    """The yearly budget was set or raised."""
    BUDGET_CUT = "budget_cut"
    """The yearly budget was lowered (never below what is awarded)."""
    DONATION = "donation"
    """A restricted donation came in; it raises the year's budget."""
    AWARD = "award"
    PAYMENT = "payment"
    CANCELLATION = "cancellation"
    """An awarded, unpaid grant was cancelled."""


class IncomeStability(enum.StrEnum):
    """Whether a household's income is known and steady (sets its review interval)."""

    STABLE = "stable"
    IRREGULAR = "irregular"


class HelpKind(enum.StrEnum):
    """Kinds of help a household's need score ranks (urgency 1..100 each)."""

    CASH = "cash"
    MEDICAL = "medical"
    EDUCATION = "education"
    DAILY_LIFE_CARE = "daily_life_care"
    COUNSELLING = "counselling"
    SKILLS_TRAINING = "skills_training"


class ApplicationState(enum.StrEnum):
    """Where an application for assistance stands."""

    VERIFYING = "verifying"
    """Open: the economic-status checks are being collected."""
    ADMITTED = "admitted"
    """Every check passed and the household was enrolled."""
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class VerificationUnit(enum.StrEnum):
    """The 9 government units of Beijing's economic-status verification system (核对).

    The district's reply names business registration, tax, vehicles, housing and the housing
    provident fund; the other units are the usual members of such systems (assumed).
    """

    MARKET_REGULATION = "market_regulation"
    TAX = "tax"
    PUBLIC_SECURITY = "public_security"
    HOUSING = "housing"
    HOUSING_PROVIDENT_FUND = "housing_provident_fund"
    HUMAN_RESOURCES_SOCIAL_SECURITY = "human_resources_social_security"
    CIVIL_AFFAIRS = "civil_affairs"
    BANKING = "banking"
    SECURITIES = "securities"


class VerificationItem(enum.StrEnum):
    """The 11 data items checked before admission; each comes from one unit (``UNIT_OF``)."""

    BUSINESS_REGISTRATION = "business_registration"
    TAX_PAYMENTS = "tax_payments"
    VEHICLES = "vehicles"
    HOUSEHOLD_REGISTRATION = "household_registration"
    REAL_ESTATE = "real_estate"
    PROVIDENT_FUND = "provident_fund"
    PENSION_INSURANCE = "pension_insurance"
    UNEMPLOYMENT_INSURANCE = "unemployment_insurance"
    MARRIAGE_REGISTRATION = "marriage_registration"
    BANK_DEPOSITS = "bank_deposits"
    SECURITIES_HOLDINGS = "securities_holdings"


UNIT_OF: dict[VerificationItem, VerificationUnit] = {
    VerificationItem.BUSINESS_REGISTRATION: VerificationUnit.MARKET_REGULATION,
    VerificationItem.TAX_PAYMENTS: VerificationUnit.TAX,
    VerificationItem.VEHICLES: VerificationUnit.PUBLIC_SECURITY,
    VerificationItem.HOUSEHOLD_REGISTRATION: VerificationUnit.PUBLIC_SECURITY,
    VerificationItem.REAL_ESTATE: VerificationUnit.HOUSING,
    VerificationItem.PROVIDENT_FUND: VerificationUnit.HOUSING_PROVIDENT_FUND,
    VerificationItem.PENSION_INSURANCE: VerificationUnit.HUMAN_RESOURCES_SOCIAL_SECURITY,
    VerificationItem.UNEMPLOYMENT_INSURANCE: VerificationUnit.HUMAN_RESOURCES_SOCIAL_SECURITY,
    VerificationItem.MARRIAGE_REGISTRATION: VerificationUnit.CIVIL_AFFAIRS,
    VerificationItem.BANK_DEPOSITS: VerificationUnit.BANKING,
    VerificationItem.SECURITIES_HOLDINGS: VerificationUnit.SECURITIES,
}
assert set(UNIT_OF) == set(VerificationItem)
assert set(UNIT_OF.values()) == set(VerificationUnit)


class CheckResult(enum.StrEnum):
    PENDING = "pending"
    PASSED = "passed"
    FAILED = "failed"


class ReviewOutcome(enum.StrEnum):
    """What a periodic review (复审) found."""

    CONTINUED = "continued"
    """Still eligible; the benefit was recomputed from today's members and policy."""
    EXITED = "exited"
    """No longer eligible; the household left assistance."""


class Role(enum.StrEnum):
    """What a user account is for; the scoped roles carry their scope (street, station, self)."""

    DISTRICT_ADMIN = "district_admin"
    """The district's administrator: everything, including accounts."""
    CIVIL_AFFAIRS = "civil_affairs"
    """Civil-affairs staff of the district (民政): the whole district."""
    STREET_STAFF = "street_staff"
    """Staff of one street (街道): that street; the account names it."""
    STATION_COORDINATOR = "station_coordinator"
    """Coordinator of one volunteer station: the station and its community."""
    SOCIAL_WORKER = "social_worker"
    """A social worker: the cases assigned to them."""
    CHARITY_OFFICER = "charity_officer"
    """An officer of the charity association: funds, requests and grants."""
    AUDITOR = "auditor"
    """Reads everything, changes nothing; reads the access log."""
    VOLUNTEER = "volunteer"
    """A volunteer: their own profile, pairs and service records; the account names them."""
    SERVICE = "service"
    """A machine account (scheduled jobs, integrations): signs in with API keys only."""


class AccessKind(enum.StrEnum):
    """What an access-log row records."""

    READ = "read"
    """Sensitive fields of a record were sent to a client (masked or not)."""
    REVEAL = "reveal"
    """A full identifier was revealed, with a stated purpose."""
    CHANGE = "change"
    """A record was changed (before and after)."""


class ServiceKind(enum.StrEnum):
    """What a volunteer did for an elder."""

    VISIT = "visit"
    """A home visit (探访)."""
    PHONE_CALL = "phone_call"
    ESCORT = "escort"
    """Going along to a hospital, a bank, an office."""
    ERRAND = "errand"
    """Shopping, collecting medicine, small repairs."""
    OTHER = "other"
