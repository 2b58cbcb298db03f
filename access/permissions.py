"""Which roles may use which operation: every root field of the schema, by name.

This is the first of two gates. A request naming an operation its principal may not use is
refused before anything runs (``api.permissions``); an operation it may use then sees only the
rows of its scope (``access.scope``). An operation missing from these tables is refused to
everyone: a test checks that every root field of the schema has its entry.
"""

from __future__ import annotations

from access.sensitivity import REVEALERS
from models.enums import Role

DA = Role.DISTRICT_ADMIN
CA = Role.CIVIL_AFFAIRS
SS = Role.STREET_STAFF
SC = Role.STATION_COORDINATOR
SW = Role.SOCIAL_WORKER
CO = Role.CHARITY_OFFICER
AU = Role.AUDITOR
VO = Role.VOLUNTEER
SV = Role.SERVICE

EVERYONE: frozenset[Role] = frozenset(Role)
STAFF = EVERYONE - {VO}
"""Every account but a volunteer's: staff, auditors and services."""
CASEWORK = frozenset({DA, CA, SS, SC, SW})
"""Those who keep households', members' and elders' files."""
CASEWORK_READ = CASEWORK | {AU, SV}
PAIRING = frozenset({DA, CA, SS, SC})
"""Those who pair volunteers with elders (stations and streets)."""
FUNDING = frozenset({DA, CO})
"""Those who manage the charity funds and their money."""
FUNDING_READ = FUNDING | {CA, AU, SV}
ADMISSION = frozenset({DA, CA, SS})
"""Those who decide admissions, reviews and exits (the street office and civil affairs)."""
DISTRICT = frozenset({DA, CA})
DISTRICT_READ = DISTRICT | {AU, SV}

PUBLIC_OPERATIONS = frozenset(
    {("mutation", "login"), ("mutation", "tokenRefresh"), ("mutation", "logout"), ("query", "me")}
)
"""Operations open without credentials: signing in and out (``logout`` says what to send when
nothing is sent), and ``me`` (null when not signed in)."""

QUERIES: dict[str, frozenset[Role]] = {
    "me": EVERYONE,
    "users": frozenset({DA, AU}),
    "node": EVERYONE,
    "nodes": EVERYONE,
    "districts": EVERYONE,
    "streets": EVERYONE,
    "communities": EVERYONE,
    "stations": EVERYONE,
    "volunteers": CASEWORK_READ | {VO},
    "households": CASEWORK_READ | {CO, VO},
    "elders": CASEWORK_READ | {VO},
    "pairRules": PAIRING | {AU, SV},
    "matchingRuns": PAIRING | {AU, SV},
    "funds": STAFF,
    "assistanceRequests": CASEWORK_READ | {CO},
    "grants": CASEWORK_READ | {CO},
    "ledger": FUNDING_READ,
    "ledgerCheck": FUNDING_READ,
    "allocationRuns": FUNDING_READ,
    "assistanceApplications": CASEWORK_READ,
    "needRanking": CASEWORK_READ | {CO},
    "needMeasures": DISTRICT_READ | {SS},
    "reviewOverview": DISTRICT_READ | {SS},
    "weeklyStatistics": DISTRICT_READ | {SS},
    "policy": STAFF,
    "policyParameters": STAFF,
    "caseAssignments": ADMISSION | {SW, AU},
    "accessLog": frozenset({DA, AU}),
    "serviceRecords": PAIRING | {AU, SV, VO},
}

MUTATIONS: dict[str, frozenset[Role]] = {
    # signing in and out; keys for service accounts
    "login": EVERYONE,
    "tokenRefresh": EVERYONE,
    "logout": EVERYONE,
    "passwordChange": EVERYONE - {SV},
    "userCreate": frozenset({DA}),
    "userUpdate": frozenset({DA}),
    "userPasswordReset": frozenset({DA}),
    "apiKeyCreate": frozenset({DA}),
    "apiKeyRevoke": frozenset({DA}),
    # the district's map
    **dict.fromkeys(
        (
            f"{kind}{verb}"
            for kind in ("district", "street", "community")
            for verb in ("Create", "Update", "Deactivate")
        ),
        DISTRICT,
    ),
    **dict.fromkeys(("stationCreate", "stationDeactivate"), DISTRICT | {SS}),
    "stationUpdate": DISTRICT | {SS, SC},
    # volunteers, households, members, elders
    **dict.fromkeys(("volunteerCreate", "volunteerUpdate", "volunteerDeactivate"), PAIRING),
    **dict.fromkeys(("householdCreate", "householdDeactivate", "personCreate"), PAIRING),
    **dict.fromkeys(
        (
            "householdUpdate",
            "householdStatusChange",
            "personUpdate",
            "personDeactivate",
            "elderCreate",
            "elderUpdate",
            "elderDeactivate",
            "householdAssessmentRecord",
            "assistanceRequestCreate",
            "assistanceRequestWithdraw",
            "assistanceApplicationCreate",
            "assistanceApplicationWithdraw",
        ),
        CASEWORK,
    ),
    # admission, review and exit
    **dict.fromkeys(
        ("assistanceApplicationRefuse", "householdEnrol", "householdReviewRecord", "householdExit"),
        ADMISSION,
    ),
    "identifierReveal": REVEALERS,
    "caseAssign": ADMISSION,
    "caseEnd": ADMISSION,
    "verificationChecksRecord": DISTRICT | {SV},
    "benefitsRecompute": DISTRICT | {SV},
    "policyChange": DISTRICT,
    # pairing
    "serviceRecord": PAIRING | {VO},
    "volunteerProfileUpdate": frozenset({VO}),
    "matchingRunStart": PAIRING | {SV},
    **dict.fromkeys(
        (
            "matchingRunCancel",
            "pairingConfirm",
            "pairingReject",
            "pairingEnd",
            "pairRuleCreate",
            "pairRuleDeactivate",
        ),
        PAIRING,
    ),
    # funds, grants and their allocation
    "allocationRunStart": FUNDING | {SV},
    **dict.fromkeys(
        (
            "fundCreate",
            "fundUpdate",
            "fundDeactivate",
            "donationRecord",
            "grantAward",
            "grantPay",
            "grantCancel",
            "assistanceRequestReject",
            "allocationRunCancel",
            "allocationProposalApprove",
            "allocationProposalReject",
        ),
        FUNDING,
    ),
}

SUBSCRIPTIONS: dict[str, frozenset[Role]] = {
    "runProgress": PAIRING | FUNDING_READ,
}

OPERATIONS: dict[str, dict[str, frozenset[Role]]] = {
    "query": QUERIES,
    "mutation": MUTATIONS,
    "subscription": SUBSCRIPTIONS,
}


def may_use(role: Role | None, operation_type: str, field: str) -> bool:
    """Whether ``role`` (None: no credentials) may use the root ``field`` of that type."""
    if role is None:
        return (operation_type, field) in PUBLIC_OPERATIONS
    return role in OPERATIONS.get(operation_type, {}).get(field, frozenset())
