"""Run Node scripts against the frontend's own npm packages (yjs, @tiptap/y-tiptap): the exact code the
browser runs. `npm ci` runs once when frontend/node_modules is missing or older than the lock file.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path

from tests.support.js_packages import ensure_installed

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"


def run_module(script: Path, *args: str, env: Mapping[str, str] | None = None, timeout: float = 60) -> str:
    """Run an ES module with the frontend's packages; returns its stdout.

    The source goes in on stdin: Node resolves a stdin module's imports from the working directory,
    which is frontend/, so the script can live beside its test.
    """
    ensure_installed(FRONTEND)
    result = subprocess.run(
        ["node", "--input-type=module", "-", *args],
        input=script.read_text(),
        cwd=FRONTEND,
        env=dict(env) if env is not None else None,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"node {script.name} failed ({result.returncode}):\n{result.stderr[-4000:]}")
    return result.stdout
