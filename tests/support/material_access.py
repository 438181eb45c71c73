"""A test server with a case, its people and a material sealed straight into the server's store (as an upload
would leave it), and the GraphQL steps of two-person access."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from server.domain.materials.vault import Vault
from server.infra.config import Settings
from server.infra.ids import new_id
from server.infra.keyring import Keyring
from server.infra.object_store import store_from_settings
from server.models import AuditEvent, Material, UserRole
from tests.support.live import Live, Member, live_server

# Small chunks, so ranges and downloads cross many chunk boundaries.
CHUNK = 64 * 1024


async def seal(
    live: Live, workdir: Path, case_id: str, uploader_id: str, data: bytes, *, name: str, content_type: str
) -> str:
    """A material of `data` on the case, sealed with the server's key into its store; its id."""
    settings = Settings(data_dir=workdir)
    vault = Vault(store_from_settings(settings), Keyring.from_settings(settings), chunk_size=CHUNK)
    material_id = new_id()
    upload = vault.upload(material_id)
    for start in range(0, len(data), 100_000):
        await upload.write(data[start : start + 100_000])
    sealed = await upload.finish()
    await vault.close()
    async with live.db.transaction() as session:
        session.add(
            Material(
                id=material_id,
                case_id=case_id,
                name=name,
                size=sealed.size,
                content_type=content_type,
                sha256=sealed.sha256,
                storage_key=upload.storage_key,
                chunk_size=sealed.chunk_size,
                wrapped_key=sealed.wrapped_key,
                kek_id=sealed.kek_id,
                uploaded_by=uploader_id,
            )
        )
    return material_id


REQUEST = """
fragment Req on MaterialAccessRequest {
  id status missing reason
  authorization { by { id } evidence }
  approval { by { id } hours downloads }
  rejection { by { id } reason }
  grant { id state downloadsAllowed downloadsUsed downloadsLeft contentUrl expiresAt }
}
"""
ASK = (
    REQUEST
    + "mutation($m: ID!, $r: String!) { requestMaterialAccess(materialId: $m, reason: $r) { ...Req } }"
)
AUTHORIZE = (
    REQUEST
    + "mutation($q: ID!, $e: String!) { recordCustomerAuthorization(requestId: $q, evidence: $e) { ...Req } }"
)
APPROVE = (
    REQUEST
    + "mutation($q: ID!, $h: Int! = 24, $d: Int! = 3) { approveMaterialAccess(requestId: $q, hours: $h, downloads: $d) "
    "{ ...Req } }"
)
REJECT = (
    REQUEST + "mutation($q: ID!, $r: String!) { rejectMaterialAccess(requestId: $q, reason: $r) { ...Req } }"
)
REVOKE = "mutation($g: ID!) { revokeMaterialAccess(grantId: $g) { id state revokedAt revokedBy { id } } }"
LOG = """query($m: ID!) { materialAccessLog(materialId: $m) {
  seq action actor { id } requestId grantId bytes range counted complete detail } }"""


@dataclass
class Access:
    """The GraphQL steps, for one live server."""

    live: Live

    async def ask(self, token: str, material_id: str, reason: str = "核对客户的原始需求") -> dict[str, Any]:
        data = await self.live.gql.data(ASK, {"m": material_id, "r": reason}, token)
        request: dict[str, Any] = data["requestMaterialAccess"]
        return request

    async def authorize(
        self, token: str, request_id: str, evidence: str = "客户邮件 2026-12-01"
    ) -> dict[str, Any]:
        data = await self.live.gql.data(AUTHORIZE, {"q": request_id, "e": evidence}, token)
        request: dict[str, Any] = data["recordCustomerAuthorization"]
        return request

    async def approve(self, token: str, request_id: str, **limits: int) -> dict[str, Any]:
        variables: dict[str, Any] = {"q": request_id}
        variables.update({"h": limits["hours"]} if "hours" in limits else {})
        variables.update({"d": limits["downloads"]} if "downloads" in limits else {})
        data = await self.live.gql.data(APPROVE, variables, token)
        request: dict[str, Any] = data["approveMaterialAccess"]
        return request

    async def log(self, token: str, material_id: str) -> list[dict[str, Any]]:
        data = await self.live.gql.data(LOG, {"m": material_id}, token)
        entries: list[dict[str, Any]] = data["materialAccessLog"]
        return entries


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


@asynccontextmanager
async def team_on(database_url: str, workdir: Path) -> AsyncIterator[Team]:
    """A server with a case (owner, editor, viewer, an owner with role legal), legal of the team, two people of
    Team B, and the editor's material of `DATA` named `NAME`."""
    async with live_server(database_url, workdir) as live:
        case = await live.case(editor="EDITOR", viewer="VIEWER")
        legal_owner = await live.member(role=UserRole.LEGAL)
        await live.gql.add_member(case.owner.token, case.id, legal_owner.person.id, "OWNER")
        material_id = await seal(
            live,
            workdir,
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


def error_of(response: httpx.Response) -> dict[str, Any]:
    """The JSON error of a refused content request."""
    assert response.headers["content-type"] == "application/json"
    error: dict[str, Any] = response.json()["error"]
    return error


async def events(team: Team, action: str, count: int) -> list[AuditEvent]:
    """The material's audit events of `action`, once there are `count` (a download's end is written after its
    stream ends, so a client that stops reading may get there first; waits up to 30 s, as a loaded CI machine
    may need)."""
    for _ in range(600):
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
