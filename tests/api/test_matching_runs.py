"""The whole matching-run lifecycle through the API, on the demo district."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import col
from starlette.applications import Starlette

from models.demo import load_demo
from models.geo import Street
from tests.api import builders as b
from tests.api.conftest import Api

ERRORS = "errors { code field message }"
START = f"""mutation($input: MatchingRunStartInput!) {{
  matchingRunStart(input: $input) {{ matchingRun {{ id key status }} {ERRORS} }} }}"""
RUN = """query($id: ID!) { node(id: $id) { ... on MatchingRun {
  status solverStatus error progress { percent phase }
  metrics { eldersInScope eldersPaired pairsKept pairsBroken pairsBrokenForced gini meanDistanceM
            timings { loadS solveS checkS saveS }
            streets { streetName eligible paired coverage } }
  proposals(first: 100) { totalCount nodes { id status keepsExisting distanceM anchor
    costTerms { term value } elder { id } volunteer { id } } }
  unpaired(first: 100) { totalCount nodes { reason suggestion elder { id } } } } } }"""
CONFIRM = f"""mutation($input: PairingConfirmInput!) {{
  pairingConfirm(input: $input) {{
    pairProposal {{ id status pair {{ id status }} }} {ERRORS} }} }}"""
REJECT = f"""mutation($input: PairingRejectInput!) {{
  pairingReject(input: $input) {{ pairProposal {{ id status decisionReason }} {ERRORS} }} }}"""
END = f"""mutation($input: PairingEndInput!) {{
  pairingEnd(input: $input) {{ pair {{ id status endReason }} {ERRORS} }} }}"""
RULE = f"""mutation($input: PairRuleCreateInput!) {{
  pairRuleCreate(input: $input) {{ pairRule {{ id kind active }} {ERRORS} }} }}"""


PAYLOAD_OBJECT = {
    "pairingConfirm": "pairProposal",
    "pairingReject": "pairProposal",
    "pairingEnd": "pair",
    "pairRuleCreate": "pairRule",
    "matchingRunStart": "matchingRun",
}


async def _fails(api: Api, name: str, query: str, data: dict[str, Any]) -> list[tuple[str, str]]:
    """The (code, field) pairs of a mutation that must fail as data, changing nothing."""
    payload = await api.mutate(name, query, input=data)
    assert payload[PAYLOAD_OBJECT[name]] is None, payload
    assert payload["errors"], payload
    return [(e["code"], e["field"]) for e in payload["errors"]]


async def _street(app: Starlette) -> str:
    await load_demo(app.state.session_factory, scale="small")
    async with app.state.session_factory() as session:
        street_id = (
            await session.execute(sa.select(col(Street.id)).order_by(col(Street.id)).limit(1))
        ).scalar_one()
    return b.global_id("Street", street_id)


async def _run(app: Starlette, api: Api, **extra: Any) -> dict[str, Any]:
    payload = await api.ok("matchingRunStart", START, input=extra)
    await app.state.runner.drain()
    run_id = payload["matchingRun"]["id"]
    data = await api.data(RUN, id=run_id)
    return {"id": run_id, "key": payload["matchingRun"]["key"], **data["node"]}


async def test_run_lifecycle_decisions_and_rules(app: Starlette, api: Api) -> None:
    street = await _street(app)
    run = await _run(app, api, scope={"streetIds": [street]}, seed=7)
    assert run["status"] == "SUCCEEDED", run["error"]
    assert run["solverStatus"] in ("OPTIMAL", "FEASIBLE")
    assert run["progress"] == {"percent": 100, "phase": "done"}
    metrics = run["metrics"]
    assert metrics["eldersInScope"] > 0
    assert metrics["eldersPaired"] == run["proposals"]["totalCount"]
    assert metrics["eldersPaired"] + run["unpaired"]["totalCount"] == metrics["eldersInScope"]
    assert metrics["pairsBroken"] == 0  # churn budget 0 keeps every standing pair
    # The demo's standing pairs keep every hard rule, so none is broken by force either.
    assert metrics["pairsKept"] > 0
    assert metrics["pairsBrokenForced"] == 0
    assert [s["streetName"] for s in metrics["streets"]]
    assert 0 <= metrics["gini"] <= 1
    assert set(metrics["timings"]) == {"loadS", "solveS", "checkS", "saveS"}
    assert all(seconds >= 0 for seconds in metrics["timings"].values())
    assert all(p["distanceM"] <= 1500 for p in run["proposals"]["nodes"])
    assert all(u["reason"] for u in run["unpaired"]["nodes"])

    # Starting the same run again returns it and adds nothing.
    again = await api.ok(
        "matchingRunStart", START, input={"scope": {"streetIds": [street]}, "seed": 7}
    )
    assert again["matchingRun"]["id"] == run["id"]
    await app.state.runner.drain()
    assert (await api.data(RUN, id=run["id"]))["node"]["proposals"]["totalCount"] == (
        run["proposals"]["totalCount"]
    )

    open_ = [p for p in run["proposals"]["nodes"] if p["status"] == "PROPOSED"]
    assert len(open_) >= 2, "the demo street should leave new pairs to propose"
    first, second = open_[0], open_[1]
    no_consent = {"proposalId": first["id"], "volunteerConsent": True, "elderConsent": False}
    assert await _fails(api, "pairingConfirm", CONFIRM, no_consent) == [
        ("VALIDATION", "elderConsent")
    ]
    yes = {**no_consent, "elderConsent": True, "note": "电话确认"}
    confirmed = await api.ok("pairingConfirm", CONFIRM, input=yes)
    assert confirmed["pairProposal"]["status"] == "CONFIRMED"
    pair = confirmed["pairProposal"]["pair"]
    assert pair["status"] == "ACTIVE"
    assert await _fails(api, "pairingConfirm", CONFIRM, yes) == [("INVALID_STATE", "proposalId")]

    rejected = await api.ok(
        "pairingReject", REJECT, input={"proposalId": second["id"], "reason": "老人住院"}
    )
    assert rejected["pairProposal"]["status"] == "REJECTED"
    confirm_rejected = {**yes, "proposalId": second["id"]}
    assert await _fails(api, "pairingConfirm", CONFIRM, confirm_rejected) == [
        ("INVALID_STATE", "proposalId")
    ]

    assert await _fails(api, "pairingEnd", END, {"pairId": pair["id"], "reason": " "}) == [
        ("VALIDATION", "reason")
    ]
    ended = await api.ok("pairingEnd", END, input={"pairId": pair["id"], "reason": "志愿者搬家"})
    assert ended["pair"] == {"id": pair["id"], "status": "ENDED", "endReason": "志愿者搬家"}
    assert await _fails(api, "pairingEnd", END, {"pairId": pair["id"], "reason": "x"}) == [
        ("INVALID_STATE", "pairId")
    ]

    # A forbidden pair is honoured by every later run.
    forbid = {
        "kind": "FORBID",
        "volunteerId": second["volunteer"]["id"],
        "elderId": second["elder"]["id"],
        "reason": "家属不同意",
    }
    await api.ok("pairRuleCreate", RULE, input=forbid)
    assert await _fails(api, "pairRuleCreate", RULE, forbid) == [("DUPLICATE", "elderId")]
    later = await _run(app, api, scope={"streetIds": [street]}, seed=7, key="after-rule")
    assert later["status"] == "SUCCEEDED", later["error"]
    pairs = {(p["elder"]["id"], p["volunteer"]["id"]) for p in later["proposals"]["nodes"]}
    assert (second["elder"]["id"], second["volunteer"]["id"]) not in pairs


async def test_same_data_and_seed_give_the_same_proposals(app: Starlette, api: Api) -> None:
    street = await _street(app)
    one = await _run(app, api, scope={"streetIds": [street]}, seed=3, key="one")
    two = await _run(app, api, scope={"streetIds": [street]}, seed=3, key="two")

    def pairs(run: dict[str, Any]) -> set[tuple[str, str]]:
        return {(p["elder"]["id"], p["volunteer"]["id"]) for p in run["proposals"]["nodes"]}

    assert one["id"] != two["id"]
    assert pairs(one)
    assert pairs(one) == pairs(two)


async def test_bad_run_inputs_are_refused(app: Starlette, api: Api) -> None:
    street = await _street(app)
    missing_street = b.global_id("Street", 999_999)
    cases: list[tuple[str, dict[str, Any], list[tuple[str, str]]]] = [
        (
            "unknown street",
            {"scope": {"streetIds": [missing_street]}},
            [("NOT_FOUND", "scope.streetIds[0]")],
        ),
        (
            "wrong id type",
            {"scope": {"streetIds": [b.global_id("Station", 1)]}},
            [("NOT_FOUND", "scope.streetIds[0]")],
        ),
        (
            "negative radius",
            {"scope": {"streetIds": [street]}, "maxDistanceM": -5},
            [("VALIDATION", "maxDistanceM")],
        ),
        (
            "negative churn",
            {"scope": {"streetIds": [street]}, "churnBudget": -1},
            [("VALIDATION", "churnBudget")],
        ),
        (
            "floor above 1",
            {"scope": {"streetIds": [street]}, "streetFloor": 1.5},
            [("VALIDATION", "streetFloor")],
        ),
        ("no scope", {"scope": {}}, [("VALIDATION", "scope")]),
        (
            "two scopes",
            {"scope": {"streetIds": [street], "districtId": b.global_id("District", 1)}},
            [("VALIDATION", "scope")],
        ),
    ]
    mismatches = [
        f"{case}: {got}"
        for case, data, expected in cases
        if (got := await _fails(api, "matchingRunStart", START, data)) != expected
    ]
    assert mismatches == []
    runs = await api.data("{ matchingRuns { totalCount } }")
    assert runs["matchingRuns"]["totalCount"] == 0
