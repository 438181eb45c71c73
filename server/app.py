"""The ASGI application: GraphQL, live sync, health, metrics and the built frontend."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Receive, Scope, Send

from server.api.context import Services
from server.api.heatmap_images import HeatmapImages
from server.api.http import GraphQLApp
from server.api.material_content import MaterialContent
from server.api.material_uploads import PATH as UPLOAD_PATH
from server.api.material_uploads import MaterialUploads
from server.api.proposal_exports import ProposalExports
from server.api.signin_gate import DEFAULT_CONCURRENCY as DEFAULT_SIGN_INS
from server.api.signin_gate import SignInGate
from server.clustering.models import canonical
from server.domain import audit, job_names
from server.domain.accounts import tokens
from server.domain.accounts.watch import SessionWatch
from server.domain.documents.changes import ChangeNotices, notice_delay
from server.domain.documents.search_text import TextIndexScheduler, index_delay
from server.domain.heatmaps.refresh import ActivityDebouncer, refresh_delay
from server.domain.job_registry import REGISTRY
from server.domain.materials.sweep import Sweeper
from server.domain.materials.vault import Vault
from server.domain.painpoints.config import PainPointConfig
from server.domain.painpoints.submit import Submissions
from server.domain.points.adjustment_requests import approval_above
from server.domain.signin import SignIn, SignInRules
from server.domain.snapshots.actions import AutoPolicy
from server.domain.snapshots.scheduler import SnapshotScheduler
from server.domain.webhooks.config import WebhookConfig
from server.domain.webhooks.sweep import DeliverySweeper
from server.frontend import Frontend
from server.infra import offload
from server.infra.config import Settings, int_setting
from server.infra.db import Database
from server.infra.events import EventBus
from server.infra.job_queues import create_jobs
from server.infra.metrics_access import MetricsAccess
from server.infra.middleware import AccessLog, BodyLimit, SecurityHeaders
from server.infra.outbox import Dispatcher
from server.infra.pubsub import create_pubsub
from server.infra.schedule import Daily
from server.infra.throttle import create_throttle
from server.sync.committers import create_committer
from server.sync.endpoint import SyncEndpoint
from server.sync.fanout import Fanout
from server.sync.rooms import Rooms
from server.sync.writer import UpdateWriter
from server.warmup import Warmup
from server.warmup import enabled as warmup_enabled

log = logging.getLogger("warroom")

MAX_BODY_BYTES = 1024 * 1024
# What the jobs run in offload's child processes, imported there once at start-up.
# What the children import at startup, so the first call of each does not wait for it (the knowledge
# redaction: ~1 s of a first publish).
OFFLOADED = (
    "server.domain.documents.text",
    "server.domain.knowledge.redaction",
    "server.heatmaps.log_pass",
    "server.yjs.states",
)


class _Runtime:
    """The process-wide parts, created at startup and torn down at shutdown."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.db = Database.from_settings(settings)
        self.writer = UpdateWriter(create_committer(self.db, settings.sqlite_synchronous))
        self.pubsub = create_pubsub(settings.redis_url, settings.redis_prefix)
        self.fanout = Fanout(self.pubsub)
        self.events = EventBus(self.pubsub)
        self.throttle = create_throttle(settings.redis_url, settings.redis_prefix)
        # Closes live connections whose session ended (revoked, expired, idle, account disabled).
        self.sessions = SessionWatch.from_settings(self.db, self.events, settings)
        self.rooms: Rooms | None = None
        self.snapshots: SnapshotScheduler | None = None
        self.services: Services | None = None
        self.vault: Vault | None = None
        self.sweeper: Sweeper | None = None
        self.webhook_sweeper: DeliverySweeper | None = None
        self.sync: SyncEndpoint | None = None
        self.graphql: GraphQLApp | None = None
        self.nightly: Daily | None = None
        self.warmup: Warmup | None = None
        self.dispatcher: Dispatcher | None = None
        self.document_notices: ChangeNotices | None = None
        # Links the audit events that commands commit and signs the chain's checkpoints.
        self.audit = audit.Sequencer(
            self.db, audit.deployment_key(settings), audit.Policy.from_settings(settings)
        )

    async def start(self) -> None:
        approval_above(self.settings)  # a bad WARROOM_ADJUSTMENT_APPROVAL_ABOVE stops the start
        painpoint_config = PainPointConfig.from_settings(self.settings)
        # Before anything runs: a missing or bad key file stops the start (the default one is created).
        self.vault = Vault.from_settings(self.settings)
        if warmup_enabled(self.settings):
            # In the background: the model, a first encoding, the knowledge vectors (server/warmup.py).
            self.warmup = Warmup(self.settings)
            self.warmup.start()
        await self.pubsub.start()
        self.writer.start()
        await self.sessions.start()
        jobs = await create_jobs(REGISTRY, self.settings, self.db, self.events)
        # Delivers the jobs and events that transactions write (and any a crashed process left behind).
        self.dispatcher = Dispatcher(self.db, jobs, self.events)
        self.dispatcher.start()
        self.audit.start()
        self.rooms = Rooms(
            self.db,
            self.writer,
            self.fanout,
            idle_seconds=self.settings.room_idle_seconds,
            compact_every=self.settings.compact_every_updates,
            request_compaction=lambda case_id: jobs.enqueue_soon(
                job_names.COMPACT_DOCUMENT, job_id=f"compact:{case_id}", case_id=case_id
            ),
        )
        self.snapshots = SnapshotScheduler(jobs, AutoPolicy.from_settings(self.settings))
        self.sweeper = Sweeper.from_settings(self.db, self.vault.store, self.settings)
        self.sweeper.start()
        # Pending webhook tries whose job a dead worker took with it are queued again.
        self.webhook_sweeper = DeliverySweeper(self.db, WebhookConfig.from_settings(self.settings))
        self.webhook_sweeper.start()
        self.rooms.activity_listeners.append(self.snapshots.on_activity)
        self.rooms.activity_listeners.append(ActivityDebouncer(jobs, refresh_delay(self.settings)))
        self.rooms.activity_listeners.append(TextIndexScheduler(jobs, index_delay(self.settings)))
        self.document_notices = ChangeNotices(self.events, notice_delay(self.settings))
        self.rooms.activity_listeners.append(self.document_notices)
        self.services = Services(
            db=self.db,
            settings=self.settings,
            jobs=jobs,
            rooms=self.rooms,
            events=self.events,
            painpoints=Submissions(self.db, painpoint_config),
            signin=SignIn(
                self.db,
                self.throttle,
                SignInRules.from_settings(self.settings),
                timedelta(hours=self.settings.token_ttl_hours),
            ),
            sessions=self.sessions,
            vault=self.vault,
            audit=self.audit,
        )
        # A client that leaves more than twice the largest incoming frame unread is disconnected (1013).
        self.sync = SyncEndpoint(
            self.db,
            self.rooms,
            self.sessions,
            idle=tokens.idle_limit(self.settings),
            max_buffered_bytes=2 * self.settings.max_frame_bytes,
            access_check_seconds=self.settings.session_check_seconds,
        )
        if not self.settings.uses_arq:
            # the in-process jobs replay logs there (compaction, snapshots, heatmaps)
            offload.start(OFFLOADED)
        self.graphql = GraphQLApp(self.services)
        # A changed model (or a new default) re-embeds every team's pain points in the background; the job id
        # is the model's, so servers starting together queue one.
        await jobs.enqueue(
            job_names.CATCH_UP_MODEL, job_id=f"catch-up-model:{canonical(painpoint_config.model)}"
        )
        recluster_at = painpoint_config.recluster_at
        if not self.settings.uses_arq and recluster_at is not None:
            # arq workers run this as a cron job; the embedded default keeps the schedule itself
            self.nightly = Daily(recluster_at, lambda: jobs.enqueue(job_names.RECLUSTER_TEAMS), "recluster")
            self.nightly.start()

    async def stop(self) -> None:
        if self.warmup is not None:
            await self.warmup.stop()
        await self.sessions.stop()
        if self.sweeper is not None:
            await self.sweeper.stop()
        if self.webhook_sweeper is not None:
            await self.webhook_sweeper.stop()
        if self.nightly is not None:
            await self.nightly.stop()
        if self.rooms is not None:
            await self.rooms.close_all()
        await self.writer.stop()
        if self.document_notices is not None:
            self.document_notices.close()
        if self.snapshots is not None:
            await self.snapshots.stop()
        if self.services is not None:
            await self.services.painpoints.close()
        if self.dispatcher is not None:
            await self.dispatcher.stop()
        if self.services is not None:
            await self.services.jobs.close()
        if self.dispatcher is not None:
            await self.dispatcher.settle()
        if self.vault is not None:
            await self.vault.close()
        await self.audit.stop()
        await self.pubsub.stop()
        await self.throttle.close()
        await self.db.dispose()


