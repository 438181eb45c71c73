"""The npm y-websocket client (`tests/js/ytext_client.mjs`) as a subprocess a test can watch and drive."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

JS = Path(__file__).resolve().parents[1] / "js"


def require_node_clients() -> None:
    """Fail (never skip) when Node or the npm test clients are missing, saying how to install them."""
    if shutil.which("node") is None:
        pytest.fail("Node.js is not installed", pytrace=False)
    if not (JS / "node_modules" / "y-websocket").exists():
        pytest.fail(f"the npm test clients are missing: run `cd {JS} && npm ci`", pytrace=False)


class NodeYClient:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.text = ""
        self.synced = asyncio.Event()
        self.connects = 0
        self._changed = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def connect(cls, ws_url: str, case_id: str, token: str) -> NodeYClient:
        require_node_clients()
        process = await asyncio.create_subprocess_exec(
            "node", str(JS / "ytext_client.mjs"), f"{ws_url}/sync", case_id, token,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        client = cls(process)
        await asyncio.wait_for(client.synced.wait(), 15)
        return client

    async def _read(self) -> None:
        assert self.process.stdout is not None
        async for line in self.process.stdout:
            event: dict[str, Any] = json.loads(line)
            self.connects = int(event.get("connects", self.connects))
            if "text" in event:
                self.text = str(event["text"])
            if event["event"] == "synced":
                self.synced.set()
            self._changed.set()

    async def wait_text(self, predicate: Any, timeout: float = 5.0) -> str:
        """Wait until `predicate(text)` holds (or the text equals it, for a string)."""
        check = predicate if callable(predicate) else (lambda text: text == predicate)
        deadline = time.monotonic() + timeout
        while not check(self.text):
            self._changed.clear()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"the npm client's text is {self.text!r} after {timeout}s")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)
        return self.text

    async def add_paragraph(self, text: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"op": "paragraph", "text": text}).encode() + b"\n")
        await self.process.stdin.drain()

    async def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            await asyncio.wait_for(self.process.wait(), 5)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader
