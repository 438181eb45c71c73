"""What the benchmark scripts share: waiting for a quiet machine, and printing a markdown table."""

from __future__ import annotations

import os
import sys
import time
from typing import Any


def wait_quiet(limit_s: float, below: float = 0.8) -> float:
    """Wait up to `limit_s` for the 1-minute load average to drop below `below`; return the load then."""
    deadline = time.monotonic() + limit_s
    while os.getloadavg()[0] >= below and time.monotonic() < deadline:
        time.sleep(5)
    return os.getloadavg()[0]


def table(title: str, header: list[str], rows: list[list[Any]]) -> None:
    """Print a markdown table under a `## title` heading."""
    cells = [[str(c) for c in row] for row in [header, *rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    print(f"\n## {title}")
    for n, row in enumerate(cells):
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
        if n == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    sys.stdout.flush()


def seconds(value: float) -> str:
    """A duration as the tables print it."""
    return f"{value:.2f} s"


def ninety_percent(ratio: float) -> str:
    """The verdict on a rate that must reach 90% of its reference."""
    return f">= 90%: {'ok' if ratio >= 0.9 else 'MISSED'}"