class _GraphQLEndpoint:
    """The strawberry app is built at startup (it needs the job queue); route to it then."""

    def __init__(self, runtime: _Runtime) -> None:
        self.runtime = runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.runtime.graphql is not None
        await self.runtime.graphql(scope, receive, send)


class _SyncEndpoint:
    """Routes to the sync endpoint built at startup."""

    def __init__(self, runtime: _Runtime) -> None:
        self.runtime = runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.runtime.sync is not None
        await self.runtime.sync(scope, receive, send)


def create_app(settings: Settings | None = None) -> Starlette:
    """Build the app; its lifespan opens the database, the update writer, the fan-out and the jobs."""
    settings = settings or Settings.from_env()
    runtime = _Runtime(settings)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await runtime.start()
        # What exists now (schema, models, modules) lives as long as the process: freezing it keeps the
        # collector's full passes short (measured: ~60 ms each before, ~2 ms after), which were the
        # slowest 1% of GraphQL requests.
        gc.collect()
        gc.freeze()
        log.info("server started", extra={"database": settings.database_url.split("://")[0]})
        try:
            yield
        finally:
            await runtime.stop()

    async def healthz(_request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(_request: Request) -> Response:
        try:
            await runtime.db.ping()
        except Exception:  # any failure means "not ready"; why goes to the log, not to the caller
            log.warning("readiness check: the database does not answer", exc_info=True)
            return JSONResponse({"status": "unavailable", "code": "DATABASE_UNAVAILABLE"}, status_code=503)
        return JSONResponse({"status": "ready"})

    def services() -> Services:
        assert runtime.services is not None
        return runtime.services

    images = HeatmapImages(services)
    uploads = MaterialUploads(services)
    exports = ProposalExports(services)

    metrics_access = MetricsAccess.from_settings(settings)

    async def metrics(request: Request) -> Response:
        if (refusal := metrics_access.refusal(request)) is not None:
            return refusal
        rooms = runtime.rooms
        lines = [
            f"warroom_rooms_open {len(rooms) if rooms else 0}",
            f"warroom_sync_connections {runtime.sync.connections if runtime.sync else 0}",
            f"warroom_event_subscriptions {runtime.events.subscriptions}",
            f"warroom_sessions_watched {len(runtime.sessions)}",
            f"warroom_sessions_closed_total {runtime.sessions.closed}",
            f"warroom_doc_updates_stored_total {runtime.writer.stored}",
            f"warroom_doc_update_commits_total {runtime.writer.commits}",
            f"warroom_doc_update_backlog {runtime.writer.backlog}",
            f"warroom_outbox_delivered_total {runtime.dispatcher.delivered if runtime.dispatcher else 0}",
            f"warroom_outbox_failures_total {runtime.dispatcher.failures if runtime.dispatcher else 0}",
            f"warroom_outbox_pending {runtime.dispatcher.pending if runtime.dispatcher else 0}",
        ]
        lines += runtime.writer.latency.lines()
        if runtime.warmup is not None:
            lines += runtime.warmup.metric_lines()
        return PlainTextResponse("\n".join(lines) + "\n", media_type="text/plain; version=0.0.4")

    frontend = Frontend(settings.frontend_dir)
    routes = [
        Route("/graphql", _GraphQLEndpoint(runtime), methods=["GET", "POST"]),
        WebSocketRoute("/graphql", _GraphQLEndpoint(runtime)),
        WebSocketRoute("/sync/{case_id}", _SyncEndpoint(runtime)),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics),
        Route("/cases/{id}/heatmap.svg", images.case, methods=["GET", "HEAD"]),
        Route("/teams/{id}/heatmap.svg", images.team, methods=["GET", "HEAD"]),
        Route("/cases/{case_id}/materials", uploads.upload, methods=["POST"]),
        Route("/materials/{id}/content", MaterialContent(services), methods=["GET"]),
        Route("/proposals/{id}.md", exports.markdown, methods=["GET", "HEAD"]),
        Route("/proposals/{id}.json", exports.json, methods=["GET", "HEAD"]),
        # A bound method, so Starlette calls it with a Request (an instance would be taken for an ASGI app).
        Route("/", frontend.__call__, methods=["GET", "HEAD"]),
        Route("/{path:path}", frontend.__call__, methods=["GET", "HEAD"]),
    ]
    sign_ins = int_setting(settings.extra, "WARROOM_LOGIN_CONCURRENCY", DEFAULT_SIGN_INS, minimum=1)
    middleware = [
        Middleware(AccessLog),
        Middleware(SecurityHeaders, csp_exempt=("/graphql",) if settings.debug else ()),
        Middleware(BodyLimit, max_bytes=MAX_BODY_BYTES, unlimited=UPLOAD_PATH),
        Middleware(
            SignInGate,
            concurrency=sign_ins,
            signin=lambda: runtime.services.signin if runtime.services is not None else None,
        ),
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.runtime = runtime
    return app
