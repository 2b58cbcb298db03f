"""Allocation runs through the API: start, the job, proposals within every rule, approval into
grants (same checks and ledger as by hand), rejection, idempotent starts and bad input."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette

from tests.api import builders as b
from tests.api.conftest import Api
from tests.api.test_grants import (
    AWARD,
    REQUEST_CREATE,
    YEAR,
    award,
    elder_household,
    fund,
    stored_and_derived,
    year_of,
)

ERRORS = "errors { code field message }"
START = f"""mutation($input: AllocationRunStartInput!) {{
  allocationRunStart(input: $input) {{ allocationRun {{ id key status }} {ERRORS} }} }}"""
RUN = """query($id: ID!) { node(id: $id) { ... on AllocationRun {
  status solverStatus error progress { percent phase }
  metrics { requests objective covered bound gap minCoverage gini notes
    streets { streetId eligible covered coverage }
    funds { fundId budget awarded remaining grants shadowPrice }
    greedy { objective covered minCoverage } timings { loadS solveS saveS } }
  proposals(first: 100) { totalCount nodes { id status amount version
    fund { id } request { id household { id } } } }
  outcomes(first: 100) { totalCount nodes { reason need covered limits { fundId reason }
    request { id } } } } } }"""
APPROVE = f"""mutation($input: AllocationProposalDecisionInput!) {{
  allocationProposalApprove(input: $input) {{
    allocationProposal {{ id status grant {{ id amount status }} }} {ERRORS} }} }}"""
REJECT = f"""mutation($input: AllocationProposalRejectInput!) {{
  allocationProposalReject(input: $input) {{
    allocationProposal {{ id status decisionReason }} {ERRORS} }} }}"""


async def _request(api: Api, household: str, amount: str, urgency: int) -> str:
    payload = await api.ok(
        "assistanceRequestCreate",
        REQUEST_CREATE,
        input={
            "householdId": household,
            "year": YEAR,
            "amount": amount,
            "purpose": "生活困难",
            "urgency": urgency,
        },
    )
    return str(payload["assistanceRequest"]["id"])


async def _setup(api: Api) -> dict[str, Any]:
    ids = await b.geo(api)
    elders_fund = await fund(
        api, budget="3000.00", eligibleTags=["ELDER_80"], householdCap="2000.00", minGrant="200"
    )
    any_fund = await fund(api, budget="1000.00", name="临时救助专项基金", minGrant="100")
    old = await elder_household(api, ids["community"])
    older = await elder_household(api, ids["community"])
    young = await b.household(api, ids["community"])
    await b.person(api, young, birthDate="1985-01-01")
    requests = {
        old: await _request(api, old, "2500.00", 90),
        older: await _request(api, older, "1500.00", 50),
        young: await _request(api, young, "800.00", 80),
    }
    return {
        "funds": (elders_fund, any_fund),
        "young": young,
        "requests": requests,
        **ids,
    }


async def _run(app: Starlette, api: Api, **extra: Any) -> dict[str, Any]:
    payload = await api.ok("allocationRunStart", START, input={"year": YEAR, **extra})
    await app.state.runner.drain()
    run_id = payload["allocationRun"]["id"]
    data = await api.data(RUN, id=run_id)
    return {"id": run_id, "key": payload["allocationRun"]["key"], **data["node"]}


async def test_a_run_proposes_within_every_rule_and_approval_awards(
    app: Starlette, api: Api
) -> None:
    setup = await _setup(api)
    elders_fund, any_fund = setup["funds"]
    run = await _run(app, api)
    assert run["status"] == "SUCCEEDED", run["error"]
    assert run["solverStatus"] in ("OPTIMAL", "FEASIBLE")
    metrics = run["metrics"]
    assert metrics["requests"] == 3
    assert metrics["objective"] >= metrics["greedy"]["objective"]
    assert metrics["bound"] is None or metrics["objective"] <= metrics["bound"] + 1e-6
    proposals = run["proposals"]["nodes"]
    by_fund: dict[str, int] = {}
    by_request: dict[str, int] = {}
    for p in proposals:
        fen = round(float(p["amount"]) * 100)
        by_fund[p["fund"]["id"]] = by_fund.get(p["fund"]["id"], 0) + fen
        by_request[p["request"]["id"]] = by_request.get(p["request"]["id"], 0) + fen
        if p["request"]["household"]["id"] == setup["young"]:
            assert p["fund"]["id"] == any_fund  # the elders' fund may not pay the young
        if p["fund"]["id"] == elders_fund:
            assert fen >= 20_000  # minimum grant
    assert by_fund.get(elders_fund, 0) <= 300_000
    assert by_fund.get(any_fund, 0) <= 100_000
    needs = {
        setup["requests"][h]: n
        for h, n in zip(setup["requests"], (250_000, 150_000, 80_000), strict=True)
    }
    assert all(by_request[r] <= needs[r] for r in by_request)
    # All 4,000 yuan can go to urgent need here; the optimum spends it all.
    assert sum(by_fund.values()) == 400_000
    assert run["outcomes"]["totalCount"] == 3

    for p in proposals:
        done = await api.ok("allocationProposalApprove", APPROVE, input={"proposalId": p["id"]})
        assert done["allocationProposal"]["status"] == "CONFIRMED"
        assert done["allocationProposal"]["grant"]["amount"] == p["amount"]
    assert (await year_of(api, elders_fund))["awarded"] == f"{by_fund[elders_fund] / 100:.2f}"
    again = await api.mutate(
        "allocationProposalApprove", APPROVE, input={"proposalId": proposals[0]["id"]}
    )
    assert [e["code"] for e in again["errors"]] == ["INVALID_STATE"]
    stored, derived = await stored_and_derived(app)
    assert stored == derived


async def test_approval_rechecks_today_and_changes_nothing_when_refused(
    app: Starlette, api: Api
) -> None:
    setup = await _setup(api)
    elders_fund, _ = setup["funds"]
    run = await _run(app, api)
    proposal = next(p for p in run["proposals"]["nodes"] if p["fund"]["id"] == elders_fund)
    # Meanwhile someone spends the elders' fund by hand.
    stranger = await elder_household(api, setup["community"])
    await api.ok("grantAward", AWARD, input=award(elders_fund, stranger, "2000.00", "hand-1"))
    await api.ok(
        "grantAward",
        AWARD,
        input=award(
            elders_fund, await elder_household(api, setup["community"]), "1000.00", "hand-2"
        ),
    )
    refused = await api.mutate(
        "allocationProposalApprove", APPROVE, input={"proposalId": proposal["id"]}
    )
    assert refused["allocationProposal"] is None
    assert [e["code"] for e in refused["errors"]] == ["INVALID_STATE"]
    node = await b.read(api, proposal["id"], "AllocationProposal", "status")
    assert node == {"status": "PROPOSED"}
    rejected = await api.ok(
        "allocationProposalReject",
        REJECT,
        input={"proposalId": proposal["id"], "reason": "预算已用完"},
    )
    assert rejected["allocationProposal"]["status"] == "REJECTED"


async def test_starting_twice_is_one_run_and_bad_input_is_refused(app: Starlette, api: Api) -> None:
    setup = await _setup(api)
    first = await api.ok("allocationRunStart", START, input={"year": YEAR})
    second = await api.ok("allocationRunStart", START, input={"year": YEAR})
    assert first["allocationRun"]["id"] == second["allocationRun"]["id"]
    await app.state.runner.drain()

    cases: list[tuple[dict[str, Any], list[tuple[str, str]]]] = [
        ({"year": 1999}, [("VALIDATION", "year")]),
        ({"year": YEAR, "streetFloor": 1.5}, [("VALIDATION", "streetFloor")]),
        ({"year": YEAR, "timeLimitS": 0}, [("VALIDATION", "timeLimitS")]),
        ({"year": YEAR, "fundIds": [b.global_id("Fund", 999_999)]}, [("NOT_FOUND", "fundIds[0]")]),
        (
            {"year": YEAR, "streetIds": [b.global_id("Street", 999_999)]},
            [("NOT_FOUND", "streetIds[0]")],
        ),
        ({"year": YEAR, "fundIds": [setup["street"]]}, [("NOT_FOUND", "fundIds[0]")]),
    ]
    for data, expected in cases:
        payload = await api.mutate("allocationRunStart", START, input=data)
        assert payload["allocationRun"] is None, data
        assert [(e["code"], e["field"]) for e in payload["errors"]] == expected, data
    runs = await api.data("{ allocationRuns { totalCount } }")
    assert runs["allocationRuns"]["totalCount"] == 1


async def test_strict_floors_that_cannot_hold_propose_nothing_and_say_why(
    app: Starlette, api: Api
) -> None:
    await _setup(api)  # 4,800 yuan of need, 4,000 yuan of money: no street can be fully served
    run = await _run(app, api, streetFloor=1.0, strictFloors=True)
    assert run["status"] == "SUCCEEDED", run["error"]
    assert run["solverStatus"] == "INFEASIBLE"
    assert run["proposals"]["totalCount"] == 0
    assert run["metrics"]["notes"]  # what to change

    relaxed = await _run(app, api, streetFloor=1.0, strictFloors=False, key="relaxed")
    assert relaxed["solverStatus"] in ("OPTIMAL", "FEASIBLE")
    assert relaxed["proposals"]["totalCount"] > 0
    assert 0 < relaxed["metrics"]["minCoverage"] < 1
