"""A first end-to-end path through the API on both databases."""

from __future__ import annotations

from tests.api import builders
from tests.api.conftest import Api


async def test_volunteer_with_station_street_and_skills(api: Api) -> None:
    ids = await builders.geo(api)
    vid = await builders.volunteer(api, [ids["station"]], skills=["MEDICAL", "IT"])
    data = await api.data(
        """query($id: ID!) { node(id: $id) { ... on Volunteer {
             name skills stations { name street { name } } } } }""",
        id=vid,
    )
    assert data["node"] == {
        "name": "王芳",
        "skills": ["MEDICAL", "IT"],
        "stations": [{"name": "多福巷志愿服务站", "street": {"name": "东华门街道"}}],
    }
