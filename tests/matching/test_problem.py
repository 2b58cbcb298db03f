"""Invalid input is refused before solving, with the bad item named."""

from __future__ import annotations

import pytest

from matching import (
    Elder,
    ExistingPair,
    PairingParams,
    PairingProblem,
    Volunteer,
    priority_tier,
    slot_code,
    slot_label,
)
from tests.matching.factory import elder, problem, volunteer


def test_duplicate_elder_ids() -> None:
    with pytest.raises(ValueError, match="duplicate elder id 1"):
        problem([elder(1), elder(1)], [volunteer(10)])


def test_duplicate_volunteer_ids() -> None:
    with pytest.raises(ValueError, match="duplicate volunteer id 10"):
        problem([elder(1)], [volunteer(10), volunteer(10)])


def test_negative_capacity() -> None:
    with pytest.raises(ValueError, match="volunteer 10: capacity is -1"):
        volunteer(10, capacity=-1)


def test_latitude_out_of_range() -> None:
    with pytest.raises(ValueError, match="elder 1: latitude is 91"):
        Elder(id=1, lat=91, lon=116.4, street=1, priority=4)


def test_nan_coordinate() -> None:
    with pytest.raises(ValueError, match="volunteer 3: home longitude must be a finite number"):
        Volunteer(id=3, home_lat=39.9, home_lon=float("nan"), gender="male")


def test_unknown_gender() -> None:
    with pytest.raises(ValueError, match="volunteer 10: gender 'other'"):
        volunteer(10, gender="other")
    with pytest.raises(ValueError, match="elder 1: required_gender 'any'"):
        elder(1, required_gender="any")


def test_half_a_workplace() -> None:
    with pytest.raises(ValueError, match="both work latitude and longitude"):
        Volunteer(id=3, home_lat=39.9, home_lon=116.4, work_lat=39.9, gender="male")


def test_boolean_is_not_an_id() -> None:
    with pytest.raises(ValueError, match="must be an integer"):
        Elder(id=True, lat=39.9, lon=116.4, street=1, priority=4)


def test_priority_bounds() -> None:
    with pytest.raises(ValueError, match="priority is 0"):
        elder(1, priority=0)


def test_string_instead_of_a_set() -> None:
    with pytest.raises(ValueError, match="not the string 'mandarin'"):
        elder(1, languages="mandarin")


def test_pairs_must_name_known_people() -> None:
    with pytest.raises(ValueError, match="pin \\(1, 99\\) names unknown volunteer 99"):
        problem([elder(1)], [volunteer(10)], pins=[(1, 99)])
    with pytest.raises(ValueError, match="forbidden pair \\(7, 10\\) names unknown elder 7"):
        problem([elder(1)], [volunteer(10)], forbidden=[(7, 10)])


def test_one_existing_pair_per_elder() -> None:
    with pytest.raises(ValueError, match="elder 1 has more than one existing pair"):
        problem([elder(1)], [volunteer(10), volunteer(11)], existing=[(1, 10), (1, 11)])


def test_repeated_pin() -> None:
    with pytest.raises(ValueError, match="pins list the same"):
        problem([elder(1)], [volunteer(10)], pins=[(1, 10), (1, 10)])


def test_params_ranges() -> None:
    with pytest.raises(ValueError, match=r"street_floor 1\.5"):
        PairingParams(street_floor=1.5)
    with pytest.raises(ValueError, match="max_candidates is 0"):
        PairingParams(max_candidates=0)
    with pytest.raises(ValueError, match="churn_budget is -1"):
        PairingParams(churn_budget=-1)


def test_collections_are_frozen_and_ordered_by_nothing_but_content() -> None:
    e = elder(1, slots=[3, 1], languages=["hakka"])
    assert e.slots == frozenset({1, 3})
    p = PairingProblem(elders=[e], volunteers=[volunteer(10)], existing=[ExistingPair(1, 10)])  # type: ignore[arg-type]
    assert isinstance(p.elders, tuple)
    assert isinstance(p.existing, tuple)


def test_priority_tier() -> None:
    plain = priority_tier(living_alone=False, age=82, needy=False, disabled=False, waiting_days=0)
    assert plain == 4
    assert (
        priority_tier(living_alone=True, age=90, needy=False, disabled=False, waiting_days=0) == 8
    )
    assert (
        priority_tier(living_alone=True, age=95, needy=True, disabled=True, waiting_days=10_000)
        == 16
    )
    assert (
        priority_tier(living_alone=False, age=82, needy=False, disabled=False, waiting_days=179)
        == 5
    )
    with pytest.raises(ValueError, match="waiting_days"):
        priority_tier(living_alone=False, age=82, needy=False, disabled=False, waiting_days=-1)


def test_slot_codes() -> None:
    assert slot_code(0, "morning") == 0
    assert slot_code(1, "morning") == 3
    assert slot_label(slot_code(1, "morning")) == "Tuesday mornings"
    assert slot_label(99) == "slot 99"
    with pytest.raises(ValueError, match="weekday 7"):
        slot_code(7, "morning")
