"""Warming a server up as it starts, in the background, so that its first users wait for nothing: the quality
gate's Chinese dictionary, the embedding model, a first encoding of a Chinese and an English text, and the
knowledge assets' vectors of the server's database.

Each costs its first user otherwise: the gate's jieba dictionary ~1 s in the event loop (every connection
stalls); the model several seconds (the imports and the weights); the model's first encoding of each language
~100 ms (its tokenizer and kernels); the vector matrix ~200 ms for 10,000 assets (the first meaning search).
All of it runs in a thread of its own, the database read on an event loop and connections of that thread:
the start-up and the server's event loop wait for none of it, requests are served meanwhile, and a request
that needs a part first simply loads it as it would without the warm-up (the model loads once, under a
lock; a matrix read twice is harmless). A failure is logged as a warning and leaves the rest to the first
request. A server stopped meanwhile does not wait for the model (the thread is a daemon) and cancels the
database read.

`python -m server serve` turns it on unless WARROOM_EMBEDDING_WARMUP says otherwise; apps built in-process
(the tests) leave it off.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time

from server.domain.knowledge.embedder import embedder_of
from server.domain.knowledge.vector_cache import shared_vectors
from server.domain.painpoints.quality import count_words
from server.infra.config import ConfigError, Settings
from server.infra.db import Database

log = logging.getLogger("warroom.warmup")

VARIABLE = "WARROOM_EMBEDDING_WARMUP"
_ON = frozenset({"1", "true", "yes", "on"})
_OFF = frozenset({"0", "false", "no", "off"})
# One text of each language, encoded one at a time as a search's query is.
TEXTS = ("手术室的设备突然停电了怎么办", "a customer shipped back a broken item")
# How long a stop waits for a cancelled database read to close its connections.
_STOP_SECONDS = 5.0


def enabled(settings: Settings) -> bool:
    """Whether WARROOM_EMBEDDING_WARMUP asks for the warm-up at start-up (unset: no)."""
    raw = (settings.extra.get(VARIABLE) or "").strip().lower()
    if raw in _ON:
        return True
    if not raw or raw in _OFF:
        return False
    raise ConfigError(f"{VARIABLE} must be 1 or 0, got {raw!r}")


class _Stopped(Exception):
    """The server stops: the warm-up ends where it is."""


class Warmup:
    """Warms one server up in a daemon thread; `stop` ends it early."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="warm-up", daemon=True)
        self._lock = threading.Lock()
        self._stopping = False
        self._reading: tuple[asyncio.AbstractEventLoop, asyncio.Future[None]] | None = None
        self._in_database = False
        self.error: Exception | None = None
        self.seconds: float | None = None  # how long the whole warm-up took, once it finished

    @property
    def done(self) -> bool:
        """Whether it ended (finished, failed or stopped)."""
        return self._done.is_set()

    def start(self) -> None:
        self._thread.start()

    def wait(self, timeout: float) -> bool:
        """Wait until it ended; False if it is still under way."""
        return self._done.wait(timeout)

    async def stop(self) -> None:
        """End it: a database read under way is cancelled and its connections closed before this returns;
        a model load is left behind."""
        with self._lock:
            self._stopping = True
            if self._reading is not None:
                loop, read = self._reading
                loop.call_soon_threadsafe(read.cancel)
            in_database = self._in_database
        if in_database:
            await asyncio.to_thread(self._thread.join, _STOP_SECONDS)

    def metric_lines(self) -> list[str]:
        return [
            f"warroom_warm_up_done {int(self.done)}",
            f"warroom_warm_up_seconds {self.seconds or 0:.3f}",
        ]

    def _check(self) -> None:
        if self._stopping:
            raise _Stopped

    def _run(self) -> None:
        started = time.monotonic()
        embedder = embedder_of(self._settings)
        try:
            count_words("退款慢")  # loads the gate's Chinese dictionary
            self._check()
            loading = time.monotonic()
            try:
                embedder.model()
            except Exception as error:  # noqa: BLE001 - logged: submissions and searches load it again
                self.error = error
                log.warning("the embedding model could not be loaded at start-up: %s", error)
                return
            log.info(
                "embedding model loaded",
                extra={"model": embedder.model_name, "seconds": round(time.monotonic() - loading, 1)},
            )
            for text in TEXTS:
                self._check()
                embedder.encode([text])
            self._check()
            asyncio.run(self._read_vectors(embedder.model_name, embedder.dimension))
        except (_Stopped, asyncio.CancelledError):
            pass
        except Exception as error:  # noqa: BLE001 - logged: the first search does what is left
            self.error = error
            log.warning("the warm-up did not finish: %s", error)
        else:
            self.seconds = time.monotonic() - started
            log.info("warmed up", extra={"seconds": round(self.seconds, 1)})
        finally:
            self._done.set()

    async def _read_vectors(self, model: str, dimension: int) -> None:
        """Read the knowledge vectors' matrix as a search would, through this database's read sessions."""
        with self._lock:
            self._check()
            self._in_database = True
        try:
            db = Database.from_settings(self._settings)
            try:
                # A task of its own, so that a stop cancels the read, not the closing of the connections.
                read = asyncio.ensure_future(_matrix(db, model, dimension))
                with self._lock:
                    self._reading = (asyncio.get_running_loop(), read)
                    if self._stopping:
                        read.cancel()
                try:
                    await read
                finally:
                    with self._lock:
                        self._reading = None
            finally:
                await db.dispose()
        finally:
            with self._lock:
                self._in_database = False


async def _matrix(db: Database, model: str, dimension: int) -> None:
    async with db.reads() as session:
        await shared_vectors().matrix(session, model, dimension)
