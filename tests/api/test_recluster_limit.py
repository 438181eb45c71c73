"""reclusterPainPoints over the API: RATE_LIMITED with retryAfter when the team asked a moment ago."""

from __future__ import annotations

from server.infra.db import Database
from server.models import UserRole
from tests.support.graphql import GraphQL
from tests.support.painpoints import RECLUSTER, wait_for_job
from tests.support.points import sign_in


async def test_a_second_request_within_the_interval_is_rate_limited(api: GraphQL, app_db: Database) -> None:
    rd = await sign_in(api, app_db, "丽塔@a.com", UserRole.RD)
    first = (await api.data(RECLUSTER, token=rd.token))["reclusterPainPoints"]
    assert (await wait_for_job(api, rd.token, first["jobId"]))["status"] in ("SUCCEEDED", "FAILED")
    refused = await api.error(RECLUSTER, token=rd.token)
    assert refused.codes == ["RATE_LIMITED"]
    assert 590 <= refused.errors[0]["extensions"]["retryAfter"] <= 600
    assert "ask again in 10 minutes" in refused.errors[0]["message"]
