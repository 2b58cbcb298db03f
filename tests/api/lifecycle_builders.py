"""Lifecycle steps through the public API (apply, record checks, enrol, review, exit), for the
tests of lifecycle, households and review jobs."""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.applications import Starlette

from models.commands.policy import ensure_policy
from models.enums import UNIT_OF, VerificationItem
from tests.api import builders as b
from tests.api.conftest import Api

HISTORY = "statusHistory { kind fromStatus toStatus effectiveOn reason recordedBy }"
BENEFITS = "benefitHistory { effectiveOn before after standard policyRevision reason recordedBy }"
REVIEWS = "reviews { id dueOn heldOn outcome note recordedBy version }"
CHECKS = "checks { item unit result checkedOn note source recordedBy version }"
APPLICATION = f"""id version requestedStatus appliedOn state reEntry decidedOn decisionReason
  recordedBy verified household {{ id }} {CHECKS}"""
HOUSEHOLD = f"""id status version benefit incomeStability nextReviewOn reviewOverdue
  {HISTORY} {BENEFITS} applications {{ id state reEntry }} {REVIEWS}"""

APPLY = b.mutation_doc(
    "assistanceApplicationCreate",
    "AssistanceApplicationCreateInput",
    f"assistanceApplication {{ {APPLICATION} }}",
)
RECORD = b.mutation_doc(
    "verificationChecksRecord",
    "VerificationChecksRecordInput",
    f"assistanceApplication {{ {APPLICATION} }}",
)
WITHDRAW = b.mutation_doc(
    "assistanceApplicationWithdraw",
    "AssistanceApplicationDecisionInput",
    f"assistanceApplication {{ {APPLICATION} }}",
)
REFUSE = b.mutation_doc(
    "assistanceApplicationRefuse",
    "AssistanceApplicationDecisionInput",
    f"assistanceApplication {{ {APPLICATION} }}",
)
ENROL = b.mutation_doc("householdEnrol", "HouseholdEnrolInput", f"household {{ {HOUSEHOLD} }}")
REVIEW = b.mutation_doc(
    "householdReviewRecord",
    "HouseholdReviewRecordInput",
    f"householdReview {{ id dueOn heldOn outcome note recordedBy household {{ {HOUSEHOLD} }} }}",
)
EXIT = b.mutation_doc("householdExit", "HouseholdExitInput", f"household {{ {HOUSEHOLD} }}")
STATUS = b.mutation_doc(
    "householdStatusChange", "HouseholdStatusChangeInput", f"household {{ {HOUSEHOLD} }}"
)

ITEMS = [item.name for item in VerificationItem]
UNITS = {item.name: UNIT_OF[item].name for item in VerificationItem}


async def store_policy(app: Starlette) -> None:
    """The packaged policy in the database (the app's lifespan does it in production)."""
    await ensure_policy(app.state.session_factory, None)


def checks(result: str, on: str | None, items: list[str] | None = None) -> list[dict[str, Any]]:
    """One input per item (every item by default) with ``result`` on ``on``."""
    return [{"item": i, "result": result, "checkedOn": on} for i in items or ITEMS]


async def refused(api: Api, name: str, query: str, data: dict[str, Any]) -> list[b.Issue]:
    """Run a mutation that must fail as data; return its ``(code, field)`` pairs."""
    payload = await api.mutate(name, query, input=data)
    assert payload["errors"], f"{name} succeeded but should not have: {data}"
    assert all(v is None for k, v in payload.items() if k != "errors"), payload
    assert all(e["message"].strip() for e in payload["errors"]), payload
    return b.issues(payload)


async def apply(api: Api, household: str, on: str, status: str = "DIBAO") -> dict[str, Any]:
    data = {"householdId": household, "requestedStatus": status, "appliedOn": on}
    application: dict[str, Any] = (await api.ok("assistanceApplicationCreate", APPLY, input=data))[
        "assistanceApplication"
    ]
    return application


async def record(api: Api, application: str, entries: list[dict[str, Any]]) -> dict[str, Any]:
    data = {"applicationId": application, "checks": entries}
    result: dict[str, Any] = (await api.ok("verificationChecksRecord", RECORD, input=data))[
        "assistanceApplication"
    ]
    return result


async def enrol(api: Api, application: str, on: str, stability: str = "STABLE") -> dict[str, Any]:
    data = {"applicationId": application, "effectiveOn": on, "incomeStability": stability}
    household: dict[str, Any] = (await api.ok("householdEnrol", ENROL, input=data))["household"]
    return household


async def admitted(
    api: Api, household: str, on: str, *, status: str = "DIBAO", stability: str = "STABLE"
) -> dict[str, Any]:
    """Apply, pass every check and enrol on ``on``; the household as enrolment returns it."""
    application = await apply(api, household, on, status)
    await record(api, application["id"], checks("PASSED", on))
    return await enrol(api, application["id"], on, stability)


async def review(api: Api, household: str, on: str, **extra: Any) -> dict[str, Any]:
    data = {"householdId": household, "heldOn": on, **extra}
    result: dict[str, Any] = (await api.ok("householdReviewRecord", REVIEW, input=data))[
        "householdReview"
    ]
    return result


async def leave(api: Api, household: str, on: str, reason: str = "收入超标") -> dict[str, Any]:
    data = {"id": household, "effectiveOn": on, "reason": reason}
    result: dict[str, Any] = (await api.ok("householdExit", EXIT, input=data))["household"]
    return result


async def read_household(api: Api, household: str) -> dict[str, Any]:
    node = await b.read(api, household, "Household", HOUSEHOLD)
    assert node is not None
    return node


def iso(day: date) -> str:
    return day.isoformat()
