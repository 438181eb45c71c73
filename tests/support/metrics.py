"""Reading a server's `/metrics`."""

from __future__ import annotations

import asyncio
import time

import httpx


async def metrics(http_url: str) -> dict[str, float]:
    async with httpx.AsyncClient() as client:
        text = (await client.get(f"{http_url}/metrics")).text
    return {line.split()[0]: float(line.split()[1]) for line in text.splitlines() if line and line[0] != "#"}


async def wait_metric(http_url: str, name: str, value: float, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while (current := (await metrics(http_url))[name]) != value:
        if time.monotonic() > deadline:
            raise AssertionError(f"{name} is {current}, expected {value} within {timeout}s")
        await asyncio.sleep(0.05)
