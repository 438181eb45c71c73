"""Material upload: throughput and the server's memory while a large file streams in and is sealed.

A fresh server (`python -m server serve`, SQLite, the directory store unless --materials-url) gets one
multipart upload of --size bytes per run, generated on the fly (nothing read from or written to disk on the
client's side). Reported per run: wall time and MiB/s from the first byte sent to the 201, the server's CPU
seconds in that time, and its resident memory growth (VmHWM after resetting it through clear_refs, minus
VmRSS just before; also sampled every 50 ms). The server hashes (SHA-256) and seals (AES-256-GCM) every
1 MiB chunk and writes it to the store; the client's SHA-256 of what it sent is checked after the timing.

    .venv/bin/python benchmarks/material_upload.py                     # 1 GiB, 3 runs
    .venv/bin/python benchmarks/material_upload.py --size 64MiB --runs 1   # a quick check
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import os
import re
import secrets
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import _args
import httpx
from _report import table
from _served import start, stop
from _sync_servers import cpu_seconds

ROOT = Path(__file__).resolve().parents[1]
MIB = 1024 * 1024
PASSWORD = "bench-password-1"
LOGIN = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }"
CREATE_CASE = 'mutation { createCase(input: {title: "Upload bench", customer: "Bench Ltd"}) { id } }'


def parse_size(text: str) -> int:
    match = re.fullmatch(r"(\d+)\s*(|B|KiB|MiB|GiB)", text.strip(), re.IGNORECASE)
    if match is None:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (say 1GiB, 256MiB or a byte count)")
    unit = {"": 1, "b": 1, "kib": 1024, "mib": MIB, "gib": 1024 * MIB}[match.group(2).lower()]
    return int(match.group(1)) * unit


def blocks(size: int, seed: bytes) -> Iterator[bytes]:
    """`size` bytes, 1 MiB at a time: a random block with its index in front (cheap to make)."""
    base = hashlib.sha256(seed).digest() * (MIB // 32)
    for index in range(0, -(-size // MIB)):
        block = index.to_bytes(8, "big") + base[8:]
        yield block[: min(MIB, size - index * MIB)]


@dataclass
class Run:
    seconds: float
    mib_s: float
    cpu_s: float
    rss_before_mib: float
    growth_mib: float
    sampled_growth_mib: float


class Memory:
    def __init__(self, pid: int) -> None:
        self.pid = pid

    def field(self, name: str) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1]) * 1024
        raise KeyError(name)

    def reset_peak(self) -> bool:
        try:
            Path(f"/proc/{self.pid}/clear_refs").write_text("5")
        except OSError:
            return False
        return True


async def _command(env: dict[str, str], *args: str) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "server", *args, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"server {' '.join(args[:2])} failed: {err.decode()[-2000:]}")


async def _serve(workdir: Path, extra: dict[str, str]) -> tuple[asyncio.subprocess.Process, str, str]:
    """A migrated server with one user; its process, base URL and a token."""
    env = {
        **os.environ,
        "WARROOM_DATA_DIR": str(workdir),
        "WARROOM_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'warroom.db'}",
        "WARROOM_EMBEDDING_WARMUP": "0",
        "WARROOM_LOG_LEVEL": "warning",
        **extra,
    }
    await _command(env, "migrate")
    email = f"bench-{secrets.token_hex(4)}@bench.warroom"
    await _command(env, "users", "create", "--email", email, "--name", "Bench", "--role", "member",
                   "--password", PASSWORD)  # fmt: skip
    process, url = await start(env, workdir / "server.log")
    async with httpx.AsyncClient(base_url=url) as client:
        answer = await client.post(
            "/graphql", json={"query": LOGIN, "variables": {"e": email, "p": PASSWORD}}
        )
        token = answer.json()["data"]["login"]["token"]
    return process, url, token


async def _upload(
    client: httpx.AsyncClient, case_id: str, token: str, size: int, seed: bytes
) -> dict[str, str]:
    boundary = "----bench" + secrets.token_hex(8)
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    async def body() -> AsyncIterator[bytes]:
        yield head
        for block in blocks(size, seed):
            yield block
        yield tail

    response = await client.post(
        f"/cases/{case_id}/materials",
        content=body(),
        headers={
            "authorization": f"Bearer {token}",
            "content-type": f"multipart/form-data; boundary={boundary}",
            "content-length": str(len(head) + size + len(tail)),
        },
        timeout=3600,
    )
    if response.status_code != 201:
        raise RuntimeError(f"upload answered {response.status_code}: {response.text[:500]}")
    answer: dict[str, str] = response.json()
    return answer


async def _timed(
    client: httpx.AsyncClient, pid: int, case_id: str, token: str, size: int, seed: bytes
) -> Run:
    """One measured upload (after a warm-up one), its SHA-256 checked against what was sent."""
    await _upload(client, case_id, token, 4 * MIB, b"warm-up")  # imports, pools, buffers in place
    memory = Memory(pid)
    before = memory.field("VmRSS")
    reset = memory.reset_peak()
    sampled = before

    async def sample() -> None:
        nonlocal sampled
        while True:
            sampled = max(sampled, memory.field("VmRSS"))
            await asyncio.sleep(0.05)

    sampler = asyncio.create_task(sample())
    cpu = cpu_seconds(pid)
    started = time.perf_counter()
    answer = await _upload(client, case_id, token, size, seed)
    seconds = time.perf_counter() - started
    cpu = cpu_seconds(pid) - cpu
    sampler.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await sampler
    peak = max(sampled, memory.field("VmHWM") if reset else 0)
    digest = hashlib.sha256()
    for block in blocks(size, seed):
        digest.update(block)
    if answer["sha256"] != digest.hexdigest():
        raise RuntimeError("the server's SHA-256 differs from what was sent")
    growth, sampled_growth = (peak - before) / MIB, (sampled - before) / MIB
    return Run(seconds, size / MIB / seconds, cpu, before / MIB, growth, sampled_growth)


async def measure(size: int, runs: int, extra: dict[str, str]) -> list[Run]:
    """`runs` uploads of `size` bytes, each to a fresh server."""
    results = []
    for run in range(runs):
        with tempfile.TemporaryDirectory(prefix="material-bench-") as directory:
            process, url, token = await _serve(Path(directory), extra)
            try:
                async with httpx.AsyncClient(base_url=url) as client:
                    headers = {"authorization": f"Bearer {token}"}
                    created = await client.post("/graphql", json={"query": CREATE_CASE}, headers=headers)
                    case_id = created.json()["data"]["createCase"]["id"]
                    results.append(
                        await _timed(client, process.pid, case_id, token, size, f"run-{run}".encode())
                    )
            finally:
                await stop(process)
    return results


def main() -> None:
    parser = _args.parser(__doc__)
    parser.add_argument("--size", type=parse_size, default=1024 * MIB, help="upload size (default 1GiB)")
    _args.runs(parser, 3)
    parser.add_argument(
        "--materials-url", default="", help="WARROOM_MATERIALS_URL for the server (default: dir)"
    )
    args = parser.parse_args()
    extra = {"WARROOM_MATERIALS_URL": args.materials_url} if args.materials_url else {}
    runs = asyncio.run(measure(args.size, args.runs, extra))
    table(
        f"Material upload, {args.size / MIB:.0f} MiB, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}",
        ["run", "seconds", "MiB/s", "server CPU s", "RSS before MiB", "RSS growth MiB", "sampled MiB"],
        [
            [n + 1, f"{r.seconds:.2f}", f"{r.mib_s:.0f}", f"{r.cpu_s:.2f}", f"{r.rss_before_mib:.0f}",
             f"{r.growth_mib:.1f}", f"{r.sampled_growth_mib:.1f}"]
            for n, r in enumerate(runs)
        ],
    )  # fmt: skip


if __name__ == "__main__":
    main()
