"""A 200 MiB upload streamed through a real server process: its resident memory grows by less than 64 MiB."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from server.infra import envelope
from tests.support import materials as m
from tests.support.live import live_server

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
