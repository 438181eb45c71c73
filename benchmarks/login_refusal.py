"""What one refused (throttled) sign-in costs the server: answered by the sign-in gate, or by GraphQL.

In one process, on a fresh SQLite database: an account is locked by wrong guesses, then --count refusals
are sent through the whole app as a plain `login` (the gate answers them) and as a document the gate does
not read (`login` beside `__typename`: the normal path, parse, validate, execute, the resolver's throttle
check), in alternating rounds; the process CPU time per refusal is reported for each (the in-process
client's and the other middleware's share included in both, so the difference is what the gate saves).
See docs/benchmarks.md, "Sign-in under a guessing burst".

Run it alone: flock /tmp/warroom-bench.lock .venv/bin/python benchmarks/login_refusal.py
(`--server-logs 2>/dev/null` to count the server's log lines too)
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import tempfile
import time
from pathlib import Path

import _args
import httpx

from server.app import create_app
from server.infra.config import Settings
from server.infra.logs import configure_logging
from server.infra.migrate import upgrade

LOGIN = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }"
# A second field the gate does not read: the same refusal, by GraphQL (the resolver's throttle check).
NORMAL = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } __typename }"
VARIABLES = {"e": "ana@a.com", "p": "guess guess"}


async def _cost(http: httpx.AsyncClient, document: str, count: int) -> float:
    """CPU ms per refused sign-in."""
    started = time.process_time()
    for _ in range(count):
        answer = (await http.post("/graphql", json={"query": document, "variables": VARIABLES})).json()
        assert answer["errors"][0]["extensions"]["code"] == "RATE_LIMITED", answer
    return (time.process_time() - started) * 1000 / count


async def main(args: argparse.Namespace) -> None:
    if args.server_logs:
        # as the server logs (JSON lines on stderr: run with 2>/dev/null), the in-process client excepted
        configure_logging("info", "json")
        logging.getLogger("httpx").setLevel(logging.WARNING)
    else:
        logging.disable(logging.WARNING)  # the per-burst warning would be the same on both paths
    with tempfile.TemporaryDirectory() as workdir:
        url = f"sqlite+aiosqlite:///{Path(workdir) / 'bench.db'}"
        await asyncio.to_thread(upgrade, url)
        settings = Settings.from_env(
            {
                "WARROOM_DATA_DIR": workdir,
                "WARROOM_DATABASE_URL": url,
                "WARROOM_JOBS": "inprocess",
                "WARROOM_LOGIN_LOCK_SECONDS": "3600",
                "WARROOM_LOGIN_BACKOFF_SECONDS": "3600",
            }
        )
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, client=("10.0.0.1", 1234))
            async with httpx.AsyncClient(transport=transport, base_url="http://b") as http:
                for _ in range(5):  # five wrong guesses lock the account
                    await http.post("/graphql", json={"query": LOGIN, "variables": VARIABLES})
                await _cost(http, LOGIN, 50)  # warm both paths
                await _cost(http, NORMAL, 50)
                early, late = [], []
                for _ in range(args.repeat):
                    early.append(await _cost(http, LOGIN, args.count))
                    late.append(await _cost(http, NORMAL, args.count))
    print(f"{args.count} refusals x {args.repeat} rounds, CPU ms per refused sign-in (median, range):")
    print(f"  answered by the gate: {statistics.median(early):.3f} ({min(early):.3f}-{max(early):.3f})")
    print(f"  answered by GraphQL:  {statistics.median(late):.3f} ({min(late):.3f}-{max(late):.3f})")


if __name__ == "__main__":
    parser = _args.parser(__doc__)
    parser.add_argument("--count", type=int, default=400)
    _args.repeat(parser, 5)
    parser.add_argument(
        "--server-logs",
        action="store_true",
        help="log as the server does (the access log line included; JSON on stderr) instead of not at all",
    )
    asyncio.run(main(parser.parse_args()))
