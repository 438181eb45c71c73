"""A 200 MiB upload, and a 128 MiB download through a download link, streamed through a real server process:
its resident memory grows by less than 64 MiB."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
from pathlib import Path

from server.infra import envelope
from tests.support import materials as m
from tests.support.live import live_server
from tests.support.material_access import seal, team_on

SIZE = 200 * m.MIB
LIMIT = 64 * m.MIB


async def test_a_200_mib_upload_keeps_the_server_memory_flat(sqlite_url: str, tmp_path: Path) -> None:
    async with live_server(sqlite_url, tmp_path) as live:
        case = await live.case()
        client, token = live.gql.client, case.owner.token
        # A small upload first: what every upload needs (imports, buffers, pools) is in place before measuring.
        warm = await m.upload(client, case.id, token, m.form(generated_size=3 * m.MIB, seed=1))
        assert warm.status_code == 201, warm.text

        memory = m.Memory(live.server.process.pid)
        before = memory.rss
        peak_reset = memory.reset_peak()
        sampled = before

        async def sample() -> None:
            nonlocal sampled
            while True:
                sampled = max(sampled, memory.rss)
                await asyncio.sleep(0.05)

        sampler = asyncio.create_task(sample())
        try:
            response = await m.upload(
                client, case.id, token, m.form(generated_size=SIZE, seed=2), timeout=300
            )
        finally:
            sampler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sampler
        assert response.status_code == 201, response.text
        peak = max(sampled, memory.peak if peak_reset else 0)
        growth = peak - before
        print(
            f"\n200 MiB upload: server RSS before {before / m.MIB:.1f} MiB, peak {peak / m.MIB:.1f} MiB, "
            f"growth {growth / m.MIB:.1f} MiB (peak from {'VmHWM after clear_refs' if peak_reset else 'sampling'})"
        )
        assert response.json()["size"] == SIZE
        assert response.json()["sha256"] == m.sha256_generated(SIZE, seed=2)
        assert growth < LIMIT, f"the server grew by {growth / m.MIB:.1f} MiB"
        stored = [p for p in m.material_objects(tmp_path) if p.stat().st_size > 100 * m.MIB]
        assert [p.stat().st_size for p in stored] == [envelope.sealed_size(SIZE, envelope.DEFAULT_CHUNK_SIZE)]


DOWNLOAD_SIZE = 128 * m.MIB
LINK = "mutation($m: ID!) { materialDownloadLink(materialId: $m) { url } }"


async def test_a_128_mib_download_through_a_link_keeps_the_server_memory_flat(
    sqlite_url: str, tmp_path: Path
) -> None:
    async with team_on(sqlite_url, tmp_path) as team:
        data = os.urandom(DOWNLOAD_SIZE)
        team.material_id = await seal(
            team.live,
            tmp_path,
            team.case_id,
            team.editor.person.id,
            data,
            name="录像.mp4",
            content_type="video/mp4",
        )
        expected = hashlib.sha256(data).hexdigest()
        del data
        await team.grant(downloads=2)
        client, gql = team.live.gql.client, team.live.gql

        async def download() -> tuple[int, str]:
            url = (await gql.data(LINK, {"m": team.material_id}, team.editor.token))["materialDownloadLink"][
                "url"
            ]
            digest, received = hashlib.sha256(), 0
            async with client.stream("GET", url, timeout=300) as response:
                assert response.status_code == 200
                async for piece in response.aiter_raw():
                    digest.update(piece)
                    received += len(piece)
            return received, digest.hexdigest()

        await download()  # what every download needs is in place before measuring
        memory = m.Memory(team.live.server.process.pid)
        before = memory.rss
        peak_reset = memory.reset_peak()
        sampled = before

        async def sample() -> None:
            nonlocal sampled
            while True:
                sampled = max(sampled, memory.rss)
                await asyncio.sleep(0.05)

        sampler = asyncio.create_task(sample())
        try:
            received, digest = await download()
        finally:
            sampler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sampler
        peak = max(sampled, memory.peak if peak_reset else 0)
        growth = peak - before
        print(
            f"\n128 MiB download through a link: server RSS before {before / m.MIB:.1f} MiB, peak "
            f"{peak / m.MIB:.1f} MiB, growth {growth / m.MIB:.1f} MiB"
        )
        assert (received, digest) == (DOWNLOAD_SIZE, expected)
        assert growth < LIMIT, f"the server grew by {growth / m.MIB:.1f} MiB"
