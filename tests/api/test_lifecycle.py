"""Applications, verification and enrolment through the API: every legal transition, every
illegal one refused as typed data that changes nothing, and "no admission without verification"."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

import pytest
from starlette.applications import Starlette

from tests.api import builders as b
from tests.api import lifecycle_builders as lb
from tests.api.conftest import Api
from tests.api.signin import ADMIN_ACTOR

TOMORROW = lb.iso(date.today() + timedelta(days=1))
ACTOR = ADMIN_ACTOR
APPLICATIONS = """query($filter: AssistanceApplicationFilter) {
  assistanceApplications(filter: $filter, first: 100) { totalCount nodes { id } } }"""


@pytest.fixture(autouse=True)
async def policy(app: Starlette) -> None:
    await lb.store_policy(app)


async def _elder_household(api: Api, community: str) -> str:
    """A household of one man born in 1938 without labour capacity (coefficient 1.3)."""
    hid = await b.household(api, community)
    await b.person(api, hid)
    return hid


async def _applications(api: Api, **filter: Any) -> list[str]:
    data = await api.data(APPLICATIONS, filter=filter)
    return [n["id"] for n in data["assistanceApplications"]["nodes"]]


async def test_an_application_opens_its_eleven_checks_pending(api: Api) -> None:
    ids = await b.geo(api)
    hid = await _elder_household(api, ids["community"])
    application = await lb.apply(api, hid, "2025-03-01", "LOW_INCOME")
    assert application == {
        "id": application["id"],
        "version": 1,
        "requestedStatus": "LOW_INCOME",
        "appliedOn": "2025-03-01",
        "state": "VERIFYING",
        "reEntry": False,
        "decidedOn": None,
        "decisionReason": "",
        "recordedBy": ACTOR,
        "verified": False,
        "household": {"id": hid},
        "checks": [
            {
                "item": item,
                "unit": lb.UNITS[item],
                "result": "PENDING",
                "checkedOn": None,
                "note": "",
                "source": "entered",
                "recordedBy": ACTOR,
                "version": 1,
            }
            for item in lb.ITEMS
        ],
    }
    assert len(lb.ITEMS) == 11
    assert len(set(lb.UNITS.values())) == 9
    household = await lb.read_household(api, hid)
    assert household["applications"] == [
        {"id": application["id"], "state": "VERIFYING", "reEntry": False}
    ]
    assert (household["status"], household["statusHistory"]) == ("NONE", [])
    assert await b.read(api, application["id"], "AssistanceApplication", "state") == {
        "state": "VERIFYING"
    }


async def test_applications_are_listed_by_state_household_street_and_community(api: Api) -> None:
    d = await b.district(api)
    s1, s2 = await b.street(api, d, "东华门街道"), await b.street(api, d, "景山街道")
    c1, c2 = await b.community(api, s1, "多福巷社区"), await b.community(api, s2, "黄化门社区")
    h1, h2, h3 = [await b.household(api, c) for c in (c1, c1, c2)]
    a1 = (await lb.apply(api, h1, "2025-03-01"))["id"]
    a2 = (await lb.apply(api, h2, "2025-03-01"))["id"]
    a3 = (await lb.apply(api, h3, "2025-03-01"))["id"]
    await api.ok("assistanceApplicationWithdraw", lb.WITHDRAW, input={"id": a2})
    assert await _applications(api) == [a1, a2, a3]
    assert await _applications(api, state="VERIFYING") == [a1, a3]
    assert await _applications(api, state="WITHDRAWN") == [a2]
    assert await _applications(api, householdId=h2) == [a2]
    assert await _applications(api, streetId=s1) == [a1, a2]
    assert await _applications(api, communityId=c2) == [a3]
    assert await _applications(api, communityId=c2, state="ADMITTED") == []
    messages = await b.query_errors(api, APPLICATIONS, filter={"streetId": c1})
    assert messages[0].startswith("filter.streetId: not the id of a Street"), messages


async def test_bad_applications_are_refused_and_create_nothing(api: Api) -> None:
    ids = await b.geo(api)
    hid = await _elder_household(api, ids["community"])
    on_dibao = await b.household(api, ids["community"], status="DIBAO", statusSince="2025-01-01")
    ok = {"householdId": hid, "requestedStatus": "DIBAO", "appliedOn": "2025-03-01"}
    cases: list[tuple[str, dict[str, Any], list[b.Issue]]] = [
        ("status none", {**ok, "requestedStatus": "NONE"}, [("VALIDATION", "requestedStatus")]),
        ("status edge", {**ok, "requestedStatus": "EDGE"}, [("VALIDATION", "requestedStatus")]),
        ("applied tomorrow", {**ok, "appliedOn": TOMORROW}, [("VALIDATION", "appliedOn")]),
        ("applied in 1989", {**ok, "appliedOn": "1989-12-31"}, [("VALIDATION", "appliedOn")]),
        (
            "unknown household",
            {**ok, "householdId": b.global_id("Household", 999_999)},
            [("NOT_FOUND", "householdId")],
        ),
        (
            "a community's id",
            {**ok, "householdId": ids["community"]},
            [("NOT_FOUND", "householdId")],
        ),
        (
            "already on assistance",
            {**ok, "householdId": on_dibao},
            [("INVALID_STATE", "householdId")],
        ),
    ]
    for case, data, expected in cases:
        assert await lb.refused(api, "assistanceApplicationCreate", lb.APPLY, data) == expected, (
            case
        )
    assert await _applications(api) == []

    first = await lb.apply(api, hid, "2025-03-01")
    twice = await api.mutate("assistanceApplicationCreate", lb.APPLY, input=ok)
    assert b.issues(twice) == [("INVALID_STATE", "householdId")]
    assert "open application" in twice["errors"][0]["message"]
    assert await _applications(api) == [first["id"]]

    # An archived household cannot apply; with an open application it cannot be archived.
    archive = b.mutation_doc("householdDeactivate", "DeactivateInput", "household { id }")
    assert await lb.refused(api, "householdDeactivate", archive, {"id": hid}) == [
        ("INVALID_STATE", "id")
    ]
    await api.ok("assistanceApplicationWithdraw", lb.WITHDRAW, input={"id": first["id"]})
    await api.ok("householdDeactivate", archive, input={"id": hid})
    assert await lb.refused(api, "assistanceApplicationCreate", lb.APPLY, ok) == [
        ("INVALID_STATE", "householdId")
    ]


async def test_checks_are_recorded_all_or_nothing(api: Api) -> None:
    ids = await b.geo(api)
    hid = await _elder_household(api, ids["community"])
    application = await lb.apply(api, hid, "2025-03-01")
    aid = application["id"]
    recorded = await lb.record(
        api,
        aid,
        [
            {"item": "TAX_PAYMENTS", "result": "PASSED", "checkedOn": "2025-03-05"},
            {
                "item": "VEHICLES",
                "result": "FAILED",
                "checkedOn": "2025-03-06",
                "note": " 名下 一辆轿车 ",
            },
        ],
    )
    by_item = {c["item"]: c for c in recorded["checks"]}
    assert by_item["TAX_PAYMENTS"] == {
        "item": "TAX_PAYMENTS",
        "unit": "TAX",
        "result": "PASSED",
        "checkedOn": "2025-03-05",
        "note": "",
        "source": "entered",
        "recordedBy": ACTOR,
        "version": 2,
    }
    assert (by_item["VEHICLES"]["result"], by_item["VEHICLES"]["note"]) == (
        "FAILED",
        "名下 一辆轿车",
    )
    assert [c["result"] for c in recorded["checks"]].count("PENDING") == 9
    assert (recorded["version"], recorded["verified"]) == (2, False)

    before = await b.read(api, aid, "AssistanceApplication", f"{lb.APPLICATION} updatedAt")
    good = {"item": "REAL_ESTATE", "result": "PASSED", "checkedOn": "2025-03-07"}
    bad_lists: list[tuple[str, dict[str, Any], list[b.Issue]]] = [
        ("no checks", {"checks": []}, [("REQUIRED", "checks")]),
        (
            "an item twice",
            {"checks": [good, {**good, "result": "FAILED"}]},
            [("VALIDATION", "checks[1].item")],
        ),
        (
            "passed without a date",
            {"checks": [good, {**good, "item": "VEHICLES", "checkedOn": None}]},
            [("REQUIRED", "checks[1].checkedOn")],
        ),
        (
            "checked before the application",
            {"checks": [{**good, "checkedOn": "2025-02-28"}]},
            [("VALIDATION", "checks[0].checkedOn")],
        ),
        (
            "checked tomorrow",
            {"checks": [good, {**good, "item": "VEHICLES", "checkedOn": TOMORROW}]},
            [("VALIDATION", "checks[1].checkedOn")],
        ),
        (
            "a note of 501",
            {"checks": [{**good, "note": "注" * 501}]},
            [("VALIDATION", "checks[0].note")],
        ),
        (
            "stale version",
            {"checks": [good], "expectedVersion": 1},
            [("CONFLICT", "expectedVersion")],
        ),
        (
            "unknown application",
            {"checks": [good], "applicationId": b.global_id("AssistanceApplication", 999_999)},
            [("NOT_FOUND", "applicationId")],
        ),
    ]
    for case, data, expected in bad_lists:
        got = await lb.refused(
            api, "verificationChecksRecord", lb.RECORD, {"applicationId": aid, **data}
        )
        assert got == expected, case
    after = await b.read(api, aid, "AssistanceApplication", f"{lb.APPLICATION} updatedAt")
    assert after == before

    # A correction back to pending is a change like any other.
    corrected = await lb.record(api, aid, [{"item": "VEHICLES", "result": "PENDING"}])
    vehicles = next(c for c in corrected["checks"] if c["item"] == "VEHICLES")
    assert (vehicles["result"], vehicles["checkedOn"], vehicles["version"]) == ("PENDING", None, 3)


async def test_no_admission_without_verification(api: Api) -> None:
    ids = await b.geo(api)
    hid = await _elder_household(api, ids["community"])
    aid = (await lb.apply(api, hid, "2025-03-01"))["id"]
    enrol = {"applicationId": aid, "effectiveOn": "2025-04-01", "incomeStability": "STABLE"}

    pending = await api.mutate("householdEnrol", lb.ENROL, input=enrol)
    assert b.issues(pending) == [("INVALID_STATE", "applicationId")] * 11
    messages = [e["message"] for e in pending["errors"]]
    for item, message in zip(lb.ITEMS, messages, strict=True):
        assert item.lower() in message
        assert lb.UNITS[item].lower() in message
        assert "pending" in message

    await lb.record(api, aid, lb.checks("PASSED", "2025-03-10"))
    await lb.record(
        api, aid, [{"item": "BANK_DEPOSITS", "result": "FAILED", "checkedOn": "2025-03-11"}]
    )
    failed = await api.mutate("householdEnrol", lb.ENROL, input=enrol)
    assert b.issues(failed) == [("INVALID_STATE", "applicationId")]
    assert "bank_deposits (from banking) is failed" in failed["errors"][0]["message"]
    household = await lb.read_household(api, hid)
    assert (household["status"], household["statusHistory"], household["benefitHistory"]) == (
        "NONE",
        [],
        [],
    )
    assert household["applications"][0]["state"] == "VERIFYING"

    await lb.record(
        api, aid, [{"item": "BANK_DEPOSITS", "result": "PASSED", "checkedOn": "2025-03-12"}]
    )
    bad_enrolments: list[tuple[str, dict[str, Any], list[b.Issue]]] = [
        (
            "before the application",
            {**enrol, "effectiveOn": "2025-02-28"},
            [("VALIDATION", "effectiveOn")],
        ),
        ("tomorrow", {**enrol, "effectiveOn": TOMORROW}, [("VALIDATION", "effectiveOn")]),
        ("stale application", {**enrol, "expectedVersion": 1}, [("CONFLICT", "expectedVersion")]),
        (
            "a household's id",
            {**enrol, "applicationId": hid},
            [("NOT_FOUND", "applicationId")],
        ),
    ]
    for case, data, expected in bad_enrolments:
        assert await lb.refused(api, "householdEnrol", lb.ENROL, data) == expected, case
    assert (await lb.read_household(api, hid))["status"] == "NONE"
    enrolled = await lb.enrol(api, aid, "2025-04-01")
    assert enrolled["status"] == "DIBAO"


async def test_enrolment_admits_with_status_benefit_and_first_review(api: Api) -> None:
    ids = await b.geo(api)
    hid = await _elder_household(api, ids["community"])
    application = await lb.apply(api, hid, "2025-03-01")
    await lb.record(api, application["id"], lb.checks("PASSED", "2025-03-10"))
    assert (await b.read(api, application["id"], "AssistanceApplication", "verified")) == {
        "verified": True
    }
    household = await lb.enrol(api, application["id"], "2025-04-01", "IRREGULAR")
    assert {k: v for k, v in household.items() if k not in ("applications", "id")} == {
        "status": "DIBAO",
        "version": 2,
        "benefit": "1885.00",  # 1,450 yuan x 1.3 (lost labour capacity)
        "incomeStability": "IRREGULAR",
        "nextReviewOn": "2025-10-01",  # no labour capacity: half-yearly whatever the income
        "reviewOverdue": True,
        "statusHistory": [
            {
                "kind": "ENTERED",
                "fromStatus": "NONE",
                "toStatus": "DIBAO",
                "effectiveOn": "2025-04-01",
                "reason": f"admitted on application {b.local_id(application['id'])}: "
                "all 11 checks passed",
                "recordedBy": ACTOR,
            }
        ],
        "benefitHistory": [
            {
                "effectiveOn": "2025-04-01",
                "before": "0.00",
                "after": "1885.00",
                "standard": "1450.00",
                "policyRevision": household["benefitHistory"][0]["policyRevision"],
                "reason": "enrolment (dibao)",
                "recordedBy": ACTOR,
            }
        ],
        "reviews": [],
    }
    assert household["applications"] == [
        {"id": application["id"], "state": "ADMITTED", "reEntry": False}
    ]
    decided = await b.read(api, application["id"], "AssistanceApplication", "state decidedOn")
    assert decided == {"state": "ADMITTED", "decidedOn": "2025-04-01"}
    assert await lb.read_household(api, hid) == household

    # A low-income household is admitted without a dibao benefit.
    other = await _elder_household(api, ids["community"])
    low = await lb.admitted(api, other, "2025-04-01", status="LOW_INCOME")
    assert (low["status"], low["benefit"], low["benefitHistory"]) == ("LOW_INCOME", "0.00", [])


@pytest.mark.parametrize(
    ("members", "stability", "on", "due"),
    [
        ([("NONE", "1938-05-01")], "STABLE", "2025-04-01", "2025-10-01"),
        ([("NONE", "1938-05-01")], "IRREGULAR", "2025-08-31", "2026-02-28"),
        ([("NONE", "1938-05-01"), ("FULL", "1985-03-01")], "STABLE", "2025-04-01", "2025-07-01"),
        ([("PARTIAL", "1970-03-01")], "STABLE", "2025-11-30", "2026-02-28"),
        ([("FULL", "1985-03-01")], "IRREGULAR", "2025-01-31", "2025-02-28"),
        (
            [("NONE", "1938-05-01"), ("PARTIAL", "1970-03-01")],
            "IRREGULAR",
            "2025-04-01",
            "2025-05-01",
        ),
    ],
)
async def test_the_first_review_date_follows_labour_capacity_and_income(
    api: Api, members: list[tuple[str, str]], stability: str, on: str, due: str
) -> None:
    ids = await b.geo(api)
    hid = await b.household(api, ids["community"])
    for index, (capacity, born) in enumerate(members):
        relation = "HEAD" if index == 0 else "CHILD"
        await b.person(api, hid, labourCapacity=capacity, birthDate=born, relation=relation)
    household = await lb.admitted(api, hid, on, stability=stability)
    assert (household["incomeStability"], household["nextReviewOn"]) == (stability, due)


async def test_withdraw_and_refuse_only_while_verifying(api: Api) -> None:
    ids = await b.geo(api)
    hid = await _elder_household(api, ids["community"])
    first = (await lb.apply(api, hid, "2025-03-01"))["id"]
    withdrawn = (
        await api.ok(
            "assistanceApplicationWithdraw",
            lb.WITHDRAW,
            input={"id": first, "decidedOn": "2025-03-02", "reason": " 家庭自行撤回 "},
        )
    )["assistanceApplication"]
    assert (withdrawn["state"], withdrawn["decidedOn"], withdrawn["decisionReason"]) == (
        "WITHDRAWN",
        "2025-03-02",
        "家庭自行撤回",
    )
    done = [("INVALID_STATE", "id")]
    assert (
        await lb.refused(api, "assistanceApplicationWithdraw", lb.WITHDRAW, {"id": first}) == done
    )
    assert (
        await lb.refused(
            api, "assistanceApplicationRefuse", lb.REFUSE, {"id": first, "reason": "收入超标"}
        )
        == done
    )
    assert await lb.refused(
        api,
        "verificationChecksRecord",
        lb.RECORD,
        {"applicationId": first, "checks": lb.checks("PASSED", "2025-03-02")},
    ) == [("INVALID_STATE", "applicationId")]
    enrol = {"applicationId": first, "effectiveOn": "2025-03-03", "incomeStability": "STABLE"}
    assert await lb.refused(api, "householdEnrol", lb.ENROL, enrol) == [
        ("INVALID_STATE", "applicationId")
    ]

    second = (await lb.apply(api, hid, "2025-05-01"))["id"]
    bad: list[tuple[str, dict[str, Any], list[b.Issue]]] = [
        ("no reason", {"id": second}, [("REQUIRED", "reason")]),
        ("blank reason", {"id": second, "reason": "  "}, [("REQUIRED", "reason")]),
        (
            "before the application",
            {"id": second, "reason": "收入超标", "decidedOn": "2025-04-30"},
            [("VALIDATION", "decidedOn")],
        ),
        (
            "stale version",
            {"id": second, "reason": "收入超标", "expectedVersion": 3},
            [("CONFLICT", "expectedVersion")],
        ),
    ]
    for case, data, expected in bad:
        assert await lb.refused(api, "assistanceApplicationRefuse", lb.REFUSE, data) == expected, (
            case
        )
    refused = (
        await api.ok(
            "assistanceApplicationRefuse",
            lb.REFUSE,
            input={"id": second, "reason": "存款超标", "decidedOn": "2025-05-20"},
        )
    )["assistanceApplication"]
    assert (refused["state"], refused["decisionReason"], refused["version"]) == (
        "REFUSED",
        "存款超标",
        2,
    )
    assert (
        await lb.refused(
            api, "assistanceApplicationRefuse", lb.REFUSE, {"id": second, "reason": "x"}
        )
        == done
    )
    # Decided applications stay on file; the household may apply once more.
    third = await lb.apply(api, hid, "2025-06-01")
    household = await lb.read_household(api, hid)
    assert [(a["id"], a["state"]) for a in household["applications"]] == [
        (first, "WITHDRAWN"),
        (second, "REFUSED"),
        (third["id"], "VERIFYING"),
    ]
    assert household["status"] == "NONE"


async def test_an_enrolled_household_cannot_apply_or_enrol_again(api: Api) -> None:
    ids = await b.geo(api)
    hid = await _elder_household(api, ids["community"])
    await lb.admitted(api, hid, "2025-04-01")
    again = {"householdId": hid, "requestedStatus": "LOW_INCOME", "appliedOn": "2025-05-01"}
    assert await lb.refused(api, "assistanceApplicationCreate", lb.APPLY, again) == [
        ("INVALID_STATE", "householdId")
    ]
    [application] = (await lb.read_household(api, hid))["applications"]
    enrol = {
        "applicationId": application["id"],
        "effectiveOn": "2025-05-01",
        "incomeStability": "STABLE",
    }
    assert await lb.refused(api, "householdEnrol", lb.ENROL, enrol) == [
        ("INVALID_STATE", "applicationId")
    ]


async def test_concurrent_applications_open_one(api: Api) -> None:
    ids = await b.geo(api)
    hid = await _elder_household(api, ids["community"])
    data = {"householdId": hid, "requestedStatus": "DIBAO", "appliedOn": "2025-03-01"}
    payloads = await asyncio.gather(
        *(api.mutate("assistanceApplicationCreate", lb.APPLY, input=data) for _ in range(4))
    )
    assert sorted(b.issues(p) for p in payloads) == [
        [],
        [("INVALID_STATE", "householdId")],
        [("INVALID_STATE", "householdId")],
        [("INVALID_STATE", "householdId")],
    ]
    assert len(await _applications(api)) == 1
