"""Runs the npm yjs clients of tests/heatmaps/js and reads what they did."""

from __future__ import annotations

import base64
import json
import subprocess
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from server.heatmaps.edits import LogEntry

from ._authors import START

JS = Path(__file__).parent / "js"


@dataclass(frozen=True)
class YjsSession:
    clients: dict[str, int]
    log: list[LogEntry]
    state: bytes
    blocks: list[dict[str, Any]]
    """Each top-level block as yjs sees it: tag, level attribute, plain text."""


def install() -> None:
    """`npm ci` the locked yjs once per checkout."""
    if not (JS / "node_modules" / "yjs").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=JS, check=True, capture_output=True)


def run(*args: str) -> YjsSession:
    """Run yjs_session.mjs with `args`; one minute between updates."""
    out = subprocess.run(
        ["node", "yjs_session.mjs", *args], cwd=JS, check=True, capture_output=True, timeout=60
    ).stdout
    raw = json.loads(out)
    log = [
        LogEntry(entry["author"], START + timedelta(minutes=i), base64.b64decode(entry["update"]))
        for i, entry in enumerate(raw["log"])
    ]
    return YjsSession(raw["clients"], log, base64.b64decode(raw["state"]), raw["blocks"])
