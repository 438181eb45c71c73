"""`materialDownloadLink`: a single-use link to a material's content that a browser follows to save the
file to disk as it streams (no Authorization header on a navigation, and never the token in a URL). On a
real server, SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import os
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from server.infra import auth
from server.models import DownloadTicket, MaterialGrant
from server.models.base import utcnow
from tests.support.material_access import REVOKE, Team, error_of, events, seal, team_on

LINK = "mutation($m: ID!) { materialDownloadLink(materialId: $m) { url expiresAt } }"
MIB = 1024 * 1024


@pytest.fixture
async def team(database_url: str, tmp_path: Path) -> AsyncIterator[Team]:
    async with team_on(database_url, tmp_path) as running:
        yield running


async def _link(team: Team, token: str, material_id: str | None = None) -> dict[str, str]:
    minted: dict[str, str] = (await team.live.gql.data(LINK, {"m": material_id or team.material_id}, token))[
        "materialDownloadLink"
    ]
    return minted


async def test_a_link_streams_a_multi_mib_file_once_without_the_token(team: Team, tmp_path: Path) -> None:
    big = os.urandom(6 * MIB + 12345) + "结尾的中文 end".encode()
    team.material_id = await seal(
        team.live,
        tmp_path,
        team.case_id,
        team.editor.person.id,
        big,
        name="现场视频.mp4",
        content_type="video/mp4",
    )
    grant_id = await team.grant(downloads=3)
    minted = await _link(team, team.editor.token)
    url = minted["url"]
    assert url.startswith(f"/materials/{team.material_id}/content?ticket=")
    assert team.editor.token not in url
    expires = datetime.fromisoformat(minted["expiresAt"])
    assert timedelta(seconds=55) < expires - utcnow() <= timedelta(seconds=60)
    # Only the ticket's hash is kept.
    ticket = url.split("ticket=", 1)[1]
    async with team.live.db.sessions() as session:
        assert (await session.scalars(select(DownloadTicket.ticket_hash))).all() == [
            auth.token_digest(ticket)
        ]

    pieces = 0
    digest = hashlib.sha256()
    async with team.live.gql.client.stream("GET", url) as response:  # no Authorization header
        assert response.status_code == 200
        assert response.headers["content-length"] == str(len(big))
        assert "attachment" in response.headers["content-disposition"]
        async for piece in response.aiter_raw():
            pieces += 1
            digest.update(piece)
    assert digest.hexdigest() == hashlib.sha256(big).hexdigest()
    assert pieces > 1  # sent as it is decrypted, not as one body
    (started,) = await events(team, "material.download_started", 1)
    assert started.actor_id == team.editor.person.id
    (ended,) = await events(team, "material.downloaded", 1)
    assert (ended.data["complete"], ended.data["bytes"]) == (True, len(big))
    async with team.live.db.sessions() as session:
        assert (await session.get_one(MaterialGrant, grant_id)).downloads_used == 1
        assert (await session.scalars(select(DownloadTicket))).all() == []

    # Spent: the same link again is refused, and counts nothing.
    again = await team.live.gql.client.get(url)
    assert (again.status_code, error_of(again)["code"]) == (401, "UNAUTHENTICATED")
    async with team.live.db.sessions() as session:
        assert (await session.get_one(MaterialGrant, grant_id)).downloads_used == 1


async def test_a_link_is_only_for_a_live_grant_of_the_caller(team: Team) -> None:
    gql = team.live.gql
    # No grant yet: NO_GRANT names what is missing, as the content route does.
    refused = await gql.error(LINK, {"m": team.material_id}, team.editor.token)
    assert refused.codes == ["NO_GRANT"]
    assert refused.errors[0]["extensions"]["missing"] == [
        "ACCESS_REQUEST",
        "CUSTOMER_AUTHORIZATION",
        "LEGAL_APPROVAL",
    ]
    # Someone who may not see the material gets NOT_FOUND; without a token, UNAUTHENTICATED.
    assert (await gql.error(LINK, {"m": team.material_id}, team.outsider.token)).codes == ["NOT_FOUND"]
    assert (await gql.error(LINK, {"m": team.material_id})).codes == ["UNAUTHENTICATED"]

    grant_id = await team.grant()
    # Another member holds no grant of their own.
    assert (await gql.error(LINK, {"m": team.material_id}, team.viewer.token)).codes == ["NO_GRANT"]
    # A link minted before a revocation opens nothing after it.
    minted = await _link(team, team.editor.token)
    await gql.data(REVOKE, {"g": grant_id}, team.owner.token)
    response = await gql.client.get(minted["url"])
    assert (response.status_code, error_of(response)["missing"]) == (403, ["GRANT_REVOKED"])
    after = await gql.error(LINK, {"m": team.material_id}, team.editor.token)
    assert (after.codes, after.errors[0]["extensions"]["missing"]) == (["NO_GRANT"], ["GRANT_REVOKED"])


async def test_a_link_opens_only_its_material_before_it_expires_and_while_its_token_lives(
    team: Team, tmp_path: Path
) -> None:
    gql = team.live.gql
    await team.grant(downloads=5)
    other = await seal(
        team.live,
        tmp_path,
        team.case_id,
        team.editor.person.id,
        b"other",
        name="b.txt",
        content_type="text/plain",
    )
    # For another material: refused (and spent).
    minted = await _link(team, team.editor.token)
    response = await gql.client.get(minted["url"].replace(team.material_id, other))
    assert response.status_code == 401
    assert (await gql.client.get(minted["url"])).status_code == 401
    # Expired: refused.
    minted = await _link(team, team.editor.token)
    ticket = minted["url"].split("ticket=", 1)[1]
    async with team.live.db.transaction() as session:
        row = await session.get_one(DownloadTicket, auth.token_digest(ticket))
        row.expires_at = utcnow() - timedelta(seconds=1)
    assert (await gql.client.get(minted["url"])).status_code == 401
    # A forged ticket: refused.
    assert (await gql.client.get(f"/materials/{team.material_id}/content?ticket=forged")).status_code == 401
    # Signed out: the token's links die with it.
    minted = await _link(team, team.editor.token)
    await gql.data("mutation { logout }", token=team.editor.token)
    assert (await gql.client.get(minted["url"])).status_code == 401
    # With a bearer token the ticket is not looked at (nor spent): the header decides.
    response = await gql.client.get(
        f"/materials/{team.material_id}/content?ticket=forged",
        headers={"authorization": f"Bearer {team.owner.token}"},
    )
    assert (response.status_code, error_of(response)["code"]) == (403, "NO_GRANT")
