"""Install the npm packages that the real JavaScript clients need, once, from the committed lock."""

from __future__ import annotations

import fcntl
import shutil
import subprocess
from pathlib import Path

JS_DIR = Path(__file__).resolve().parent.parent / "js"


def _is_current(js_dir: Path) -> bool:
    # npm writes node_modules/.package-lock.json on every install; older than the lock means stale.
    installed = js_dir / "node_modules" / ".package-lock.json"
    lock = js_dir / "package-lock.json"
    return installed.exists() and installed.stat().st_mtime >= lock.stat().st_mtime


def ensure_installed(js_dir: Path = JS_DIR) -> Path:
    """Run `npm ci` in `js_dir` unless its node_modules already match package-lock.json."""
    if _is_current(js_dir):
        return js_dir
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not on PATH: install Node 20+ to run the JavaScript Yjs clients")
    with (js_dir / ".install.lock").open("w") as lock_file:
        # Parallel test processes wait here for the first one's install instead of racing it.
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        if not _is_current(js_dir):
            subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=js_dir,
                check=True,
                stdout=subprocess.DEVNULL,
            )
    return js_dir
