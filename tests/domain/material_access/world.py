"""A case with a material and the people around it, made directly in the database (the access flow does not
read the material's bytes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update

from server.domain.material_access import requests
from server.infra.db import Database
from server.infra.ids import new_id
from server.models import CaseRole, Material, MaterialGrant, User, UserRole
from server.models.base import utcnow
from tests.support.people import case_with, make_user


@dataclass
class World:
    owner: User
    # a second owner, so an owner's own request can be authorized by someone else
    co_owner: User
    editor: User
    viewer: User
    legal: User
    # legal of the team and also an owner of the case: may give either approval, never both
    legal_owner: User
    # legal of another team, and a member of another team
    foreign_legal: User
    outsider: User
    # a member of the team who is not on the case
    teammate: User
    case_id: str
    material_id: str


async def make_material(
    db: Database, case_id: str, uploader: User, name: str = "现场录音 site call.mp4"
) -> str:
    async with db.transaction() as session:
        material = Material(
            case_id=case_id,
            name=name,
            size=1000,
            content_type="video/mp4",
            sha256="0" * 64,
            storage_key=f"test/{new_id()}",
            chunk_size=64 * 1024,
            wrapped_key=b"\0" * 40,
            kek_id="test",
            uploaded_by=uploader.id,
        )
        session.add(material)
        await session.flush()
        return material.id


async def make_world(db: Database) -> World:
    owner = await make_user(db, "owner@a.com", name="王芳")
    co_owner = await make_user(db, "co-owner@a.com")
    editor = await make_user(db, "editor@a.com", name="Li Lei")
    viewer = await make_user(db, "viewer@a.com")
    legal = await make_user(db, "legal@a.com", role=UserRole.LEGAL, name="法务 张")
    legal_owner = await make_user(db, "legal-owner@a.com", role=UserRole.LEGAL)
    foreign_legal = await make_user(db, "legal@b.com", role=UserRole.LEGAL, team="Team B")
    outsider = await make_user(db, "out@b.com", team="Team B")
    teammate = await make_user(db, "mate@a.com")
    case_id = await case_with(
        db,
        owner,
        (co_owner, CaseRole.OWNER),
        (editor, CaseRole.EDITOR),
        (viewer, CaseRole.VIEWER),
        (legal_owner, CaseRole.OWNER),
    )
    material_id = await make_material(db, case_id, editor)
    return World(
        owner,
        co_owner,
        editor,
        viewer,
        legal,
        legal_owner,
        foreign_legal,
        outsider,
        teammate,
        case_id,
        material_id,
    )


async def ask(db: Database, user: User, material_id: str, reason: str = "需要核对客户原始需求") -> str:
    async with db.transaction() as session:
        return (await requests.request_access(session, user, material_id, reason)).id


async def granted(db: Database, world: World, *, hours: int = 24, downloads: int = 3) -> tuple[str, str]:
    """The editor's request, authorized by the owner and approved by legal: (request id, grant id)."""
    request_id = await ask(db, world.editor, world.material_id)
    async with db.transaction() as session:
        await requests.authorize(session, world.owner, request_id, "客户邮件 2026-12-01 Re: 授权查看")
    async with db.transaction() as session:
        step = await requests.approve(session, world.legal, request_id, hours=hours, downloads=downloads)
    assert step.grant is not None
    return request_id, step.grant.id


async def expire(db: Database, grant_id: str) -> None:
    """Move a grant's end into the past, as time would."""
    async with db.transaction() as session:
        await session.execute(
            update(MaterialGrant)
            .where(MaterialGrant.id == grant_id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
