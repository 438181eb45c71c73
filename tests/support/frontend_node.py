"""Run Node scripts against the frontend's own npm packages (yjs, @tiptap/y-tiptap): the exact code the
browser runs. `npm ci` runs once when frontend/node_modules is missing or older than the lock file.
"""

from __future__ import annotations

import fcntl
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"


def _installed() -> bool:
    marker = FRONTEND / "node_modules" / ".package-lock.json"
    return marker.exists() and marker.stat().st_mtime >= (FRONTEND / "package-lock.json").stat().st_mtime


def ensure_frontend_packages() -> None:
    """`npm ci` in frontend/ unless its node_modules match package-lock.json."""
    if _installed():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not on PATH: install Node 20+ to run the JavaScript Yjs clients")
    with (FRONTEND / ".npm-install.lock").open("w") as lock:
        # Parallel test processes wait for the first one's install instead of racing it.
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _installed():
            subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=FRONTEND,
                check=True,
                stdout=subprocess.DEVNULL,
            )


def run_module(script: Path, *args: str, env: Mapping[str, str] | None = None, timeout: float = 60) -> str:
    """Run an ES module with the frontend's packages; returns its stdout.

    The source goes in on stdin: Node resolves a stdin module's imports from the working directory,
    which is frontend/, so the script can live beside its test.
    """
    ensure_frontend_packages()
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
