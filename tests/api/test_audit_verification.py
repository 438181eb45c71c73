"""`auditVerification`: the report of `audit verify`, for admins and legal only."""

import stat

from sqlalchemy import update

from server.domain.audit.signing import DEFAULT_KEY_FILE, read_signing_key
from server.infra.config import Settings
from server.infra.db import Database
from server.models import AuditEvent, UserRole
from tests.support.graphql import GraphQL
from tests.support.people import PASSWORD, make_person

VERIFY = """{ auditVerification { ok events unlinked firstBadPosition reason checkpoints
  lastCheckpoint { position hash at keyId } keyId publicKey } }"""


async def test_admins_and_legal_read_the_verification_others_are_forbidden(
    api: GraphQL, app_db: Database, settings: Settings
) -> None:
    tokens = {}
    for role in (UserRole.ADMIN, UserRole.LEGAL, UserRole.HR, UserRole.MEMBER):
        person = await make_person(app_db, f"{role.value}@a.com", role=role, name=f"法务 {role.value}")
        tokens[role] = await api.login(person.email, PASSWORD)
    report = (await api.data(VERIFY, token=tokens[UserRole.LEGAL]))["auditVerification"]
    # 4 people created and 4 sign-ins, all linked; the first link signed a checkpoint at once
    assert (report["ok"], report["events"], report["unlinked"], report["firstBadPosition"]) == (
        True,
        8,
        0,
        None,
    )
    assert report["reason"] == ""
    assert report["lastCheckpoint"]["keyId"] == report["keyId"]
    assert report["publicKey"].startswith("-----BEGIN PUBLIC KEY-----")
    # the embedded default made the key under the data directory, readable by its owner only
    key_path = settings.data_dir / DEFAULT_KEY_FILE
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    assert read_signing_key(key_path).public.key_id == report["keyId"]
    assert (await api.data(VERIFY, token=tokens[UserRole.ADMIN]))["auditVerification"]["ok"]
    for role in (UserRole.HR, UserRole.MEMBER):
        assert (await api.error(VERIFY, token=tokens[role])).codes == ["FORBIDDEN"]
    assert (await api.error(VERIFY)).codes == ["UNAUTHENTICATED"]

    async with app_db.transaction() as session:
        await session.execute(
            update(AuditEvent).where(AuditEvent.position == 3).values(subject="someone else")
        )
    broken = (await api.data(VERIFY, token=tokens[UserRole.ADMIN]))["auditVerification"]
    assert (broken["ok"], broken["firstBadPosition"]) == (False, 3)
    assert broken["reason"] == "the event was altered after it was written"
