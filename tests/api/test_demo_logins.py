"""The sign-in page's demo logins: only with the demo seed, and never the admin or legal accounts."""

from __future__ import annotations

import dataclasses

import httpx

from server.app import create_app
from server.infra.config import Settings
from tests.support.graphql import GraphQL

DEMO_LOGINS = "{ demoLogins { email name role } }"


async def _demo_logins(settings: Settings) -> list[dict[str, str]]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            logins: list[dict[str, str]] = (await GraphQL(client).data(DEMO_LOGINS))["demoLogins"]
            return logins


async def test_demo_logins_never_list_admin_or_legal_accounts(settings: Settings) -> None:
    assert await _demo_logins(settings) == []
    logins = await _demo_logins(dataclasses.replace(settings, demo=True))
    roles = {login["role"] for login in logins}
    assert roles == {"MEMBER", "RD", "HR", "FINANCE"}
    assert "王芳 (Finance BP)" in {login["name"] for login in logins}
    assert not {"admin@demo.warroom", "leo@demo.warroom"} & {login["email"] for login in logins}
