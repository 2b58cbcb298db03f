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
