"""`python -m server`: serve, worker, migrate, users, demo, export-schema, audit, keys, painpoints (the
account actions under `users` are in cli_accounts.py, the `audit` actions in cli_audit.py, the key commands
in cli_keys.py)."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from server import cli_accounts, cli_audit, cli_keys
from server.infra.config import ConfigError, Settings

if TYPE_CHECKING:
    from server.infra.db import Database


def _sync_websocket_protocol() -> type[asyncio.Protocol]:
    from server.sync.websocket import SyncWebSocketProtocol, check_internals

    check_internals()
    return SyncWebSocketProtocol


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import os
    import signal

    from server.warmup import VARIABLE

    # A server warms up in the background at start-up (the embedding model, the knowledge vectors) unless
    # told not to (server/warmup.py); uvicorn's factory reads the settings from the environment again.
    os.environ.setdefault(VARIABLE, "1")

    from server.infra import offload
    from server.infra.logs import configure_logging

    configure_logging(settings.log_level, settings.log_format)
    # uvicorn raises SIGTERM again once it has shut down, and the default action ends the process before
    # exit handlers run: the replay children's semaphores were then reported leaked, on stderr, outside
    # the log format. Exit normally instead, with the status a shell reports for SIGTERM.
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    try:
        _run_uvicorn(settings, args)
    finally:
        offload.shutdown(wait=True)
    return 0


def _run_uvicorn(settings: Settings, args: argparse.Namespace) -> None:
    import uvicorn

    from server.infra.speedups import WEBSOCKET, choose

    protocol = choose(WEBSOCKET, settings.fast_websocket, _sync_websocket_protocol)
    uvicorn.run(
        "server.app:create_app",
        factory=True,
        host=args.host or settings.host,
        port=settings.port if args.port is None else args.port,
        # Yjs frames are small and already compact: per-message deflate cost 30x in latency (DESIGN.md).
        # websockets-sansio, plus a direct write for room broadcasts (server/sync/websocket.py).
        ws=protocol or "websockets-sansio",
        ws_per_message_deflate=False,
        ws_max_size=settings.max_frame_bytes,
        # Keepalive pings (0: none); a connection's first comes at its own moment (server/sync/websocket.py).
        ws_ping_interval=settings.ws_ping_seconds or None,
        ws_ping_timeout=settings.ws_ping_seconds or None,
        access_log=False,
        log_config=None,
        lifespan="on",
        proxy_headers=args.proxy_headers,
    )


def _worker(settings: Settings, _args: argparse.Namespace) -> int:
    if not settings.redis_url:
        print("The worker needs WARROOM_REDIS_URL; without it the server runs jobs itself.", file=sys.stderr)
        return 2
    from workers.settings import WorkerSettings
    from workers.worker import run

    run(WorkerSettings)
    return 0


def _migrate(settings: Settings, args: argparse.Namespace) -> int:
    from server.infra import migrate

    if args.check:
        migrate.check(settings.database_url)
        print("The models and the migrations agree.")
    else:
        print(migrate.upgrade(settings.database_url))
    return 0


async def _create_user(settings: Settings, args: argparse.Namespace, password: str) -> str:
    from server.domain import users
    from server.infra.db import Database
    from server.models import UserRole

    db = Database.from_settings(settings)
    try:
        async with db.transaction() as session:
            team = await users.get_or_create_team(session, args.team)
            user = await users.create_user(
                session,
                email=args.email,
                name=args.name,
                role=UserRole(args.role),
                password=password,
                team=team,
            )
            return user.id
    finally:
        await db.dispose()


async def _list_users(settings: Settings) -> list[tuple[str, str, str, str]]:
    from sqlalchemy import select

    from server.infra.db import Database
    from server.models import User

    db = Database.from_settings(settings)
    try:
        async with db.sessions() as session:
            rows = await session.execute(select(User).order_by(User.email))
            return [(u.id, u.email, u.name, u.role.value) for u in rows.scalars()]
    finally:
        await db.dispose()


def _users(settings: Settings, args: argparse.Namespace) -> int:
    from server.domain.errors import DomainError

    if args.users_command == "list":
        for row in asyncio.run(_list_users(settings)):
            print("\t".join(row))
        return 0
    password = args.password
    if password is None:
        password = getpass.getpass("Password: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
    try:
        user_id = asyncio.run(_create_user(settings, args, password))
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    print(user_id)
    return 0


@dataclass
class _DemoReport:
    people: list[tuple[str, str, str]]
    lines: list[str] = field(default_factory=list)
    failure: str | None = None


async def _seed_demo(settings: Settings, pain_points: bool) -> _DemoReport:
    from server.domain.demo import team as demo
    from server.infra.db import Database

    db = Database.from_settings(settings)
    try:
        async with db.transaction() as session:
            people = await demo.seed(session)
        report = _DemoReport([(p.email, p.name, p.role.value) for p in people])
        if pain_points:
            await _seed_demo_pain_points(settings, db, report)
        return report
    finally:
        await db.dispose()


async def _seed_demo_pain_points(settings: Settings, db: Database, report: _DemoReport) -> None:
    """Seed the demo pain points and run their clustering in this process, whatever queue the servers use,
    so that the demo is complete when the command returns."""
    from server.domain.clusters.placement import current_run
    from server.domain.demo import painpoints as demo_painpoints
    from server.domain.job_registry import REGISTRY
    from server.domain.painpoints.config import PainPointConfig
    from server.infra.job_queues import InProcessJobs
    from server.infra.outbox import delivering
    from server.models import Job, JobStatus

    jobs = InProcessJobs(REGISTRY, db, settings)
    # The follow-ups the seeding commits (awards, the clustering run) are delivered here, before returning.
    async with delivering(db, jobs):
        seeded = await demo_painpoints.seed(db, jobs, PainPointConfig.from_settings(settings))
    report.lines.append(f"Demo pain points: {seeded.submitted} submitted now.")
    async with db.sessions() as session:
        job = await session.get(Job, seeded.cluster_job_id) if seeded.cluster_job_id else None
        if job is not None and job.status is not JobStatus.SUCCEEDED:
            report.failure = f"The demo's clustering run did not finish: {job.error or job.status.value}"
            return
        run = await current_run(session, seeded.team_id)
    if run is not None:
        report.lines.append(
            f"Clustered {run.point_count} pain points into {run.cluster_count} clusters "
            f"({run.unclustered_count} in none)."
        )


def _demo(settings: Settings, args: argparse.Namespace) -> int:
    from server.domain.demo.team import PASSWORD

    report = asyncio.run(_seed_demo(settings, not args.without_pain_points))
    print(f"Demo team ready. Every demo login uses the password: {PASSWORD}")
    for email, name, role in report.people:
        print(f"  {email:<24} {role:<7} {name}")
    for line in report.lines:
        print(line)
    if report.failure is not None:
        print(report.failure, file=sys.stderr)
        return 1
    return 0


def _export_schema(_settings: Settings, args: argparse.Namespace) -> int:
    from server.api.schema import build_schema

    sdl = build_schema().as_str() + "\n"
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(sdl)
    else:
        sys.stdout.write(sdl)
    return 0


async def _recheck_duplicates(settings: Settings, team: str | None) -> tuple[int, int, int]:
    from server.clustering import shared_embedder
    from server.domain.painpoints import recheck as painpoint_recheck
    from server.domain.painpoints.config import PainPointConfig
    from server.domain.painpoints.recheck import RecheckReport
    from server.infra.db import Database

    config = PainPointConfig.from_settings(settings)
    model = shared_embedder(config.model).model_name
    db = Database.from_settings(settings)
    total = RecheckReport()
    try:
        if team is not None:
            teams = [team]
        else:
            async with db.sessions() as session:
                teams = await painpoint_recheck.teams_with_duplicates(session)
        for team_id in teams:
            report = await painpoint_recheck.recheck_duplicates(
                db, team_id, model, config, progress=_case_progress(team_id)
            )
            print(f"team {team_id}: checked {report.checked}, restored {len(report.restored)}", flush=True)
            total.add(report)
    finally:
        await db.dispose()
    return total.checked, len(total.restored), total.skipped


def _case_progress(team_id: str) -> Callable[[int, int], Awaitable[None]]:
    async def progress(done: int, cases: int) -> None:
        print(f"team {team_id}: case {done}/{cases}", flush=True)

    return progress


def _painpoints(settings: Settings, args: argparse.Namespace) -> int:
    checked, restored, skipped = asyncio.run(_recheck_duplicates(settings, args.team))
    print(f"checked {checked}, restored {restored}")
    if skipped:
        print(
            f"{skipped} duplicates have no vector under the configured model yet and were left as they are: "
            "re-cluster the team (it embeds them), then run this again.",
            file=sys.stderr,
        )
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m server", description="Warroom server and tools.")
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve the app (GraphQL, sync, frontend)")
    serve.add_argument("--host", help="interface to listen on (default WARROOM_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default WARROOM_PORT or 8000; 0 picks a free one)")
    serve.add_argument("--proxy-headers", action="store_true", help="trust X-Forwarded-* from a proxy")
    serve.set_defaults(run=_serve)

    worker = commands.add_parser("worker", help="run background jobs from Redis (needs WARROOM_REDIS_URL)")
    worker.set_defaults(run=_worker)

    migrate = commands.add_parser("migrate", help="apply database migrations")
    migrate.add_argument("--check", action="store_true", help="fail if a model change has no migration")
    migrate.set_defaults(run=_migrate)

    users = commands.add_parser("users", help="manage people")
    user_commands = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    create = user_commands.add_parser("create", help="create a user (password from --password or stdin)")
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--role", required=True, choices=["member", "rd", "hr", "legal", "finance", "admin"])
    create.add_argument("--team", default="Default", help="team name (created if missing; default: Default)")
    create.add_argument("--password", help="the password; read from stdin when omitted")
    user_commands.add_parser("list", help="list users (id, email, name, role)")
    users.set_defaults(run=_users)
    # Each sets its own `run`, which takes precedence over the group's.
    cli_accounts.add_commands(user_commands)

    demo = commands.add_parser(
        "demo", help="create the demo team, its cases, pain points and clusters (idempotent); print logins"
    )
    demo.add_argument(
        "--without-pain-points",
        action="store_true",
        help="only the people and cases: no pain points, no clustering run (needs no embedding model)",
    )
    demo.set_defaults(run=_demo)

    export = commands.add_parser("export-schema", help="print the GraphQL SDL")
    export.add_argument("-o", "--output", help="write to this file instead of stdout")
    export.set_defaults(run=_export_schema)

    cli_audit.add_commands(commands)

    cli_keys.add_commands(commands)

    painpoints = commands.add_parser("painpoints", help="maintain pain points")
    painpoint_commands = painpoints.add_subparsers(dest="painpoints_command", required=True, metavar="ACTION")
    recheck = painpoint_commands.add_parser(
        "recheck-duplicates",
        help="decide DUPLICATE pain points again under the configured model; restore and award distinct ones",
    )
    recheck.add_argument("--team", help="only this team's (id); default: every team")
    painpoints.set_defaults(run=_painpoints)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    return int(args.run(settings, args))
