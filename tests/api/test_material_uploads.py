"""`POST /cases/{id}/materials` against a real server process: sealed at rest, exact reads, limits, failures
that leave nothing, and who may upload."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select, text

from server.domain.materials.vault import Vault
from server.infra import envelope
from server.infra.db import is_sqlite
from server.infra.envelope import TamperedError
from server.models import AuditEvent, SummaryStatus
from tests.support import materials as m
from tests.support.live import Live, live_server

CHUNK = 4096
# A server with small chunks, so that a few kilobytes cross many chunk boundaries.
ENV = {"WARROOM_MATERIAL_CHUNK_BYTES": str(CHUNK), "WARROOM_MATERIAL_MAX_BYTES": str(3 * m.MIB)}


@pytest.fixture
async def server(database_url: str, tmp_path: Path) -> AsyncIterator[Live]:
    async with live_server(database_url, tmp_path, ENV) as running:
        yield running


@pytest.fixture
async def sqlite_server(sqlite_url: str, tmp_path: Path) -> AsyncIterator[Live]:
    async with live_server(sqlite_url, tmp_path, ENV) as running:
        yield running


def _customer_file(marker: str) -> bytes:
    lines = [
        f"客户未公开需求 {marker}：产线节拍提升到 45 秒。",
        "联系人：张三，手机 13812345678，邮箱 zhang.san@example.com，身份证 11010519491231002X。",
        f"Customer contact: call +86 138 1234 5678 or mail zhang.san@example.com ({marker}).",
    ]
    body = "\n".join(lines) + "\n"
    # Long enough to span several chunks, the marker in more than one of them.
    return (body + "填充 padding " * 1500 + "\n" + body).encode()


async def test_a_material_is_sealed_at_rest_and_reads_back_exactly(
    server: Live, database_url: str, tmp_path: Path
) -> None:
    case = await server.case()
    marker = f"WRMARK-{uuid.uuid4().hex}"
    data = _customer_file(marker)
    response = await m.upload(
        server.gql.client, case.id, case.owner.token, m.form(name="客户需求.txt", data=data)
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body == {
        "id": body["id"],
        "name": "客户需求.txt",
        "size": len(data),
        "contentType": "text/plain; charset=utf-8",
        "sha256": m.sha256(data),
    }

    async def summarized() -> bool:
        return (await m.material(server.db, body["id"])).summary_status is not SummaryStatus.PENDING

    assert await m.eventually(summarized)
    material = await m.material(server.db, body["id"])
    assert material.summary_status is SummaryStatus.READY

    # Nothing under the data directory (objects, keys, logs) holds the marker, nor does the database.
    needle = marker.encode()
    files = m.files_under(tmp_path)
    assert m.material_objects(tmp_path)
    assert m.containing(files, needle) == []
    if is_sqlite(database_url):
        assert m.containing(m.sqlite_files(database_url), needle) == []
    else:
        async with server.db.sessions() as session:
            for table in ("materials", "audit_events", "outbox"):
                found = await session.execute(
                    text(f"SELECT count(*) FROM {table} t WHERE t::text LIKE :pattern"),
                    {"pattern": f"%{marker}%"},
                )
                assert found.scalar_one() == 0, table

    (stored,) = m.material_objects(tmp_path)
    assert stored.stat().st_size == envelope.sealed_size(len(data), CHUNK)
    assert b"zhang.san@example.com" not in stored.read_bytes()

    vault = Vault.from_settings(m.vault_settings(tmp_path, **ENV))
    assert b"".join([piece async for piece in vault.read(material)]) == data
    # What members read instead: the personal data masked, in the Chinese line and the English one.
    summary = vault.summary(material)
    assert summary.startswith("text/plain")
    assert "客户未公开需求" in summary
    assert "138****5678" in summary
    assert "z***@example.com" in summary
    assert "110105********002X" in summary
    for personal in ("13812345678", "138 1234 5678", "zhang.san@", "11010519491231002X"):
        assert personal not in summary
    edges = [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK - 1, 2 * CHUNK + 5, len(data) - 1, len(data)]
    for start in edges:
        for end in edges:
            if start <= end:
                assert b"".join([p async for p in vault.read(material, start, end)]) == data[start:end]

    async with server.db.sessions() as session:
        event = (
            await session.execute(select(AuditEvent).where(AuditEvent.action == "material.uploaded"))
        ).scalar_one()
    assert event.subject == material.id
    assert event.actor_id == case.owner.person.id
    assert event.data["sha256"] == m.sha256(data)
    assert event.data["size"] == len(data)
    assert event.data["name"] == "客户需求.txt"
    assert marker not in json.dumps(event.data)

    # One byte changed in the third chunk: that chunk is refused, the first two still read.
    sealed = bytearray(stored.read_bytes())
    sealed[envelope.sealed_offset(2, CHUNK) + 40] ^= 0x01
    stored.write_bytes(bytes(sealed))
    assert b"".join([p async for p in vault.read(material, 0, 2 * CHUNK)]) == data[: 2 * CHUNK]
    with pytest.raises(TamperedError, match="chunk 2"):
        async for _piece in vault.read(material, 2 * CHUNK, 3 * CHUNK):
            pass
    await vault.close()


async def _nothing_kept(live: Live, workdir: Path) -> bool:
    return m.material_objects(workdir) == [] and await m.material_count(live.db) == 0


async def test_over_the_cap_is_refused_and_nothing_is_kept(sqlite_server: Live, tmp_path: Path) -> None:
    case = await sqlite_server.case()
    token = case.owner.token
    # Declared too large: refused before a byte of the body is read.
    huge = m.form(generated_size=64 * m.MIB)
    answer = await m.raw_request(sqlite_server.server.port, case.id, token, huge, send=0)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b'"PAYLOAD_TOO_LARGE"' in answer
    assert f'"maxBytes":{3 * m.MIB}'.encode() in answer
    # Declared within the form's allowance, the file one byte over the cap: refused as it grows.
    over = m.form(generated_size=3 * m.MIB + 1)
    answer = await m.raw_request(sqlite_server.server.port, case.id, token, over, send=over.length)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    # No Content-Length at all (chunked): refused as it grows.
    chunked = m.form(generated_size=4 * m.MIB)
    response = await sqlite_server.gql.client.post(
        f"/cases/{case.id}/materials",
        content=m.stream(chunked),
        headers={"authorization": f"Bearer {token}", "content-type": chunked.content_type},
    )
    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"
    # The limit, for a client to say in its own language.
    assert response.json()["error"]["maxBytes"] == 3 * m.MIB
    assert await m.eventually(lambda: _nothing_kept(sqlite_server, tmp_path))
    # Exactly at the cap is fine.
    exact = await m.upload(sqlite_server.gql.client, case.id, token, m.form(generated_size=3 * m.MIB))
    assert exact.status_code == 201, exact.text
    assert exact.json()["sha256"] == m.sha256_generated(3 * m.MIB)


async def test_an_upload_cut_off_by_the_client_leaves_nothing(sqlite_server: Live, tmp_path: Path) -> None:
    case = await sqlite_server.case()
    body = m.form(generated_size=3 * m.MIB)

    async def partial_object_exists() -> bool:
        return any(path.name.endswith(".part") for path in m.material_objects(tmp_path))

    async def hold() -> None:
        # The server has sealed and stored some chunks before the client goes away.
        assert await m.eventually(partial_object_exists)

    await m.raw_request(
        sqlite_server.server.port, case.id, case.owner.token, body, send=2 * m.MIB, answer=False, hold=hold
    )
    assert await m.eventually(lambda: _nothing_kept(sqlite_server, tmp_path))
    assert "material upload interrupted" in sqlite_server.server.logs()


async def test_who_may_upload_and_what_is_refused(sqlite_server: Live) -> None:
    live = sqlite_server
    case = await live.case(viewer="VIEWER", commenter="COMMENTER", editor="EDITOR")
    outsider = await live.member(team="Team B")
    teammate = await live.member()
    client = live.gql.client

    async def status(
        token: str | None, body: m.Form | None = None, case_id: str = case.id
    ) -> tuple[int, str]:
        response = await m.upload(client, case_id, token, body or m.form(data=b"hello"))
        code = response.json()["error"]["code"] if response.status_code >= 400 else ""
        return response.status_code, code

    assert await status(case.members["viewer"].token) == (403, "FORBIDDEN")
    assert await status(case.members["commenter"].token) == (403, "FORBIDDEN")
    assert await status(outsider.token) == (404, "NOT_FOUND")
    assert await status(teammate.token) == (404, "NOT_FOUND")
    assert await status(case.owner.token, case_id=str(uuid.uuid4())) == (404, "NOT_FOUND")
    assert await status(None) == (401, "UNAUTHENTICATED")
    assert await status("not-a-token") == (401, "UNAUTHENTICATED")
    assert (await status(case.members["editor"].token))[0] == 201

    owner = case.owner.token
    assert await status(owner, m.form(data=b"")) == (400, "BAD_INPUT")
    assert await status(owner, m.form(data=b"x", extra={"owner": b"me"})) == (400, "BAD_INPUT")
    assert await status(
        owner, m.form(data=b"plain text", transcript=b"1\n00:00:01,000 --> 00:00:02,000\nhi\n")
    ) == (
        400,
        "BAD_INPUT",
    )
    refused = await client.post(
        f"/cases/{case.id}/materials",
        json={"file": "hello"},
        headers={"authorization": f"Bearer {owner}"},
    )
    assert (refused.status_code, refused.json()["error"]["code"]) == (415, "UNSUPPORTED_MEDIA_TYPE")
    assert await status(owner, m.form(note="no file", with_file=False)) == (400, "BAD_INPUT")
    assert await m.material_count(live.db) == 1


def _wav(seconds: float = 1.0, rate: int = 8000) -> bytes:
    frames = int(seconds * rate)
    data = b"\x00\x00" * frames
    header = (
        b"RIFF" + (36 + len(data)).to_bytes(4, "little") + b"WAVEfmt " + (16).to_bytes(4, "little")
        + (1).to_bytes(2, "little") + (1).to_bytes(2, "little") + rate.to_bytes(4, "little")
        + (2 * rate).to_bytes(4, "little") + (2).to_bytes(2, "little") + (16).to_bytes(2, "little")
        + b"data" + len(data).to_bytes(4, "little")
    )  # fmt: skip
    return header + data


async def test_a_transcript_rides_with_audio_sealed(
    sqlite_server: Live, tmp_path: Path, sqlite_url: str
) -> None:
    case = await sqlite_server.case()
    marker = f"WRMARK-{uuid.uuid4().hex}"
    transcript = f"1\n00:00:00,000 --> 00:00:01,000\n请联系 13812345678 {marker}\n".encode()
    response = await m.upload(
        sqlite_server.gql.client,
        case.id,
        case.owner.token,
        m.form(name="通话录音.wav", data=_wav(), transcript=transcript, note="客户电话会议"),
    )
    assert response.status_code == 201, response.text
    assert response.json()["contentType"].startswith("audio/")
    material = await m.material(sqlite_server.db, response.json()["id"])
    assert material.note == "客户电话会议"
    assert material.transcript is not None
    assert marker.encode() not in material.transcript
    vault = Vault.from_settings(m.vault_settings(tmp_path, **ENV))
    assert vault.transcript(material) == transcript
    await vault.close()
    assert m.containing([*m.files_under(tmp_path), *m.sqlite_files(sqlite_url)], marker.encode()) == []
