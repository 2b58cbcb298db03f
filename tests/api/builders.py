"""Build objects through the public API, so tests set up data as a client would."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api

ERRORS = "errors { code message field }"

DISTRICT_CREATE = f"""mutation($input: DistrictCreateInput!) {{
  districtCreate(input: $input) {{ district {{ id name version }} {ERRORS} }} }}"""
STREET_CREATE = f"""mutation($input: StreetCreateInput!) {{
  streetCreate(input: $input) {{ street {{ id name version }} {ERRORS} }} }}"""
COMMUNITY_CREATE = f"""mutation($input: CommunityCreateInput!) {{
  communityCreate(input: $input) {{ community {{ id name version }} {ERRORS} }} }}"""
STATION_CREATE = f"""mutation($input: StationCreateInput!) {{
  stationCreate(input: $input) {{ station {{ id name kind version }} {ERRORS} }} }}"""
VOLUNTEER_CREATE = f"""mutation($input: VolunteerCreateInput!) {{
  volunteerCreate(input: $input) {{ volunteer {{ id name phone version }} {ERRORS} }} }}"""
HOUSEHOLD_CREATE = f"""mutation($input: HouseholdCreateInput!) {{
  householdCreate(input: $input) {{ household {{ id status version }} {ERRORS} }} }}"""
PERSON_CREATE = f"""mutation($input: PersonCreateInput!) {{
  personCreate(input: $input) {{ person {{ id name age version }} {ERRORS} }} }}"""
ELDER_CREATE = f"""mutation($input: ElderCreateInput!) {{
  elderCreate(input: $input) {{ elder {{ id age version }} {ERRORS} }} }}"""
FUND_CREATE = f"""mutation($input: FundCreateInput!) {{
  fundCreate(input: $input) {{
    fund {{ id name version budgets {{ year amount }} }} {ERRORS} }} }}"""

HOME = {"latitude": 39.92, "longitude": 116.41}


async def district(api: Api, name: str = "东城区") -> str:
    payload = await api.ok("districtCreate", DISTRICT_CREATE, input={"name": name})
    return str(payload["district"]["id"])


async def street(api: Api, district_id: str, name: str = "东华门街道") -> str:
    payload = await api.ok(
        "streetCreate", STREET_CREATE, input={"districtId": district_id, "name": name}
    )
    return str(payload["street"]["id"])


async def community(api: Api, street_id: str, name: str = "多福巷社区") -> str:
    payload = await api.ok(
        "communityCreate",
        COMMUNITY_CREATE,
        input={"streetId": street_id, "name": name, "location": HOME},
    )
    return str(payload["community"]["id"])


async def station(api: Api, street_id: str, community_id: str | None, **extra: Any) -> str:
    data = {
        "name": "多福巷志愿服务站",
        "kind": "COMMUNITY",
        "streetId": street_id,
        "communityId": community_id,
        "address": "多福巷1号",
        "location": HOME,
        **extra,
    }
    payload = await api.ok("stationCreate", STATION_CREATE, input=data)
    return str(payload["station"]["id"])


async def geo(api: Api) -> dict[str, str]:
    """A district with one street, one community and its station: their ids."""
    d = await district(api)
    s = await street(api, d)
    c = await community(api, s)
    st = await station(api, s, c)
    return {"district": d, "street": s, "community": c, "station": st}


def volunteer_input(station_ids: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "name": "王芳",
        "gender": "FEMALE",
        "birthYear": 1990,
        "phone": "13812345678",
        "home": HOME,
        "stationIds": station_ids,
        **extra,
    }


async def volunteer(api: Api, station_ids: list[str], **extra: Any) -> str:
    payload = await api.ok(
        "volunteerCreate", VOLUNTEER_CREATE, input=volunteer_input(station_ids, **extra)
    )
    return str(payload["volunteer"]["id"])


async def household(api: Api, community_id: str, **extra: Any) -> str:
    data = {"communityId": community_id, "address": "多福巷2号", "location": HOME, **extra}
    payload = await api.ok("householdCreate", HOUSEHOLD_CREATE, input=data)
    return str(payload["household"]["id"])


async def person(api: Api, household_id: str, **extra: Any) -> str:
    data = {
        "householdId": household_id,
        "name": "张大爷",
        "gender": "MALE",
        "birthDate": "1938-05-01",
        "relation": "HEAD",
        "labourCapacity": "NONE",
        **extra,
    }
    payload = await api.ok("personCreate", PERSON_CREATE, input=data)
    return str(payload["person"]["id"])


async def elder(api: Api, person_id: str, **extra: Any) -> str:
    payload = await api.ok("elderCreate", ELDER_CREATE, input={"personId": person_id, **extra})
    return str(payload["elder"]["id"])
