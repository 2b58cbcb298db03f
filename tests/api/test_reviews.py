"""Reviews, exits, re-entry, status changes and the review overview through the API: history
rows for every status and benefit change, nothing lost on exit, overdue counts per street."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from starlette.applications import Starlette

from models.commands.lifecycle import generate_due_reviews
from models.db import transaction
from tests.api import builders as b
from tests.api import lifecycle_builders as lb
from tests.api.conftest import Api
from tests.api.signin import ADMIN_ACTOR
from tests.api.test_query_count import count_statements

TOMORROW = lb.iso(date.today() + timedelta(days=1))
ACTOR = ADMIN_ACTOR
WORKER = {
    "name": "张建国",
    "birthDate": "1985-03-01",
    "relation": "CHILD",
    "labourCapacity": "FULL",
}


@pytest.fixture(autouse=True)
async def policy(app: Starlette) -> None:
    await lb.store_policy(app)


async def _due_rows(app: Starlette, today: str) -> int:
    """Review rows for reviews due within a week of ``today`` (what the daily job does)."""
    async with transaction(app.state.session_factory) as session:
        done = await generate_due_reviews(session, today=date.fromisoformat(today))
    return done.created


async def _enrolled_elder(api: Api, community: str, on: str = "2025-04-01") -> str:
    hid = await b.household(api, community)
    await b.person(api, hid)
    await lb.admitted(api, hid, on)
    return hid


async def test_a_continued_review_recomputes_benefit_and_schedule(app: Starlette, api: Api) -> None:
    ids = await b.geo(api)
    hid = await _enrolled_elder(api, ids["community"])
    assert await _due_rows(app, "2025-09-28") == 1
    [due] = (await lb.read_household(api, hid))["reviews"]
    assert {k: due[k] for k in ("dueOn", "heldOn", "outcome", "version")} == {
        "dueOn": "2025-10-01",
        "heldOn": None,
        "outcome": None,
        "version": 1,
    }

    await b.person(api, hid, **WORKER)
    held = await lb.review(
        api, hid, "2025-10-03", incomeStability="IRREGULAR", note=" 儿子 回家同住 "
    )
    assert {k: held[k] for k in ("id", "dueOn", "heldOn", "outcome", "note", "recordedBy")} == {
        "id": due["id"],
        "dueOn": "2025-10-01",
        "heldOn": "2025-10-03",
        "outcome": "CONTINUED",
        "note": "儿子 回家同住",
        "recordedBy": ACTOR,
    }
    household = held["household"]
    assert (household["benefit"], household["incomeStability"], household["nextReviewOn"]) == (
        "3335.00",  # 1,450 x 1.3 + 1,450 x 1.0
        "IRREGULAR",
        "2025-11-03",  # labour capacity and an irregular income: monthly
    )
    assert [(c["before"], c["after"], c["reason"]) for c in household["benefitHistory"]] == [
        ("0.00", "1885.00", "enrolment (dibao)"),
        ("1885.00", "3335.00", "review held on 2025-10-03"),
    ]
    assert [r["version"] for r in household["reviews"]] == [2]

    # No review row was made for the next one: a held row is added, due when it was planned;
    # the benefit did not change, so no benefit row.
    second = await lb.review(api, hid, "2025-11-05", incomeStability="STABLE")
    assert (second["dueOn"], second["heldOn"], second["outcome"]) == (
        "2025-11-03",
        "2025-11-05",
        "CONTINUED",
    )
    household = second["household"]
    assert (household["nextReviewOn"], household["benefit"]) == ("2026-02-05", "3335.00")
    assert len(household["benefitHistory"]) == 2
    assert [(r["dueOn"], r["heldOn"]) for r in household["reviews"]] == [
        ("2025-10-01", "2025-10-03"),
        ("2025-11-03", "2025-11-05"),
    ]


async def test_bad_reviews_are_refused_and_change_nothing(api: Api) -> None:
    ids = await b.geo(api)
    hid = await _enrolled_elder(api, ids["community"])
    await lb.review(api, hid, "2025-10-03", incomeStability="STABLE")
    before = await lb.read_household(api, hid)
    ok = {"householdId": hid, "heldOn": "2025-11-05", "incomeStability": "STABLE"}
    cases: list[tuple[str, dict[str, Any], list[b.Issue]]] = [
        ("no income stability", {**ok, "incomeStability": None}, [("REQUIRED", "incomeStability")]),
        ("exit without reason", {**ok, "outcome": "EXITED"}, [("REQUIRED", "reason")]),
        ("held tomorrow", {**ok, "heldOn": TOMORROW}, [("VALIDATION", "heldOn")]),
        (
            "held before enrolment",
            {**ok, "heldOn": "2025-03-31"},
            [("VALIDATION", "heldOn")],
        ),
        ("held twice on a day", {**ok, "heldOn": "2025-10-03"}, [("INVALID_STATE", "heldOn")]),
        ("a note of 501", {**ok, "note": "注" * 501}, [("VALIDATION", "note")]),
        ("stale version", {**ok, "expectedVersion": 1}, [("CONFLICT", "expectedVersion")]),
        (
            "unknown household",
            {**ok, "householdId": b.global_id("Household", 999_999)},
            [("NOT_FOUND", "householdId")],
        ),
    ]
    for case, data, expected in cases:
        got = await lb.refused(api, "householdReviewRecord", lb.REVIEW, data)
        assert got == expected, case
    assert await lb.read_household(api, hid) == before

    never = await b.household(api, ids["community"])
    assert await lb.refused(
        api, "householdReviewRecord", lb.REVIEW, {**ok, "householdId": never}
    ) == [("INVALID_STATE", "householdId")]


async def test_a_review_can_end_in_exit(app: Starlette, api: Api) -> None:
    ids = await b.geo(api)
    hid = await _enrolled_elder(api, ids["community"])
    assert await _due_rows(app, "2025-09-28") == 1
    held = await lb.review(api, hid, "2025-10-02", outcome="EXITED", reason="子女赡养能力提高")
    assert (held["dueOn"], held["heldOn"], held["outcome"]) == (
        "2025-10-01",
        "2025-10-02",
        "EXITED",
    )
    household = held["household"]
    assert (household["status"], household["benefit"], household["nextReviewOn"]) == (
        "NONE",
        "0.00",
        None,
    )
    assert household["reviewOverdue"] is False
    assert [(h["kind"], h["toStatus"], h["reason"]) for h in household["statusHistory"]] == [
        ("ENTERED", "DIBAO", household["statusHistory"][0]["reason"]),
        ("EXITED", "NONE", "子女赡养能力提高"),
    ]
    assert [(c["before"], c["after"], c["reason"]) for c in household["benefitHistory"]] == [
        ("0.00", "1885.00", "enrolment (dibao)"),
        ("1885.00", "0.00", "exit: 子女赡养能力提高"),
    ]
    again = {"householdId": hid, "heldOn": "2025-10-05", "incomeStability": "STABLE"}
    assert await lb.refused(api, "householdReviewRecord", lb.REVIEW, again) == [
        ("INVALID_STATE", "householdId")
    ]
    assert await _due_rows(app, "2025-10-05") == 0


async def test_exit_ends_benefit_and_reviews_and_deletes_nothing(app: Starlette, api: Api) -> None:
    ids = await b.geo(api)
    never = await b.household(api, ids["community"])
    exit_: dict[str, Any] = {"id": never, "effectiveOn": "2025-06-30", "reason": "收入超标"}
    assert await lb.refused(api, "householdExit", lb.EXIT, exit_) == [("INVALID_STATE", "id")]

    hid = await _enrolled_elder(api, ids["community"])
    assert await _due_rows(app, "2025-09-28") == 1
    cases: list[tuple[str, dict[str, Any], list[b.Issue]]] = [
        ("blank reason", {**exit_, "id": hid, "reason": " "}, [("REQUIRED", "reason")]),
        (
            "before enrolment",
            {**exit_, "id": hid, "effectiveOn": "2025-03-31"},
            [("VALIDATION", "effectiveOn")],
        ),
        (
            "tomorrow",
            {**exit_, "id": hid, "effectiveOn": TOMORROW},
            [("VALIDATION", "effectiveOn")],
        ),
        ("stale", {**exit_, "id": hid, "expectedVersion": 1}, [("CONFLICT", "expectedVersion")]),
    ]
    for case, data, expected in cases:
        assert await lb.refused(api, "householdExit", lb.EXIT, data) == expected, case

    gone = await lb.leave(api, hid, "2025-10-08", "迁出本区")
    assert (gone["status"], gone["benefit"], gone["nextReviewOn"], gone["version"]) == (
        "NONE",
        "0.00",
        None,
        3,
    )
    assert gone["statusHistory"][-1] == {
        "kind": "EXITED",
        "fromStatus": "DIBAO",
        "toStatus": "NONE",
        "effectiveOn": "2025-10-08",
        "reason": "迁出本区",
        "recordedBy": ACTOR,
    }
    assert gone["benefitHistory"][-1]["after"] == "0.00"
    [review] = gone["reviews"]
    assert (review["dueOn"], review["heldOn"], review["outcome"], review["note"]) == (
        "2025-10-01",
        "2025-10-08",
        "EXITED",
        "closed by the household's exit: 迁出本区",
    )
    assert await lb.refused(api, "householdExit", lb.EXIT, {**exit_, "id": hid}) == [
        ("INVALID_STATE", "id")
    ]


async def test_re_entry_keeps_the_whole_history(api: Api) -> None:
    ids = await b.geo(api)
    hid = await _enrolled_elder(api, ids["community"])
    first = (await lb.read_household(api, hid))["applications"][0]["id"]
    await lb.leave(api, hid, "2025-06-30", "就业收入超标")
    early = {"householdId": hid, "requestedStatus": "DIBAO", "appliedOn": "2025-06-01"}
    assert await lb.refused(api, "assistanceApplicationCreate", lb.APPLY, early) == [
        ("VALIDATION", "appliedOn")
    ]
    second = await lb.apply(api, hid, "2025-07-15")
    assert second["reEntry"] is True
    await lb.record(api, second["id"], lb.checks("PASSED", "2025-07-20"))
    household = await lb.enrol(api, second["id"], "2025-08-01")

    assert [
        (h["kind"], h["fromStatus"], h["toStatus"], h["effectiveOn"])
        for h in household["statusHistory"]
    ] == [
        ("ENTERED", "NONE", "DIBAO", "2025-04-01"),
        ("EXITED", "DIBAO", "NONE", "2025-06-30"),
        ("RE_ENTERED", "NONE", "DIBAO", "2025-08-01"),
    ]
    assert household["applications"] == [
        {"id": first, "state": "ADMITTED", "reEntry": False},
        {"id": second["id"], "state": "ADMITTED", "reEntry": True},
    ]
    assert [(c["effectiveOn"], c["before"], c["after"]) for c in household["benefitHistory"]] == [
        ("2025-04-01", "0.00", "1885.00"),
        ("2025-06-30", "1885.00", "0.00"),
        ("2025-08-01", "0.00", "1885.00"),
    ]
    old = await b.read(api, first, "AssistanceApplication", f"state decidedOn {lb.CHECKS}")
    assert old is not None
    assert (old["state"], old["decidedOn"]) == ("ADMITTED", "2025-04-01")
    assert [(c["result"], c["checkedOn"]) for c in old["checks"]] == [("PASSED", "2025-04-01")] * 11


async def test_status_changes_between_kinds_of_assistance(api: Api) -> None:
    ids = await b.geo(api)
    plain = await b.household(api, ids["community"])
    enter = {"id": plain, "status": "DIBAO", "effectiveOn": "2025-01-01"}
    refusal = await api.mutate("householdStatusChange", lb.STATUS, input=enter)
    assert b.issues(refusal) == [("INVALID_STATE", "status")]
    assert "householdEnrol" in refusal["errors"][0]["message"]

    registered = (
        await api.ok(
            "householdCreate",
            b.HOUSEHOLD_CREATE,
            input={
                "communityId": ids["community"],
                "address": "多福巷9号",
                "location": b.HOME,
                "status": "LOW_INCOME",
                "statusSince": "2025-01-10",
            },
        )
    )["household"]["id"]
    await b.person(api, registered)
    household = await lb.read_household(api, registered)
    # An already-admitted caseload: its first review is due from its status date.
    assert (household["nextReviewOn"], household["benefit"], household["incomeStability"]) == (
        "2025-01-10",
        "0.00",
        None,
    )

    async def change(status: str, on: str, reason: str | None = None) -> dict[str, Any]:
        data = {"id": registered, "status": status, "effectiveOn": on, "reason": reason}
        result: dict[str, Any] = (await api.ok("householdStatusChange", lb.STATUS, input=data))[
            "household"
        ]
        return result

    on_dibao = await change("DIBAO", "2025-02-01", "收入下降")
    assert (on_dibao["benefit"], on_dibao["version"]) == ("1885.00", 2)
    assert on_dibao["statusHistory"][-1] == {
        "kind": "CHANGED",
        "fromStatus": "LOW_INCOME",
        "toStatus": "DIBAO",
        "effectiveOn": "2025-02-01",
        "reason": "收入下降",
        "recordedBy": ACTOR,
    }
    hardship = await change("SPECIAL_HARDSHIP", "2025-03-01")
    assert hardship["benefit"] == "0.00"
    assert [(c["after"], c["reason"]) for c in hardship["benefitHistory"]] == [
        ("1885.00", "status low_income -> dibao: 收入下降"),
        ("0.00", "status dibao -> special_hardship"),
    ]
    edge = await change("EDGE", "2025-04-01")
    assert (edge["status"], edge["nextReviewOn"]) == ("EDGE", "2025-01-10")
    back = {"id": registered, "status": "DIBAO", "effectiveOn": "2025-04-02"}
    assert await lb.refused(api, "householdStatusChange", lb.STATUS, back) == [
        ("INVALID_STATE", "status")
    ]
    # The exit path is householdExit's.
    out = await change("NONE", "2025-05-01", "迁出本区")
    assert (out["status"], out["nextReviewOn"], out["statusHistory"][-1]["kind"]) == (
        "NONE",
        None,
        "EXITED",
    )
    assert len(out["benefitHistory"]) == 2


REVIEW_OVERVIEW = """query($asOf: Date, $streetId: ID) {
  reviewOverview(asOf: $asOf, streetId: $streetId) {
    asOf onAssistance overdue dueWithin30Days
    streets { street { id name } onAssistance overdue dueWithin30Days
      communities { community { id name } onAssistance overdue dueWithin30Days } } } }"""


def _counts(on: int, overdue: int, due: int) -> dict[str, int]:
    return {"onAssistance": on, "overdue": overdue, "dueWithin30Days": due}


async def test_overdue_reviews_per_street_and_community(app: Starlette, api: Api) -> None:
    d = await b.district(api)
    s1, s2 = await b.street(api, d, "东华门街道"), await b.street(api, d, "景山街道")
    c1 = await b.community(api, s1, "多福巷社区")
    c2 = await b.community(api, s1, "韶九社区")
    c3 = await b.community(api, s2, "黄化门社区")

    async def registered(community: str, status: str, since: str) -> str:
        return await b.household(api, community, status=status, statusSince=since)

    h1 = await registered(c1, "DIBAO", "2026-01-01")  # overdue on 2026-06-01
    await registered(c1, "LOW_INCOME", "2026-06-01")  # due on the day
    await b.household(api, c1)  # not on assistance
    await registered(c2, "DIBAO", "2026-07-01")  # due on the 30th day
    await registered(c2, "DIBAO", "2026-07-02")  # later
    h6 = await registered(c3, "EDGE", "2026-05-31")  # overdue
    h7 = await registered(c3, "DIBAO", "2026-05-01")
    await lb.leave(api, h7, "2026-05-15")  # left: not counted

    with count_statements(app) as statements:
        data = (await api.data(REVIEW_OVERVIEW, asOf="2026-06-01"))["reviewOverview"]
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 3, selects  # the grouped counts, the streets, the communities
    assert data == {
        "asOf": "2026-06-01",
        **_counts(5, 2, 2),
        "streets": [
            {
                "street": {"id": s1, "name": "东华门街道"},
                **_counts(4, 1, 2),
                "communities": [
                    {"community": {"id": c1, "name": "多福巷社区"}, **_counts(2, 1, 1)},
                    {"community": {"id": c2, "name": "韶九社区"}, **_counts(2, 0, 1)},
                ],
            },
            {
                "street": {"id": s2, "name": "景山街道"},
                **_counts(1, 1, 0),
                "communities": [
                    {"community": {"id": c3, "name": "黄化门社区"}, **_counts(1, 1, 0)}
                ],
            },
        ],
    }
    one = (await api.data(REVIEW_OVERVIEW, asOf="2026-06-01", streetId=s2))["reviewOverview"]
    assert {k: one[k] for k in ("onAssistance", "overdue", "dueWithin30Days")} == _counts(1, 1, 0)
    assert [s["street"]["id"] for s in one["streets"]] == [s2]
    later = (await api.data(REVIEW_OVERVIEW, asOf="2026-07-02"))["reviewOverview"]
    assert {k: later[k] for k in ("onAssistance", "overdue", "dueWithin30Days")} == _counts(5, 4, 1)
    today = (await api.data(REVIEW_OVERVIEW))["reviewOverview"]
    assert (today["asOf"], today["overdue"]) == (date.today().isoformat(), 5)
    messages = await b.query_errors(api, REVIEW_OVERVIEW, streetId=c1)
    assert messages[0].startswith("streetId: not the id of a Street"), messages

    found = await b.read_list(
        api, "households", "id reviewOverdue", {"reviewOverdueOn": "2026-06-01"}
    )
    assert found == (2, [{"id": h1, "reviewOverdue": True}, {"id": h6, "reviewOverdue": True}])
    total, _ = await b.read_list(
        api, "households", "id", {"reviewOverdueOn": "2026-06-01", "streetId": s1}
    )
    assert total == 1


HOUSEHOLDS_WITH_LIFECYCLE = """{ households(first: 50) { nodes {
  benefit nextReviewOn reviewOverdue statusHistory { recordedBy }
  benefitHistory { after household { id } } reviews { dueOn household { id } }
  applications { state checks { result application { id } } household { id } } } } }"""


async def test_lifecycle_relations_cost_a_constant_number_of_statements(
    app: Starlette, api: Api
) -> None:
    ids = await b.geo(api)

    async def selects(households: int) -> int:
        for _ in range(households):
            await _enrolled_elder(api, ids["community"])
        await _due_rows(app, "2025-09-28")
        with count_statements(app) as statements:
            data = await api.data(HOUSEHOLDS_WITH_LIFECYCLE)
        nodes = data["households"]["nodes"]
        assert all(len(n["applications"][0]["checks"]) == 11 for n in nodes)
        return len([s for s in statements if s.lstrip().upper().startswith("SELECT")])

    # the page, status history, benefit history, reviews, applications, checks, and the
    # checks' applications (the households are those of the page: no query)
    assert await selects(2) == 7
    assert await selects(4) == 7


async def _capacity(api: Api, person: str, capacity: str) -> None:
    await api.ok(
        "personUpdate",
        "mutation($input: PersonUpdateInput!) { personUpdate(input: $input) {"
        " person { id } errors { code message field } } }",
        input={"id": person, "labourCapacity": capacity},
    )


async def test_the_review_date_follows_the_members_labour_capacity(api: Api) -> None:
    ids = await b.geo(api)
    hid = await _enrolled_elder(api, ids["community"])  # an elder alone: half-yearly
    assert (await lb.read_household(api, hid))["nextReviewOn"] == "2025-10-01"
    worker = await b.person(api, hid, **WORKER)  # labour capacity, stable income: quarterly
    assert (await lb.read_household(api, hid))["nextReviewOn"] == "2025-07-01"
    await _capacity(api, worker, "NONE")
    assert (await lb.read_household(api, hid))["nextReviewOn"] == "2025-10-01"
    await _capacity(api, worker, "PARTIAL")
    assert (await lb.read_household(api, hid))["nextReviewOn"] == "2025-07-01"
    await api.ok(
        "personDeactivate",
        "mutation($input: DeactivateInput!) { personDeactivate(input: $input) {"
        " person { id } errors { code message field } } }",
        input={"id": worker},
    )
    assert (await lb.read_household(api, hid))["nextReviewOn"] == "2025-10-01"
    # A household registered with its status (no admission or review in bangfu yet) keeps its
    # first review due at once.
    registered = await b.household(api, ids["community"], status="DIBAO", statusSince="2025-03-01")
    await b.person(api, registered, **WORKER)
    assert (await lb.read_household(api, registered))["nextReviewOn"] == "2025-03-01"
