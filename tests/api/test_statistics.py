"""The stored weekly figures through the API."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import col
from starlette.applications import Starlette

from jobs.statistics import monday_of, record_week
from models.commands.policy import ensure_policy
from models.db import transaction
from models.demo import load_demo
from models.geo import Street
from tests.api.builders import global_id
from tests.api.conftest import Api

QUERY = """query($week: Date, $streets: [ID!]) {
  weeklyStatistics(weekOf: $week, streetIds: $streets) {
  weekOf street { name } householdsOnAssistance byStatus { status households }
  monthlyBenefits elders80Plus eldersPaired overdueReviews headcountRatio } }"""


async def test_the_weeks_figures_per_street(app: Starlette, api: Api) -> None:
    factory = app.state.session_factory
    await load_demo(factory, scale="small")
    await ensure_policy(factory, None)
    assert (await api.data(QUERY))["weeklyStatistics"] == []  # not computed yet
    async with transaction(factory) as session:
        await record_week(session, monday_of(date.today()))
        first = (
            await session.execute(sa.select(col(Street.id)).order_by(col(Street.id)).limit(1))
        ).scalar_one()
    assert first is not None
    every = (await api.data(QUERY, week=date.today().isoformat()))["weeklyStatistics"]
    assert len(every) == 17
    assert {w["weekOf"] for w in every} == {monday_of(date.today()).isoformat()}
    (one,) = (await api.data(QUERY, streets=[global_id("Street", first)]))["weeklyStatistics"]
    assert one["street"]["name"] == every[0]["street"]["name"]
    assert one["householdsOnAssistance"] == sum(s["households"] for s in one["byStatus"])
    assert one["eldersPaired"] <= one["elders80Plus"]
    assert (await api.data(QUERY, week="2020-01-01"))["weeklyStatistics"] == []
