"""The sweep removes what a crashed upload left (objects without rows, stale partial files), nothing else."""

from __future__ import annotations

import os
import time
from pathlib import Path

from server.domain.cases import actions as cases
from server.domain.materials import actions as materials
from server.domain.materials.sweep import sweep
from server.domain.materials.vault import Vault
from server.infra.config import Settings
from server.infra.db import Database
from server.infra.ids import new_id
from server.infra.keyring import Keyring
from server.infra.object_store import DirectoryStore
from server.models import User
from tests.support.people import make_person


def _age(path: Path, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


async def _stored(vault: Vault, data: bytes) -> tuple[str, str]:
    upload = vault.upload(new_id())
    await upload.write(data)
    await upload.finish()
    return upload.material_id, upload.storage_key


async def test_the_sweep_removes_old_orphans_and_stale_partials_only(db: Database, tmp_path: Path) -> None:
    root = tmp_path / "materials"
    vault = Vault(DirectoryStore(root), Keyring.from_settings(Settings(data_dir=tmp_path)), chunk_size=4096)
    person = await make_person(db, "sweep@a.com")

    kept_id, kept_key = await _stored(vault, b"a material with its row")
    upload = vault.upload(kept_id)  # only to seal the row's fields the same way an upload does
    async with db.transaction() as session:
        user = await session.get_one(User, person.id)
        case = await cases.create_case(session, user, title="Sweep", customer="ACME")
        await upload.write(b"x")
        sealed = await upload.finish()
        await materials.record_upload(
            session, user, case_id=case.id, material_id=kept_id, storage_key=kept_key, name="kept.txt",
            note=None, content_type="text/plain", sealed=sealed, transcript=None,
        )  # fmt: skip
    _, orphan_key = await _stored(vault, b"stored, then the process died before its commit")
    _, fresh_key = await _stored(vault, b"an upload committing right now")
    writer = vault.upload(new_id())
    await writer.write(os.urandom(10_000))  # a partial file of a process that died mid-upload
    (partial,) = list(root.rglob("*.part"))
    _age(root / kept_key, 5)
    _age(root / orphan_key, 2)
    _age(partial, 2)

    report = await sweep(db, vault.store)
    assert (report.orphans, report.unfinished) == (1, 1)
    remaining = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert remaining == sorted([kept_key, fresh_key])
    assert (await sweep(db, vault.store)).orphans == 0
    await writer.abort()  # closes the file this test's "crashed" writer still holds
