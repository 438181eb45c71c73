"""`python -m server` run as an operator runs it: a subprocess in the repository root."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_cli(
    args: list[str], env: dict[str, str], stdin: str = "", timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """`python -m server ARGS` with `env` over this process's environment; its output captured."""
    return subprocess.run(
        [sys.executable, "-m", "server", *args],
        cwd=ROOT, env={**os.environ, **env}, input=stdin, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
