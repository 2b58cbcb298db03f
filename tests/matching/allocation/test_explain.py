"""Explanations: the limit per request and fund, fund outcomes, and shadow prices."""

from __future__ import annotations

import pytest

from matching.allocation import Reason, ShadowMethod
from matching.allocation.explain import yuan
from tests.matching.allocation.factory import fund, problem, request, solved


def test_each_request_says_what_stopped_it() -> None:
    p = problem(
        [
            fund(1, 500, 300, tags=["a"]),  # cap 300: request 1 reaches it
            fund(2, 400, 5000, minimum=200, tags=["b"]),  # runs out
            fund(3, 0, 5000, tags=["c"]),  # empty from the start
        ],
        [
            request(1, 1000, urgency=5, tags=["a"]),
            request(2, 100, urgency=4, tags=["a"]),
            request(3, 1000, urgency=3, tags=["b"]),
            request(4, 150, urgency=2, tags=["b"]),
            request(5, 1000, urgency=1, tags=["c"]),
            request(6, 1000, urgency=1, tags=["d"]),
        ],
    )
    outcomes = {r.request_id: r for r in solved(p).requests}
    assert {i: r.reason for i, r in outcomes.items()} == {
        1: Reason.CAP_REACHED,
        2: Reason.NEED_MET,
        3: Reason.BUDGET_EXHAUSTED,
        4: Reason.BUDGET_EXHAUSTED,
        5: Reason.NOT_ELIGIBLE,
        6: Reason.NOT_ELIGIBLE,
    }
    assert outcomes[1].covered_fen == 300
    assert outcomes[1].eligible_fen == 300
    assert outcomes[1].detail == (
        "covered 3.00 of 10.00 yuan: the household's cap is used up at fund 1"
    )
    assert "funds it qualifies for (3) have no money left" in outcomes[5].detail
    assert "no fund pays for its circumstances (tags d)" in outcomes[6].detail
    assert outcomes[3].grants[0].amount_fen == 400
    assert outcomes[2].limits == ()  # need met: nothing stops it


def test_the_main_reason_prefers_money_then_minimums_then_caps() -> None:
    p = problem(
        [fund(1, 1000, 100), fund(2, 50, 1000), fund(3, 5000, 5000, minimum=2000)],
        [request(1, 1200)],
    )
    outcome = solved(p).requests[0]
    assert outcome.covered_fen == 150
    assert {x.fund_id: x.reason for x in outcome.limits} == {
        1: Reason.CAP_REACHED,
        2: Reason.BUDGET_EXHAUSTED,
        3: Reason.BELOW_MINIMUM,  # 1,050 left to cover, the minimum is 2,000
    }
    assert outcome.reason == Reason.BUDGET_EXHAUSTED
    assert outcome.detail.endswith(
        "no money left (or less than a minimum grant) at fund 2;"
        " the rest of the need is below the minimum grant at fund 3;"
        " the household's cap is used up at fund 1"
    )


def test_funds_report_spending() -> None:
    p = problem([fund(1, 1000, 600), fund(2, 1000, 1000, tags=["x"])], [request(1, 700)])
    a, b = solved(p).funds
    assert (a.awarded_fen, a.remaining_fen, a.grants) == (600, 400, 1)
    assert (b.awarded_fen, b.remaining_fen, b.grants) == (0, 1000, 0)


# Fund 1 holds 1,000 fen. Request 1 (urgency 3) needs 1,500; request 2 (urgency 1) 2,000,000.
SHADOW = problem(
    [fund(1, 1000, 10**7), fund(2, 5000, 10**7, tags=["nobody"])],
    [request(1, 1500, urgency=3), request(2, 2_000_000, urgency=1)],
)


def test_the_resolved_shadow_price_is_the_exact_gain_of_10000_yuan() -> None:
    first, idle = (f.shadow for f in solved(SHADOW, shadow=ShadowMethod.RESOLVE).funds)
    assert first is not None
    assert idle is not None
    # 500 more fen to request 1 (x3), the other 999,500 to request 2 (x1).
    assert first.weighted_gain == pytest.approx(3 * 500 + 999_500)
    assert first.covered_gain_fen == 1_000_000
    assert first.text.startswith(
        "10,000.00 more yuan in this fund would cover 10,000.00 more yuan of need,"
        " worth 10,010.00 yuan of urgency-weighted need"
    )
    assert idle.weighted_gain == 0
    assert idle.covered_gain_fen == 0


def test_the_dual_shadow_price_bounds_the_gain_from_above() -> None:
    first, idle = (f.shadow for f in solved(SHADOW, shadow=ShadowMethod.DUAL).funds)
    assert first is not None
    assert idle is not None
    assert first.weighted_gain == pytest.approx(3 * 1_000_000)  # request 1's weight per fen
    assert first.covered_gain_fen is None
    assert "at most 30,000.00 yuan" in first.text
    assert idle.weighted_gain == 0


def test_shadow_prices_keep_the_street_floors() -> None:
    # Each street's eligible need is 1,000 (the fund's budget), so the floor is 500 each; the
    # re-solve keeps those floors and gives the 10,000 yuan to the urgent request first.
    p = problem(
        [fund(1, 1000, 10**7)],
        [request(1, 10**6, urgency=2, street=1), request(2, 10**6, urgency=1, street=2)],
        floor=0.5,
    )
    price = solved(p, shadow=ShadowMethod.RESOLVE).funds[0].shadow
    assert price is not None
    assert price.weighted_gain == pytest.approx(2 * 999_500 + 500)  # request 1 then fills up
    dual = solved(p, shadow=ShadowMethod.DUAL).funds[0].shadow
    assert dual is not None
    assert dual.weighted_gain >= price.weighted_gain


def test_shadow_prices_can_be_skipped() -> None:
    assert all(f.shadow is None for f in solved(SHADOW, shadow=ShadowMethod.NONE).funds)


@pytest.mark.parametrize(
    ("fen", "words"), [(0, "0.00"), (5, "0.05"), (123_456_789, "1,234,567.89"), (-150, "-1.50")]
)
def test_yuan_is_exact(fen: int, words: str) -> None:
    assert yuan(fen) == words
