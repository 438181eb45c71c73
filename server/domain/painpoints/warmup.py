"""Loading the embedding model, and the quality gate's Chinese dictionary, at start-up in the background,
so that no pain point waits for them.

Loading takes several seconds (the imports and the weights). In a thread of its own it holds up neither the
start-up nor the event loop: requests are served meanwhile, and a submission that comes first simply waits
for the same load (the embedder loads once, under a lock). The gate runs in the event loop: its jieba
dictionary (~1 s) would otherwise stall every connection when the first Chinese text arrives.
`python -m server serve` turns it on unless WARROOM_EMBEDDING_WARMUP says otherwise; apps built in-process
(the tests) leave it off.
"""

from __future__ import annotations

import logging
import threading
import time

from server.clustering import shared_embedder
from server.domain.painpoints.quality import count_words
from server.infra.config import ConfigError, Settings

log = logging.getLogger("warroom.warmup")

VARIABLE = "WARROOM_EMBEDDING_WARMUP"
_ON = frozenset({"1", "true", "yes", "on"})
_OFF = frozenset({"0", "false", "no", "off"})


def enabled(settings: Settings) -> bool:
    """Whether WARROOM_EMBEDDING_WARMUP asks for the model at start-up (unset: no)."""
    raw = (settings.extra.get(VARIABLE) or "").strip().lower()
    if raw in _ON:
        return True
    if not raw or raw in _OFF:
        return False
    raise ConfigError(f"{VARIABLE} must be 1 or 0, got {raw!r}")


class Warmup:
    """Loads one model in a daemon thread (a server stopped meanwhile does not wait for it)."""

    def __init__(self, model: str | None) -> None:
        self._model = model
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._load, name="embedding-warmup", daemon=True)
        self.error: Exception | None = None

    def start(self) -> None:
        self._thread.start()

    def wait(self, timeout: float) -> bool:
        """Wait until the load ended (loaded or failed); False if it is still under way."""
        return self._done.wait(timeout)

    def _load(self) -> None:
        count_words("退款慢")  # loads the gate's Chinese dictionary
        started = time.monotonic()
        embedder = shared_embedder(self._model)
        try:
            embedder.model()
        except Exception as error:  # noqa: BLE001 - logged: submissions try again, the embedding job catches up
            self.error = error
            log.warning("the embedding model could not be loaded at start-up: %s", error)
        else:
            seconds = round(time.monotonic() - started, 1)
            log.info("embedding model loaded", extra={"model": embedder.model_name, "seconds": seconds})
        finally:
            self._done.set()
