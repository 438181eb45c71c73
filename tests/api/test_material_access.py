"""Two-person access to raw material on a real server (SQLite and PostgreSQL): the approvals, the download
of the exact bytes, refusals, revocation and the access log."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import update

from server.models import MaterialGrant
from server.models.base import utcnow
from tests.support.live import Member
from tests.support.material_access import DATA, NAME, Team, error_of, events, team_on


@pytest.fixture
async def team(database_url: str, tmp_path: Path) -> AsyncIterator[Team]:
    async with team_on(database_url, tmp_path) as running:
        yield running


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
    assert error_of(response)["missing"] == ["ACCESS_REQUEST", "CUSTOMER_AUTHORIZATION", "LEGAL_APPROVAL"]
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
    error = error_of(response)
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
    assert error_of(response)["missing"] == ["DOWNLOADS_USED_UP"]
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
        assert error_of(response)["code"] == "NOT_FOUND"
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
    assert (response.status_code, error_of(response)["code"]) == (404, "NOT_FOUND")
    response = await team.get(None)
    assert (response.status_code, error_of(response)["code"]) == (401, "UNAUTHENTICATED")
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
    assert (response.status_code, error_of(response)["missing"]) == (403, ["GRANT_EXPIRED"])

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
        assert (response.status_code, error_of(response)["missing"]) == (403, ["GRANT_REVOKED"])


async def test_the_access_log_lists_every_step_with_byte_counts(team: Team) -> None:
    grant_id = await team.grant()
    assert (await team.get(team.editor)).status_code == 200
    # A download's end is recorded after its last byte is sent: wait for it, so the log's order is known.
    await events(team, "material.downloaded", 1)
    assert (await team.get(team.editor, {"range": "bytes=10-109"})).status_code == 206
    await events(team, "material.downloaded", 2)
    await team.live.gql.data(
        "mutation($g: ID!) { revokeMaterialAccess(grantId: $g) { id } }", {"g": grant_id}, team.legal.token
    )
    rejected = await team.access.ask(team.viewer.token, team.material_id, "想看原件 / want the original")
    await team.live.gql.data(
        'mutation($q: ID!) { rejectMaterialAccess(requestId: $q, reason: "客户不同意") { id } }',
        {"q": rejected["id"]},
        team.legal.token,
    )
    await events(team, "material.downloaded", 2)
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
