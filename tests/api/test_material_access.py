"""Two-person access to raw material, and `GET /materials/{id}/content`, on a real server (SQLite and
PostgreSQL): the approvals, the download's bytes and headers, ranges, refusals, revocation, the access log."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy import select, update

from server.models import AuditEvent, MaterialGrant, UserRole
from server.models.base import utcnow
from tests.support.live import Live, Member, live_server
from tests.support.material_access import REVOKE, Access, seal

NAME = "客户现场录音 2026-12 (site call).mp4"
# A marker, Chinese text and random bytes: what comes back must be these bytes exactly.
DATA = ("UNIQUE-MARKER-7f3a 客户未发布的技术要求 ".encode() * 3000) + os.urandom(700_001)


@dataclass
class Team:
    live: Live
    access: Access
    owner: Member
    editor: Member
    viewer: Member
    legal: Member
    legal_owner: Member
    outsider: Member
    foreign_legal: Member
    case_id: str
    material_id: str

    def get(self, member: Member | None, headers: dict[str, str] | None = None) -> Any:
        auth = {"authorization": f"Bearer {member.token}"} if member else {}
        return self.live.gql.client.get(
            f"/materials/{self.material_id}/content", headers={**auth, **(headers or {})}
        )

    async def grant(self, **limits: int) -> str:
        """The editor's request, authorized by the owner and approved by legal; the grant's id."""
        request = await self.access.ask(self.editor.token, self.material_id)
        await self.access.authorize(self.owner.token, request["id"])
        granted = await self.access.approve(self.legal.token, request["id"], **limits)
        assert granted["status"] == "GRANTED"
        grant_id: str = granted["grant"]["id"]
        return grant_id


@pytest.fixture
async def team(database_url: str, tmp_path: Path) -> AsyncIterator[Team]:
    async with live_server(database_url, tmp_path) as live:
        case = await live.case(editor="EDITOR", viewer="VIEWER")
        legal_owner = await live.member(role=UserRole.LEGAL)
        await live.gql.add_member(case.owner.token, case.id, legal_owner.person.id, "OWNER")
        material_id = await seal(
            live,
            tmp_path,
            case.id,
            case.members["editor"].person.id,
            DATA,
            name=NAME,
            content_type="video/mp4",
        )
        yield Team(
            live,
            Access(live),
            case.owner,
            case.members["editor"],
            case.members["viewer"],
            await live.member(role=UserRole.LEGAL),
            legal_owner,
            await live.member(team="Team B"),
            await live.member(role=UserRole.LEGAL, team="Team B"),
            case.id,
            material_id,
        )


def _error(response: httpx.Response) -> dict[str, Any]:
    assert response.headers["content-type"] == "application/json"
    error: dict[str, Any] = response.json()["error"]
    return error


async def _events(team: Team, action: str, count: int) -> list[AuditEvent]:
    """The material's audit events of `action`, once there are `count` (a download's end is written after its
    stream ends, so a client that stops reading may get there first)."""
    for _ in range(200):
        async with team.live.db.sessions() as session:
            rows = (
                await session.scalars(
                    select(AuditEvent)
                    .where(AuditEvent.subject == f"material:{team.material_id}", AuditEvent.action == action)
                    .order_by(AuditEvent.seq)
                )
            ).all()
        if len(rows) >= count:
            return list(rows)
        await asyncio.sleep(0.05)
    raise AssertionError(
        f"{count} {action} events never came; the server log:\n{team.live.server.logs()[-3000:]}"
    )


async def _upload(team: Team, member: Member, data: bytes, name: str) -> dict[str, Any]:
    """A material uploaded through `POST /cases/{id}/materials`, as a person would."""
    response = await team.live.gql.client.post(
        f"/cases/{team.case_id}/materials",
        files={"file": (name, data, "application/octet-stream")},
        headers={"authorization": f"Bearer {member.token}"},
    )
    assert response.status_code == 201, response.text
    uploaded: dict[str, Any] = response.json()
    return uploaded


async def test_after_both_approvals_the_requester_downloads_the_exact_bytes(team: Team) -> None:
    uploaded = await _upload(team, team.owner, DATA, NAME)
    assert (uploaded["name"], uploaded["size"]) == (NAME, len(DATA))
    team.material_id = uploaded["id"]
    response = await team.get(team.editor)
    assert response.status_code == 403
    assert _error(response)["missing"] == ["ACCESS_REQUEST", "CUSTOMER_AUTHORIZATION", "LEGAL_APPROVAL"]
    assert response.headers["cache-control"] == "no-store"

    request = await team.access.ask(team.editor.token, team.material_id)
    assert (request["status"], request["missing"]) == (
        "PENDING",
        ["CUSTOMER_AUTHORIZATION", "LEGAL_APPROVAL"],
    )
    request = await team.access.authorize(team.owner.token, request["id"], "客户签字的授权书 material 0193")
    assert request["authorization"] == {
        "by": {"id": team.owner.person.id},
        "evidence": "客户签字的授权书 material 0193",
    }
    response = await team.get(team.editor)
    assert response.status_code == 403
    error = _error(response)
    assert (error["code"], error["missing"]) == ("NO_GRANT", ["LEGAL_APPROVAL"])
    assert "legal's approval" in error["message"]

    request = await team.access.approve(team.legal.token, request["id"], hours=2, downloads=2)
    assert (request["status"], request["missing"]) == ("GRANTED", [])
    grant = request["grant"]
    assert (grant["state"], grant["downloadsLeft"]) == ("LIVE", 2)
    assert grant["contentUrl"] == f"/materials/{team.material_id}/content"

    response = await team.get(team.editor)
    assert response.status_code == 200, response.text
    assert (
        hashlib.sha256(response.content).hexdigest() == hashlib.sha256(DATA).hexdigest() == uploaded["sha256"]
    )
    headers = response.headers
    # the type sniffed from the bytes at upload
    assert headers["content-type"] == uploaded["contentType"]
    assert headers["content-length"] == str(len(DATA))
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cache-control"] == "no-store"
    assert headers["accept-ranges"] == "bytes"
    assert headers["content-security-policy"] == "default-src 'none'; sandbox"
    disposition = headers["content-disposition"]
    assert disposition.startswith('attachment; filename="')
    assert f"filename*=UTF-8''{quote(NAME, safe='')}" in disposition
    assert disposition.encode("latin-1").isascii()
    # the grant is the requester's alone
    assert (await team.get(team.owner)).status_code == 403
    assert (await team.get(team.legal)).status_code == 403

    data = await team.live.gql.data(
        "{ myMaterialGrants { id downloadsUsed downloadsLeft materialName } }", None, team.editor.token
    )
    assert data["myMaterialGrants"] == [
        {"id": grant["id"], "downloadsUsed": 1, "downloadsLeft": 1, "materialName": NAME}
    ]
    assert (await team.get(team.editor)).status_code == 200
    response = await team.get(team.editor)
    assert response.status_code == 403
    assert _error(response)["missing"] == ["DOWNLOADS_USED_UP"]
    data = await team.live.gql.data("{ myMaterialGrants { id } }", None, team.editor.token)
    assert data["myMaterialGrants"] == []


async def test_dual_control_through_the_api(team: Team) -> None:
    gql = team.live.gql
    own = await team.access.ask(team.legal_owner.token, team.material_id)
    for step in (team.access.authorize, team.access.approve):
        with pytest.raises(AssertionError, match="SEPARATION_OF_DUTIES: You asked for this access"):
            await step(team.legal_owner.token, own["id"])

    request = await team.access.ask(team.editor.token, team.material_id)
    await team.access.authorize(team.legal_owner.token, request["id"])
    with pytest.raises(AssertionError, match=r"SEPARATION_OF_DUTIES: .*one person never gives both"):
        await team.access.approve(team.legal_owner.token, request["id"])
    with pytest.raises(AssertionError, match="FORBIDDEN: Only legal"):
        await team.access.approve(team.owner.token, request["id"])
    with pytest.raises(AssertionError, match="FORBIDDEN: Only an owner"):
        await team.access.authorize(team.legal.token, own["id"])
    with pytest.raises(AssertionError, match="FORBIDDEN: Only an owner"):
        await team.access.authorize(team.viewer.token, own["id"])
    with pytest.raises(AssertionError, match="BAD_INPUT: `hours` must be between 1 and 168"):
        await team.access.approve(team.legal.token, request["id"], hours=169)
    with pytest.raises(AssertionError, match="BAD_INPUT: `downloads` must be between 1 and 20"):
        await team.access.approve(team.legal.token, request["id"], downloads=0)
    # the legal owner may still give the other approval on someone else's request
    other = await team.access.ask(team.viewer.token, team.material_id)
    assert (await team.access.approve(team.legal_owner.token, other["id"]))["approval"]["by"] == {
        "id": team.legal_owner.person.id
    }
    # what waits for whom
    query = "query($s: MaterialAccessStatus) { materialAccessRequests(status: $s) { nodes { id } } }"
    waiting = [
        n["id"]
        for n in (await gql.data(query, {"s": "PENDING"}, team.legal.token))["materialAccessRequests"][
            "nodes"
        ]
    ]
    assert waiting == [other["id"], request["id"], own["id"]]
    mine = (await gql.data(query, {}, team.viewer.token))["materialAccessRequests"]["nodes"]
    assert mine == [{"id": other["id"]}]
    # legal, not on the case, was told of each request, and sees what it is about
    notes = "{ notifications { nodes { kind case { id } materialAccessRequest { id requester { id } } } } }"
    nodes = (await gql.data(notes, None, team.legal.token))["notifications"]["nodes"]
    assert [(n["kind"], n["case"], n["materialAccessRequest"]["id"]) for n in nodes] == [
        ("ACCESS_REQUESTED", None, other["id"]),
        ("ACCESS_REQUESTED", None, request["id"]),
        ("ACCESS_REQUESTED", None, own["id"]),
    ]
    nodes = (await gql.data(notes, None, team.owner.token))["notifications"]["nodes"]
    assert {n["materialAccessRequest"]["requester"]["id"] for n in nodes} == {
        team.viewer.person.id,
        team.editor.person.id,
        team.legal_owner.person.id,
    }
    assert {n["case"]["id"] for n in nodes} == {team.case_id}


async def test_another_team_and_strangers_get_not_found(team: Team) -> None:
    grant_id = await team.grant()
    pending = await team.access.ask(team.viewer.token, team.material_id)
    for stranger in (team.outsider, team.foreign_legal):
        response = await team.get(stranger)
        assert response.status_code == 404
        assert _error(response)["code"] == "NOT_FOUND"
        operations = [
            (
                'mutation($m: ID!) { requestMaterialAccess(materialId: $m, reason: "x") { id } }',
                {"m": team.material_id},
            ),
            (
                'mutation($q: ID!) { recordCustomerAuthorization(requestId: $q, evidence: "x") { id } }',
                {"q": pending["id"]},
            ),
            ("mutation($q: ID!) { approveMaterialAccess(requestId: $q) { id } }", {"q": pending["id"]}),
            (
                'mutation($q: ID!) { rejectMaterialAccess(requestId: $q, reason: "x") { id } }',
                {"q": pending["id"]},
            ),
            ("mutation($g: ID!) { revokeMaterialAccess(grantId: $g) { id } }", {"g": grant_id}),
            ("query($q: ID!) { materialAccessRequest(id: $q) { id } }", {"q": pending["id"]}),
            (
                "query($m: ID!) { materialAccessRequests(materialId: $m) { nodes { id } } }",
                {"m": team.material_id},
            ),
            ("query($m: ID!) { materialAccessLog(materialId: $m) { seq } }", {"m": team.material_id}),
        ]
        for query, variables in operations:
            error = await team.live.gql.error(query, variables, stranger.token)
            assert error.codes == ["NOT_FOUND"], (query, error)
    # a missing id answers the same
    missing = "01890000-0000-7000-8000-000000000000"
    response = await team.live.gql.client.get(
        f"/materials/{missing}/content", headers={"authorization": f"Bearer {team.editor.token}"}
    )
    assert (response.status_code, _error(response)["code"]) == (404, "NOT_FOUND")
    response = await team.get(None)
    assert (response.status_code, _error(response)["code"]) == (401, "UNAUTHENTICATED")
    assert response.headers["www-authenticate"] == "Bearer"


async def test_expired_and_revoked_grants_answer_403(team: Team) -> None:
    grant_id = await team.grant()
    assert (await team.get(team.editor)).status_code == 200
    async with team.live.db.transaction() as session:
        await session.execute(
            update(MaterialGrant)
            .where(MaterialGrant.id == grant_id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    response = await team.get(team.editor)
    assert (response.status_code, _error(response)["missing"]) == (403, ["GRANT_EXPIRED"])

    grant_id = await team.grant()
    assert (await team.get(team.editor, {"range": "bytes=0-9"})).status_code == 206
    error = await team.live.gql.error(
        "mutation($g: ID!) { revokeMaterialAccess(grantId: $g) { id } }", {"g": grant_id}, team.viewer.token
    )
    assert error.codes == ["FORBIDDEN"]
    data = await team.live.gql.data(
        "mutation($g: ID!) { revokeMaterialAccess(grantId: $g) { state revokedBy { id } } }",
        {"g": grant_id},
        team.owner.token,
    )
    assert data["revokeMaterialAccess"] == {"state": "REVOKED", "revokedBy": {"id": team.owner.person.id}}
    # at once: also the ranged reads of the viewing that was open
    for headers in ({}, {"range": "bytes=10-19"}):
        response = await team.get(team.editor, headers)
        assert (response.status_code, _error(response)["missing"]) == (403, ["GRANT_REVOKED"])


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
        assert _error(response)["code"] == "RANGE_NOT_SATISFIABLE"
    async with team.live.db.sessions() as session:
        grant = await session.get_one(MaterialGrant, grant_id)
    # five ranged reads of one viewing: one download of the one allowed
    assert grant.downloads_used == 1
    # a plain download is a second one
    response = await team.get(team.editor)
    assert (response.status_code, _error(response)["missing"]) == (403, ["DOWNLOADS_USED_UP"])
    # a malformed Range is ignored (RFC 9110): a whole download, refused here
    assert (await team.get(team.editor, {"range": "bytes=x-y"})).status_code == 403
    # an If-Range with this content's tag keeps the range
    tag = f'"{hashlib.sha256(DATA).hexdigest()}"'
    response = await team.get(team.editor, {"range": "bytes=1-2", "if-range": tag})
    assert (response.status_code, response.content) == (206, DATA[1:3])


async def test_the_access_log_lists_every_step_with_byte_counts(team: Team) -> None:
    grant_id = await team.grant()
    assert (await team.get(team.editor)).status_code == 200
    assert (await team.get(team.editor, {"range": "bytes=10-109"})).status_code == 206
    await team.live.gql.data(
        "mutation($g: ID!) { revokeMaterialAccess(grantId: $g) { id } }", {"g": grant_id}, team.legal.token
    )
    rejected = await team.access.ask(team.viewer.token, team.material_id, "想看原件 / want the original")
    await team.live.gql.data(
        'mutation($q: ID!) { rejectMaterialAccess(requestId: $q, reason: "客户不同意") { id } }',
        {"q": rejected["id"]},
        team.legal.token,
    )
    await _events(team, "material.downloaded", 2)
    for reader in (team.owner, team.legal):
        log = await team.access.log(reader.token, team.material_id)
        steps = [(e["action"], e["actor"]["id"]) for e in log]
        assert steps == [
            ("material.access_requested", team.editor.person.id),
            ("material.access_authorized", team.owner.person.id),
            ("material.access_approved", team.legal.person.id),
            ("material.access_granted", team.legal.person.id),
            ("material.download_started", team.editor.person.id),
            ("material.downloaded", team.editor.person.id),
            ("material.download_started", team.editor.person.id),
            ("material.downloaded", team.editor.person.id),
            ("material.access_revoked", team.legal.person.id),
            ("material.access_requested", team.viewer.person.id),
            ("material.access_rejected", team.legal.person.id),
        ]
        downloads = [e for e in log if e["action"] == "material.downloaded"]
        assert [(e["bytes"], e["range"], e["counted"], e["complete"]) for e in downloads] == [
            (len(DATA), None, True, True),
            (100, "bytes=10-109", False, True),
        ]
        assert log[0]["detail"] == "核对客户的原始需求"
        assert log[-1]["detail"] == "客户不同意"
        assert {e["grantId"] for e in log[3:9]} == {grant_id}
    for reader in (team.editor, team.viewer):
        error = await team.live.gql.error(
            "query($m: ID!) { materialAccessLog(materialId: $m) { seq } }",
            {"m": team.material_id},
            reader.token,
        )
        assert error.codes == ["FORBIDDEN"]


async def test_an_aborted_download_is_logged_with_the_bytes_sent(team: Team) -> None:
    await team.grant()
    client = team.live.gql.client
    headers = {"authorization": f"Bearer {team.editor.token}"}
    async with client.stream("GET", f"/materials/{team.material_id}/content", headers=headers) as response:
        assert response.status_code == 200
        async for _ in response.aiter_raw():
            break  # the client goes away after its first piece
    (event,) = await _events(team, "material.downloaded", 1)
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
    (event,) = await _events(team, "material.downloaded", 1)
    assert (event.data["complete"], event.data["stopped"]) == (False, "grant_ended")
    assert event.data["bytes"] < len(big)
