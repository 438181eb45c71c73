"""GET /materials/{id}/content on a real server (SQLite and PostgreSQL): byte ranges and how they count, and
downloads that end early (the client goes away, the grant is revoked) logged with the bytes sent."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from server.models import MaterialGrant
from tests.support.material_access import DATA, REVOKE, Team, error_of, events, seal, team_on


@pytest.fixture
async def team(database_url: str, tmp_path: Path) -> AsyncIterator[Team]:
    async with team_on(database_url, tmp_path) as running:
        yield running


async def test_ranges_return_the_exact_bytes_and_count_once_per_viewing(team: Team) -> None:
    grant_id = await team.grant(downloads=1)
    size = len(DATA)
    cases = {
        "bytes=0-0": (0, 1),
        "bytes=65530-131080": (65530, 131081),  # across two chunk boundaries
        f"bytes={size - 10}-": (size - 10, size),
        "bytes=-5": (size - 5, size),
        f"bytes=100-{size + 1000}": (100, size),  # an end past the file is cut to it
    }
    for header, (start, end) in cases.items():
        response = await team.get(team.editor, {"range": header})
        assert response.status_code == 206, (header, response.text)
        assert response.content == DATA[start:end]
        assert response.headers["content-range"] == f"bytes {start}-{end - 1}/{size}"
        assert response.headers["content-length"] == str(end - start)
    for header in (f"bytes={size}-", f"bytes={size + 5}-{size + 10}", "bytes=-0", "bytes=0-1,5-6"):
        response = await team.get(team.editor, {"range": header})
        assert response.status_code == 416, (header, response.text)
        assert response.headers["content-range"] == f"bytes */{size}"
        assert error_of(response)["code"] == "RANGE_NOT_SATISFIABLE"
    async with team.live.db.sessions() as session:
        grant = await session.get_one(MaterialGrant, grant_id)
    # five ranged reads of one viewing: one download of the one allowed
    assert grant.downloads_used == 1
    # a plain download is a second one
    response = await team.get(team.editor)
    assert (response.status_code, error_of(response)["missing"]) == (403, ["DOWNLOADS_USED_UP"])
    # a malformed Range is ignored (RFC 9110): a whole download, refused here
    assert (await team.get(team.editor, {"range": "bytes=x-y"})).status_code == 403
    # an If-Range with this content's tag keeps the range
    tag = f'"{hashlib.sha256(DATA).hexdigest()}"'
    response = await team.get(team.editor, {"range": "bytes=1-2", "if-range": tag})
    assert (response.status_code, response.content) == (206, DATA[1:3])


async def test_an_aborted_download_is_logged_with_the_bytes_sent(team: Team) -> None:
    await team.grant()
    client = team.live.gql.client
    headers = {"authorization": f"Bearer {team.editor.token}"}
    async with client.stream("GET", f"/materials/{team.material_id}/content", headers=headers) as response:
        assert response.status_code == 200
        async for _ in response.aiter_raw():
            break  # the client goes away after its first piece
    (event,) = await events(team, "material.downloaded", 1)
    assert event.data["complete"] is False
    assert event.data["stopped"] == "client"
    assert 0 < event.data["bytes"] < len(DATA)


async def test_a_revocation_stops_a_download_under_way(team: Team, tmp_path: Path) -> None:
    big = os.urandom(48 * 1024 * 1024)
    material_id = await seal(
        team.live,
        tmp_path,
        team.case_id,
        team.editor.person.id,
        big,
        name="drawing.bin",
        content_type="application/octet-stream",
    )
    team.material_id = material_id
    grant_id = await team.grant()
    received = 0

    async def download_revoked_on_the_way() -> None:
        nonlocal received
        headers = {"authorization": f"Bearer {team.editor.token}"}
        async with team.live.gql.client.stream(
            "GET", f"/materials/{material_id}/content", headers=headers
        ) as response:
            assert response.status_code == 200
            async for piece in response.aiter_raw():
                if received == 0:
                    await team.live.gql.data(REVOKE, {"g": grant_id}, team.owner.token)
                    # past the server's next look at the grant
                    await asyncio.sleep(1.5)
                received += len(piece)

    # the body ends short of its Content-Length
    with pytest.raises(httpx.RemoteProtocolError):
        await download_revoked_on_the_way()
    assert received < len(big)
    (event,) = await events(team, "material.downloaded", 1)
    assert (event.data["complete"], event.data["stopped"]) == (False, "grant_ended")
    assert event.data["bytes"] < len(big)
