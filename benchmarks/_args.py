"""The command-line options several benchmark scripts share, each defined once with one meaning.

A script builds its parser with `parser(__doc__)`, adds the shared options it takes through the helpers
here (each with the script's own default where scripts differ), then its own options.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def parser(doc: str | None) -> argparse.ArgumentParser:
    """A script's parser, its module docstring as the `--help` description (line breaks kept)."""
    return argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)


def wait_quiet(
    parser: argparse.ArgumentParser,
    default: float = 0.0,
    help: str = "seconds to wait for a quiet machine (1-minute load average, _report.wait_quiet)",
) -> None:
    """`--wait-quiet SECONDS`: how long a run may wait for the rest of the machine to quieten."""
    parser.add_argument("--wait-quiet", type=float, default=default, metavar="SECONDS", help=help)


def repeat(parser: argparse.ArgumentParser, default: int, help: str = "repetitions") -> None:
    """`--repeat N`: how often the measurement is repeated (the tables report each, or their median)."""
    parser.add_argument("--repeat", type=int, default=default, help=help)


def runs(parser: argparse.ArgumentParser, default: int = 3, help: str = "runs") -> None:
    """`--runs N`: how many runs (each a fresh server or design, as the script says)."""
    parser.add_argument("--runs", type=int, default=default, help=help)


def updates(
    parser: argparse.ArgumentParser, default: int, help: str = "updates in the editing session"
) -> None:
    """`--updates N`: the size of the replayed editing session."""
    parser.add_argument("--updates", type=int, default=default, help=help)


def database_url(parser: argparse.ArgumentParser, help: str = "default: a fresh SQLite file") -> None:
    """`--database-url URL`: the database to measure on (a `WARROOM_DATABASE_URL`)."""
    parser.add_argument("--database-url", help=help)


def postgres(parser: argparse.ArgumentParser) -> None:
    """`--postgres`: a scratch PostgreSQL database (benchmarks/_postgres.py) instead of SQLite."""
    parser.add_argument("--postgres", action="store_true", help="a scratch PostgreSQL database (else SQLite)")


def labelled_sets(parser: argparse.ArgumentParser, *, cache: bool = True, required: bool = False) -> None:
    """`--data DIR` (and `--cache DIR`): the labelled sets of benchmarks/datasets.py and the vector cache."""
    where = "data directory" if required else "data directory (default: WARROOM_BENCH_DATA or var/bench-data)"
    parser.add_argument("--data", type=Path, required=required, help=where)
    if cache:
        parser.add_argument("--cache", type=Path, help="vector cache directory (default: DATA/cache)")


def writer_timing(
    parser: argparse.ArgumentParser,
    *,
    duration: float,
    warmup: float,
    duration_help: str = "seconds each writer writes",
    interval_help: str = "the writer's interval",
) -> None:
    """`--duration`, `--warmup`, `--interval-ms`, `--settle`: how long and how fast the sync writers write."""
    parser.add_argument("--duration", type=float, default=duration, help=duration_help)
    parser.add_argument(
        "--warmup", type=float, default=warmup, help="first seconds left out of the latencies"
    )
    parser.add_argument("--interval-ms", type=float, default=10.0, help=interval_help)
    parser.add_argument("--settle", type=float, default=1.0, help="seconds between connecting and writing")
