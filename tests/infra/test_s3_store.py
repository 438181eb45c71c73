"""The S3 store against moto's standalone server: multipart objects, range reads, aborts, and a server
process whose materials live only there, as ciphertext."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from server.domain.materials.vault import Vault
from server.infra.config import Settings
from server.infra.keyring import Keyring
from server.infra.object_store import store_from_settings
from server.infra.s3_store import MIN_PART_SIZE, S3Store
from server.models import SummaryStatus
from tests.support import materials as m
from tests.support.live import live_server
from tests.support.s3 import S3Server, moto_server


@pytest.fixture
def s3(tmp_path: Path) -> Iterator[S3Server]:
    with moto_server(tmp_path) as server:
        yield server


def _store(s3: S3Server, tmp_path: Path, prefix: str = "objects") -> S3Store:
    store = store_from_settings(Settings.from_env({"WARROOM_DATA_DIR": str(tmp_path), **s3.env(prefix)}))
    assert isinstance(store, S3Store)
    store.part_size = MIN_PART_SIZE
    return store


async def test_multipart_objects_read_back_by_range(s3: S3Server, tmp_path: Path) -> None:
    store = _store(s3, tmp_path)
    data = os.urandom(2 * MIN_PART_SIZE + 12345)
    writer = store.writer("ab/one")
    for start in range(0, len(data), 1 << 20):
        await writer.write(data[start : start + (1 << 20)])
    assert s3.pending_uploads() == ["objects/ab/one"]
    await writer.complete()
    assert s3.keys() == ["objects/ab/one"]
    assert s3.pending_uploads() == []
    for start, length in [(0, 10), (MIN_PART_SIZE - 5, 10), (len(data) - 3, 10), (len(data), 5)]:
        assert await store.read("ab/one", start, length) == data[start : start + length]
    listed = await store.objects_before(datetime.now(UTC) + timedelta(minutes=1))
    assert [item.key for item in listed] == ["ab/one"]
    assert await store.objects_before(datetime.now(UTC) - timedelta(hours=1)) == []
    small = store.writer("cd/two")
    await small.write(b"tiny")
    await small.complete()
    assert await store.read("cd/two", 0, 100) == b"tiny"
    await store.delete("ab/one")
    assert s3.keys() == ["objects/cd/two"]
    await store.close()


async def test_aborted_and_abandoned_uploads_leave_nothing(s3: S3Server, tmp_path: Path) -> None:
    store = _store(s3, tmp_path)
    writer = store.writer("ab/aborted")
    await writer.write(os.urandom(MIN_PART_SIZE + 1))
    assert s3.pending_uploads() == ["objects/ab/aborted"]
    await writer.abort()
    assert s3.pending_uploads() == []
    assert s3.keys() == []
    abandoned = store.writer("ab/abandoned")  # a process that died mid-upload
    await abandoned.write(os.urandom(MIN_PART_SIZE + 1))
    # moto dates every multipart upload 2010-11-10, so "too recent to discard" is checked against 2000.
    assert await store.discard_incomplete(datetime(2000, 1, 1, tzinfo=UTC)) == 0
    assert await store.discard_incomplete(datetime.now(UTC) + timedelta(minutes=1)) == 1
    assert s3.pending_uploads() == []
    await store.close()


async def test_a_server_keeps_materials_in_s3_as_ciphertext_only(
    s3: S3Server, sqlite_url: str, tmp_path: Path
) -> None:
    env = {**s3.env("warroom/materials"), "WARROOM_S3_PART_BYTES": str(MIN_PART_SIZE)}
    marker = f"WRMARK-{uuid.uuid4().hex}".encode()
    data = (marker + b" confidential drawing notes\n") * 200_000  # ~9 MiB: a multipart upload
    async with live_server(sqlite_url, tmp_path, env) as live:
        case = await live.case()
        response = await m.upload(
            live.gql.client, case.id, case.owner.token, m.form(name="图纸说明.txt", data=data)
        )
        assert response.status_code == 201, response.text
        assert response.json()["sha256"] == m.sha256(data)
        material = await m.material(live.db, response.json()["id"])
        assert s3.keys() == [f"warroom/materials/{material.storage_key}"]
        stored = s3.client().get_object(Bucket=s3.bucket, Key=s3.keys()[0])["Body"].read()
        assert marker not in stored
        assert len(stored) > len(data)
        assert m.material_objects(tmp_path) == []  # nothing in the local directory store

        async def summarized() -> bool:
            return (await m.material(live.db, material.id)).summary_status is SummaryStatus.READY

        assert await m.eventually(summarized)

        # A client that goes away after several parts: the multipart upload is aborted, no object, no row.
        body = m.form(generated_size=3 * MIN_PART_SIZE)

        async def part_uploaded() -> bool:
            return bool(s3.pending_uploads())

        async def hold() -> None:
            assert await m.eventually(part_uploaded)

        await m.raw_request(
            live.server.port, case.id, case.owner.token, body, send=2 * MIN_PART_SIZE, answer=False, hold=hold
        )

        async def cleaned() -> bool:
            return s3.pending_uploads() == [] and len(s3.keys()) == 1 and await m.material_count(live.db) == 1

        assert await m.eventually(cleaned)

    settings = Settings.from_env({"WARROOM_DATA_DIR": str(tmp_path), **env})
    vault = Vault(store_from_settings(settings), Keyring.from_settings(settings))
    assert b"".join([piece async for piece in vault.read(material)]) == data
    middle = len(data) // 2
    assert (
        b"".join([piece async for piece in vault.read(material, middle - 3, middle + (1 << 20))])
        == (data[middle - 3 : middle + (1 << 20)])
    )
    await vault.close()
