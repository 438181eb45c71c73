"""Materials sealed straight into a test server's store (as an upload would leave them), and the GraphQL
steps of two-person access."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from server.domain.materials.vault import Vault
from server.infra.config import Settings
from server.infra.ids import new_id
from server.infra.keyring import Keyring
from server.infra.object_store import store_from_settings
from server.models import Material
from tests.support.live import Live

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
